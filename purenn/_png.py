"""Raster pictures with the standard library alone: a canvas, a 3x5 pixel font, PNG encoding.

- Colour, Canvas, Pixel: an (r, g, b) triple of ints 0..255; rows of colours, top row first;
  a grey level or a colour.
- new_canvas, fill_rect, draw_frame, paint_cells, draw_text, text_width: paint into a canvas in
  place.
- png_bytes: encode rows of grey levels or of colours as a PNG file (zlib + struct).

A PNG file is the 8-byte signature followed by chunks. Each chunk is
    length (4 bytes, big endian) | type (4 ASCII letters) | data | CRC-32 of type + data.
We write three: IHDR (width, height, bit depth 8, colour type 0 = grey or 2 = RGB, then
compression, filter and interlace methods, all 0), one IDAT (the zlib-compressed scanlines, each
preceded by its filter type byte, always 0 = "None") and an empty IEND.
"""

from __future__ import annotations

import struct
import zlib
from typing import Dict, List, Sequence, Tuple, Union

from purenn.errors import PurennError

__all__ = [
    "GLYPH_HEIGHT",
    "PNG_SIGNATURE",
    "Canvas",
    "Colour",
    "Pixel",
    "draw_frame",
    "draw_text",
    "fill_rect",
    "new_canvas",
    "paint_cells",
    "png_bytes",
    "text_width",
]

Colour = Tuple[int, int, int]
Canvas = List[List[Colour]]
Pixel = Union[int, Sequence[int]]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_GREY = 0
_RGB = 2


# -- PNG encoding -------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def _channel(value: object, x: int, y: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise PurennError(f"pixel at column {x}, row {y}: expected an int 0..255, found {value!r}")
    return value


def _scanline(row: Sequence[Pixel], color: bool, y: int) -> bytes:
    if not color:
        return bytes(_channel(value, x, y) for x, value in enumerate(row))
    channels: List[int] = []
    for x, pixel in enumerate(row):
        if isinstance(pixel, int) or len(pixel) != 3:
            raise PurennError(f"pixel at column {x}, row {y}: expected (r, g, b), found {pixel!r}")
        channels.extend(_channel(value, x, y) for value in pixel)
    return bytes(channels)


def png_bytes(rows: Sequence[Sequence[Pixel]], *, color: bool = False) -> bytes:
    """Encode a picture as the bytes of a PNG file, 8 bits per channel.

    rows lists the picture's rows, top first. With color=False every pixel is a grey level, an
    int 0 (black) .. 255 (white); with color=True it is an (r, g, b) triple of such ints.
    Raises PurennError if there are no rows or no columns, if the rows differ in length, or if a
    pixel is not an int 0..255 (or a triple of them).

    >>> data = png_bytes([[0, 128, 255]])
    >>> data[:8] == PNG_SIGNATURE
    True
    >>> data[12:16], int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    (b'IHDR', 3, 1)
    >>> png_bytes([[0, 1], [2]])
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: row 1 has 1 pixels, row 0 has 2
    """
    if not rows or not rows[0]:
        raise PurennError("a PNG picture needs at least one row and one column")
    width, height = len(rows[0]), len(rows)
    for y, row in enumerate(rows):
        if len(row) != width:
            raise PurennError(f"row {y} has {len(row)} pixels, row 0 has {width}")
    scanlines = b"".join(b"\x00" + _scanline(row, color, y) for y, row in enumerate(rows))
    header = struct.pack(">IIBBBBB", width, height, 8, _RGB if color else _GREY, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(scanlines, 9))
        + _chunk(b"IEND", b"")
    )


# -- Painting -----------------------------------------------------------------------------------


def new_canvas(width: int, height: int, background: Colour = (255, 255, 255)) -> Canvas:
    """Return a width x height canvas filled with one colour.

    >>> new_canvas(2, 1)
    [[(255, 255, 255), (255, 255, 255)]]
    """
    return [[background] * width for _ in range(height)]


def fill_rect(canvas: Canvas, x: int, y: int, width: int, height: int, colour: Colour) -> None:
    """Paint a rectangle whose top-left pixel is (x, y), in place; parts off the canvas are cut.

    >>> canvas = new_canvas(3, 2)
    >>> fill_rect(canvas, 1, 0, 5, 1, (0, 0, 0))
    >>> [[pixel[0] for pixel in row] for row in canvas]
    [[255, 0, 0], [255, 255, 255]]
    """
    left, right = max(x, 0), min(x + width, len(canvas[0]) if canvas else 0)
    for row in canvas[max(y, 0) : max(y + height, 0)]:
        row[left:right] = [colour] * max(right - left, 0)


def draw_frame(canvas: Canvas, x: int, y: int, width: int, height: int, colour: Colour) -> None:
    """Paint the one-pixel outline of the rectangle at (x, y), in place.

    >>> canvas = new_canvas(3, 3)
    >>> draw_frame(canvas, 0, 0, 3, 3, (0, 0, 0))
    >>> [[pixel[0] // 255 for pixel in row] for row in canvas]
    [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    fill_rect(canvas, x, y, width, 1, colour)
    fill_rect(canvas, x, y + height - 1, width, 1, colour)
    fill_rect(canvas, x, y, 1, height, colour)
    fill_rect(canvas, x + width - 1, y, 1, height, colour)


def paint_cells(canvas: Canvas, x: int, y: int, side: int, scale: int, colours: Sequence[Colour]) -> None:
    """Paint a picture of side columns, each cell a scale x scale square, top-left at (x, y).

    colours lists the cells row by row; the last row may be short.

    >>> canvas = new_canvas(4, 2)
    >>> paint_cells(canvas, 0, 0, 2, 2, [(0, 0, 0), (9, 9, 9)])
    >>> [[pixel[0] for pixel in row] for row in canvas]
    [[0, 0, 9, 9], [0, 0, 9, 9]]
    """
    for index, colour in enumerate(colours):
        row, column = divmod(index, side)
        fill_rect(canvas, x + column * scale, y + row * scale, scale, scale, colour)


# -- A 3x5 pixel font ----------------------------------------------------------------------------

GLYPH_HEIGHT = 5
_GLYPH_WIDTH = 3
_GLYPH_ROWS: Dict[str, str] = {
    "0": "### #.# #.# #.# ###",
    "1": ".#. ##. .#. .#. ###",
    "2": "### ..# ### #.. ###",
    "3": "### ..# .## ..# ###",
    "4": "#.# #.# ### ..# ..#",
    "5": "### #.. ### ..# ###",
    "6": "### #.. ### #.# ###",
    "7": "### ..# ..# .#. .#.",
    "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ###",
    "?": "### ..# .## ... .#.",
    "-": "... ... ### ... ...",
    "→": ".#. ..# ### ..# .#.",
    " ": "... ... ... ... ...",
}


def text_width(text: str, size: int) -> int:
    """Width in pixels of text drawn by draw_text: 3 columns a glyph, 1 between glyphs, times size.

    >>> text_width("7", 2), text_width("7→1", 2), text_width("", 2)
    (6, 22, 0)
    """
    return max(len(text) * (_GLYPH_WIDTH + 1) - 1, 0) * size


def draw_text(canvas: Canvas, x: int, y: int, text: str, size: int, colour: Colour) -> int:
    """Draw text with the built-in 3x5 font, top-left at (x, y), each font dot size x size pixels.

    Returns the x at which a following character would start. The font has the digits, "?", "-",
    "→" and the space; any other character is drawn as "?". Dots off the canvas are cut.

    >>> canvas = new_canvas(3, 5)
    >>> draw_text(canvas, 0, 0, "7", 1, (0, 0, 0))
    4
    >>> print("\\n".join("".join("#" if p[0] == 0 else "." for p in row) for row in canvas))
    ###
    ..#
    ..#
    .#.
    .#.
    """
    left = x
    for character in text:
        glyph = _GLYPH_ROWS.get(character, _GLYPH_ROWS["?"]).split()
        for row, dots in enumerate(glyph):
            for column, dot in enumerate(dots):
                if dot == "#":
                    fill_rect(canvas, left + column * size, y + row * size, size, size, colour)
        left += (_GLYPH_WIDTH + 1) * size
    return left
