"""A confusion matrix, as a heatmap (SVG) or as an aligned table of counts (terminal text).

- confusion_svg: rows are true classes, columns predicted ones, each cell shaded by its share of
  the row, with the count written in.
- confusion_text: the same counts as a table, true classes down, predictions across.
"""

from __future__ import annotations

from typing import Sequence

from ..errors import PurennError
from ..vectors import Label
from . import _svg
from ._layout import text_extent, tint
from ._png import Colour

__all__ = ["confusion_svg", "confusion_text"]

_DARK_BLUE: Colour = (8, 48, 107)  # the full end of the confusion heatmap


def _check_counts(matrix: Sequence[Sequence[int]], rows: int, columns: int) -> None:
    if len(matrix) != rows:
        raise PurennError(f"confusion matrix has {len(matrix)} rows, expected {rows}")
    for row_index, row in enumerate(matrix):
        if len(row) != columns:
            raise PurennError(f"confusion matrix row {row_index} has {len(row)} counts, expected {columns}")
        for count in row:
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise PurennError(
                    f"confusion matrix row {row_index}: expected counts (ints >= 0), found {count!r}"
                )


def confusion_svg(matrix: Sequence[Sequence[int]], labels: Sequence[Label]) -> str:
    """Draw a confusion matrix as a heatmap: rows are true classes, columns predicted ones.

    labels names the columns; the rows are the first len(matrix) of them, so a last column
    without a row (such as "none", for undecided predictions) is allowed. A matrix straight from
    metrics.confusion_matrix, with its extra column and only the class labels, gets the name
    "none" for that column. Each cell is a <rect class="cell"> shaded from white to dark blue by
    count / row total, with the count written in it (<text class="count">); the axes are titled
    "true" and "predicted".
    Raises PurennError for no rows, a row count other than len(labels) or len(labels) - 1, a row
    of another length than the columns, or a count that is not an int >= 0.

    >>> svg = confusion_svg([[5, 0, 1], [2, 3, 0]], [0, 1, "none"])
    >>> svg.count('class="cell"'), svg.count('class="count"'), ">none</text>" in svg
    (6, 6, True)
    >>> confusion_svg([[5, 0, 1], [2, 3, 0]], [0, 1]) == svg
    True
    """
    if not matrix:
        raise PurennError("a confusion matrix needs at least one row")
    if len(matrix) == len(labels) and len(matrix[0]) == len(labels) + 1:
        labels = [*labels, "none"]
    if len(matrix) not in (len(labels), len(labels) - 1):
        raise PurennError(
            f"confusion matrix has {len(matrix)} rows for {len(labels)} labels:"
            " expected one row per label, or one fewer (a last column such as 'none')"
        )
    _check_counts(matrix, len(matrix), len(labels))
    names = [str(label) for label in labels]
    font_size = 12
    widest_count = max((len(str(count)) for row in matrix for count in row), default=1)
    cell = max(
        36,
        text_extent("8" * widest_count, font_size) + 8,
        *(text_extent(name, font_size) + 8 for name in names),
    )
    left = 28 + max(text_extent(name, font_size) for name in names[: len(matrix)]) + 8
    top = 28 + font_size + 8
    width, height = left + cell * len(labels) + 12, top + cell * len(matrix) + 12
    middle_x, middle_y = left + cell * len(labels) / 2, top + cell * len(matrix) / 2
    elements = [
        _svg.text(middle_x, 18, "predicted", size=14, class_="axis-title"),
        _svg.text(
            18,
            middle_y,
            "true",
            size=14,
            class_="axis-title",
            transform=f"rotate(-90 18 {_svg.number(middle_y)})",
        ),
    ]
    for column, name in enumerate(names):
        elements.append(
            _svg.text(left + (column + 0.5) * cell, top - 8, name, size=font_size, class_="class-name")
        )
    for row, counts in enumerate(matrix):
        y = top + row * cell
        elements.append(
            _svg.text(
                left - 8,
                y + cell / 2 + 4,
                names[row],
                size=font_size,
                anchor="end",
                class_="class-name",
            )
        )
        total = sum(counts)
        for column, count in enumerate(counts):
            share = count / total if total else 0.0
            fill = _svg.hex_colour(tint(_DARK_BLUE, share))
            x = left + column * cell
            elements.append(_svg.rect(x, y, cell, cell, fill, class_="cell", stroke="#dddddd"))
            elements.append(
                _svg.text(
                    x + cell / 2,
                    y + cell / 2 + 4,
                    str(count),
                    size=font_size,
                    class_="count",
                    fill="white" if share > 0.5 else "black",
                )
            )
    return _svg.document(width, height, elements)


def confusion_text(
    matrix: Sequence[Sequence[int]], row_labels: Sequence[Label], column_labels: Sequence[Label]
) -> str:
    r"""Write a confusion matrix as an aligned table: true classes down, predictions across.

    Raises PurennError unless matrix has one row per row label, each with one int >= 0 per
    column label.

    >>> print(confusion_text([[5, 0, 1], [2, 13, 0]], [0, 1], [0, 1, "none"]))
    true\predicted  0   1  none
    0               5   0     1
    1               2  13     0
    """
    _check_counts(matrix, len(row_labels), len(column_labels))
    corner = "true\\predicted"
    first_width = max([len(corner), *(len(str(label)) for label in row_labels)])
    widths = [
        max([len(str(label)), *(len(str(row[column])) for row in matrix)])
        for column, label in enumerate(column_labels)
    ]
    header = corner.ljust(first_width) + "".join(
        "  " + str(label).rjust(width) for label, width in zip(column_labels, widths)
    )
    lines = [header]
    for label, row in zip(row_labels, matrix):
        cells = "".join("  " + str(count).rjust(width) for count, width in zip(row, widths))
        lines.append(str(label).ljust(first_width) + cells)
    return "\n".join(lines)
