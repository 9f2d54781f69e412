"""Digits: in a grid of pictures (PNG, SVG) or in shade blocks for a terminal, each with its label.

- digit_grid_png, digit_grid_svg: digits in a grid, each framed, its label (and the prediction,
  in red where it is wrong) under it.
- digit_text: one digit in Unicode shade blocks; digit_grid_text: digits side by side in them.

Images are flat lists of side * side pixel values, row by row, 0 = background, max_value = ink;
ink is drawn dark on white.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

from ..errors import PurennError
from ..vectors import Label
from . import _svg
from ._layout import (
    LIGHT_GREY,
    MARGIN,
    check_finite,
    check_positive_int,
    grid_origin,
    grid_size,
    svg_cells,
    text_extent,
    tint,
)
from ._png import (
    GLYPH_HEIGHT,
    Colour,
    draw_frame,
    draw_text,
    new_canvas,
    paint_cells,
    png_bytes,
    text_width,
)

__all__ = ["digit_grid_png", "digit_grid_svg", "digit_grid_text", "digit_text"]

Image = Sequence[float]

_BLACK: Colour = (0, 0, 0)
_RED: Colour = (214, 39, 40)


def _check_images(images: Sequence[Image], side: int, max_value: float) -> None:
    check_positive_int("side", side)
    if not images:
        raise PurennError("a digit grid needs at least one image")
    if not (isinstance(max_value, (int, float)) and math.isfinite(max_value) and max_value > 0):
        raise PurennError(f"max_value must be a positive finite number, found {max_value!r}")
    for index, image in enumerate(images):
        if len(image) != side * side:
            raise PurennError(
                f"image {index} has {len(image)} pixels, expected {side * side} ({side} x {side})"
            )
        check_finite(f"image {index}", image)


def _check_grid(
    images: Sequence[Image],
    labels: Sequence[Label],
    predictions: Optional[Sequence[object]],
    side: int,
    max_value: float,
    columns: int,
) -> None:
    """What every digit grid checks: the images, one label (and prediction) each, the columns."""
    _check_images(images, side, max_value)
    if len(labels) != len(images):
        raise PurennError(f"{len(images)} images but {len(labels)} labels")
    if predictions is not None and len(predictions) != len(images):
        raise PurennError(f"{len(images)} images but {len(predictions)} predictions")
    check_positive_int("columns", columns)


def _ink(value: float, max_value: float) -> float:
    """How much ink a pixel holds, from 0 (value 0 or less) to 1 (max_value or more)."""
    return min(max(value / max_value, 0.0), 1.0)


def _ink_grey(value: float, max_value: float) -> Colour:
    """The grey a pixel is drawn in: no ink is white (255, 255, 255), full ink is black."""
    return tint(_BLACK, _ink(value, max_value))


def _caption_parts(label: Label, predictions: Optional[Sequence[object]], index: int) -> Tuple[str, str]:
    """The caption of digit number index: its label, then "→prediction" (or "") after it."""
    if predictions is None:
        return str(label), ""
    prediction = predictions[index]
    return str(label), f"→{'?' if prediction is None else prediction}"


def _is_wrong(label: Label, predictions: Optional[Sequence[object]], index: int) -> bool:
    return predictions is not None and predictions[index] != label


# -- Pictures -----------------------------------------------------------------------------------


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
    _check_grid(images, labels, predictions, side, max_value, columns)
    check_positive_int("scale", scale)
    parts = [_caption_parts(label, predictions, index) for index, label in enumerate(labels)]
    font = max(1, scale // 2)
    framed = side * scale + 4  # a two-pixel frame on each side
    cell_width = max([framed, *(text_width(label + rest, font) for label, rest in parts)])
    cell_height = framed + MARGIN + GLYPH_HEIGHT * font + MARGIN  # room above and below labels
    canvas = new_canvas(*grid_size(len(images), columns, cell_width, cell_height))
    for index, image in enumerate(images):
        x, y = grid_origin(index, columns, cell_width, cell_height)
        left = x + (cell_width - framed) // 2
        colours = [_ink_grey(value, max_value) for value in image]
        paint_cells(canvas, left + 2, y + 2, side, scale, colours)
        wrong = _is_wrong(labels[index], predictions, index)
        if wrong:
            draw_frame(canvas, left, y, framed, framed, _RED)
        draw_frame(canvas, left + 1, y + 1, framed - 2, framed - 2, _RED if wrong else LIGHT_GREY)
        label, rest = parts[index]
        caption_left = x + (cell_width - text_width(label + rest, font)) // 2
        rest_left = draw_text(canvas, caption_left, y + framed + MARGIN, label, font, _BLACK)
        draw_text(canvas, rest_left, y + framed + MARGIN, rest, font, _RED if wrong else _BLACK)
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
    _check_grid(images, labels, predictions, side, max_value, columns)
    check_positive_int("scale", scale)
    captions = ["".join(_caption_parts(label, predictions, i)) for i, label in enumerate(labels)]
    font_size = 12
    framed = side * scale + 4
    cell_width = max([framed, *(text_extent(caption, font_size) for caption in captions)])
    cell_height = framed + font_size + 4
    gap = 6
    width, height = grid_size(len(images), columns, cell_width, cell_height, gap)
    digits = []
    for index, image in enumerate(images):
        x, y = grid_origin(index, columns, cell_width, cell_height, gap)
        left = x + (cell_width - framed) // 2
        wrong = _is_wrong(labels[index], predictions, index)
        frame = _svg.rect(
            left + 1,
            y + 1,
            framed - 2,
            framed - 2,
            "none",
            class_="frame",
            stroke=_svg.hex_colour(_RED if wrong else LIGHT_GREY),
            stroke_width=2 if wrong else 1,
        )
        colours = [_ink_grey(value, max_value) for value in image]
        pixels = svg_cells(left + 2, y + 2, side, scale, colours)
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
    _check_grid(images, labels, predictions, side, max_value, columns)
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
