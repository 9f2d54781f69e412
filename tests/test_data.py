"""Tests for purenn.data (loaders: CSV, digits, IDX), purenn.scaling and purenn.splits (one-hot, splits)."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import math
import os
import pathlib
import platform
import random
import statistics
import struct
import tempfile
from collections import Counter
from typing import Any, List, Sequence, Tuple, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import purenn.scaling
from purenn import data
from purenn.data import (
    digits_path,
    load_csv,
    load_dataset,
    load_digits,
    load_idx,
    read_idx,
)
from purenn.errors import DataError, PurennError
from purenn.scaling import Scaling, _Memo, apply_scaling, check_scaling, fit_scaling
from purenn.splits import class_list, one_hot, random_split, sequential_split, stratified_split, take

REPO = pathlib.Path(__file__).resolve().parent.parent
DIGITS_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]

Number = Union[int, float]


# -- helpers ----------------------------------------------------------------------------------


def write(folder: pathlib.Path, name: str, content: Union[str, bytes]) -> pathlib.Path:
    """Write text (as UTF-8, newlines untouched) or bytes to folder/name and return the path."""
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def csv_error(tmp_path: pathlib.Path, content: Union[str, bytes], **options: object) -> str:
    """Return the message of the DataError load_csv raises on this content."""
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(DataError) as caught:
        load_csv(path, **options)  # type: ignore[arg-type]
    return str(caught.value).replace(str(path), "FILE")


IDX_CODES = {0x08: "B", 0x09: "b", 0x0B: "h", 0x0C: "i", 0x0D: "f", 0x0E: "d"}


def idx_bytes(type_code: int, dims: Sequence[int], values: Sequence[Number]) -> bytes:
    """Encode an IDX file by the spec: 00 00 type ndims, uint32 sizes, big-endian data."""
    header = bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)
    return header + struct.pack(f">{len(values)}{IDX_CODES[type_code]}", *values)


@pytest.fixture(scope="module")
def digits() -> Tuple[List[List[float]], List[Union[int, str]]]:
    return load_digits()


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for Hypothesis tests (tmp_path is shared by all their examples)."""
    return tempfile.TemporaryDirectory()


# -- the vendored digits ----------------------------------------------------------------------


def test_vendored_digits_file_is_the_known_one() -> None:
    path = REPO / "purenn" / "_data" / "digits.csv"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DIGITS_SHA256
    assert not path.is_symlink(), "a link breaks on a Windows checkout: the data is one plain file"
    assert digits_path().read_bytes() == path.read_bytes()
    assert DIGITS_SHA256 in (path.parent / "README.md").read_text(encoding="utf-8")


def test_the_repository_copy_in_data_is_the_same_plain_file() -> None:
    """data/digits.csv, where a reader of the repository looks, is a plain copy of the package's."""
    copy = REPO / "data" / "digits.csv"
    if not copy.exists():  # an installed sdist or wheel carries the package's copy only
        pytest.skip("no data/ folder here")
    assert not copy.is_symlink()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == DIGITS_SHA256


def test_the_dataset_license_and_citation_sit_beside_the_data() -> None:
    card = (digits_path().parent / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in card and "https://doi.org/10.24432/C50P49" in card


def test_digits_path_is_inside_the_package() -> None:
    assert digits_path() == pathlib.Path(data.__file__).parent / "_data" / "digits.csv"


def test_digits_shape_values_and_class_counts(digits) -> None:  # type: ignore[no-untyped-def]
    inputs, labels = digits
    assert len(inputs) == len(labels) == 1797
    assert {len(row) for row in inputs} == {64}
    assert all(isinstance(x, float) and x == int(x) and 0 <= x <= 16 for row in inputs for x in row)
    assert all(type(label) is int for label in labels)
    counts = Counter(labels)
    assert [counts[digit] for digit in range(10)] == DIGITS_CLASS_COUNTS
    assert inputs[0][:8] == [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    assert labels[:3] == [0, 1, 2]


def test_load_dataset_digits_is_load_digits(digits) -> None:  # type: ignore[no-untyped-def]
    assert load_dataset("digits") == digits
    with pytest.raises(PurennError, match="digits: labels_path is only for IDX images"):
        load_dataset("digits", labels_path="labels.idx")


# -- CSV: what parses -------------------------------------------------------------------------


def test_csv_without_header_is_detected(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "plain.csv", "1,2,3\n4.5,-6e2,7\n")
    assert load_csv(path) == ([[1.0, 2.0], [4.5, -600.0]], [3, 7])


def test_csv_header_is_detected_from_a_text_feature(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "named.csv", "x,y,label\n1,2,3\n")
    assert load_csv(path) == ([[1.0, 2.0]], [3])


def test_csv_header_with_numeric_feature_names_is_detected_by_its_label(
    tmp_path: pathlib.Path,
) -> None:
    path = write(tmp_path, "pandas.csv", "0,1,label\n1,2,3\n4,5,6\n")
    assert load_csv(path) == ([[1.0, 2.0], [4.0, 5.0]], [3, 6])


def test_csv_text_labels_alone_do_not_make_a_header(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "words.csv", "1,2,cat\n3,4,dog\n")
    assert load_csv(path) == ([[1.0, 2.0], [3.0, 4.0]], ["cat", "dog"])


def test_csv_header_forced_on_and_off(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "numbers.csv", "1,2,3\n4,5,6\n")
    assert load_csv(path, header=True) == ([[4.0, 5.0]], [6])
    assert load_csv(path, header=False) == ([[1.0, 2.0], [4.0, 5.0]], [3, 6])


def test_csv_label_column_by_name_and_by_index(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "middle.csv", "x,kind,y\n1,cat,2\n3,dog,4\n")
    expected = ([[1.0, 2.0], [3.0, 4.0]], ["cat", "dog"])
    assert load_csv(path, label_column="kind") == expected
    assert load_csv(path, label_column=1) == expected
    assert load_csv(path, label_column=-2) == expected


def test_csv_label_column_first(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "first.csv", "label,a,b\n7,1,2\n")
    assert load_csv(path, label_column=0) == ([[1.0, 2.0]], [7])


def test_csv_bom_crlf_and_blank_lines(tmp_path: pathlib.Path) -> None:
    content = b"\xef\xbb\xbfx,y\r\n1,2\r\n\r\n3,4\r\n\r\n  \r\n"
    path = write(tmp_path, "windows.csv", content)
    assert load_csv(path, label_column="x") == ([[2.0], [4.0]], [1, 3])


def test_csv_last_line_without_newline_and_quoted_fields(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "quoted.csv", '"1", 2 ,"big cat"\n3,4,"a, b"')
    assert load_csv(path) == ([[1.0, 2.0], [3.0, 4.0]], ["big cat", "a, b"])


def test_csv_labels_integer_valued_become_ints_others_stay_text(tmp_path: pathlib.Path) -> None:
    rows = ["3", "3.0", " 7 ", "-2", "1e2", "3.5", " cat ", "nan", "inf", "٣"]
    path = write(tmp_path, "labels.csv", "".join(f"0,{label}\n" for label in rows))
    _, labels = load_csv(path, header=False)
    assert labels == [3, 3, 7, -2, 100, "3.5", "cat", "nan", "inf", 3]
    assert [type(label) for label in labels[:5]] == [int] * 5


def test_csv_accepts_a_path_string(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "s.csv", "1,2\n")
    assert load_csv(str(path)) == ([[1.0]], [2])


# -- CSV: every error, with its message -------------------------------------------------------


def test_csv_wrong_field_count(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n4,5,6\n7,8\n")
    assert message == "FILE, line 3: expected 3 fields, found 2"


def test_csv_wrong_field_count_against_the_header(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "a,b,label\n1,2,3,4\n")
    assert message == "FILE, line 2: expected 3 fields, found 4"


def test_csv_non_number_without_header(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n4,abc,6\n")
    assert message == "FILE, line 2, field 2: 'abc' is not a number"


def test_csv_non_number_is_named_by_its_header(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "x,y,label\r\n1,2,3\r\n4,5x,6\r\n")
    assert message == "FILE, line 3, field 2 (\"y\"): '5x' is not a number"


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "1e400", "-1e999"])
def test_csv_non_finite_numbers_are_refused(tmp_path: pathlib.Path, text: str) -> None:
    message = csv_error(tmp_path, f"1,2,3\n{text},5,6\n")
    assert message == f"FILE, line 2, field 1: {text!r} is not a finite number"


def test_csv_empty_feature_field(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n4,,6\n")
    assert message == "FILE, line 2, field 2: '' is not a number"


def test_csv_long_bad_field_is_shortened(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n" + "z" * 500 + ",5,6\n")
    assert message == "FILE, line 2, field 1: " + repr("z" * 40) + "... is not a number"


def test_csv_first_row_text_with_header_false(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "x,y,label\n1,2,3\n", header=False)
    assert message == "FILE, line 1, field 1: 'x' is not a number"


@pytest.mark.parametrize(
    "content, expected",
    [
        ("1,2,\n", "FILE, line 1, field 3: empty label"),
        ("a,b,kind\n1,2,3\n1,2,  \n", 'FILE, line 3, field 3 ("kind"): empty label'),
    ],
)
def test_csv_empty_label(tmp_path: pathlib.Path, content: str, expected: str) -> None:
    assert csv_error(tmp_path, content) == expected


@pytest.mark.parametrize("content", ["", "\n\n", "\r\n  \r\n", "a,b,label\n", "a,b,label\n\n"])
def test_csv_without_data_rows(tmp_path: pathlib.Path, content: str) -> None:
    assert csv_error(tmp_path, content) == "FILE: no data rows"


def test_csv_header_only_when_forced(tmp_path: pathlib.Path) -> None:
    assert csv_error(tmp_path, "1,2,3\n", header=True) == "FILE: no data rows"


def test_csv_invalid_utf8_names_the_line(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, b"1,2,3\n4,5,6\n7,\xff,9\n")
    assert message == "FILE, line 3: not valid UTF-8 (byte 0xff)"


def test_csv_latin1_label_is_invalid_utf8(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,caf\xe9\n".encode("latin-1"))
    assert message == "FILE, line 1: not valid UTF-8 (byte 0xe9)"


def test_csv_gigantic_field_hits_the_csv_field_limit(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n4," + "9" * 200_000 + ",6\n")
    assert message.startswith("FILE, line 2: field larger than field limit")


def test_csv_gigantic_line_is_refused_before_it_is_read_whole(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "_MAX_LINE_BYTES", 100)
    message = csv_error(tmp_path, "1,2,3\n" + "1," * 60 + "3\n")
    assert message == "FILE, line 2: longer than 100 bytes"


def test_csv_lone_carriage_return(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\r4,5,6\n")
    assert message == "FILE, line 1: line breaks must be LF or CRLF, found a lone CR"


def test_csv_unterminated_quote(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, '1,2,3\n4,5,"6\n7,8,9\n')
    assert message == "FILE, line 3: the file ends inside a quoted field"


def test_csv_text_after_a_closing_quote(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, '1,2,3\n4,"5"x,6\n')
    assert message == "FILE, line 2: ',' expected after '\"'"


def test_csv_quoted_newline_inside_a_label(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "multiline.csv", 'a,b,label\n1,2,"two\nlines"\n3,4,5\n')
    assert load_csv(path) == ([[1.0, 2.0], [3.0, 4.0]], ["two\nlines", 5])


def test_csv_nul_byte_is_a_data_error(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n4,5\x00,6\n")
    assert message.startswith("FILE, line 2")


def test_csv_single_column(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1\n2\n")
    assert message == "FILE, line 1: need a feature and a label, found 1 field"


def test_csv_label_column_out_of_range(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "1,2,3\n", label_column=3)
    assert message == "FILE, line 1: label column 3 is out of range for 3 fields"
    message = csv_error(tmp_path, "1,2,3\n", label_column=-4)
    assert message == "FILE, line 1: label column -4 is out of range for 3 fields"


def test_csv_label_column_name_not_in_header(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "a,b,c\n1,2,3\n", label_column="label")
    assert message == "FILE, line 1: column 'label' is not in the header"


def test_csv_label_column_name_repeated_in_header(tmp_path: pathlib.Path) -> None:
    message = csv_error(tmp_path, "y,b,y\n1,2,3\n", label_column="y")
    assert message == "FILE, line 1: column 'y' appears twice in the header"


def test_csv_bad_arguments_are_purenn_errors(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "ok.csv", "1,2\n")
    with pytest.raises(PurennError, match="label_column 'y' is a name, but header=False"):
        load_csv(path, label_column="y", header=False)
    with pytest.raises(PurennError, match="label_column must be an int or a column name"):
        load_csv(path, label_column=1.0)  # type: ignore[arg-type]
    with pytest.raises(PurennError, match="expected a file path, found int"):
        load_csv(3)  # type: ignore[arg-type]


def test_csv_missing_file_and_directory_name_the_path(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(DataError, match="^" + str(missing) + ": cannot open file: "):
        load_csv(missing)
    with pytest.raises(DataError, match="^" + str(tmp_path) + ": cannot open file: "):
        load_csv(tmp_path)
    with pytest.raises(DataError, match="cannot open file"):
        load_csv("bad\0name.csv")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_csv_unreadable_file_names_the_path(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "secret.csv", "1,2\n")
    path.chmod(0)
    try:
        with pytest.raises(DataError, match="secret.csv: cannot open file: "):
            load_csv(path)
    finally:
        path.chmod(0o600)


def test_csv_permission_error_names_the_path(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str, mode: str) -> None:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(data, "open", refuse, raising=False)
    path = tmp_path / "locked.csv"
    with pytest.raises(DataError) as caught:
        load_csv(path)
    assert str(caught.value) == f"{path}: cannot open file: Permission denied"


def test_data_errors_are_value_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError):
        load_csv(write(tmp_path, "e.csv", ""))


# -- CSV: properties --------------------------------------------------------------------------

finite_floats = st.floats(allow_nan=False, allow_infinity=False)
csv_labels = st.one_of(st.integers(), st.text(alphabet="abcxyz_ ", min_size=1).filter(str.strip))


@st.composite
def numeric_tables(draw: st.DrawFn) -> Tuple[List[List[float]], List[Union[int, str]]]:
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(finite_floats, min_size=width, max_size=width), min_size=1, max_size=20))
    labels = draw(st.lists(csv_labels, min_size=len(rows), max_size=len(rows)))
    return rows, labels


@given(table=numeric_tables(), with_header=st.booleans(), crlf=st.booleans())
def test_csv_round_trip(table, with_header, crlf) -> None:  # type: ignore[no-untyped-def]
    rows, labels = table
    newline = "\r\n" if crlf else "\n"
    lines = [",".join(f"f{k}" for k in range(len(rows[0]))) + ",label"] if with_header else []
    lines += [",".join(map(repr, row)) + "," + str(label) for row, label in zip(rows, labels)]
    with scratch() as folder:
        path = write(pathlib.Path(folder), "table.csv", newline.join(lines) + newline)
        inputs, read_labels = load_csv(path, header=None if with_header else False)
    assert inputs == rows
    assert [math.copysign(1, x) for row in inputs for x in row] == [
        math.copysign(1, x) for row in rows for x in row
    ]
    assert read_labels == [label.strip() if isinstance(label, str) else label for label in labels]


@settings(max_examples=200)
@given(content=st.binary(max_size=200), header=st.sampled_from([None, True, False]))
def test_csv_arbitrary_bytes_give_data_or_a_data_error(content, header) -> None:  # type: ignore[no-untyped-def]
    with scratch() as folder:
        path = write(pathlib.Path(folder), "fuzz.csv", content)
        try:
            inputs, labels = load_csv(path, header=header)
        except DataError:
            return
    assert len(inputs) == len(labels) > 0
    assert all(math.isfinite(x) for row in inputs for x in row)


# -- IDX --------------------------------------------------------------------------------------


def test_idx_reads_mnist_like_ubyte(tmp_path: pathlib.Path) -> None:
    pixels = list(range(24))
    path = write(tmp_path, "images-idx3-ubyte", idx_bytes(0x08, [2, 3, 4], pixels))
    assert read_idx(path) == ([2, 3, 4], pixels)


def test_idx_gzip_is_detected_by_magic_not_by_name(tmp_path: pathlib.Path) -> None:
    content = idx_bytes(0x08, [3], [7, 8, 9])
    zipped = write(tmp_path, "labels-without-suffix", gzip.compress(content))
    raw = write(tmp_path, "labels.gz", content)
    assert read_idx(zipped) == read_idx(raw) == ([3], [7, 8, 9])


idx_types = st.sampled_from(sorted(IDX_CODES))
idx_value_strategies = {
    0x08: st.integers(0, 255),
    0x09: st.integers(-128, 127),
    0x0B: st.integers(-(2**15), 2**15 - 1),
    0x0C: st.integers(-(2**31), 2**31 - 1),
    0x0D: st.floats(width=32, allow_nan=False),
    0x0E: st.floats(allow_nan=False),
}


@st.composite
def idx_arrays(draw: st.DrawFn) -> Tuple[int, List[int], List[Number]]:
    type_code = draw(idx_types)
    dims = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
    count = math.prod(dims)
    values = draw(st.lists(idx_value_strategies[type_code], min_size=count, max_size=count))
    return type_code, dims, values


@given(array=idx_arrays(), compress=st.booleans())
def test_idx_round_trip(array, compress) -> None:  # type: ignore[no-untyped-def]
    type_code, dims, values = array
    content = idx_bytes(type_code, dims, values)
    with scratch() as folder:
        path = write(pathlib.Path(folder), "a.idx", gzip.compress(content) if compress else content)
        assert read_idx(path) == (dims, values)


def idx_error(tmp_path: pathlib.Path, content: bytes, **options: int) -> str:
    path = write(tmp_path, "bad.idx", content)
    with pytest.raises(DataError) as caught:
        read_idx(path, **options)
    return str(caught.value).replace(str(path), "FILE")


def test_idx_truncated_payload(tmp_path: pathlib.Path) -> None:
    content = idx_bytes(0x08, [2, 3], [1, 2, 3, 4, 5, 6])[:-1]
    assert idx_error(tmp_path, content) == "FILE: expected 6 bytes of data for shape 2x3, found 5"
    assert idx_error(tmp_path, gzip.compress(content)) == (
        "FILE: expected 6 bytes of data for shape 2x3, found 5"
    )


def test_idx_truncated_wide_payload_counts_bytes(tmp_path: pathlib.Path) -> None:
    content = idx_bytes(0x0E, [2], [1.0, 2.0])[:-3]
    assert idx_error(tmp_path, content) == "FILE: expected 16 bytes of data for shape 2, found 13"


def test_idx_extra_bytes(tmp_path: pathlib.Path) -> None:
    content = idx_bytes(0x08, [2], [1, 2]) + b"\0\0\0"
    assert idx_error(tmp_path, content) == "FILE: expected 2 bytes of data for shape 2, found more"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "FILE: truncated IDX header: expected 4 bytes for the magic number, found 0"),
        (
            b"\0\0\x08\x02\0\0\0\x05\0\0",
            "FILE: truncated IDX header: expected 8 bytes for sizes, found 6",
        ),
        (b"\x01\x02\x03\x04", "FILE: not an IDX file (magic bytes 01020304)"),
        (b"\0\0\x0a\x01\0\0\0\0", "FILE: not an IDX file (magic bytes 00000a01)"),
        (b"\0\0\x08\x00", "FILE: not an IDX file (magic bytes 00000800)"),
        (b"1,2,3\n", "FILE: not an IDX file (magic bytes 312c322c)"),
    ],
)
def test_idx_bad_headers(tmp_path: pathlib.Path, content: bytes, expected: str) -> None:
    assert idx_error(tmp_path, content) == expected


def test_idx_hostile_header_fails_fast(tmp_path: pathlib.Path) -> None:
    content = b"\0\0\x0e\x04" + b"\xff" * 16
    claimed = (2**32 - 1) ** 4
    assert idx_error(tmp_path, content) == (
        f"FILE: header claims {claimed} values (shape 4294967295x4294967295x4294967295x"
        f"4294967295), more than the limit of 100000000"
    )
    gzipped = gzip.compress(b"\0\0\x08\x01\x00\x01\x00\x00" + bytes(10))  # claims 2**40 / 2**24
    assert "more than the limit of 1000" in idx_error(tmp_path, gzipped, max_items=1000)


def test_idx_max_items_is_inclusive(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "ten.idx", idx_bytes(0x08, [10], list(range(10))))
    assert read_idx(path, max_items=10)[1] == list(range(10))
    with pytest.raises(DataError, match="more than the limit of 9"):
        read_idx(path, max_items=9)
    with pytest.raises(PurennError, match="max_items must be a non-negative int"):
        read_idx(path, max_items=-1)


def test_idx_corrupt_and_truncated_gzip(tmp_path: pathlib.Path) -> None:
    assert idx_error(tmp_path, b"\x1f\x8bnot really gzip").startswith("FILE: cannot read file: ")
    zipped = gzip.compress(idx_bytes(0x08, [100], list(range(100))))
    assert idx_error(tmp_path, zipped[: len(zipped) // 2]).startswith("FILE: cannot read file: ")


def test_idx_missing_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(DataError, match="nothing.idx: cannot open file: "):
        read_idx(tmp_path / "nothing.idx")


@settings(max_examples=200)
@given(
    prefix=st.sampled_from([b"", b"\0\0\x08\x01", b"\0\0\x08\x03", b"\0\0\x0d\x02"]),
    rest=st.binary(max_size=40),
    compress=st.booleans(),
)
def test_idx_arbitrary_bytes_give_values_or_a_data_error(prefix, rest, compress) -> None:  # type: ignore[no-untyped-def]
    content = prefix + rest
    with scratch() as folder:
        path = write(pathlib.Path(folder), "fuzz", gzip.compress(content) if compress else content)
        try:
            dims, values = read_idx(path)
        except DataError:
            return
    assert math.prod(dims) == len(values)


def write_mnist_pair(folder: pathlib.Path, images: bytes, labels: bytes) -> pathlib.Path:
    write(folder, "train-labels-idx1-ubyte.gz", gzip.compress(labels))
    return write(folder, "train-images-idx3-ubyte.gz", gzip.compress(images))


def test_load_idx_flattens_images_and_reads_labels(tmp_path: pathlib.Path) -> None:
    images = write(tmp_path, "i", idx_bytes(0x08, [3, 2, 2], list(range(12))))
    labels = write(tmp_path, "l", idx_bytes(0x08, [3], [5, 0, 9]))
    inputs, read_labels = load_idx(images, labels)
    assert inputs == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]
    assert all(type(x) is float for row in inputs for x in row)
    assert read_labels == [5, 0, 9] and all(type(label) is int for label in read_labels)


def test_load_idx_integer_valued_float_labels(tmp_path: pathlib.Path) -> None:
    images = write(tmp_path, "i", idx_bytes(0x0D, [2, 1], [0.5, -1.5]))
    labels = write(tmp_path, "l", idx_bytes(0x0E, [2], [1.0, 2.0]))
    assert load_idx(images, labels) == ([[0.5], [-1.5]], [1, 2])


@pytest.mark.parametrize(
    "images, labels, expected",
    [
        (
            idx_bytes(8, [3, 2], [0] * 6),
            idx_bytes(8, [2], [1, 2]),
            "IMAGES holds 3 images but LABELS holds 2 labels",
        ),
        (
            idx_bytes(8, [3], [0] * 3),
            idx_bytes(8, [3], [1, 2, 3]),
            "IMAGES: expected images (2 or more dimensions), found 1",
        ),
        (
            idx_bytes(8, [2, 2], [0] * 4),
            idx_bytes(8, [2, 1], [1, 2]),
            "LABELS: expected 1 dimension of labels, found 2",
        ),
        (idx_bytes(8, [0, 2], []), idx_bytes(8, [0], []), "IMAGES: no data rows"),
        (idx_bytes(8, [2, 0], []), idx_bytes(8, [2], [1, 2]), "IMAGES: no data rows"),
        (
            idx_bytes(8, [2, 1], [0, 0]),
            idx_bytes(0x0D, [2], [1.0, 2.5]),
            "LABELS: label 1 is 2.5, not an integer",
        ),
        (
            idx_bytes(0x0D, [2, 2], [0.0, 1.0, math.inf, 2.0]),
            idx_bytes(8, [2], [1, 2]),
            "IMAGES: value 2 is inf, not a finite number",
        ),
        (
            idx_bytes(0x0E, [1, 1], [math.nan]),
            idx_bytes(8, [1], [1]),
            "IMAGES: value 0 is nan, not a finite number",
        ),
    ],
)
def test_load_idx_errors(tmp_path: pathlib.Path, images: bytes, labels: bytes, expected: str) -> None:
    images_path = write(tmp_path, "images.idx", images)
    labels_path = write(tmp_path, "labels.idx", labels)
    with pytest.raises(DataError) as caught:
        load_idx(images_path, labels_path)
    message = str(caught.value).replace(str(images_path), "IMAGES")
    assert message.replace(str(labels_path), "LABELS") == expected


# -- load_dataset -----------------------------------------------------------------------------


def test_load_dataset_finds_mnist_labels_by_name(tmp_path: pathlib.Path) -> None:
    images = write_mnist_pair(tmp_path, idx_bytes(8, [2, 1, 2], [1, 2, 3, 4]), idx_bytes(8, [2], [3, 4]))
    assert load_dataset(str(images)) == ([[1.0, 2.0], [3.0, 4.0]], [3, 4])


def test_load_idx_reads_the_labels_first(tmp_path: pathlib.Path) -> None:
    images = write(tmp_path, "images.idx", b"not even IDX")
    with pytest.raises(DataError, match="absent.idx: cannot open file"):
        load_idx(images, tmp_path / "absent.idx")


def test_load_dataset_raw_idx_with_explicit_labels(tmp_path: pathlib.Path) -> None:
    images = write(tmp_path, "pictures.bin", idx_bytes(8, [1, 2], [9, 8]))
    labels = write(tmp_path, "answers.bin", idx_bytes(8, [1], [6]))
    assert load_dataset(str(images), labels_path=labels) == ([[9.0, 8.0]], [6])


def test_load_dataset_idx_without_labels(tmp_path: pathlib.Path) -> None:
    images = write(tmp_path, "pictures.bin", idx_bytes(8, [1, 2], [9, 8]))
    with pytest.raises(DataError, match="IDX images need a labels file; pass labels_path"):
        load_dataset(str(images))
    lonely = write(tmp_path, "t10k-images-idx3-ubyte", idx_bytes(8, [1, 2], [9, 8]))
    expected = f"{lonely}: no labels file {tmp_path / 't10k-labels-idx1-ubyte'}; pass labels_path"
    with pytest.raises(DataError) as caught:
        load_dataset(str(lonely))
    assert str(caught.value) == expected


def test_load_dataset_csv_with_label_column(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "d.csv", "y,a\n1,2\n")
    assert load_dataset(str(path), label_column="y") == ([[2.0]], [1])
    with pytest.raises(PurennError, match="labels_path is only for IDX images"):
        load_dataset(str(path), labels_path=path)


def test_load_dataset_missing_and_empty(tmp_path: pathlib.Path) -> None:
    with pytest.raises(DataError, match="missing.csv: cannot open file"):
        load_dataset(str(tmp_path / "missing.csv"))
    with pytest.raises(DataError, match="empty.csv: no data rows"):
        load_dataset(str(write(tmp_path, "empty.csv", b"")))


# -- scaling ----------------------------------------------------------------------------------


def test_fit_none_and_divide(digits) -> None:  # type: ignore[no-untyped-def]
    inputs, _ = digits
    assert fit_scaling(inputs, "none") == {"kind": "none"}
    assert fit_scaling(inputs, "divide") == {"kind": "divide", "by": 16.0}
    assert fit_scaling(inputs, "divide", divide_by=255) == {"kind": "divide", "by": 255.0}
    assert fit_scaling([[0.0, -3.0], [2.0, 1.0]], "divide") == {"kind": "divide", "by": 3.0}
    assert fit_scaling([[0.0], [0.0]], "divide") == {"kind": "divide", "by": 1.0}


def test_divide_is_exact_and_does_not_mutate() -> None:
    inputs = [[1.0, 3.0, 16.0], [0.1, -7.0, 5.0]]
    before = copy.deepcopy(inputs)
    scaled = apply_scaling(inputs, {"kind": "divide", "by": 3.0})
    assert scaled == [[x / 3.0 for x in row] for row in before]
    assert inputs == before
    unchanged = apply_scaling(inputs, {"kind": "none"})
    assert unchanged == inputs and unchanged[0] is not inputs[0]


def test_standardize_digits_constant_columns_map_to_zero(digits) -> None:  # type: ignore[no-untyped-def]
    inputs, _ = digits
    scaling = fit_scaling(inputs, "standardize")
    assert scaling["mean"][0] == 0.0 and scaling["std"][0] == 1.0  # pixel 0 is always blank
    scaled = apply_scaling(inputs, scaling)
    assert all(row[0] == 0.0 for row in scaled)
    column = [row[10] for row in scaled]
    assert abs(statistics.fmean(column)) < 1e-12
    assert abs(statistics.pstdev(column) - 1.0) < 1e-12


tables = st.integers(1, 4).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(-1000, 1000).map(float), min_size=width, max_size=width),
        min_size=1,
        max_size=20,
    )
)


@given(inputs=tables)
def test_standardized_columns_have_mean_0_and_std_1(inputs) -> None:  # type: ignore[no-untyped-def]
    scaling = fit_scaling(inputs, "standardize")
    check_scaling(scaling, len(inputs[0]))
    check_scaling(json.loads(json.dumps(scaling, allow_nan=False)), len(inputs[0]))
    scaled = apply_scaling(inputs, scaling)
    for original, column in zip(zip(*inputs), zip(*scaled)):
        if len(set(original)) == 1:
            assert set(column) == {0.0}
        else:
            assert abs(statistics.fmean(column)) < 1e-9
            assert abs(statistics.pstdev(column) - 1.0) < 1e-9


@given(inputs=tables, by=st.floats(min_value=1e-3, max_value=1e6))
def test_divide_is_elementwise_division(inputs, by) -> None:  # type: ignore[no-untyped-def]
    scaling = fit_scaling(inputs, "divide", divide_by=by)
    assert apply_scaling(inputs, scaling) == [[x / by for x in row] for row in inputs]


@pytest.mark.parametrize(
    "inputs, kind, options, error, message",
    [
        ([[1.0]], "minmax", {}, PurennError, "unknown scaling 'minmax'"),
        ([[1.0]], "none", {"divide_by": 2.0}, PurennError, "divide_by is only for"),
        ([[1.0]], "divide", {"divide_by": 0.0}, PurennError, "divide_by must be a positive"),
        ([[1.0]], "divide", {"divide_by": math.inf}, PurennError, "divide_by must be a positive"),
        ([], "standardize", {}, DataError, "cannot fit a scaling to no rows"),
        ([], "divide", {}, DataError, "cannot fit a scaling to no rows"),
        (
            [[1.0, 2.0], [3.0]],
            "divide",
            {},
            DataError,
            "inputs row 1: expected 2 features, found 1",
        ),
        (
            [[1.0], [math.nan]],
            "standardize",
            {},
            DataError,
            "inputs row 1: every feature must be a finite number",
        ),
        (
            [[1e308], [-1e308]],
            "standardize",
            {},
            DataError,
            "inputs column 0: values too large to standardize",
        ),
        (
            [[1.7e308], [1.6e308]],
            "standardize",
            {},
            DataError,
            "inputs column 0: values too large to standardize",
        ),
    ],
)
def test_fit_scaling_errors(inputs, kind, options, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        fit_scaling(inputs, kind, **options)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "scaling, message",
    [
        ([1, 2], "scaling: expected a JSON object, found list"),
        (
            {"kind": "minmax"},
            "scaling \"kind\": expected one of none, divide, standardize, global-variance, found 'minmax'",
        ),
        ({}, 'scaling "kind": expected one of none, divide, standardize, global-variance, found None'),
        (
            {"kind": ["divide"]},
            "scaling \"kind\": expected one of none, divide, standardize, global-variance, found ['divide']",
        ),
        ({"kind": "divide"}, "scaling (divide): expected keys ['by', 'kind'], found ['kind']"),
        ({"kind": "none", "by": 2}, "scaling (none): expected keys ['kind'], found ['by', 'kind']"),
        ({"kind": "divide", "by": 0}, 'scaling "by": expected a positive finite number, found 0'),
        (
            {"kind": "divide", "by": -2.0},
            'scaling "by": expected a positive finite number, found -2.0',
        ),
        (
            {"kind": "divide", "by": True},
            'scaling "by": expected a positive finite number, found True',
        ),
        (
            {"kind": "divide", "by": "16"},
            "scaling \"by\": expected a positive finite number, found '16'",
        ),
        (
            {"kind": "divide", "by": math.nan},
            'scaling "by": expected a positive finite number, found nan',
        ),
        (
            {"kind": "divide", "by": 10**400},
            'scaling "by": expected a positive finite number, found ' + "1" + "0" * 39 + "...",
        ),
        (
            {"kind": "standardize", "mean": [0.0], "std": [1.0, 1.0]},
            'scaling "mean": expected a list of 2 numbers, found 1',
        ),
        (
            {"kind": "standardize", "mean": [0.0, 0.0], "std": "1"},
            'scaling "std": expected a list of 2 numbers, found str',
        ),
        (
            {"kind": "standardize", "mean": [0.0, None], "std": [1.0, 1.0]},
            'scaling "mean[1]": expected a finite number, found None',
        ),
        (
            {"kind": "standardize", "mean": [0.0, 0.0], "std": [1.0, 0.0]},
            'scaling "std[1]": expected a positive finite number, found 0.0',
        ),
    ],
)
def test_check_scaling_errors(scaling: object, message: str) -> None:
    with pytest.raises(DataError) as caught:
        check_scaling(scaling, 2)
    assert str(caught.value) == message


GLOBAL = {"kind": "global-variance", "mean": 4.0, "variance": 8.0}


@pytest.mark.parametrize(
    "scaling, message",
    [
        ({"kind": "global-variance", "mean": 1.0}, "scaling (global-variance): expected keys"),
        ({**GLOBAL, "std": 1.0}, "scaling (global-variance): expected keys"),
        ({**GLOBAL, "mean": [4.0]}, 'scaling "mean": expected a finite number, found [4.0]'),
        ({**GLOBAL, "mean": math.inf}, 'scaling "mean": expected a finite number, found inf'),
        ({**GLOBAL, "mean": True}, 'scaling "mean": expected a finite number, found True'),
        ({**GLOBAL, "variance": 0}, 'scaling "variance": expected a positive finite number, found 0'),
        ({**GLOBAL, "variance": -8.0}, 'scaling "variance": expected a positive finite number'),
        ({**GLOBAL, "variance": "8"}, 'scaling "variance": expected a positive finite number'),
        ({**GLOBAL, "variance": math.nan}, 'scaling "variance": expected a positive finite number'),
    ],
)
def test_check_global_variance_errors(scaling: object, message: str) -> None:
    with pytest.raises(DataError) as caught:
        check_scaling(scaling, 2)
    assert str(caught.value).startswith(message)


def test_global_variance_is_one_mean_and_one_variance_over_every_value() -> None:
    """(x - mean) / variance, the tutorials' X = (X - X.mean()) / X.var(): NOT per column, and
    divided by the population variance, not by the standard deviation."""
    inputs = [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    scaling = fit_scaling(inputs, "global-variance")
    assert scaling == {"kind": "global-variance", "mean": 5.0, "variance": 70.0 / 6.0}
    check_scaling(scaling, 3)
    scaled = apply_scaling(inputs, scaling)
    assert scaled == [[(x - 5.0) / (70.0 / 6.0) for x in row] for row in inputs]
    assert fit_scaling([[3.0, 3.0]], "global-variance") == {
        "kind": "global-variance",
        "mean": 3.0,
        "variance": 1.0,
    }
    assert apply_scaling([[3, 3.0]], {"kind": "global-variance", "mean": 3.0, "variance": 1.0}) == [
        [0.0, 0.0]
    ]


def test_global_variance_on_the_digits_gives_the_tutorials_range(digits) -> None:  # type: ignore[no-untyped-def]
    """The issue's check: pixels 0..16 end up in about [-0.13, 0.3]."""
    inputs, _ = digits
    scaling = fit_scaling(inputs, "global-variance")
    values = [x for row in apply_scaling(inputs, scaling) for x in row]
    assert -0.14 < min(values) < -0.12 and 0.29 < max(values) < 0.31
    assert 4.8 < scaling["mean"] < 4.9 and 36.0 < scaling["variance"] < 37.0


def test_global_variance_refuses_values_too_large() -> None:
    with pytest.raises(DataError, match="values too large for the global-variance scaling"):
        fit_scaling([[1e308, -1e308]], "global-variance")


def test_check_scaling_accepts_ints_and_valid_dicts() -> None:
    check_scaling({"kind": "none"}, 5)
    check_scaling({"kind": "divide", "by": 16}, 5)
    check_scaling({"kind": "standardize", "mean": [0, -1.5], "std": [2, 0.5]}, 2)
    check_scaling({"kind": "global-variance", "mean": -1, "variance": 2}, 7)
    with pytest.raises(PurennError, match="n_features must be a non-negative int"):
        check_scaling({"kind": "none"}, -1)


def test_apply_scaling_errors_and_empty_inputs() -> None:
    standardize = {"kind": "standardize", "mean": [0.0, 0.0], "std": [1.0, 1.0]}
    with pytest.raises(DataError, match='scaling "mean": expected a list of 3 numbers'):
        apply_scaling([[1.0, 2.0, 3.0]], standardize)
    with pytest.raises(DataError, match="inputs row 1: expected 2 features, found 1"):
        apply_scaling([[1.0, 2.0], [3.0]], standardize)
    with pytest.raises(DataError, match="scaling: expected a JSON object"):
        apply_scaling([], "none")  # type: ignore[arg-type]
    assert apply_scaling([], standardize) == []
    assert apply_scaling([[1.0, 3.0]], standardize) == [[1.0, 3.0]]


# -- scaling: shared results -----------------------------------------------------------------
# apply_scaling gives equal inputs one result object (see purenn.scaling._Memo); the numbers must stay
# those of the plain formulas, bit for bit, -0.0 included.


def bits(rows: Sequence[Sequence[float]]) -> List[List[Tuple[type, bytes]]]:
    """Each value's type and IEEE 754 bytes: equal only if bit for bit the same float."""
    return [[(type(x), struct.pack(">d", x)) for x in row] for row in rows]


def plain_scaling(inputs: Sequence[Sequence[float]], scaling: Scaling) -> List[List[float]]:
    """apply_scaling as it was written before it shared results: the formulas, value by value."""
    if scaling["kind"] == "divide":
        return [[x / scaling["by"] for x in row] for row in inputs]
    pairs = list(zip(scaling["mean"], scaling["std"]))
    return [[(x - m) / s for x, (m, s) in zip(row, pairs)] for row in inputs]


scaled_values = st.one_of(
    st.sampled_from([0.0, -0.0, 0, 1, 1.0, -1.0, 255, 0.1, 1e-300, -5e-324]),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(-(2**60), 2**60),
)
value_tables = st.integers(1, 4).flatmap(
    lambda width: st.lists(st.lists(scaled_values, min_size=width, max_size=width), min_size=1, max_size=12)
)
means = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
stds = st.floats(min_value=1e-6, max_value=1e6)


@given(inputs=value_tables, by=stds)
def test_divide_shared_is_bit_identical(inputs, by) -> None:  # type: ignore[no-untyped-def]
    scaling = {"kind": "divide", "by": by}
    assert bits(apply_scaling(inputs, scaling)) == bits(plain_scaling(inputs, scaling))


@given(inputs=value_tables, data_=st.data())
def test_standardize_shared_is_bit_identical(inputs, data_) -> None:  # type: ignore[no-untyped-def]
    width = len(inputs[0])
    mean = data_.draw(st.lists(st.one_of(st.just(0.0), st.just(-0.0), means), min_size=width, max_size=width))
    std = data_.draw(st.lists(stds, min_size=width, max_size=width))
    scaling = {"kind": "standardize", "mean": mean, "std": std}
    assert bits(apply_scaling(inputs, scaling)) == bits(plain_scaling(inputs, scaling))


def test_zeros_keep_their_sign_in_the_shared_results() -> None:
    inputs = [[0.0, -0.0, 0], [-0.0, 0.0, -0.0]]
    divided = apply_scaling(inputs, {"kind": "divide", "by": 2.0})
    assert [[math.copysign(1.0, x) for x in row] for row in divided] == [[1, -1, 1], [-1, 1, -1]]
    standardize = {"kind": "standardize", "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]}
    assert bits(apply_scaling(inputs, standardize)) == bits(plain_scaling(inputs, standardize))


def test_equal_inputs_share_one_result_object() -> None:
    rng = random.Random(0)
    inputs = [[float(rng.randrange(256)) for _ in range(30)] for _ in range(200)]
    inputs[0][0] = 7  # an int equal to a float shares the float's result
    inputs[1][0] = 7.0
    divided = apply_scaling(inputs, {"kind": "divide", "by": 255.0})
    assert divided == plain_scaling(inputs, {"kind": "divide", "by": 255.0})
    assert divided[0][0] is divided[1][0]
    assert len({id(x) for row in divided for x in row}) == len({x for row in inputs for x in row})
    standardized = apply_scaling(inputs, fit_scaling(inputs, "standardize"))
    for original, column in zip(zip(*inputs), zip(*standardized)):  # one result per value and column
        assert len({id(x) for x in column}) == len(set(original))


def test_shared_results_are_bounded_and_still_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(purenn.scaling, "_MAX_SHARED", 3)
    monkeypatch.setattr(purenn.scaling, "_MAX_SHARED_PER_COLUMN", 2)
    inputs = [[float(k), float(k % 5)] for k in range(1, 40)]
    for scaling in ({"kind": "divide", "by": 3.0}, fit_scaling(inputs, "standardize")):
        assert bits(apply_scaling(inputs, scaling)) == bits(plain_scaling(inputs, scaling))
    memo = _Memo(lambda x: x * 2.0, limit=3)
    assert [memo[x] for x in (1, 2, 3, 4, 5, 1)] == [2.0, 4.0, 6.0, 8.0, 10.0, 2.0]
    assert sorted(memo) == [1, 2, 3]  # kept no more than its limit


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="tracemalloc is CPython's")
def test_scaling_8_bit_images_allocates_the_rows_not_the_values() -> None:
    import tracemalloc  # not in PyPy

    rng = random.Random(1)
    inputs = [[float(rng.randrange(256)) for _ in range(784)] for _ in range(300)]
    tracemalloc.start()
    try:
        scaled = apply_scaling(inputs, {"kind": "divide", "by": 255.0})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    slots = 300 * 784 * 8  # the new rows' pointers; a float per value would add 300 * 784 * 24
    assert len(scaled) == 300 and peak < 1.25 * slots


def test_load_idx_shares_one_float_per_distinct_pixel(tmp_path: pathlib.Path) -> None:
    pixels = [(k * 37) % 256 for k in range(4 * 100)]
    images = write(tmp_path, "i", idx_bytes(0x08, [4, 10, 10], pixels))
    labels = write(tmp_path, "l", idx_bytes(0x08, [4], [1, 2, 3, 4]))
    inputs, _ = load_idx(images, labels)
    flat = [x for row in inputs for x in row]
    assert flat == [float(p) for p in pixels] and all(type(x) is float for x in flat)
    assert len({id(x) for x in flat}) == len(set(pixels))


# -- classes ----------------------------------------------------------------------------------


def test_class_list_sorts_ints_numerically_then_text() -> None:
    assert class_list([10, "b", 2, "B", 10, -1, "a"]) == [-1, 2, 10, "B", "a", "b"]
    assert class_list([]) == []


@given(labels=st.lists(csv_labels, max_size=30))
def test_class_list_is_sorted_distinct_labels(labels) -> None:  # type: ignore[no-untyped-def]
    classes = class_list(labels)
    assert set(classes) == set(labels) and len(classes) == len(set(labels))
    ints = [c for c in classes if isinstance(c, int)]
    assert classes == sorted(ints) + sorted(c for c in classes if isinstance(c, str))


def test_one_hot_exact_and_errors() -> None:
    assert one_hot(["b", 1, "b"], [1, "b"]) == [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    assert one_hot([], [0, 1]) == []
    with pytest.raises(DataError) as caught:
        one_hot([0, 3], [0, 1, 2])
    assert str(caught.value) == "label 3 (row 1) is not one of the 3 classes"
    with pytest.raises(PurennError, match="classes must not repeat"):
        one_hot([0], [0, 0])


@given(labels=st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_one_hot_rows_point_at_their_class(labels) -> None:  # type: ignore[no-untyped-def]
    classes = class_list(labels)
    targets = one_hot(labels, classes)
    for label, target in zip(labels, targets):
        assert sorted(target) == [0.0] * (len(classes) - 1) + [1.0]
        assert classes[target.index(1.0)] == label


# -- splits -----------------------------------------------------------------------------------


def assert_partition(train: List[int], test: List[int], n: int) -> None:
    assert train == sorted(train) and test == sorted(test)
    assert sorted(train + test) == list(range(n))
    assert not set(train) & set(test)


def test_stratified_digits_split(digits) -> None:  # type: ignore[no-untyped-def]
    _, labels = digits
    train, test = stratified_split(labels, 0.25, random.Random(0))
    assert (len(train), len(test)) == (1347, 450)
    assert_partition(train, test, 1797)
    counts = Counter(labels[i] for i in test)
    assert [counts[d] for d in range(10)] == [44, 46, 44, 46, 45, 46, 45, 45, 44, 45]
    assert stratified_split(labels, 0.25, random.Random(0)) == (train, test)
    assert stratified_split(labels, 0.25, random.Random(1))[1] != test


@given(
    labels=st.lists(st.sampled_from([0, 1, 2, "x", "y"]), min_size=1, max_size=200),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32),
)
def test_stratified_split_keeps_every_class_share(labels, fraction, seed) -> None:  # type: ignore[no-untyped-def]
    try:
        train, test = stratified_split(labels, fraction, random.Random(seed))
    except DataError as error:
        assert "set empty" in str(error)
        return
    assert_partition(train, test, len(labels))
    assert (train, test) == stratified_split(labels, fraction, random.Random(seed))
    in_test = Counter(labels[i] for i in test)
    for label, size in Counter(labels).items():
        assert abs(in_test[label] - size * fraction) <= 0.5 + 1e-9


@given(n=st.integers(0, 300), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 2**32))
def test_random_split_is_a_seeded_partition(n, fraction, seed) -> None:  # type: ignore[no-untyped-def]
    try:
        train, test = random_split(n, fraction, random.Random(seed))
    except DataError as error:
        assert "set empty" in str(error)
        assert round(n * fraction) in (0, n)
        return
    assert_partition(train, test, n)
    assert len(test) == round(n * fraction)
    assert (train, test) == random_split(n, fraction, random.Random(seed))


def test_sequential_split_exact() -> None:
    assert sequential_split(10, 0.75) == (list(range(8)), [8, 9])
    assert sequential_split(1797, 0.75) == (list(range(1348)), list(range(1348, 1797)))


@given(n=st.integers(2, 300), fraction=st.floats(0.01, 0.99))
def test_sequential_split_is_a_prefix_partition(n, fraction) -> None:  # type: ignore[no-untyped-def]
    n_train = round(n * fraction)
    if n_train in (0, n):
        with pytest.raises(DataError, match="set empty"):
            sequential_split(n, fraction)
        return
    train, test = sequential_split(n, fraction)
    assert train == list(range(n_train)) and test == list(range(n_train, n))


@pytest.mark.parametrize("fraction", [0, 1, 0.0, 1.0, -0.5, 1.5, math.nan, math.inf, True, "0.5"])
def test_fractions_must_be_strictly_between_0_and_1(fraction: object) -> None:
    expected = f"must be a number between 0 and 1 (exclusive), found {fraction!r}"
    with pytest.raises(PurennError) as caught:
        stratified_split([0, 1], fraction, random.Random(0))  # type: ignore[arg-type]
    assert str(caught.value) == "test_fraction " + expected
    with pytest.raises(PurennError):
        random_split(4, fraction, random.Random(0))  # type: ignore[arg-type]
    with pytest.raises(PurennError) as caught:
        sequential_split(4, fraction)  # type: ignore[arg-type]
    assert str(caught.value) == "train_fraction " + expected


def test_splits_that_leave_a_side_empty() -> None:
    with pytest.raises(DataError) as caught:
        sequential_split(1, 0.5)
    assert str(caught.value) == "split of 1 rows leaves the training set empty"
    with pytest.raises(DataError) as caught:
        stratified_split([0, 1, 2], 0.2, random.Random(0))
    assert str(caught.value) == "split of 3 rows leaves the test set empty"
    with pytest.raises(PurennError, match="number of rows must be a non-negative int"):
        random_split(-1, 0.5, random.Random(0))


def test_take() -> None:
    assert take(["a", "b", "c"], [2, 0, 2]) == ["c", "a", "c"]
    assert take([[1.0], [2.0]], []) == []
    for bad in (3, -1, True):
        with pytest.raises(PurennError) as caught:
            take(["a", "b", "c"], [0, bad])
        assert str(caught.value) == f"take: index {bad!r} is out of range for 3 rows"


# Standard input and FIFOs (issue 12) -------------------------------------------------------------


def test_standard_input_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from purenn.data import load_dataset

    rows = "".join(f"{i},{i + 1},{i % 2}\n" for i in range(100))

    class Stdin:
        buffer = io.BytesIO(rows.encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    inputs, labels = load_dataset("-")
    assert len(inputs) == 100 and inputs[0] == [0.0, 1.0] and labels[-1] == 1


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Any) -> None:
    import os

    from purenn.data import load_dataset

    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(DataError, match="FIFO"):
        load_dataset(str(tmp_path / "fifo"))
