"""A layer's input weights as pictures (PNG, SVG): one small image per unit, blue < 0 < red.

- weights_png, weights_svg: each unit's side x side input weights on one symmetric colour scale;
  the SVG writes each unit's bias under it and a colour bar above the grid.

A layer is a list of units, each its side * side input weights then its bias weight last.
"""

from __future__ import annotations

from typing import List, Sequence

from ..errors import PurennError
from . import _svg
from ._layout import (
    LIGHT_GREY,
    check_finite,
    check_positive_int,
    grid_origin,
    grid_size,
    svg_cells,
    text_extent,
    tint,
)
from ._png import Colour, draw_frame, new_canvas, paint_cells, png_bytes

__all__ = ["weights_png", "weights_svg"]

Layer = Sequence[Sequence[float]]

_WHITE: Colour = (255, 255, 255)
_NEGATIVE: Colour = (33, 102, 172)  # the blue end of the diverging scale
_POSITIVE: Colour = (178, 24, 43)  # the red end
_SMALLEST_TINT = 0.008  # of a weight that is not zero: see _diverging


def _check_layer(layer: Layer, side: int) -> None:
    check_positive_int("side", side)
    if not layer:
        raise PurennError("a layer needs at least one unit to draw")
    for index, unit in enumerate(layer):
        if len(unit) != side * side + 1:
            raise PurennError(
                f"unit {index} has {len(unit)} weights, expected {side * side + 1}"
                f" ({side} x {side} inputs and a bias)"
            )
        check_finite(f"unit {index}", unit)


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
    return tint(_POSITIVE if weight > 0 else _NEGATIVE, amount)


def _colour_limit(layer: Layer) -> float:
    """The symmetric colour scale of a layer: max |w| over every unit's input weights (no bias)."""
    return max(abs(weight) for unit in layer for weight in unit[:-1])


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
    check_positive_int("scale", scale)
    check_positive_int("columns", columns)
    limit = _colour_limit(layer)
    framed = side * scale + 2
    canvas = new_canvas(*grid_size(len(layer), columns, framed, framed))
    for index, unit in enumerate(layer):
        x, y = grid_origin(index, columns, framed, framed)
        draw_frame(canvas, x, y, framed, framed, LIGHT_GREY)
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
    check_positive_int("scale", scale)
    check_positive_int("columns", columns)
    limit = _colour_limit(layer)
    font_size = 11
    framed = side * scale + 2
    cell_width = max(framed, text_extent("b=+0.00", font_size))
    cell_height = framed + font_size + 4
    header = 52
    gap = 8
    width, height = grid_size(len(layer), columns, cell_width, cell_height, gap)
    width = max(width, 260)
    elements = _weights_legend(limit, len(layer), side)
    for index, unit in enumerate(layer):
        x, y = grid_origin(index, columns, cell_width, cell_height, gap)
        left, y = x + (cell_width - framed) // 2, y + header
        frame = _svg.rect(left, y, framed, framed, _svg.hex_colour(LIGHT_GREY), class_="frame")
        colours = [_diverging(weight, limit) for weight in unit[:-1]]
        pixels = svg_cells(left + 1, y + 1, side, scale, colours)
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
    grey = _svg.hex_colour(LIGHT_GREY)
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
