"""purenn.figures._png.read_png against PNG files built here by hand from the PNG specification.

The files are made without purenn's writer: chunks with their CRCs, IHDR, zlib-compressed scanlines
with each of the five filter types applied forward (section 9 of the specification), split over
several IDAT chunks, with ancillary chunks in between; then damaged, truncated or unsupported ones.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import List, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.errors import DataError
from purenn.figures._png import MAX_PNG_PIXELS, read_png, read_png_file

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 4: 2, 2: 3, 6: 4}


def chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def predictor(kind: int, a: int, b: int, c: int) -> int:
    """What the specification's filter subtracts: 0, a (left), b (up), floor((a+b)/2), Paeth(a, b, c)."""
    if kind == 0:
        return 0
    if kind == 1:
        return a
    if kind == 2:
        return b
    if kind == 3:
        return (a + b) // 2
    p = a + b - c
    distances = [abs(p - a), abs(p - b), abs(p - c)]
    return [a, b, c][distances.index(min(distances))]  # the first nearest: a, then b, then c


def filtered(rows: Sequence[bytes], filters: Sequence[int], bpp: int) -> bytes:
    """The scanlines, each with its filter applied forward and its filter-type byte in front."""
    out, above = b"", bytes(len(rows[0]))
    for row, kind in zip(rows, filters):
        line = bytes(
            (
                row[i]
                - predictor(
                    kind, row[i - bpp] if i >= bpp else 0, above[i], above[i - bpp] if i >= bpp else 0
                )
            )
            & 0xFF
            for i in range(len(row))
        )
        out += bytes([kind]) + line
        above = row
    return out


def png_file(
    rows: Sequence[bytes],
    width: int,
    colour_type: int,
    filters: Sequence[int],
    *,
    parts: int = 1,
    depth: int = 8,
    interlace: int = 0,
) -> bytes:
    header = struct.pack(">IIBBBBB", width, len(rows), depth, colour_type, 0, 0, interlace)
    data = zlib.compress(filtered(rows, filters, CHANNELS.get(colour_type, 1)))
    size = -(-len(data) // parts)
    idats = [chunk(b"IDAT", data[i : i + size]) for i in range(0, len(data), size)]
    text = chunk(b"tEXt", b"Comment\x00made by hand")
    return (
        SIGNATURE
        + chunk(b"IHDR", header)
        + text
        + chunk(b"gAMA", b"\x00\x00\xb1\x8f")
        + b"".join(idats)
        + chunk(b"IEND", b"")
    )


@st.composite
def pictures(draw: st.DrawFn) -> tuple:
    colour_type = draw(st.sampled_from(sorted(CHANNELS)))
    width, height = draw(st.integers(1, 7)), draw(st.integers(1, 6))
    stride = width * CHANNELS[colour_type]
    rows = [
        bytes(draw(st.lists(st.integers(0, 255), min_size=stride, max_size=stride))) for _ in range(height)
    ]
    filters = draw(st.lists(st.integers(0, 4), min_size=height, max_size=height))
    return rows, width, colour_type, filters, draw(st.integers(1, 3))


@given(pictures())
def test_every_filter_and_colour_type_decodes_to_the_samples(case: tuple) -> None:
    rows, width, colour_type, filters, parts = case
    image = read_png(png_file(rows, width, colour_type, filters, parts=parts))
    assert (image.width, image.height, image.colour_type) == (width, len(rows), colour_type)
    assert image.channels == CHANNELS[colour_type] and image.rows == list(rows)


def test_a_pixel_reads_as_its_samples() -> None:
    rows = [bytes([1, 2, 3, 4, 5, 6, 7, 8])]
    image = read_png(png_file(rows, 2, 6, [4]))
    assert image.pixel(1, 0) == (5, 6, 7, 8)


def damaged(data: bytes, at: int) -> bytes:
    copy = bytearray(data)
    copy[at] ^= 0x40
    return bytes(copy)


GOOD = png_file([bytes([0, 255, 0])] * 2, 3, 0, [0, 2])
BAD_FILES: List[tuple] = [
    (b"", "not a PNG file"),
    (b"GIF89a....", "not a PNG file"),
    (GOOD[:30], "truncated"),
    (GOOD[:-12], "no IEND"),
    (damaged(GOOD, 20), "bad CRC in PNG chunk 'IHDR'"),
    (SIGNATURE + chunk(b"IEND", b""), "does not start with a valid IHDR"),
    (png_file([bytes([0, 1, 2])], 3, 3, [0]), "palette PNG files are not supported"),
    (png_file([bytes([0, 1, 2, 3])], 2, 0, [0], depth=16), "16-bit PNG files are not supported"),
    (png_file([bytes([0])], 1, 0, [0], interlace=1), "interlaced"),
    (png_file([bytes([0])], 1, 5, [0]), "unknown colour type 5"),
    (
        SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 1, 8, 0, 0, 0, 0)) + chunk(b"IEND", b""),
        "a 0 x 1",
    ),
    (
        SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", MAX_PNG_PIXELS + 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IEND", b""),
        "at most",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_bad_files_are_refused_with_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(DataError, match="^<png>: ") as error:
        read_png(data)
    assert message in str(error.value)


def test_image_data_of_the_wrong_size_or_damaged_is_refused() -> None:
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
    short = SIGNATURE + header + chunk(b"IDAT", zlib.compress(b"\x00\x01\x02")) + chunk(b"IEND", b"")
    with pytest.raises(DataError, match="has 3 bytes, its header says 6"):
        read_png(short)
    bomb = SIGNATURE + header + chunk(b"IDAT", zlib.compress(bytes(10_000_000))) + chunk(b"IEND", b"")
    with pytest.raises(
        DataError, match="has more than 6 bytes, its header says 6"
    ):  # inflated no further than 7
        read_png(bomb)
    broken = SIGNATURE + header + chunk(b"IDAT", b"not zlib") + chunk(b"IEND", b"")
    with pytest.raises(DataError, match="damaged"):
        read_png(broken)
    bad_filter = (
        SIGNATURE + header + chunk(b"IDAT", zlib.compress(b"\x00\x01\x02\x07\x01\x02")) + chunk(b"IEND", b"")
    )
    with pytest.raises(DataError, match="row 1 of the PNG file has the unknown filter type 7"):
        read_png(bad_filter)


def test_files_are_read_and_named_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "digit.png"
    path.write_bytes(GOOD)
    assert read_png_file(path).rows == [bytes([0, 255, 0])] * 2
    with pytest.raises(DataError, match="missing.png: cannot open file"):
        read_png_file(tmp_path / "missing.png")
    with pytest.raises(DataError, match="cannot (open|read) file"):
        read_png_file(tmp_path)  # a directory
    (tmp_path / "text.png").write_text("hello")
    with pytest.raises(DataError, match="text.png: not a PNG file"):
        read_png_file(tmp_path / "text.png")
    with pytest.raises(DataError, match="larger than 10 bytes"):
        read_png_file(path, max_bytes=10)
