"""Raster pictures with the standard library alone: a canvas, a 3x5 pixel font, PNG encoding.

- Colour, Canvas, Pixel: an (r, g, b) triple of ints 0..255; rows of colours, top row first;
  a grey level or a colour.
- new_canvas, fill_rect, draw_frame, paint_cells, draw_text, text_width: paint into a canvas in
  place.
- png_bytes: encode rows of grey levels or of colours as a PNG file (zlib + struct).
- write_png: write such rows, or the bytes png_bytes made, to a file atomically.
- PngImage, read_png, read_png_file: decode an 8-bit grey, grey+alpha, RGB or RGBA PNG file.

A PNG file is the 8-byte signature followed by chunks. Each chunk is
    length (4 bytes, big endian) | type (4 ASCII letters) | data | CRC-32 of type + data.
We write three: IHDR (width, height, bit depth 8, colour type 0 = grey or 2 = RGB, then
compression, filter and interlace methods, all 0), one IDAT (the zlib-compressed scanlines, each
preceded by its filter type byte, always 0 = "None") and an empty IEND.

We read what other programs write too: every chunk's CRC is checked, the IDAT chunks are joined and
inflated (never past the size the header announces), and each scanline is unfiltered with its filter
type: 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth (PNG specification, section 9), where for the byte x,
a is the byte one pixel to the left, b the byte above and c the byte above-left (0 off the picture):
    Sub: x + a    Up: x + b    Average: x + floor((a + b) / 2)    Paeth: x + the one of a, b, c
    nearest to p = a + b - c (ties in the order a, b, c),  all modulo 256.
Ancillary chunks (gamma, text, ...) are skipped; palettes, 16-bit samples and interlacing are refused.
"""

from __future__ import annotations

import os
import struct
import zlib
from typing import Dict, List, NamedTuple, Sequence, Tuple, Union

from ..data import _open_binary, _read_bytes  # one home for reading a data file's bytes
from ..errors import DataError, PurennError
from ..files import PathLike, write_atomically

__all__ = [
    "GLYPH_HEIGHT",
    "MAX_PNG_PIXELS",
    "PNG_SIGNATURE",
    "Canvas",
    "Colour",
    "Pixel",
    "PngImage",
    "draw_frame",
    "draw_text",
    "fill_rect",
    "new_canvas",
    "paint_cells",
    "png_bytes",
    "read_png",
    "read_png_file",
    "text_width",
    "write_png",
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


def write_png(path: PathLike, image: Union[bytes, Sequence[Sequence[Pixel]]], *, color: bool = False) -> None:
    """Write a PNG file atomically (purenn.files.write_atomically: the old file or the new, whole).

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


# -- PNG decoding -------------------------------------------------------------------------------

MAX_PNG_PIXELS = 16_000_000  # read_png refuses larger pictures (a 4000 x 4000 photo)
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel: grey, RGB, grey+alpha, RGBA
_COLOUR_NAMES = {3: "palette", 0: "grey", 2: "RGB", 4: "grey+alpha", 6: "RGBA"}


class PngImage(NamedTuple):
    """A decoded PNG: width, height, channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA), colour type, and
    rows, top first, each the bytes of its samples (width * channels of them, 0..255)."""

    width: int
    height: int
    channels: int
    colour_type: int
    rows: List[bytes]

    def pixel(self, x: int, y: int) -> Tuple[int, ...]:
        """The samples of the pixel in column x of row y."""
        start = x * self.channels
        return tuple(self.rows[y][start : start + self.channels])


def _split_chunks(data: bytes, source: str) -> List[Tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG file up to IEND, each CRC checked."""
    if data[:8] != PNG_SIGNATURE:
        raise DataError(f"{source}: not a PNG file (its first bytes are not the PNG signature)")
    chunks, position = [], 8
    while True:
        if position + 12 > len(data):
            raise DataError(f"{source}: truncated PNG file (no IEND chunk)")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 8 + length
        if end + 4 > len(data):
            raise DataError(f"{source}: truncated PNG file (chunk {kind!r} is cut short)")
        body = data[position + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise DataError(f"{source}: bad CRC in PNG chunk {kind.decode('latin-1')!r}: the file is damaged")
        chunks.append((kind, body))
        position = end + 4
        if kind == b"IEND":
            return chunks


def _header(chunks: List[Tuple[bytes, bytes]], source: str) -> Tuple[int, int, int]:
    """(width, height, colour type) from IHDR, refusing what read_png does not decode."""
    kind, body = chunks[0]
    if kind != b"IHDR" or len(body) != 13:
        raise DataError(f"{source}: the PNG file does not start with a valid IHDR chunk")
    width, height, depth, colour_type, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if colour_type not in _CHANNELS:
        name = _COLOUR_NAMES.get(colour_type, f"unknown colour type {colour_type}")
        raise DataError(f"{source}: {name} PNG files are not supported (grey, RGB and RGBA are)")
    if depth != 8:
        raise DataError(f"{source}: {depth}-bit PNG files are not supported (8 bits per sample are)")
    if interlace != 0:
        raise DataError(f"{source}: interlaced PNG files are not supported")
    if compression != 0 or filtering != 0:
        raise DataError(f"{source}: unknown PNG compression or filter method")
    if width == 0 or height == 0 or width * height > MAX_PNG_PIXELS:
        raise DataError(f"{source}: a {width} x {height} picture (at most {MAX_PNG_PIXELS} pixels)")
    return width, height, colour_type


def _inflate(compressed: bytes, size: int, source: str) -> bytes:
    """zlib-decompress at most size + 1 bytes (a bomb cannot fill the memory); exactly size expected."""
    try:
        raw = zlib.decompressobj().decompress(compressed, size + 1)
    except zlib.error as error:
        raise DataError(f"{source}: the PNG image data is damaged ({error})") from None
    if len(raw) != size:
        found = f"more than {size}" if len(raw) > size else str(len(raw))  # inflated no further than size + 1
        raise DataError(f"{source}: the PNG image data has {found} bytes, its header says {size}")
    return raw


def _paeth(a: int, b: int, c: int) -> int:
    """The one of a, b, c nearest to a + b - c, ties broken in that order.

    >>> _paeth(10, 20, 15), _paeth(10, 20, 5), _paeth(0, 0, 0)
    (15, 20, 0)
    """
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytes, above: bytes, bpp: int) -> bytes:
    """Undo one scanline's filter (see the module docstring); above is the previous row, unfiltered."""
    if kind == 0:
        return line
    if kind == 2:
        return bytes((x + b) & 0xFF for x, b in zip(line, above))
    out = bytearray(line)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + a) & 0xFF
        elif kind == 3:
            out[i] = (out[i] + (a + above[i]) // 2) & 0xFF
        else:
            c = above[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + _paeth(a, above[i], c)) & 0xFF
    return bytes(out)


def read_png(data: bytes, *, source: str = "<png>") -> PngImage:
    """Decode the bytes of an 8-bit, non-interlaced grey, grey+alpha, RGB or RGBA PNG file.

    Raises DataError, naming source, for anything else or anything damaged: a bad signature or CRC,
    a truncated file, a palette, 16-bit or interlaced picture, image data of the wrong size, an
    unknown filter type, more than MAX_PNG_PIXELS pixels.

    >>> image = read_png(png_bytes([[0, 128, 255]]))
    >>> image.width, image.height, image.channels, image.rows
    (3, 1, 1, [b'\\x00\\x80\\xff'])
    >>> read_png(png_bytes([[(1, 2, 3)]], color=True)).pixel(0, 0)
    (1, 2, 3)
    >>> read_png(b"GIF89a")
    Traceback (most recent call last):
    ...
    purenn.errors.DataError: <png>: not a PNG file (its first bytes are not the PNG signature)
    """
    chunks = _split_chunks(data, source)
    width, height, colour_type = _header(chunks, source)
    channels = _CHANNELS[colour_type]
    stride = width * channels
    raw = _inflate(b"".join(body for kind, body in chunks if kind == b"IDAT"), height * (stride + 1), source)
    rows: List[bytes] = []
    above = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        if kind > 4:
            raise DataError(f"{source}: row {y} of the PNG file has the unknown filter type {kind}")
        above = _unfilter(kind, raw[start + 1 : start + 1 + stride], above, channels)
        rows.append(above)
    return PngImage(width, height, channels, colour_type, rows)


def read_png_file(path: Union[str, "os.PathLike[str]"], *, max_bytes: int = 100_000_000) -> PngImage:
    """Read and decode a PNG file (see read_png); a missing or unreadable file is a DataError too."""
    name = os.fspath(path)
    with _open_binary(name) as stream:
        data = _read_bytes(name, stream, max_bytes + 1)
    if len(data) > max_bytes:
        raise DataError(f"{name}: larger than {max_bytes} bytes, too large for a PNG picture here")
    return read_png(data, source=name)


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
