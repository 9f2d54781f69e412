"""What several figures share: argument checks, the tint of a colour, the geometry of a grid.

- check_positive_int, check_finite: refuse a size below 1 or a value that is not a finite number.
- tint, LIGHT_GREY: a colour some of the way from white; the grey of frames.
- MARGIN, grid_origin, grid_size: cells of one size in rows, MARGIN (or gap) pixels apart.
- svg_cells: the squares _png.paint_cells paints, as SVG rects; text_extent: a guess of the width
  of SVG text.
"""

from __future__ import annotations

import math
from typing import List, Sequence, Tuple

from ..errors import PurennError
from . import _svg
from ._png import Colour

__all__ = [
    "LIGHT_GREY",
    "MARGIN",
    "check_finite",
    "check_positive_int",
    "grid_origin",
    "grid_size",
    "svg_cells",
    "text_extent",
    "tint",
]


LIGHT_GREY: Colour = (200, 200, 200)
MARGIN = 2  # pixels between the cells of a grid and around it


def check_positive_int(name: str, value: int) -> None:
    """Refuse a size or count (columns, scale, side) that is not an int >= 1; bool is not an int here."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PurennError(f"{name} must be a positive int, found {value!r}")


def check_finite(where: str, values: Sequence[float]) -> None:
    """Refuse a value that is not a finite int or float, naming where and its index."""
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PurennError(f"{where}, value {index}: expected a number, found {value!r}")
        if not math.isfinite(value):
            raise PurennError(f"{where}, value {index}: expected a finite number, found {value!r}")


def tint(colour: Colour, amount: float) -> Colour:
    """The colour amount of the way from white (amount 0) to colour (amount 1), rounded half up."""
    red, green, blue = (int(255 + amount * (channel - 255) + 0.5) for channel in colour)
    return (red, green, blue)


def grid_origin(
    index: int, columns: int, cell_width: int, cell_height: int, gap: int = MARGIN
) -> Tuple[int, int]:
    """Top-left corner of cell number index in a grid filled row by row, gap pixels apart."""
    row, column = divmod(index, columns)
    return (gap + column * (cell_width + gap), gap + row * (cell_height + gap))


def grid_size(
    count: int, columns: int, cell_width: int, cell_height: int, gap: int = MARGIN
) -> Tuple[int, int]:
    """Width and height of a grid of count cells, at most columns of them a row."""
    columns = min(columns, count)
    rows = -(-count // columns)
    return (gap + columns * (cell_width + gap), gap + rows * (cell_height + gap))


def svg_cells(x: int, y: int, side: int, scale: int, colours: Sequence[Colour]) -> List[str]:
    """The squares paint_cells paints, as SVG rects of class "pixel"."""
    cells = []
    for index, colour in enumerate(colours):
        row, column = divmod(index, side)
        fill = _svg.hex_colour(colour)
        cells.append(_svg.rect(x + column * scale, y + row * scale, scale, scale, fill, class_="pixel"))
    return cells


def text_extent(text: str, size: int) -> int:
    """A generous guess of the width of text in a sans-serif font of the given size."""
    return math.ceil(0.62 * size * len(text))
