"""purenn.matlab: Level 5 MAT-files built byte by byte from MathWorks' "MAT-File Format", read back.

The files here are made by `mat_file` below, written from the format's documentation and not from
purenn.matlab's code: the 128-byte header, 8-byte tags (or the 4-byte small data element format),
miMATRIX elements of array flags, dimensions, name and values (column-major), padding to 8 bytes,
miCOMPRESSED elements (a zlib stream of one element). Both byte orders, compressed or not, every
numeric class. Then the refusals, arbitrary bytes (Hypothesis), and scipy.io.savemat's own files.
"""

from __future__ import annotations

import math
import pathlib
import platform
import struct
import zlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purenn.data import load_dataset
from purenn.errors import DataError, PurennError
from purenn.matlab import COLUMN_MAJOR, ROW_MAJOR, image_in_rows, is_mat_file, load_mat, mat_bytes, read_mat

# Data types (Table 1 of the format) and array classes (Table 3).
MI = {
    "int8": 1, "uint8": 2, "int16": 3, "uint16": 4, "int32": 5, "uint32": 6,
    "single": 7, "double": 9, "int64": 12, "uint64": 13, "matrix": 14, "compressed": 15, "utf8": 16,
}  # fmt: skip
CODES = {1: "b", 2: "B", 3: "h", 4: "H", 5: "i", 6: "I", 7: "f", 9: "d", 12: "q", 13: "Q"}
MX = {
    "cell": 1, "struct": 2, "object": 3, "char": 4, "sparse": 5, "double": 6, "single": 7, "int8": 8,
    "uint8": 9, "int16": 10, "uint16": 11, "int32": 12, "uint32": 13, "int64": 14, "uint64": 15,
}  # fmt: skip
COMPLEX, GLOBAL, LOGICAL = 0x08, 0x04, 0x02  # the flags byte, just above the class byte


def header(order: str, version: int = 0x0100, text: bytes = b"MATLAB 5.0 MAT-file, Platform: test") -> bytes:
    """116 bytes of text, 8 of subsystem offset, the version and 'MI' as a 16-bit integer."""
    return (
        text.ljust(116, b" ")
        + b"\0" * 8
        + struct.pack(order + "H", version)
        + struct.pack(order + "H", 0x4D49)
    )


def element(order: str, kind: int, data: bytes, *, small: bool = False) -> bytes:
    """A data element: tag (type, bytes) and data padded to 8; small packs <= 4 bytes into 8."""
    if small:  # the tag's first uint32: the number of bytes in its upper half, the type in its lower
        assert len(data) <= 4
        return struct.pack(order + "I", (len(data) << 16) | kind) + data.ljust(4, b"\0")
    return struct.pack(order + "II", kind, len(data)) + data + b"\0" * (-len(data) % 8)


def matrix(
    order: str,
    name: str,
    rows: Sequence[Sequence[float]],
    *,
    klass: str = "double",
    stored_as: Optional[str] = None,
    flags: int = 0,
    small_name: bool = False,
    dims: Optional[Sequence[int]] = None,
    imaginary: Optional[bytes] = None,
) -> bytes:
    """A miMATRIX element: array flags, dimensions, name, real part (column-major), imaginary part."""
    height, width = len(rows), len(rows[0]) if rows else 0
    kind = MI[stored_as or klass]
    values = [rows[i][j] for j in range(width) for i in range(height)]
    if CODES[kind] not in "fd":
        values = [int(value) for value in values]
    value_bytes = struct.pack(f"{order}{len(values)}{CODES[kind]}", *values)
    shape = list(dims) if dims is not None else [height, width]
    # Array flags: bytes 1-2 undefined, 3 flags, 4 class (in the big-endian picture): as one
    # uint32, the class is its lowest byte and the flags the next one.
    flag_word = (flags << 8) | MX[klass]
    body = (
        element(order, MI["uint32"], struct.pack(order + "II", flag_word, 0))
        + element(order, MI["int32"], struct.pack(f"{order}{len(shape)}i", *shape))
        + element(order, MI["int8"], name.encode(), small=small_name)
        + element(order, kind, value_bytes, small=len(value_bytes) <= 4 and small_name)
        + (imaginary if imaginary is not None else b"")
    )
    return struct.pack(order + "II", MI["matrix"], len(body)) + body


def structure(order: str, name: str, fields: Dict[str, Sequence[Sequence[float]]]) -> bytes:
    """A 1x1 structure: flags, dimensions, name, field name length, field names, each field an array."""
    names = b"".join(field.encode().ljust(32, b"\0") for field in fields)
    body = (
        element(order, MI["uint32"], struct.pack(order + "II", MX["struct"], 0))
        + element(order, MI["int32"], struct.pack(order + "2i", 1, 1))
        + element(order, MI["int8"], name.encode())
        + element(order, MI["int32"], struct.pack(order + "i", 32), small=True)
        + element(order, MI["int8"], names)
        + b"".join(matrix(order, "", rows) for rows in fields.values())
    )
    return struct.pack(order + "II", MI["matrix"], len(body)) + body


def compressed(order: str, inner: bytes) -> bytes:
    """A miCOMPRESSED element holding one element (not padded: its size is the stream's)."""
    stream = zlib.compress(inner)
    return struct.pack(order + "II", MI["compressed"], len(stream)) + stream


def mat_file(order: str, *elements: bytes) -> bytes:
    return header(order) + b"".join(elements)


def write(folder: pathlib.Path, content: bytes, name: str = "data.mat") -> pathlib.Path:
    path = folder / name
    path.write_bytes(content)
    return path


def mat_error(tmp_path: pathlib.Path, content: bytes, **options: Any) -> str:
    path = write(tmp_path, content, "bad.mat")
    with pytest.raises(DataError) as caught:
        load_mat(path, **options)
    return str(caught.value).replace(str(path), "FILE")


def variable_error(tmp_path: pathlib.Path, content: bytes, name: str = "X") -> str:
    path = write(tmp_path, content, "bad.mat")
    with pytest.raises(DataError) as caught:
        read_mat(path, [name])
    return str(caught.value).replace(str(path), "FILE")


GRID = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
LABELS = [[10.0], [3.0]]


# -- Reading what the documentation describes --------------------------------------------------


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("packed", [False, True])
def test_both_byte_orders_compressed_or_not(tmp_path: pathlib.Path, order: str, packed: bool) -> None:
    parts = [matrix(order, "X", GRID), matrix(order, "y", LABELS)]
    if packed:
        parts = [compressed(order, part) for part in parts]
    path = write(tmp_path, mat_file(order, *parts))
    assert read_mat(path, ["X"])["X"].values == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # row by row
    assert load_mat(path) == ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [10, 3])


def test_the_endian_indicator_reads_im_when_little_endian() -> None:
    assert header("<")[126:] == b"IM" and header(">")[126:] == b"MI"


CLASSES = [
    ("double", None, [[0.5, -2.25], [1e300, 3.0]]),
    ("double", "uint8", [[0, 255], [7, 1]]),  # MATLAB stores small whole doubles as miUINT8
    ("double", "int16", [[-300, 2], [5, 32767]]),
    ("single", None, [[0.5, -1.25], [3.0, 1024.0]]),
    ("int8", None, [[-128, 127], [0, 1]]),
    ("uint8", None, [[0, 255], [128, 1]]),
    ("int16", None, [[-32768, 32767], [0, 1]]),
    ("uint16", None, [[65535, 0], [1, 2]]),
    ("int32", None, [[-(2**31), 2**31 - 1], [0, 1]]),
    ("uint32", None, [[2**32 - 1, 0], [1, 2]]),
    ("int64", None, [[-(2**62), 2**53], [0, 1]]),
    ("uint64", None, [[2**63, 0], [1, 2]]),
]


@pytest.mark.parametrize("klass, stored_as, rows", CLASSES)
@pytest.mark.parametrize("order", ["<", ">"])
def test_every_numeric_class(
    tmp_path: pathlib.Path, klass: str, stored_as: Optional[str], rows: Any, order: str
) -> None:
    path = write(
        tmp_path,
        mat_file(order, compressed(order, matrix(order, "A", rows, klass=klass, stored_as=stored_as))),
    )
    array = read_mat(path, ["A"])["A"]
    assert (array.rows, array.columns, array.kind) == (2, 2, klass)
    assert array.values == [float(v) for row in rows for v in row]
    assert all(type(v) is float for v in array.values)


def test_logical_arrays_are_uint8_with_the_logical_flag(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, mat_file("<", matrix("<", "m", [[1, 0, 1]], klass="uint8", flags=LOGICAL)))
    array = read_mat(path, ["m"])["m"]
    assert array.kind == "logical" and array.values == [1.0, 0.0, 1.0]


def test_small_data_elements(tmp_path: pathlib.Path) -> None:
    """A name of up to 4 characters and values of up to 4 bytes may sit inside their tags."""
    for order in "<>":
        content = mat_file(
            order,
            matrix(order, "X", [[1, 2], [3, 4]], klass="uint8", small_name=True),  # 4 bytes: small
            matrix(order, "y", [[7], [9]], klass="uint8", small_name=True),
        )
        assert load_mat(write(tmp_path, content)) == ([[1.0, 2.0], [3.0, 4.0]], [7, 9])


def test_variables_by_name_and_others_skipped(tmp_path: pathlib.Path) -> None:
    struct_array = structure("<", "info", {"a": [[1.0]], "b": GRID})  # refused only when asked for
    content = mat_file(
        "<",
        struct_array,
        compressed("<", matrix("<", "images", GRID)),
        matrix("<", "digits", [[1.0, 2.0]]),  # a row vector of labels
        matrix("<", "X", [[9.0]]),
    )
    path = write(tmp_path, content)
    assert load_mat(path, inputs_variable="images", labels_variable="digits") == (GRID, [1, 2])
    assert sorted(read_mat(path)) == ["X", "digits", "images"]  # every 2-D real numeric array
    with pytest.raises(DataError, match='variable "info": a structure, not a numeric array'):
        load_mat(path, inputs_variable="info", labels_variable="digits")


def test_load_dataset_reads_mat_files_by_header_or_by_name(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", LABELS))
    assert load_dataset(str(write(tmp_path, content, "no-extension"))) == (GRID, [10, 3])
    assert load_dataset(str(write(tmp_path, content, "d.MAT")), inputs_variable="X") == (GRID, [10, 3])
    text = write(tmp_path, b"1,2,3\n4,5,6\n" * 20, "text.mat")  # named .mat: read as one, refused
    with pytest.raises(DataError, match="not a Level 5 MAT-file"):
        load_dataset(str(text))
    with pytest.raises(PurennError, match="only for MAT-files"):
        load_dataset("digits", inputs_variable="X")
    with pytest.raises(PurennError, match="a MAT-file holds its labels"):
        load_dataset(str(write(tmp_path, content)), labels_path="labels.idx")


def test_is_mat_file() -> None:
    assert is_mat_file.__doc__


def test_zeros_padding_the_end_are_not_an_element(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", LABELS))
    assert load_mat(write(tmp_path, content + b"\0" * 4)) == (GRID, [10, 3])
    assert "the tag of element 3 claims 8 bytes" in mat_error(tmp_path, content + b"\1\0\0")


def test_mat_bytes_reads_back(tmp_path: pathlib.Path) -> None:
    for packed in (False, True):
        path = write(tmp_path, mat_bytes({"X": GRID, "y": LABELS}, compress=packed))
        assert load_mat(path) == (GRID, [10, 3])


def test_images_unrolled_column_by_column_drawn_row_by_row() -> None:
    side = 3
    image = [[10 * r + c for c in range(side)] for r in range(side)]
    column_major = [float(image[r][c]) for c in range(side) for r in range(side)]  # MATLAB's X(:)
    assert image_in_rows(column_major, side, COLUMN_MAJOR) == [float(v) for row in image for v in row]
    assert image_in_rows(column_major, side, ROW_MAJOR) == column_major
    with pytest.raises(PurennError, match="image order"):
        image_in_rows(column_major, side, "diagonal")
    with pytest.raises(PurennError, match="has 9 values, found 8"):
        image_in_rows(column_major[:8], side, COLUMN_MAJOR)


# -- Refusals: one DataError naming the file and what is wrong ----------------------------------


def test_v73_files_are_named_with_how_to_convert(tmp_path: pathlib.Path) -> None:
    hdf5 = header("<", 0x0200, b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .")
    content = hdf5.ljust(512, b"\0") + b"\x89HDF\r\n\x1a\n" + b"\0" * 100
    message = mat_error(tmp_path, content)
    assert message.startswith("FILE: a MATLAB v7.3 MAT-file, which is HDF5 inside")
    assert "save -v7" in message
    assert "v7.3" in mat_error(tmp_path, header("<", 0x0200) + b"\0" * 8)  # the version alone


@pytest.mark.parametrize(
    "klass, flags, expected",
    [
        ("cell", 0, 'variable "X": a cell array, not a numeric array'),
        ("struct", 0, 'variable "X": a structure, not a numeric array'),
        ("object", 0, 'variable "X": an object, not a numeric array'),
        ("char", 0, 'variable "X": a character array, not a numeric array'),
        ("sparse", 0, 'variable "X": a sparse array, not a numeric array'),
        ("double", COMPLEX, 'variable "X": 2x3 complex double: complex numbers are not data purenn reads'),
    ],
)
def test_arrays_that_are_not_real_numeric(
    tmp_path: pathlib.Path, klass: str, flags: int, expected: str
) -> None:
    content = mat_file("<", _with_class(matrix("<", "X", GRID, flags=flags), MX[klass]))
    assert variable_error(tmp_path, content) == f"FILE: {expected}"


def _with_class(element_bytes: bytes, klass: int) -> bytes:
    """The little-endian miMATRIX element with its class byte replaced (byte 16: the flags' data)."""
    return element_bytes[:16] + bytes([klass]) + element_bytes[17:]


def test_unknown_class_and_data_types(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", _with_class(matrix("<", "X", GRID), 99))
    assert "an array of unknown class 99, not a numeric array" in variable_error(tmp_path, content)
    good = matrix("<", "X", GRID)
    values_tag = good.index(struct.pack("<II", 9, 48))  # miDOUBLE, 6 values
    unknown = good[:values_tag] + struct.pack("<II", 11, 48) + good[values_tag + 8 :]  # 11: reserved
    assert "unknown data type 11 for numeric values" in variable_error(tmp_path, mat_file("<", unknown))
    utf8 = good[:values_tag] + struct.pack("<II", MI["utf8"], 48) + good[values_tag + 8 :]
    assert "unknown data type 16" in variable_error(tmp_path, mat_file("<", utf8))
    top_level = mat_file("<", element("<", 99, b"\0" * 8))
    assert "element 1 is type 99, not a variable (miMATRIX)" in variable_error(tmp_path, top_level)


def test_inputs_and_labels_of_different_lengths(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", [[1.0], [2.0], [3.0]]))
    assert mat_error(tmp_path, content) == (
        'FILE: "X" holds 2 examples (rows) but "y" holds 3 labels (one example per column? transpose it: X\')'
    )
    content = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", [[1.0, 2.0], [3.0, 4.0]]))
    assert mat_error(tmp_path, content) == 'FILE: variable "y": 2x2: the labels must be a vector'


def test_labels_must_be_whole_numbers_and_values_finite(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", [[1.0], [2.5]]))
    assert mat_error(tmp_path, content) == 'FILE: variable "y": label 2 is 2.5, not a whole number'
    content = mat_file("<", matrix("<", "X", [[1.0, math.nan]]), matrix("<", "y", [[1.0]]))
    assert mat_error(tmp_path, content) == 'FILE: variable "X": value (1, 2) is nan, not finite'


def test_missing_variables_list_what_is_there(tmp_path: pathlib.Path) -> None:
    content = mat_file("<", matrix("<", "A", GRID), matrix("<", "b", LABELS, klass="uint8"))
    assert mat_error(tmp_path, content) == 'FILE: no variable "X" (it holds A (2x3 double), b (2x1 uint8))'
    assert 'no variable "labels"' in mat_error(
        tmp_path, content, inputs_variable="A", labels_variable="labels"
    )


def test_three_dimensional_and_empty_arrays(tmp_path: pathlib.Path) -> None:
    cube = matrix("<", "X", [[1.0, 2.0, 3.0, 4.0]], dims=[1, 2, 2])
    assert (
        variable_error(tmp_path, mat_file("<", cube))
        == 'FILE: variable "X": 1x2x2 double: expected a 2-D array'
    )
    empty = mat_file("<", matrix("<", "X", [], dims=[0, 0]), matrix("<", "y", [], dims=[0, 0]))
    assert mat_error(tmp_path, empty) == 'FILE: variable "X": 0x0: no data'


def test_not_a_level_5_file(tmp_path: pathlib.Path) -> None:
    assert "shorter than the 128-byte header" in mat_error(tmp_path, b"MATLAB 5.0")
    level4 = struct.pack("<5i", 0, 2, 1, 0, 2) + b"X\0" + b"\0" * 200
    message = mat_error(tmp_path, level4)
    assert "not a Level 5 MAT-file" in message and "Level 4" in message and "save -v7" in message
    assert "unknown MAT-file version 0x0300" in mat_error(tmp_path, header("<", 0x0300))


def test_sizes_larger_than_the_file_allocate_nothing(tmp_path: pathlib.Path) -> None:
    """A tag or a dimension claiming gigabytes fails at once, before anything that size exists."""
    huge_tag = mat_file("<", struct.pack("<II", MI["matrix"], 2**32 - 8) + b"\0" * 64)
    assert "claims 4294967288 bytes at byte 136, more than the file holds" in mat_error(tmp_path, huge_tag)
    tracing = platform.python_implementation() == "CPython"  # PyPy has no tracemalloc
    if tracing:
        import tracemalloc

        tracemalloc.start()
    huge_dims = matrix("<", "X", GRID, dims=[100_000, 100_000])
    message = variable_error(tmp_path, mat_file("<", huge_dims))
    assert (
        "100000x100000 double needs 10000000000 values (80000000000 bytes of miDOUBLE), found 48 bytes"
        in message
    )
    huge_inner = struct.pack("<II", MI["matrix"], 2**31) + b"\0" * 1000
    message = variable_error(tmp_path, mat_file("<", compressed("<", huge_inner)))
    assert "element 1 (compressed): its element claims 2147483648 bytes" in message
    if tracing:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 10_000_000, f"{peak} bytes allocated for claims the file cannot hold"


def test_truncated_files_and_zlib_streams(tmp_path: pathlib.Path) -> None:
    whole = mat_file("<", matrix("<", "X", GRID), matrix("<", "y", LABELS))
    for cut in range(129, len(whole), 7):
        message = mat_error(tmp_path, whole[:cut])
        assert message.startswith("FILE") and (
            "more than the file holds" in message or "no variable" in message
        )
    packed = mat_file("<", compressed("<", matrix("<", "X", GRID)))
    stream_start = 128 + 8
    for cut in range(stream_start + 2, len(packed), 5):
        shortened = packed[:128] + struct.pack("<II", 15, cut - stream_start) + packed[stream_start:cut]
        message = variable_error(tmp_path, shortened)
        assert "element 1 (compressed)" in message, message
    corrupt = packed[: stream_start + 4] + bytes(b ^ 0x5A for b in packed[stream_start + 4 :])
    assert "element 1 (compressed)" in variable_error(tmp_path, corrupt)


def test_compressed_stream_cut_says_truncated(tmp_path: pathlib.Path) -> None:
    inner = matrix("<", "X", [[float(k) for k in range(300)]])
    stream = zlib.compress(inner)[:-30]
    content = mat_file("<", struct.pack("<II", MI["compressed"], len(stream)) + stream)
    assert variable_error(tmp_path, content).endswith("the zlib stream is truncated")


# -- Arbitrary bytes ------------------------------------------------------------------------------


def _valid_file(order: str, packed: bool) -> bytes:
    parts = [matrix(order, "X", GRID, klass="int16"), matrix(order, "y", LABELS, small_name=True)]
    return mat_file(order, *[compressed(order, p) if packed else p for p in parts])


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.sampled_from("<>"),
    packed=st.booleans(),
    edits=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=4),
    cut=st.integers(0, 400),
)
def test_damaged_files_give_data_or_a_data_error(
    tmp_path: pathlib.Path, order: str, packed: bool, edits: List[Tuple[int, int]], cut: int
) -> None:
    content = bytearray(_valid_file(order, packed))
    for position, value in edits:
        if position < len(content):
            content[position] = value
    path = write(tmp_path, bytes(content[: max(cut, 128)] if cut < len(content) else content))
    try:
        inputs, labels = load_mat(path)
    except DataError:
        return
    assert len(inputs) == len(labels) > 0 and all(map(math.isfinite, (x for row in inputs for x in row)))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.sampled_from("<>"), rest=st.binary(max_size=120), packed=st.booleans())
def test_arbitrary_bytes_after_a_header_give_data_or_a_data_error(
    tmp_path: pathlib.Path, order: str, rest: bytes, packed: bool
) -> None:
    body = (
        struct.pack(order + "II", MI["compressed"], len(zlib.compress(rest))) + zlib.compress(rest)
        if packed
        else rest
    )
    path = write(tmp_path, header(order) + body)
    try:
        arrays: Dict[str, Any] = read_mat(path)
    except DataError:
        return
    assert all(a.rows * a.columns == len(a.values) for a in arrays.values())


# -- scipy.io.savemat's files ------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_files_written_by_scipy_read_back_equal(tmp_path: pathlib.Path, compress: bool) -> None:
    np = pytest.importorskip("numpy")
    scipy_io = pytest.importorskip("scipy.io")
    rng = np.random.default_rng(0)
    arrays = {
        "X": rng.normal(size=(50, 16)),
        "single": rng.normal(size=(3, 4)).astype(np.float32),
        "i8": rng.integers(-128, 127, size=(2, 5), dtype=np.int8),
        "u16": rng.integers(0, 65535, size=(4, 1), dtype=np.uint16),
        "i64": rng.integers(-(2**40), 2**40, size=(3, 3), dtype=np.int64),
        "flags": np.array([[True, False, True]]),
        "y": rng.integers(1, 11, size=(50, 1)).astype(np.uint8),
    }
    path = tmp_path / "scipy.mat"
    scipy_io.savemat(
        str(path),
        {**arrays, "note": "text", "cells": np.array([[1, "a"]], dtype=object)},
        do_compression=compress,
    )
    found = read_mat(path)
    assert sorted(found) == sorted(arrays)
    for name, expected in arrays.items():
        array = found[name]
        assert (array.rows, array.columns) == expected.shape
        assert array.values == [float(v) for v in expected.astype(np.float64).ravel(order="C")], name
    inputs, labels = load_mat(path)
    assert inputs == arrays["X"].tolist() and labels == arrays["y"].ravel().tolist()
    with pytest.raises(DataError, match='variable "note": a character array, not a numeric array'):
        read_mat(path, ["note"])
    with pytest.raises(DataError, match='variable "cells": a cell array'):
        read_mat(path, ["cells"])


def test_scipy_reads_what_mat_bytes_writes(tmp_path: pathlib.Path) -> None:
    np = pytest.importorskip("numpy")
    scipy_io = pytest.importorskip("scipy.io")
    for packed in (False, True):
        path = write(tmp_path, mat_bytes({"X": GRID, "y": LABELS}, compress=packed))
        loaded = scipy_io.loadmat(str(path))
        assert np.array_equal(loaded["X"], np.array(GRID)) and loaded["y"].ravel().tolist() == [10.0, 3.0]


def test_scipy_sparse_and_complex_refused(tmp_path: pathlib.Path) -> None:
    np = pytest.importorskip("numpy")
    scipy_io = pytest.importorskip("scipy.io")
    sparse = pytest.importorskip("scipy.sparse")
    path = tmp_path / "odd.mat"
    scipy_io.savemat(
        str(path), {"S": sparse.csc_matrix(np.eye(3)), "Z": np.array([[1 + 2j]]), "y": np.ones((3, 1))}
    )
    with pytest.raises(DataError, match='variable "S": a sparse array, not a numeric array'):
        load_mat(path, inputs_variable="S")
    with pytest.raises(DataError, match='variable "Z": 1x1 complex double: complex numbers'):
        read_mat(path, ["Z"])


def test_scipy_level_4_files_are_named(tmp_path: pathlib.Path) -> None:
    np = pytest.importorskip("numpy")
    scipy_io = pytest.importorskip("scipy.io")
    path = tmp_path / "v4.mat"
    scipy_io.savemat(str(path), {"X": np.ones((200, 3)), "y": np.ones((200, 1))}, format="4")
    with pytest.raises(
        DataError, match=r"not a Level 5 MAT-file: .* \(a Level 4 MAT-file, from MATLAB 4\?\); save"
    ):
        load_mat(path)
