"""Pictures of digits, weights and training, drawn with the standard library alone.

Files (PNG through zlib and struct, SVG as text; both written atomically):
- png_bytes, write_png, write_svg: encode a picture, write a PNG or SVG file.
- digit_grid_png, digit_grid_svg: digits in a grid, each with its label (and the prediction).
- weights_png, weights_svg: a layer's input weights, one small image per unit, blue < 0 < red.
- confusion_svg: a confusion matrix as a heatmap with the counts written in.
- learning_curves_svg: loss and accuracy per epoch, in two panels.

Terminal text:
- digit_text, digit_grid_text: digits drawn with Unicode shade blocks.
- confusion_text: a confusion matrix as an aligned table.

The figure functions return the file's content (bytes for PNG, str for SVG) and touch no file:
    write_png("digits.png", digit_grid_png(images, labels))
Images are flat lists of side * side pixel values, row by row, 0 = background, max_value = ink;
ink is drawn dark on white. A layer is a list of units, each its side * side input weights then
its bias weight last.
"""

from __future__ import annotations

import math
import os
from typing import List, Mapping, Optional, Sequence, Tuple, Union

from purenn import _svg
from purenn._png import (
    GLYPH_HEIGHT,
    PNG_SIGNATURE,
    Colour,
    Pixel,
    draw_frame,
    draw_text,
    new_canvas,
    paint_cells,
    png_bytes,
    text_width,
)
from purenn.errors import PurennError
from purenn.files import write_atomically

__all__ = [
    "confusion_svg",
    "confusion_text",
    "digit_grid_png",
    "digit_grid_svg",
    "digit_grid_text",
    "digit_text",
    "learning_curves_svg",
    "png_bytes",
    "weights_png",
    "weights_svg",
    "write_png",
    "write_svg",
]

Label = Union[int, str]
Image = Sequence[float]
Layer = Sequence[Sequence[float]]
PathLike = Union[str, "os.PathLike[str]"]

_WHITE: Colour = (255, 255, 255)
_BLACK: Colour = (0, 0, 0)
_LIGHT_GREY: Colour = (200, 200, 200)
_RED: Colour = (214, 39, 40)
_NEGATIVE: Colour = (33, 102, 172)  # the blue end of the diverging scale
_POSITIVE: Colour = (178, 24, 43)  # the red end
_DARK_BLUE: Colour = (8, 48, 107)  # the full end of the confusion heatmap
_SMALLEST_TINT = 0.008  # of a weight that is not zero: see _diverging
_MARGIN = 2  # pixels between the cells of a grid and around it


# -- Writing files ------------------------------------------------------------------------------


def write_png(path: PathLike, image: Union[bytes, Sequence[Sequence[Pixel]]], *, color: bool = False) -> None:
    """Write a PNG file atomically: a temporary file in the same directory, renamed into place.

    image is either rows of pixels, encoded with png_bytes(rows, color=color), or the bytes of a
    PNG file as a figure function returns them. Raises PurennError for bytes that are not a PNG
    file and for rows png_bytes refuses; OSError if the directory cannot be written.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "dot.png")
    ...     write_png(path, [[0]])
    ...     os.listdir(directory), open(path, "rb").read()[1:4]
    (['dot.png'], b'PNG')
    """
    if isinstance(image, (bytes, bytearray)):
        if not image.startswith(PNG_SIGNATURE):
            raise PurennError("write_png was given bytes that do not start with the PNG signature")
        write_atomically(path, bytes(image))
    else:
        write_atomically(path, png_bytes(image, color=color))


def write_svg(path: PathLike, svg_text: str) -> None:
    """Write SVG text to a file atomically, encoded as UTF-8.

    Raises PurennError if svg_text is not a str starting with "<svg" or "<?xml"; OSError if the
    directory cannot be written.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "matrix.svg")
    ...     write_svg(path, confusion_svg([[1]], ["a"]))
    ...     open(path, encoding="utf-8").read().startswith("<svg")
    True
    """
    if not isinstance(svg_text, str) or not svg_text.lstrip().startswith(("<svg", "<?xml")):
        raise PurennError("write_svg needs the text of an SVG document, starting with <svg")
    write_atomically(path, svg_text.encode("utf-8"))


# -- Checking arguments and mapping values to colours ------------------------------------------


def _check_positive_int(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PurennError(f"{name} must be a positive int, found {value!r}")


def _check_finite(where: str, values: Sequence[float]) -> None:
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PurennError(f"{where}, value {index}: expected a number, found {value!r}")
        if not math.isfinite(value):
            raise PurennError(f"{where}, value {index}: expected a finite number, found {value!r}")


def _check_images(images: Sequence[Image], side: int, max_value: float) -> None:
    _check_positive_int("side", side)
    if not images:
        raise PurennError("a digit grid needs at least one image")
    if not (isinstance(max_value, (int, float)) and math.isfinite(max_value) and max_value > 0):
        raise PurennError(f"max_value must be a positive finite number, found {max_value!r}")
    for index, image in enumerate(images):
        if len(image) != side * side:
            raise PurennError(
                f"image {index} has {len(image)} pixels, expected {side * side} ({side} x {side})"
            )
        _check_finite(f"image {index}", image)


def _check_captions(
    images: Sequence[Image], labels: Sequence[Label], predictions: Optional[Sequence[object]]
) -> None:
    if len(labels) != len(images):
        raise PurennError(f"{len(images)} images but {len(labels)} labels")
    if predictions is not None and len(predictions) != len(images):
        raise PurennError(f"{len(images)} images but {len(predictions)} predictions")


def _check_layer(layer: Layer, side: int) -> None:
    _check_positive_int("side", side)
    if not layer:
        raise PurennError("a layer needs at least one unit to draw")
    for index, unit in enumerate(layer):
        if len(unit) != side * side + 1:
            raise PurennError(
                f"unit {index} has {len(unit)} weights, expected {side * side + 1}"
                f" ({side} x {side} inputs and a bias)"
            )
        _check_finite(f"unit {index}", unit)


def _ink(value: float, max_value: float) -> float:
    """How much ink a pixel holds, from 0 (value 0 or less) to 1 (max_value or more)."""
    return min(max(value / max_value, 0.0), 1.0)


def _ink_grey(value: float, max_value: float) -> Colour:
    """The grey a pixel is drawn in: no ink is white (255, 255, 255), full ink is black."""
    return _tint(_BLACK, _ink(value, max_value))


def _tint(colour: Colour, amount: float) -> Colour:
    """The colour amount of the way from white (amount 0) to colour (amount 1), rounded half up."""
    red, green, blue = (int(255 + amount * (channel - 255) + 0.5) for channel in colour)
    return (red, green, blue)


def _diverging(weight: float, limit: float) -> Colour:
    """Blue for negative, white at exactly zero, red for positive; full colour at |weight| = limit.

    A weight that is not zero gets at least the tint _SMALLEST_TINT, never white: red and blue
    are 135 (red end) or 139 (blue end) levels apart at full colour, so at 0.008 of the way they
    still differ by a level after rounding, and the sign shows in the colour.

    >>> _diverging(0.0, 2.0), _diverging(2.0, 2.0), _diverging(-1e-9, 2.0)
    ((255, 255, 255), (178, 24, 43), (253, 254, 254))
    """
    if weight == 0 or limit == 0:
        return _WHITE
    amount = max(min(abs(weight) / limit, 1.0), _SMALLEST_TINT)
    return _tint(_POSITIVE if weight > 0 else _NEGATIVE, amount)


def _weight_limit(layer: Layer) -> float:
    """The symmetric colour scale of a layer: max |w| over every unit's input weights (no bias)."""
    return max(abs(weight) for unit in layer for weight in unit[:-1])


def _caption_parts(label: Label, predictions: Optional[Sequence[object]], index: int) -> Tuple[str, str]:
    """The caption of digit number index: its label, then "→prediction" (or "") after it."""
    if predictions is None:
        return str(label), ""
    prediction = predictions[index]
    return str(label), f"→{'?' if prediction is None else prediction}"


def _is_wrong(label: Label, predictions: Optional[Sequence[object]], index: int) -> bool:
    return predictions is not None and predictions[index] != label


def _grid_origin(
    index: int, columns: int, cell_width: int, cell_height: int, gap: int = _MARGIN
) -> Tuple[int, int]:
    """Top-left corner of cell number index in a grid filled row by row, gap pixels apart."""
    row, column = divmod(index, columns)
    return (gap + column * (cell_width + gap), gap + row * (cell_height + gap))


def _grid_size(
    count: int, columns: int, cell_width: int, cell_height: int, gap: int = _MARGIN
) -> Tuple[int, int]:
    """Width and height of a grid of count cells, at most columns of them a row."""
    columns = min(columns, count)
    rows = -(-count // columns)
    return (gap + columns * (cell_width + gap), gap + rows * (cell_height + gap))


def _svg_cells(x: int, y: int, side: int, scale: int, colours: Sequence[Colour]) -> List[str]:
    """The squares paint_cells paints, as SVG rects of class "pixel"."""
    cells = []
    for index, colour in enumerate(colours):
        row, column = divmod(index, side)
        fill = _svg.hex_colour(colour)
        cells.append(_svg.rect(x + column * scale, y + row * scale, scale, scale, fill, class_="pixel"))
    return cells


def _text_extent(text: str, size: int) -> int:
    """A generous guess of the width of text in a sans-serif font of the given size."""
    return math.ceil(0.62 * size * len(text))


# -- Digits -------------------------------------------------------------------------------------


def digit_grid_png(
    images: Sequence[Image],
    labels: Sequence[Label],
    *,
    predictions: Optional[Sequence[object]] = None,
    columns: int = 10,
    scale: int = 4,
    side: int = 8,
    max_value: float = 16.0,
) -> bytes:
    """Draw digits in a grid, each framed, with its label under it in a 3x5 pixel font.

    images are flat lists of side * side pixels (0 = background .. max_value = ink, drawn black on
    white), each pixel scale x scale screen pixels. With predictions the caption reads
    "label→prediction" (None shows as "?"); a wrong prediction is drawn in red and the digit gets a
    red frame. Labels the font cannot draw (it knows digits, "-", "?") show as "?".
    Raises PurennError for no images, an image of the wrong size or with a non-finite pixel, labels
    or predictions of another count than images, or columns, scale or side below 1.

    >>> data = digit_grid_png([[0.0] * 63 + [16.0]], [7], predictions=[1])
    >>> data[1:4], int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    (b'PNG', 40, 54)
    """
    _check_images(images, side, max_value)
    _check_captions(images, labels, predictions)
    _check_positive_int("columns", columns)
    _check_positive_int("scale", scale)
    parts = [_caption_parts(label, predictions, index) for index, label in enumerate(labels)]
    font = max(1, scale // 2)
    framed = side * scale + 4  # a two-pixel frame on each side
    cell_width = max([framed, *(text_width(label + rest, font) for label, rest in parts)])
    cell_height = framed + _MARGIN + GLYPH_HEIGHT * font + _MARGIN  # room above and below labels
    canvas = new_canvas(*_grid_size(len(images), columns, cell_width, cell_height))
    for index, image in enumerate(images):
        x, y = _grid_origin(index, columns, cell_width, cell_height)
        left = x + (cell_width - framed) // 2
        colours = [_ink_grey(value, max_value) for value in image]
        paint_cells(canvas, left + 2, y + 2, side, scale, colours)
        wrong = _is_wrong(labels[index], predictions, index)
        if wrong:
            draw_frame(canvas, left, y, framed, framed, _RED)
        draw_frame(canvas, left + 1, y + 1, framed - 2, framed - 2, _RED if wrong else _LIGHT_GREY)
        label, rest = parts[index]
        caption_left = x + (cell_width - text_width(label + rest, font)) // 2
        rest_left = draw_text(canvas, caption_left, y + framed + _MARGIN, label, font, _BLACK)
        draw_text(canvas, rest_left, y + framed + _MARGIN, rest, font, _RED if wrong else _BLACK)
    return png_bytes(canvas, color=True)


def digit_grid_svg(
    images: Sequence[Image],
    labels: Sequence[Label],
    *,
    predictions: Optional[Sequence[object]] = None,
    columns: int = 10,
    scale: int = 4,
    side: int = 8,
    max_value: float = 16.0,
) -> str:
    """Draw digits in a grid as SVG: each a group of grey squares, a frame and a caption.

    The arguments and errors are those of digit_grid_png. Each digit is a <g class="digit">
    holding a frame, side * side <rect class="pixel"> and a <text class="label"> under it: the
    label, or "label→prediction", in bold red when the prediction is wrong (the frame turns red).

    >>> svg = digit_grid_svg([[0.0] * 64, [16.0] * 64], [0, 1], predictions=[0, 7])
    >>> svg.count('class="pixel"'), svg.count('class="label"'), "1→7" in svg
    (128, 2, True)
    """
    _check_images(images, side, max_value)
    _check_captions(images, labels, predictions)
    _check_positive_int("columns", columns)
    _check_positive_int("scale", scale)
    captions = ["".join(_caption_parts(label, predictions, i)) for i, label in enumerate(labels)]
    font_size = 12
    framed = side * scale + 4
    cell_width = max([framed, *(_text_extent(caption, font_size) for caption in captions)])
    cell_height = framed + font_size + 4
    gap = 6
    width, height = _grid_size(len(images), columns, cell_width, cell_height, gap)
    digits = []
    for index, image in enumerate(images):
        x, y = _grid_origin(index, columns, cell_width, cell_height, gap)
        left = x + (cell_width - framed) // 2
        wrong = _is_wrong(labels[index], predictions, index)
        frame = _svg.rect(
            left + 1,
            y + 1,
            framed - 2,
            framed - 2,
            "none",
            class_="frame",
            stroke=_svg.hex_colour(_RED if wrong else _LIGHT_GREY),
            stroke_width=2 if wrong else 1,
        )
        colours = [_ink_grey(value, max_value) for value in image]
        pixels = _svg_cells(left + 2, y + 2, side, scale, colours)
        caption = _svg.text(
            x + cell_width / 2,
            y + framed + font_size + 1,
            captions[index],
            size=font_size,
            class_="label",
            fill=_svg.hex_colour(_RED) if wrong else None,
            font_weight="bold" if wrong else None,
        )
        digits.append(_svg.group([frame, *pixels, caption], class_="digit"))
    return _svg.document(width, height, [_svg.group(digits, shape_rendering="crispEdges")])


# -- Weights ------------------------------------------------------------------------------------


def weights_png(layer: Layer, *, side: int = 8, scale: int = 6, columns: int = 8) -> bytes:
    """Draw each unit's input weights as a side x side image, blue < 0 < red, white at exactly 0.

    layer is a list of units, each side * side input weights then its bias (not drawn). Every unit
    shares one symmetric scale: full colour at the largest |w| of the layer's input weights, so
    the images can be compared. Each weight is a scale x scale square; each unit has a grey frame.
    Raises PurennError for an empty layer, a unit of another length than side * side + 1 or with a
    non-finite weight, or side, scale or columns below 1.

    >>> data = weights_png([[0.5] * 4 + [0.0]], side=2, scale=1)
    >>> int.from_bytes(data[16:20], "big"), data[25]
    (8, 2)
    """
    _check_layer(layer, side)
    _check_positive_int("scale", scale)
    _check_positive_int("columns", columns)
    limit = _weight_limit(layer)
    framed = side * scale + 2
    canvas = new_canvas(*_grid_size(len(layer), columns, framed, framed))
    for index, unit in enumerate(layer):
        x, y = _grid_origin(index, columns, framed, framed)
        draw_frame(canvas, x, y, framed, framed, _LIGHT_GREY)
        colours = [_diverging(weight, limit) for weight in unit[:-1]]
        paint_cells(canvas, x + 1, y + 1, side, scale, colours)
    return png_bytes(canvas, color=True)


def weights_svg(layer: Layer, *, side: int = 8, scale: int = 6, columns: int = 8) -> str:
    """Draw each unit's input weights as in weights_png, with its bias written under it.

    The arguments and errors are those of weights_png. Each unit is a <g class="unit"> holding a
    frame, side * side <rect class="pixel"> and a <text class="bias"> such as "b=+0.12"; above the
    grid a colour bar shows the scale, from -max|w| (blue) through 0 (white) to +max|w| (red).

    >>> svg = weights_svg([[1.0, -1.0, 0.0, 0.5, 0.25], [0.0, 0.0, 0.0, 0.0, -0.5]], side=2)
    >>> svg.count('class="pixel"'), svg.count('class="unit"'), "b=+0.25" in svg, "b=-0.50" in svg
    (8, 2, True, True)
    """
    _check_layer(layer, side)
    _check_positive_int("scale", scale)
    _check_positive_int("columns", columns)
    limit = _weight_limit(layer)
    font_size = 11
    framed = side * scale + 2
    cell_width = max(framed, _text_extent("b=+0.00", font_size))
    cell_height = framed + font_size + 4
    header = 52
    gap = 8
    width, height = _grid_size(len(layer), columns, cell_width, cell_height, gap)
    width = max(width, 260)
    elements = _weights_legend(limit, len(layer), side)
    for index, unit in enumerate(layer):
        x, y = _grid_origin(index, columns, cell_width, cell_height, gap)
        left, y = x + (cell_width - framed) // 2, y + header
        frame = _svg.rect(left, y, framed, framed, _svg.hex_colour(_LIGHT_GREY), class_="frame")
        colours = [_diverging(weight, limit) for weight in unit[:-1]]
        pixels = _svg_cells(left + 1, y + 1, side, scale, colours)
        bias = _svg.text(
            x + cell_width / 2,
            y + framed + font_size + 1,
            f"b={_signed(unit[-1])}",
            size=font_size,
            class_="bias",
        )
        elements.append(_svg.group([frame, *pixels, bias], class_="unit"))
    return _svg.document(width, height + header, elements)


def _weights_legend(limit: float, units: int, side: int) -> List[str]:
    """The title and colour bar of weights_svg: 21 squares from -limit through 0 to +limit."""
    title = f"input weights of {units} units ({side} x {side}), bias under each"
    elements = [_svg.text(8, 16, title, size=12, anchor="start", class_="title")]
    left, top, step = 60, 24, 8
    for index in range(21):
        colour = _svg.hex_colour(_diverging((index - 10) / 10 * limit, limit))
        elements.append(_svg.rect(left + index * step, top, step, 10, colour, class_="legend"))
    grey = _svg.hex_colour(_LIGHT_GREY)
    elements.append(_svg.rect(left, top, 21 * step, 10, "none", stroke=grey))
    elements.append(_svg.text(left - 4, top + 9, _signed(-limit), size=10, anchor="end"))
    elements.append(_svg.text(left + 10.5 * step, top + 21, "0", size=10))
    elements.append(_svg.text(left + 21 * step + 4, top + 9, _signed(limit), size=10, anchor="start"))
    return elements


def _signed(value: float) -> str:
    """A value with its sign and two decimals; one that rounds to zero is "+0.00", not "-0.00".

    >>> _signed(0.125), _signed(-0.5), _signed(-0.001)
    ('+0.12', '-0.50', '+0.00')
    """
    written = f"{value:+.2f}"
    return "+0.00" if written == "-0.00" else written


# -- Confusion matrices -------------------------------------------------------------------------


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
        _text_extent("8" * widest_count, font_size) + 8,
        *(_text_extent(name, font_size) + 8 for name in names),
    )
    left = 28 + max(_text_extent(name, font_size) for name in names[: len(matrix)]) + 8
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
            fill = _svg.hex_colour(_tint(_DARK_BLUE, share))
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


# -- Learning curves ----------------------------------------------------------------------------


def _number_in(entry: Mapping[str, object], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PurennError(f"{where}: {key!r} must be a finite number, found {value!r}")
    return float(value)


def _history_curves(history: Sequence[Mapping[str, object]]) -> List[List[Tuple[float, float]]]:
    """The (epoch, value) points of loss, train accuracy and validation accuracy; None skipped."""
    if not history:
        raise PurennError("learning curves need a history of at least one epoch")
    curves: List[List[Tuple[float, float]]] = [[], [], []]
    for index, entry in enumerate(history):
        where = f"history entry {index}"
        if not isinstance(entry, Mapping):
            raise PurennError(f"{where}: expected a dict, found {entry!r}")
        epoch = _number_in(entry, "epoch", where)
        curves[0].append((epoch, _number_in(entry, "loss", where)))
        for curve, key in zip(curves[1:], ("train_accuracy", "validation_accuracy")):
            if entry.get(key) is not None:
                accuracy = _number_in(entry, key, where)
                if not 0.0 <= accuracy <= 1.0:
                    raise PurennError(f"{where}: {key!r} must lie in 0..1, found {accuracy!r}")
                curve.append((epoch, accuracy))
    return curves


def learning_curves_svg(history: Sequence[Mapping[str, object]]) -> str:
    """Draw loss per epoch and accuracy per epoch, side by side.

    history is a list of dicts, one per epoch, with "epoch" and "loss" numbers and
    "train_accuracy" and "validation_accuracy" in 0..1 or None (missing keys count as None).
    Each curve is a <polyline class="curve"> with one point per epoch that has the value; the
    accuracy panel has a legend (train, validation) when it shows both.
    Raises PurennError for an empty history, an entry that is not a dict, a missing or non-finite
    epoch or loss, or an accuracy outside 0..1.

    >>> history = [{"epoch": 1, "loss": 0.9, "train_accuracy": 0.6, "validation_accuracy": None},
    ...            {"epoch": 2, "loss": 0.5, "train_accuracy": 0.8, "validation_accuracy": 0.7}]
    >>> svg = learning_curves_svg(history)
    >>> svg.count('class="curve"'), svg.count('class="legend"')
    (3, 2)
    """
    losses, train, validation = _history_curves(history)
    epochs = [epoch for epoch, _loss in losses]
    x_ticks = _svg.nice_ticks(min(epochs), max(epochs), integer=True)
    loss_values = [loss for _epoch, loss in losses]
    loss_ticks = _svg.nice_ticks(min(loss_values), max(loss_values))
    accuracies = [accuracy for _epoch, accuracy in train + validation] or [0.0, 1.0]
    accuracy_ticks = [
        tick for tick in _svg.nice_ticks(min(accuracies), max(accuracies)) if -1e-9 <= tick <= 1 + 1e-9
    ]
    elements = _svg.line_chart(
        64, ("loss", "epoch", "loss"), x_ticks, loss_ticks, [("loss", "#333333", losses)]
    )
    accuracy_series = [("train", "#1f77b4", train), ("validation", "#ff7f0e", validation)]
    elements += _svg.line_chart(
        444, ("accuracy", "epoch", "accuracy"), x_ticks, accuracy_ticks, accuracy_series
    )
    return _svg.document(764, 280, elements)


# -- Terminal text ------------------------------------------------------------------------------

_SHADES = " ░▒▓█"


def _digit_rows(pixels: Image, side: int, max_value: float) -> List[str]:
    """The rows of a digit in shade blocks, two characters a pixel, not stripped."""
    shades = [_SHADES[round(_ink(value, max_value) * 4)] * 2 for value in pixels]
    return ["".join(shades[start : start + side]) for start in range(0, side * side, side)]


def digit_text(pixels: Image, *, side: int = 8, max_value: float = 16.0) -> str:
    """Draw one digit with Unicode shade blocks, two characters a pixel so it looks square.

    pixels is a flat list of side * side values; 0 is a blank, max_value (or more) a full block
    "█", and values between take the nearest of "░▒▓". Trailing blanks of each line are cut.
    Raises PurennError if there are not side * side finite pixels.

    >>> print(digit_text([16, 0, 8, 4], side=2).replace(" ", "."))
    ██
    ▒▒░░
    """
    _check_images([pixels], side, max_value)
    return "\n".join(row.rstrip() for row in _digit_rows(pixels, side, max_value))


def digit_grid_text(
    images: Sequence[Image],
    labels: Sequence[Label],
    *,
    predictions: Optional[Sequence[object]] = None,
    columns: int = 10,
    side: int = 8,
    max_value: float = 16.0,
) -> str:
    """Draw digits side by side in shade blocks, each with its label centred under it.

    With predictions the caption reads "label→prediction", followed by " ✗" when they differ.
    Rows of digits are separated by a blank line. The arguments and errors are those of
    digit_grid_png (without scale).

    >>> print(digit_grid_text([[16, 0, 0, 16], [0, 16, 16, 0]], [1, 2], side=2))
    ██      ██
      ██  ██
     1     2
    """
    _check_images(images, side, max_value)
    _check_captions(images, labels, predictions)
    _check_positive_int("columns", columns)
    captions = [
        "".join(_caption_parts(label, predictions, index))
        + (" ✗" if _is_wrong(label, predictions, index) else "")
        for index, label in enumerate(labels)
    ]
    width = max([2 * side, *(len(caption) for caption in captions)])
    blocks = []
    for start in range(0, len(images), columns):
        digits = [_digit_rows(image, side, max_value) for image in images[start : start + columns]]
        lines = ["  ".join(rows[row].ljust(width) for rows in digits) for row in range(side)]
        lines.append("  ".join(caption.center(width) for caption in captions[start : start + columns]))
        blocks.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(blocks)


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
