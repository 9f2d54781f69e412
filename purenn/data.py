"""Loading data sets: CSV, IDX (MNIST), the vendored digits, and any of them by name.

A data set is a pair ``(inputs, labels)``: ``inputs`` is a list of rows, each a list of floats
(one per feature), and ``labels`` holds one label per row, an int or a str.

Loading:

- load_csv: a CSV file of numbers with one label column and an optional header, raw or gzipped.
- read_stdin, load_csv_bytes, STDIN: CSV from standard input ("-"), read whole, then parsed.
- digits_path, load_digits: the vendored UCI handwritten digits (1797 rows of 8x8 pixels 0..16).
- read_idx, load_idx: MNIST's IDX format, raw or gzip-compressed.
- (MATLAB MAT-files: see purenn.matlab.)
- load_dataset, source_kind, is_mat_source: any of the above, chosen by name ("digits", "-") or by
  the file's first bytes.

Preparing them: purenn.scaling (fit, apply and check an input scaling), purenn.splits (classes,
one-hot targets, train/test splits).

Bad data raises DataError, a bad argument PurennError; each message says where the problem is,
as in ``data/bad.csv, line 12: expected 65 fields, found 64``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import itertools
import math
import os
import pathlib
import re
import struct
import sys
import zlib
from typing import Dict, Iterator, List, Optional, Tuple, Union

from .errors import DataError, PurennError
from .files import PathLike, check_regular, path_text, read_at_most
from .matlab import is_mat_file, load_mat
from .scaling import shared_floats
from .vectors import Label

__all__ = [
    "digits_path",
    "is_mat_source",
    "load_csv",
    "load_dataset",
    "load_digits",
    "load_idx",
    "read_idx",
]

Dataset = Tuple[List[List[float]], List[Label]]
_Record = Tuple[int, List[str]]  # (line number, fields)

_MAX_LINE_BYTES = 1 << 24  # 16 MiB: a CSV line longer than this is not a row of numbers
_MAX_IDX_ITEMS = 100_000_000  # MNIST's training images hold 47,040,000
_GZIP_MAGIC = b"\x1f\x8b"
_IDX_TYPES: Dict[int, Tuple[str, int]] = {  # type byte -> (struct code, bytes per item)
    0x08: ("B", 1),
    0x09: ("b", 1),
    0x0B: ("h", 2),
    0x0C: ("i", 4),
    0x0D: ("f", 4),
    0x0E: ("d", 8),
}


# == Files ====================================================================================


STDIN = "-"  # the source name that means standard input (CSV only, read whole)


def _check_regular(name: str) -> None:
    """files.check_regular as a DataError that points to "-" (/dev/stdin is a pipe when piped)."""
    try:
        check_regular(name)
    except PurennError as error:
        raise DataError(f"{error}; give a regular file, or - to read CSV from standard input") from None


def _open_binary(name: str) -> io.BufferedReader:
    """Open a file for reading bytes; a missing, unreadable, directory or FIFO path is a DataError."""
    _check_regular(name)
    try:
        return open(name, "rb")
    except OSError as error:
        raise DataError(f"{name}: cannot open file: {error.strerror or error}") from None
    except ValueError as error:  # an embedded null byte in the name
        raise DataError(f"{name}: cannot open file: {error}") from None


@contextlib.contextmanager
def _open_maybe_gzipped(name: str) -> Iterator[io.BufferedIOBase]:
    """Open a file for reading bytes, decompressed on the way if it starts with gzip's magic.

    The check peeks at the first bytes, so a pipe is read once, from the start.
    """
    with _open_binary(name) as raw:
        try:
            compressed = raw.peek(2)[:2] == _GZIP_MAGIC
        except OSError as error:
            raise DataError(f"{name}: cannot read file: {error.strerror or error}") from None
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            yield unzipped


def _read_bytes(name: str, stream: io.BufferedIOBase, size: int) -> bytes:
    """Read up to size bytes; an I/O or decompression failure is a DataError naming the file."""
    try:
        return read_at_most(stream, size)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{name}: cannot read file: {error}") from None


# == CSV ======================================================================================


def load_csv(
    path: PathLike, *, label_column: Union[int, str, None] = -1, header: Optional[bool] = None
) -> Dataset:
    """Read a CSV file of numeric features and one label column into ``(inputs, labels)``.

    The file is UTF-8 (a byte-order mark is allowed), lines end in LF or CRLF, and blank lines
    are skipped. A gzip-compressed file (recognised by its first bytes, whatever its name) is
    read the same, decompressed on the way. ``label_column`` is a 0-based index (negative counts
    from the end) or a column name from the header, or None for a file of features alone (then
    the labels are an empty list: data to predict). ``header=None`` guesses: the first row is a
    header when one of its feature fields is not a number, or when its label is not a number but
    the next row's is; True or False says so outright (a named label column implies a header).

    Features become floats; NaN, infinities and numbers too large for a float are refused.
    A label that is an integer ("3", "3.0") becomes an int, any other label a stripped str.

    Raises DataError, naming file, line and field, for: a missing or unreadable file, invalid
    UTF-8, a line over 16 MiB, rows of different lengths, a feature that is not a finite number,
    an empty label, or no data rows at all.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "tiny.csv")
    ...     _ = path.write_text("x,y,label\\n1,2,cat\\n3,4.5,7.0\\n")
    ...     load_csv(path, label_column="label")
    ([[1.0, 2.0], [3.0, 4.5]], ['cat', 7])
    """
    name = path_text(path)
    _check_label_column(label_column, header)
    with _open_maybe_gzipped(name) as stream:
        return _csv_dataset(name, stream, label_column, header)


def read_stdin() -> bytes:
    """All of standard input, as bytes (it can be read only once: keep them)."""
    if sys.stdin is None:  # `<&-`
        raise DataError("standard input is closed: give a file, or pipe the CSV into -")
    try:
        return sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as error:
        raise DataError(f"standard input: cannot read: {error}") from None


def load_csv_bytes(
    content: bytes,
    *,
    name: str = "<stdin>",
    label_column: Union[int, str, None] = -1,
    header: Optional[bool] = None,
) -> Dataset:
    """load_csv for the whole content of a CSV file held in memory (such as standard input).

    >>> load_csv_bytes(b"1,2,0\\n3,4,1\\n")
    ([[1.0, 2.0], [3.0, 4.0]], [0, 1])
    """
    _check_label_column(label_column, header)
    if content.startswith(_GZIP_MAGIC) or _idx_magic(content[:4]):
        raise DataError(f"{name}: IDX or gzip data cannot come from here; give the file's name")
    return _csv_dataset(name, io.BytesIO(content), label_column, header)


def _csv_dataset(
    name: str, stream: io.BufferedIOBase, label_column: Union[int, str, None], header: Optional[bool]
) -> Dataset:
    """Read the rows of a CSV stream (see load_csv)."""
    records = _csv_records(name, stream)
    head = list(itertools.islice(records, 2))
    if not head:
        raise DataError(f"{name}: no data rows")
    label_index = _label_column_index(name, head[0], label_column)
    if header is None:
        header = isinstance(label_column, str) or _looks_like_header(head, label_index)
    names = [text.strip() for text in head[0][1]] if header else None
    rows = itertools.chain(head[1:] if header else head, records)
    return _parse_records(name, rows, len(head[0][1]), label_index, names)


def _check_label_column(label_column: Union[int, str, None], header: Optional[bool]) -> None:
    """Refuse a label column that is neither an int, a str nor None, or a name without a header."""
    if label_column is None:
        return
    if isinstance(label_column, bool) or not isinstance(label_column, (int, str)):
        raise PurennError(f"label_column must be an int or a column name, found {label_column!r}")
    if isinstance(label_column, str) and header is False:
        raise PurennError(f"label_column {label_column!r} is a name, but header=False")


def _decoded_lines(name: str, stream: io.BufferedIOBase) -> Iterator[str]:
    """Yield the file's lines as text; bad UTF-8 or a gigantic line is a DataError with its line."""
    for number in itertools.count(1):
        raw = _read_line(name, stream)
        if not raw:
            return
        if len(raw) > _MAX_LINE_BYTES:
            raise DataError(f"{name}, line {number}: longer than {_MAX_LINE_BYTES} bytes")
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start]
            raise DataError(f"{name}, line {number}: not valid UTF-8 (byte {byte:#04x})") from None
        yield text


def _read_line(name: str, stream: io.BufferedIOBase) -> bytes:
    """Read one line, at most one byte past the line limit."""
    try:
        return stream.readline(_MAX_LINE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:  # EOFError, zlib.error: a damaged .gz
        raise DataError(f"{name}: cannot read file: {getattr(error, 'strerror', None) or error}") from None


def _csv_records(name: str, stream: io.BufferedIOBase) -> Iterator[_Record]:
    """Yield (line number, fields) for each non-blank CSV row; csv errors become DataError."""
    reader = csv.reader(_decoded_lines(name, stream), strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataError(f"{name}, line {reader.line_num}: {_csv_reason(error)}") from None
        if fields and not (len(fields) == 1 and not fields[0].strip()):
            yield reader.line_num, fields


def _csv_reason(error: csv.Error) -> str:
    """Say what a csv.Error means for the user, in words that do not talk about file modes."""
    text = re.sub(r"^line \d+: ", "", str(error))  # PyPy's csv says the line; we say it already
    if "new-line" in text:
        return "line breaks must be LF or CRLF, found a lone CR"
    if "unexpected end of data" in text:
        return "the file ends inside a quoted field"
    return text


def _label_column_index(name: str, first: _Record, label_column: Union[int, str, None]) -> Optional[int]:
    """Resolve the label column (index or header name) against the first row to 0..width-1."""
    line, fields = first
    width = len(fields)
    if label_column is None:
        return None
    if width < 2:
        raise DataError(f"{name}, line {line}: need a feature and a label, found {width} field")
    if isinstance(label_column, str):
        names = [text.strip() for text in fields]
        if names.count(label_column) != 1:
            found = "appears twice" if label_column in names else "is not"
            raise DataError(f"{name}, line {line}: column {label_column!r} {found} in the header")
        return names.index(label_column)
    if not -width <= label_column < width:
        raise DataError(
            f"{name}, line {line}: label column {label_column} is out of range for {width} fields"
        )
    return label_column % width


def _is_number(text: str) -> bool:
    """Return True if float() reads the text (NaN and infinities included)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _looks_like_header(head: List[_Record], label_index: Optional[int]) -> bool:
    """Guess whether the first row names the columns (see load_csv)."""
    first = head[0][1]
    if any(not _is_number(text) for k, text in enumerate(first) if k != label_index):
        return True
    second = head[1][1] if len(head) > 1 else []
    if label_index is None or len(second) != len(first):
        return False
    return not _is_number(first[label_index]) and _is_number(second[label_index])


def _parse_records(
    name: str, rows: Iterator[_Record], width: int, label_index: Optional[int], names: Optional[List[str]]
) -> Dataset:
    """Parse the data rows: check their width, read the features and the label of each."""
    inputs: List[List[float]] = []
    labels: List[Label] = []
    for line, fields in rows:
        if len(fields) != width:
            raise DataError(f"{name}, line {line}: expected {width} fields, found {len(fields)}")
        where = _FieldPlace(name, line, names)
        inputs.append(_parse_features(fields, label_index, where))
        if label_index is not None:
            labels.append(_parse_label(fields[label_index], where.of(label_index)))
    if not inputs:
        raise DataError(f"{name}: no data rows")
    return inputs, labels


class _FieldPlace:
    """Where a row sits in its file, to name one of its fields in a message."""

    def __init__(self, name: str, line: int, names: Optional[List[str]]) -> None:
        self.name, self.line, self.names = name, line, names

    def of(self, index: int) -> str:
        """Return 'file, line N, field K' (with the column's name when there is a header)."""
        place = f"{self.name}, line {self.line}, field {index + 1}"
        if self.names and self.names[index]:
            place += f' ("{self.names[index]}")'
        return place


def _parse_features(fields: List[str], label_index: Optional[int], where: _FieldPlace) -> List[float]:
    """Read every field but the label (if there is a label column) as a finite float."""
    texts = fields if label_index is None else fields[:label_index] + fields[label_index + 1 :]
    try:
        values = [float(text) for text in texts]
    except ValueError:
        values = []
    if len(values) == len(texts) and all(map(math.isfinite, values)):
        return values
    for index, text in enumerate(fields):  # the slow path, to say which field is wrong
        if index != label_index and not (_is_number(text) and math.isfinite(float(text))):
            kind = "a finite number" if _is_number(text) else "a number"
            raise DataError(f"{where.of(index)}: {_shorten(text)} is not {kind}")
    raise AssertionError("unreachable: some feature failed to parse")  # pragma: no cover


def _parse_label(text: str, where: str) -> Label:
    """Return the label as an int when it is an integer ("3", "3.0"), else as stripped text."""
    label = text.strip()
    if not label:
        raise DataError(f"{where}: empty label")
    try:
        return int(label)
    except ValueError:
        pass
    try:
        number = float(label)
    except ValueError:
        return label
    return int(number) if number.is_integer() else label


def _shorten(text: str, limit: int = 40) -> str:
    """Return repr(text), cut to about limit characters for an error message."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


# == The vendored digits ======================================================================


def digits_path() -> pathlib.Path:
    """Return the path of the vendored digits CSV inside the installed package.

    >>> digits_path().name
    'digits.csv'
    """
    return pathlib.Path(__file__).parent / "_data" / "digits.csv"


def load_digits() -> Dataset:
    """Load the UCI handwritten digits: 1797 rows of 64 pixels (0.0..16.0), labels 0..9.

    >>> inputs, labels = load_digits()
    >>> len(inputs), len(inputs[0]), labels[:5], max(max(row) for row in inputs)
    (1797, 64, [0, 1, 2, 3, 4], 16.0)
    """
    return load_csv(digits_path(), header=False)


# == IDX (MNIST) ==============================================================================


def read_idx(path: PathLike, *, max_items: int = _MAX_IDX_ITEMS) -> Tuple[List[int], List[float]]:
    """Read an IDX file, raw or gzip-compressed, into (dimension sizes, flat values in C order).

    The header is 4 magic bytes ``00 00 type ndims``, then ndims sizes as big-endian uint32;
    the data follow big-endian. Types: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
    0x0C int32 (values are ints), 0x0D float32, 0x0E float64 (values are floats). A gzip file
    is recognised by its magic bytes, whatever its name.

    Raises DataError for an unreadable file, corrupt gzip data, bad magic bytes, a truncated
    header, a header claiming more than max_items values (checked before reading them), or a
    payload shorter or longer than the header says.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "tiny-idx2-ubyte")
    ...     _ = path.write_bytes(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]))
    ...     read_idx(path)
    ([2, 3], [1, 2, 3, 4, 5, 255])
    """
    name = path_text(path)
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0:
        raise PurennError(f"max_items must be a non-negative int, found {max_items!r}")
    with _open_binary(name) as raw:
        compressed = _read_bytes(name, raw, 2) == _GZIP_MAGIC
        _rewind(name, raw)
        if not compressed:
            return _read_idx_stream(name, raw, max_items)
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            return _read_idx_stream(name, unzipped, max_items)


def _rewind(name: str, stream: io.BufferedReader) -> None:
    """Go back to the start of the file; a file that cannot (a pipe) is a DataError."""
    try:
        stream.seek(0)
    except OSError as error:
        raise DataError(f"{name}: cannot read file: {error.strerror or error}") from None


def _read_idx_stream(name: str, stream: io.BufferedIOBase, max_items: int) -> Tuple[List[int], List[float]]:
    """Read the IDX header and payload from an open stream (see read_idx)."""
    magic = _read_header_part(name, stream, 4, "the magic number")
    if magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES or magic[3] == 0:
        raise DataError(f"{name}: not an IDX file (magic bytes {magic.hex()})")
    code, item_size = _IDX_TYPES[magic[2]]
    ndims = magic[3]
    dims = list(struct.unpack(f">{ndims}I", _read_header_part(name, stream, 4 * ndims, "sizes")))
    count = math.prod(dims)
    shape = "x".join(map(str, dims))
    if count > max_items:
        raise DataError(
            f"{name}: header claims {count} values (shape {shape}), more than the limit of {max_items}"
        )
    expected = count * item_size
    payload = _read_bytes(name, stream, expected + 1)
    if len(payload) != expected:
        found = len(payload) if len(payload) < expected else "more"
        raise DataError(f"{name}: expected {expected} bytes of data for shape {shape}, found {found}")
    if code == "B":
        return dims, list(payload)
    return dims, list(struct.unpack(f">{count}{code}", payload))


def _read_header_part(name: str, stream: io.BufferedIOBase, size: int, what: str) -> bytes:
    """Read exactly size header bytes, or raise a DataError saying the header is truncated."""
    data = _read_bytes(name, stream, size)
    if len(data) != size:
        raise DataError(f"{name}: truncated IDX header: expected {size} bytes for {what}, found {len(data)}")
    return data


def load_idx(images_path: PathLike, labels_path: PathLike, *, max_items: int = _MAX_IDX_ITEMS) -> Dataset:
    """Load IDX images (n x rows x cols, or any n x ...) and their n labels as a data set.

    Each image is flattened, in C order, to a row of floats; labels must be integers.
    Raises DataError (besides read_idx's errors) when the images have fewer than two
    dimensions, the labels are not one integer per image, or a value is not finite.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     images, labels = pathlib.Path(folder, "images"), pathlib.Path(folder, "labels")
    ...     header = bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2])  # 1 image, 2x2
    ...     _ = images.write_bytes(header + bytes([0, 64, 128, 255]))
    ...     _ = labels.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 7]))
    ...     load_idx(images, labels)
    ([[0.0, 64.0, 128.0, 255.0]], [7])
    """
    images_name, labels_name = path_text(images_path), path_text(labels_path)
    label_dims, label_values = read_idx(labels_name, max_items=max_items)  # small: fail fast
    image_dims, pixels = read_idx(images_name, max_items=max_items)
    if len(image_dims) < 2:
        raise DataError(f"{images_name}: expected images (2 or more dimensions), found 1")
    if len(label_dims) != 1:
        raise DataError(f"{labels_name}: expected 1 dimension of labels, found {len(label_dims)}")
    count, width = image_dims[0], math.prod(image_dims[1:])
    if label_dims[0] != count:
        raise DataError(f"{images_name} holds {count} images but {labels_name} holds {label_dims[0]} labels")
    if count == 0 or width == 0:
        raise DataError(f"{images_name}: no data rows")
    if not all(map(math.isfinite, pixels)):
        bad = next(k for k, value in enumerate(pixels) if not math.isfinite(value))
        raise DataError(f"{images_name}: value {bad} is {pixels[bad]}, not a finite number")
    as_float = shared_floats(pixels)
    starts = range(0, len(pixels), width)
    inputs = [list(map(as_float, pixels[start : start + width])) for start in starts]
    return inputs, [_idx_label(labels_name, k, value) for k, value in enumerate(label_values)]


def _idx_label(name: str, index: int, value: float) -> int:
    """Return an IDX label as an int, refusing a fractional or non-finite one."""
    if isinstance(value, int):
        return value
    if not value.is_integer():
        raise DataError(f"{name}: label {index} is {value}, not an integer")
    return int(value)


# == Any source ===============================================================================


def load_dataset(
    source: str,
    *,
    labels_path: Optional[PathLike] = None,
    label_column: Union[int, str, None] = -1,
    inputs_variable: Optional[str] = None,
    labels_variable: Optional[str] = None,
) -> Dataset:
    """Load "digits" (the vendored set), a MATLAB MAT-file, an IDX images file, or a CSV file.

    A file starting like a MAT-file (see matlab.is_mat_file), or named *.mat, is read by
    matlab.load_mat: inputs_variable (default "X") holds one example per row, labels_variable
    (default "y") the labels. A file starting with IDX's magic bytes, raw or gzipped, is read as IDX
    images; their labels come from labels_path, or from the file named like the images with
    "images-idx3" replaced by "labels-idx1" (MNIST's naming). Any other file is CSV (raw or
    gzipped) with the given label column (None: a file of features alone, no labels). "-" is
    standard input, read whole, as CSV. A FIFO or device path is refused (DataError): opening one
    can wait forever, and reading it twice (to sniff its first bytes) would lose data.

    >>> inputs, labels = load_dataset("digits")
    >>> len(inputs), sorted(set(labels)) == list(range(10))
    (1797, True)
    """
    name = path_text(source)
    if name == STDIN:
        if labels_path is not None:
            raise PurennError("standard input holds CSV, which needs no labels_path")
        return load_csv_bytes(read_stdin(), label_column=label_column)
    if is_mat_source(name):
        _check_regular(name)
        if labels_path is not None:
            raise PurennError(f"{name}: labels_path is only for IDX images; a MAT-file holds its labels")
        return load_mat(name, inputs_variable=inputs_variable, labels_variable=labels_variable)
    if inputs_variable is not None or labels_variable is not None:
        raise PurennError(f"{name}: inputs_variable and labels_variable are only for MAT-files")
    if name != "digits" and _starts_like_idx(name):
        labels = labels_path if labels_path is not None else _mnist_labels_path(name)
        return load_idx(name, labels)
    if labels_path is not None:
        raise PurennError(f"{name}: labels_path is only for IDX images, and this is not IDX")
    return load_digits() if name == "digits" else load_csv(name, label_column=label_column)


def source_kind(source: str) -> str:
    """What load_dataset reads source as: "digits", "stdin", "mat", "idx" or "csv" (DataError if unreadable).

    >>> source_kind("digits"), source_kind("-"), source_kind(str(digits_path()))
    ('digits', 'stdin', 'csv')
    """
    if source in ("digits", STDIN):
        return "stdin" if source == STDIN else "digits"
    if is_mat_source(source):
        return "mat"
    return "idx" if _starts_like_idx(source) else "csv"


def is_mat_source(name: str) -> bool:
    """True if load_dataset reads this source as a MAT-file: named *.mat, or starting like one.

    >>> is_mat_source("digits")
    False
    """
    if name in ("digits", STDIN):
        return False
    if name.lower().endswith(".mat"):
        return True
    _check_regular(name)  # sniffing a FIFO's first bytes could wait forever, and lose them
    return is_mat_file(name)


def _starts_like_idx(name: str) -> bool:
    """Return True if the file, decompressed if gzipped, starts with a plausible IDX magic number.

    A gzip file too damaged to show its first 4 bytes counts as IDX: read_idx then says why.
    """
    with _open_binary(name) as stream:
        compressed = _read_bytes(name, stream, 2) == _GZIP_MAGIC
    try:
        with _open_maybe_gzipped(name) as stream:
            magic = _read_bytes(name, stream, 4)
    except DataError:
        if compressed:
            return True
        raise
    return _idx_magic(magic)


def _idx_magic(magic: bytes) -> bool:
    """True if four bytes are a plausible IDX magic number."""
    return len(magic) == 4 and magic[:2] == b"\0\0" and magic[2] in _IDX_TYPES and magic[3] > 0


def _mnist_labels_path(images_name: str) -> str:
    """Return the labels file MNIST pairs with an images file; DataError if there is none."""
    images = pathlib.Path(images_name)
    for old, new in (("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1")):
        if old in images.name:
            labels = images.with_name(images.name.replace(old, new))
            if not os.path.isfile(labels):
                raise DataError(f"{images_name}: no labels file {labels}; pass labels_path")
            return str(labels)
    raise DataError(f"{images_name}: IDX images need a labels file; pass labels_path")
