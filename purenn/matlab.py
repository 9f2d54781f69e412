"""MATLAB Level 5 MAT-files (what MATLAB's `save` and Octave's `save -v7` write), read with struct and zlib.

- read_mat: the 2-D real numeric arrays of a MAT-file, by name, as (rows, columns, values in C order).
- load_mat: a data set from a MAT-file: the inputs array (one example per row) and the labels vector.
- is_mat_file: True if a file starts like a MAT-file (Level 5, or the HDF5-based v7.3).
- image_in_rows: a square image unrolled column by column (MATLAB's order), unrolled row by row.
- mat_bytes: a Level 5 MAT-file holding 2-D double arrays, as bytes (for tests, examples, benchmarks).
- COLUMN_MAJOR, ROW_MAJOR: the two orders in which an image can be unrolled into a row.

The format (MathWorks, "MAT-File Format", Level 5):

- A 128-byte header: 116 bytes of text ("MATLAB 5.0 MAT-file, ..."), 8 bytes of subsystem offset, a
  2-byte version (0x0100) and the 2-byte endian indicator: the characters "MI" written as one 16-bit
  integer, so the file reads "IM" when it is little-endian and "MI" when it is big-endian. Every
  later number is in that byte order.
- Then data elements, one per variable. A data element is an 8-byte tag (a uint32 data type and a
  uint32 number of bytes), then its data, padded to a multiple of 8 bytes. In the "small data element"
  format, data of at most 4 bytes sit inside the tag: its first uint32 holds the number of bytes in
  its upper 16 bits and the type in the lower 16 (so a nonzero upper half marks a small element).
- Type miCOMPRESSED (15): the data are a zlib stream holding one (uncompressed) data element.
- Type miMATRIX (14): an array, made of subelements: the array flags (miUINT32, 8 bytes: the class in
  the lowest byte of the first uint32, then the flag bits complex 0x0800, global 0x0400, logical
  0x0200), the dimensions (miINT32, one per dimension), the name (miINT8), the real part (any numeric
  data type: MATLAB stores a double array of small integers as miUINT8, say), and for a complex array
  the imaginary part. Values are in column-major order: element (i, j) of an m x n array is value
  i + j * m.

MAT-files of version 7.3 are HDF5 files with a MAT-file header in front; this reader names them and
says how to convert them (`save -v7`). Everything else that is not a 2-D real numeric array (cell
arrays, structures, objects, character and sparse arrays, complex numbers) is refused when it is the
array asked for, and skipped otherwise. Nothing is allocated for a size the file cannot hold: every
claimed size is checked against the bytes that are there (for a compressed element, against what its
zlib stream can expand to) before it is read.

Bad files raise DataError naming the file and what is wrong, e.g.
``ex4data1.mat, variable "X": a cell array, not a numeric array``.
"""

from __future__ import annotations

import itertools
import math
import os
import struct
import zlib
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from .errors import DataError, PurennError
from .files import PathLike, check_regular, path_text
from .vectors import Label

__all__ = [
    "COLUMN_MAJOR",
    "ROW_MAJOR",
    "MatArray",
    "image_in_rows",
    "is_mat_file",
    "load_mat",
    "mat_bytes",
    "read_mat",
]


COLUMN_MAJOR = "column-major"  # MATLAB's X(:) and reshape, NumPy's order="F"
ROW_MAJOR = "row-major"  # C, NumPy's default, purenn's CSV and IDX

HEADER_BYTES = 128
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_VERSION_5 = 0x0100
_VERSION_73 = 0x0200
_MAX_FILE_BYTES = 1 << 32  # 4 GiB: larger than any data set this library can hold in lists
_MAX_INFLATION = 1032  # deflate expands at most about 1032:1 (zlib's technical details)

MI_MATRIX = 14
MI_COMPRESSED = 15
# data type -> (struct code, bytes per value, name)
_NUMERIC_TYPES: Dict[int, Tuple[str, int, str]] = {
    1: ("b", 1, "miINT8"),
    2: ("B", 1, "miUINT8"),
    3: ("h", 2, "miINT16"),
    4: ("H", 2, "miUINT16"),
    5: ("i", 4, "miINT32"),
    6: ("I", 4, "miUINT32"),
    7: ("f", 4, "miSINGLE"),
    9: ("d", 8, "miDOUBLE"),
    12: ("q", 8, "miINT64"),
    13: ("Q", 8, "miUINT64"),
}
_MI_INT8, _MI_INT32, _MI_UINT32 = 1, 5, 6
# array class -> what it is, in words
_CLASSES = {
    1: "a cell array",
    2: "a structure",
    3: "an object",
    4: "a character array",
    5: "a sparse array",
    6: "double",
    7: "single",
    8: "int8",
    9: "uint8",
    10: "int16",
    11: "uint16",
    12: "int32",
    13: "uint32",
    14: "int64",
    15: "uint64",
    16: "a function handle",
    17: "an opaque object",
}
_NUMERIC_CLASSES = range(6, 16)
_COMPLEX, _LOGICAL = 0x0800, 0x0200


class MatArray(NamedTuple):
    """A 2-D real numeric array: its size, MATLAB class, and values in C (row-major) order."""

    rows: int
    columns: int
    kind: str  # "double", "single", "int8", ..., "uint64", or "logical"
    values: List[float]

    def as_rows(self) -> List[List[float]]:
        """The array as a list of rows.

        >>> MatArray(2, 3, "double", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).as_rows()
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
        """
        width = self.columns
        return [self.values[start : start + width] for start in range(0, len(self.values), width)]


class _Variable(NamedTuple):
    """One top-level variable as found: its name, what it is, and how to read its values."""

    name: str
    description: str  # e.g. "5000x400 double", "a cell array"
    array: Optional["_ArrayHeader"]


# == Reading the bytes ========================================================================


class _Bytes:
    """A buffer of one file's bytes (or of one decompressed element), read by offset, checked.

    For a compressed element the bytes are inflated only as far as they are asked for, so the
    header of a variable nobody wants costs a few hundred bytes, not the whole array.
    """

    def __init__(self, name: str, data: bytes, *, stream: Optional[bytes] = None, where: str = "") -> None:
        self.name, self.where = name, where
        self.data = bytearray(data) if stream is not None else data
        self.inflater = zlib.decompressobj() if stream is not None else None
        self.pending = stream if stream is not None else b""
        self.limit = (
            min(len(stream) * _MAX_INFLATION + 64, _MAX_FILE_BYTES) if stream is not None else len(data)
        )

    def fail(self, problem: str) -> DataError:
        """A DataError naming the file (and the compressed element) and the problem."""
        return DataError(f"{self.name}{self.where}: {problem}")

    def available(self, end: int) -> bool:
        """Make bytes [0, end) readable if the data hold them; return whether they do."""
        if self.inflater is None or len(self.data) >= end:
            return len(self.data) >= end
        if end > self.limit:
            return False
        while len(self.data) < end and not self.inflater.eof:
            try:
                chunk = self.inflater.decompress(self.pending, end - len(self.data))
            except zlib.error as error:
                raise self.fail(f"corrupt zlib stream ({error})") from None
            self.pending = self.inflater.unconsumed_tail
            if not chunk and not self.pending:
                raise self.fail("the zlib stream is truncated")
            assert isinstance(self.data, bytearray)
            self.data += chunk
        return len(self.data) >= end

    def finish(self) -> None:
        """Inflate the rest of a compressed element's stream (discarding it), so that a stream
        that is cut short or fails its Adler-32 checksum is refused even when its data are all there."""
        while self.inflater is not None and not self.inflater.eof:
            try:
                chunk = self.inflater.decompress(self.pending, 1 << 16)
            except zlib.error as error:
                raise self.fail(f"corrupt zlib stream ({error})") from None
            self.pending = self.inflater.unconsumed_tail
            if not chunk and not self.pending:
                raise self.fail("the zlib stream is truncated")

    def at_end(self, offset: int) -> bool:
        """True if nothing is left from offset on."""
        if self.inflater is not None and not self.inflater.eof and len(self.data) <= offset:
            self.available(offset + 1)
        return len(self.data) <= offset

    def take(self, offset: int, size: int, what: str) -> bytes:
        """Return bytes [offset, offset + size), or fail saying what was cut short."""
        if size < 0 or not self.available(offset + size):
            raise self.fail(f"{what} claims {size} bytes at byte {offset}, more than the file holds")
        return bytes(self.data[offset : offset + size])


class _Tag(NamedTuple):
    """A data element's tag: its type, the size of its data, where they start and where the next begins."""

    kind: int
    size: int
    start: int
    next: int


def _read_tag(buffer: _Bytes, offset: int, order: str, what: str, *, padded: bool = True) -> _Tag:
    """Read the tag at offset (long or small format); check that its data are all there."""
    first, second = struct.unpack(order + "II", buffer.take(offset, 8, f"the tag of {what}"))
    if first >> 16:  # small data element: size and type in the first 4 bytes, data in the next 4
        size, kind = first >> 16, first & 0xFFFF
        if size > 4:
            raise buffer.fail(f"{what}: a small data element of {size} bytes (at most 4 fit)")
        return _Tag(kind, size, offset + 4, offset + 8)
    start = offset + 8
    end = start + second
    if not buffer.available(end):
        raise buffer.fail(f"{what} claims {second} bytes at byte {start}, more than the file holds")
    return _Tag(first, second, start, end + (-second % 8 if padded else 0))


# == The header ===============================================================================


def _byte_order(name: str, header: bytes) -> str:
    """Return struct's byte-order prefix from a 128-byte header, refusing what is not Level 5."""
    if len(header) < HEADER_BYTES:
        raise DataError(f"{name}: not a MAT-file: {len(header)} bytes, shorter than the 128-byte header")
    indicator = header[126:128]
    if indicator not in (b"IM", b"MI"):
        hint = " (a Level 4 MAT-file, from MATLAB 4?)" if not header.startswith(b"MATLAB") else ""
        raise DataError(
            f"{name}: not a Level 5 MAT-file: no endian indicator 'IM' or 'MI' at byte 126{hint}; "
            "save it again with MATLAB's or Octave's save -v7"
        )
    order = "<" if indicator == b"IM" else ">"
    (version,) = struct.unpack(order + "H", header[124:126])
    if version == _VERSION_73:
        raise DataError(_V73_MESSAGE.format(name=name))
    if version != _VERSION_5:
        raise DataError(f"{name}: unknown MAT-file version {version:#06x} (Level 5 is 0x0100)")
    return order


_V73_MESSAGE = (
    "{name}: a MATLAB v7.3 MAT-file, which is HDF5 inside; purenn reads MAT-files up to v7: "
    "in MATLAB or Octave, load it and save it again with save -v7 (e.g. load('{name}'); "
    "save('converted.mat', 'X', 'y', '-v7')), or in Python write it with scipy.io.savemat"
)


def is_mat_file(path: PathLike) -> bool:
    """True if the file starts like a MAT-file: "MATLAB" text, an HDF5 v7.3 file, or a Level 5 header.

    Missing or unreadable files are not MAT-files here (the loader that opens them says why).

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "a.mat")
    ...     _ = path.write_bytes(mat_bytes({"X": [[1.0]]}))
    ...     is_mat_file(path), is_mat_file(pathlib.Path(folder, "none"))
    (True, False)
    """
    try:
        with open(path, "rb") as stream:
            header = stream.read(HEADER_BYTES)
    except (OSError, ValueError):
        return False
    return header.startswith(b"MATLAB") or (len(header) == HEADER_BYTES and header[126:128] in (b"IM", b"MI"))


def _read_file(name: str) -> bytes:
    """The whole file; DataError if it cannot be read, is not a regular file or is too large."""
    try:
        check_regular(name)  # a FIFO or a device could make open() or read() wait forever
    except PurennError as error:
        raise DataError(str(error)) from None
    try:
        with open(name, "rb") as stream:
            # The size first: read(n) sets aside n bytes before it reads one (4 GiB for any file).
            if os.fstat(stream.fileno()).st_size > _MAX_FILE_BYTES:
                raise DataError(f"{name}: larger than {_MAX_FILE_BYTES} bytes")
            data = stream.read()
    except OSError as error:
        raise DataError(f"{name}: cannot open file: {error.strerror or error}") from None
    except ValueError as error:  # an embedded null byte in the name
        raise DataError(f"{name}: cannot open file: {error}") from None
    if len(data) > _MAX_FILE_BYTES:
        raise DataError(f"{name}: larger than {_MAX_FILE_BYTES} bytes")
    if data[512 : 512 + len(_HDF5_SIGNATURE)] == _HDF5_SIGNATURE or data.startswith(_HDF5_SIGNATURE):
        raise DataError(_V73_MESSAGE.format(name=name))
    return data


# == Arrays ===================================================================================


class _ArrayHeader(NamedTuple):
    """What a miMATRIX element says before its values: class, flags, dimensions, name."""

    buffer: _Bytes
    order: str
    klass: int
    flags: int
    dims: Tuple[int, ...]
    name: str
    values_at: int  # offset of the real part's tag
    end: int  # end of the miMATRIX element's data

    def description(self) -> str:
        """E.g. "5000x400 double", "a cell array", "2x2 complex double"."""
        what = _CLASSES.get(self.klass, f"an array of unknown class {self.klass}")
        if self.klass not in _NUMERIC_CLASSES:
            return what
        size = "x".join(map(str, self.dims))
        kind = "logical" if self.flags & _LOGICAL else what
        return f"{size} {'complex ' if self.flags & _COMPLEX else ''}{kind}"


def _array_header(buffer: _Bytes, tag: _Tag, order: str, what: str) -> _ArrayHeader:
    """Read a miMATRIX element's flags, dimensions and name."""
    flags_tag = _read_tag(buffer, tag.start, order, f"{what}'s array flags")
    if flags_tag.kind != _MI_UINT32 or flags_tag.size != 8:
        raise buffer.fail(f"{what}: array flags must be 8 bytes of miUINT32, found type {flags_tag.kind}")
    flags, _ = struct.unpack(order + "II", buffer.take(flags_tag.start, 8, f"{what}'s array flags"))
    dims_tag = _read_tag(buffer, flags_tag.next, order, f"{what}'s dimensions")
    if dims_tag.kind != _MI_INT32 or dims_tag.size % 4 or dims_tag.size < 8:
        raise buffer.fail(f"{what}: dimensions must be 2 or more miINT32 values")
    count = dims_tag.size // 4
    dims = struct.unpack(f"{order}{count}i", buffer.take(dims_tag.start, dims_tag.size, "dimensions"))
    if min(dims) < 0:
        raise buffer.fail(f"{what}: a negative dimension {min(dims)}")
    name_tag = _read_tag(buffer, dims_tag.next, order, f"{what}'s name")
    if name_tag.kind not in (_MI_INT8, 2):
        raise buffer.fail(f"{what}: its name must be miINT8 text, found type {name_tag.kind}")
    raw_name = buffer.take(name_tag.start, name_tag.size, "the array name")
    name = raw_name.decode("latin-1")
    end = tag.start + tag.size
    if name_tag.next > end:
        raise buffer.fail(f"{what}: its subelements run past its end")
    return _ArrayHeader(buffer, order, flags & 0xFF, flags & 0xFF00, tuple(dims), name, name_tag.next, end)


def _values(header: _ArrayHeader, what: str) -> MatArray:
    """Read a 2-D real numeric array's values, in row-major order."""
    description = header.description()
    if header.klass not in _NUMERIC_CLASSES:
        raise header.buffer.fail(f"{what}: {description}, not a numeric array")
    if header.flags & _COMPLEX:
        raise header.buffer.fail(f"{what}: {description}: complex numbers are not data purenn reads")
    if len(header.dims) != 2:
        raise header.buffer.fail(f"{what}: {description}: expected a 2-D array")
    rows, columns = header.dims
    buffer, order = header.buffer, header.order
    tag = _read_tag(buffer, header.values_at, order, f"{what}'s values")
    if tag.kind not in _NUMERIC_TYPES:
        raise buffer.fail(f"{what}: unknown data type {tag.kind} for numeric values")
    code, size, type_name = _NUMERIC_TYPES[tag.kind]
    count = rows * columns
    if tag.size != count * size or tag.start + tag.size > header.end:
        raise buffer.fail(
            f"{what}: {description} needs {count} values ({count * size} bytes of {type_name}), "
            f"found {tag.size} bytes"
        )
    flat = struct.unpack(f"{order}{count}{code}", buffer.take(tag.start, tag.size, f"{what}'s values"))
    buffer.finish()
    if code in "fd" and not all(map(math.isfinite, flat)):
        bad = next(k for k, value in enumerate(flat) if not math.isfinite(value))
        raise buffer.fail(f"{what}: value ({bad % rows + 1}, {bad // rows + 1}) is {flat[bad]}, not finite")
    values = [float(value) for value in flat] if code not in "fd" else flat
    in_rows = (values[row::rows] for row in range(rows))  # column-major: row i is every rows-th value
    kind = "logical" if header.flags & _LOGICAL else _CLASSES[header.klass]
    return MatArray(rows, columns, kind, list(itertools.chain.from_iterable(in_rows)))


# == Variables ================================================================================


def _variables(name: str, data: bytes) -> Iterator[_Variable]:
    """Yield each top-level variable of a MAT-file's bytes, reading only its header."""
    order = _byte_order(name, data[:HEADER_BYTES])
    top = _Bytes(name, data)
    offset = HEADER_BYTES
    number = 0
    while not top.at_end(offset):
        if len(data) - offset < 8 and not data[offset:].strip(b"\0"):
            return  # zeros padding the file to a multiple of 8 bytes: no element
        number += 1
        what = f"element {number}"
        tag = _read_tag(top, offset, order, what, padded=False)
        offset = tag.next + (-tag.size % 8 if tag.kind != MI_COMPRESSED else 0)
        if tag.kind == MI_COMPRESSED:
            inner = _Bytes(
                name, b"", stream=top.take(tag.start, tag.size, what), where=f", {what} (compressed)"
            )
            inner_tag = _read_tag(inner, 0, order, "its element")
            yield _variable(inner, inner_tag, order, what)
        else:
            yield _variable(top, tag, order, what)


def _variable(buffer: _Bytes, tag: _Tag, order: str, what: str) -> _Variable:
    """A top-level element as a variable; anything but miMATRIX is not one."""
    if tag.kind != MI_MATRIX:
        kind = _NUMERIC_TYPES[tag.kind][2] if tag.kind in _NUMERIC_TYPES else f"type {tag.kind}"
        raise buffer.fail(f"{what} is {kind}, not a variable (miMATRIX) or a compressed one")
    if tag.size == 0:
        return _Variable("", "an empty element", None)
    header = _array_header(buffer, tag, order, what)
    return _Variable(header.name, header.description(), header)


def read_mat(path: PathLike, names: Optional[Sequence[str]] = None) -> Dict[str, MatArray]:
    """Read the variables called `names` (all 2-D real numeric ones when None) from a MAT-file.

    Integer, single and logical arrays become floats as well. A variable asked for by name must be a
    2-D real numeric array; when names is None, the others are skipped.

    Raises DataError for: an unreadable file, one that is not a Level 5 MAT-file (a v7.3 HDF5 file is
    named as such, with how to convert it), a truncated file or zlib stream, a size larger than the
    file holds, an unknown data type, a missing variable (the message lists those there are), and
    asked-for variables that are not 2-D real numeric arrays (cell, structure, object, character,
    sparse or complex), hold NaN or infinities, or do not fill the bytes their size claims.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "two.mat")
    ...     _ = path.write_bytes(mat_bytes({"A": [[1.0, 2.0], [3.0, 4.0]], "b": [[5.0]]}))
    ...     read_mat(path, ["A"])["A"]
    MatArray(rows=2, columns=2, kind='double', values=[1.0, 2.0, 3.0, 4.0])
    """
    name = path_text(path)
    wanted = list(names) if names is not None else None
    found: Dict[str, MatArray] = {}
    seen: List[_Variable] = []
    for variable in _variables(name, _read_file(name)):
        seen.append(variable)
        header = variable.array
        if header is None:
            continue
        if wanted is None and header.klass in _NUMERIC_CLASSES and not header.flags & _COMPLEX:
            if len(header.dims) == 2:
                found[variable.name] = _values(header, f'variable "{variable.name}"')
        elif wanted is not None and variable.name in wanted and variable.name not in found:
            found[variable.name] = _values(header, f'variable "{variable.name}"')
    for wanted_name in wanted or []:
        if wanted_name not in found:
            raise DataError(f'{name}: no variable "{wanted_name}" ({_holdings(seen)})')
    return found


def _holdings(seen: List[_Variable]) -> str:
    """What a file holds, for a message: 'it holds X (5000x400 double), y (5000x1 uint8)'."""
    named = [f"{v.name} ({v.description})" for v in seen if v.name]
    if not named:
        return "it holds no variables"
    shown = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8 else "")
    return f"it holds {shown}"


# == Data sets ================================================================================


def load_mat(
    path: PathLike, *, inputs_variable: Optional[str] = None, labels_variable: Optional[str] = None
) -> Tuple[List[List[float]], List[Label]]:
    """Load a data set from a MAT-file: one example per row of the inputs array, one label each.

    The inputs are the 2-D array called `inputs_variable` (default "X"), m x n for m examples of n
    values each (images unrolled as MATLAB does, column by column: see COLUMN_MAJOR). The labels are
    the m x 1 or 1 x m array called `labels_variable` (default "y"), of whole numbers: they become
    ints, as in the file (Andrew Ng's ex4data1.mat labels the digit 0 as 10; nothing is renamed here).

    Raises DataError (besides read_mat's errors) for inputs with no rows or columns, labels that are
    not a vector of whole numbers, and inputs and labels of different lengths.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "tiny.mat")
    ...     _ = path.write_bytes(mat_bytes({"X": [[0.0, 0.5], [1.0, 0.25]], "y": [[10.0], [3.0]]}))
    ...     load_mat(path)
    ([[0.0, 0.5], [1.0, 0.25]], [10, 3])
    """
    name = path_text(path)
    inputs_name = _variable_name(inputs_variable, "X", "inputs_variable")
    labels_name = _variable_name(labels_variable, "y", "labels_variable")
    if inputs_name == labels_name:
        raise PurennError(f'the inputs and the labels cannot both be variable "{inputs_name}"')
    arrays = read_mat(name, [inputs_name, labels_name])
    inputs, labels = arrays[inputs_name], arrays[labels_name]
    if not inputs.rows or not inputs.columns:
        raise DataError(f'{name}: variable "{inputs_name}": {inputs.rows}x{inputs.columns}: no data')
    if min(labels.rows, labels.columns) != 1:
        raise DataError(
            f'{name}: variable "{labels_name}": {labels.rows}x{labels.columns}: the labels must be a vector'
        )
    if len(labels.values) != inputs.rows:
        hint = " (one example per column? transpose it: X')" if len(labels.values) == inputs.columns else ""
        raise DataError(
            f'{name}: "{inputs_name}" holds {inputs.rows} examples (rows) but "{labels_name}" holds '
            f"{len(labels.values)} labels{hint}"
        )
    return inputs.as_rows(), [_whole(name, labels_name, k, value) for k, value in enumerate(labels.values)]


def _variable_name(value: Optional[str], default: str, what: str) -> str:
    """The variable's name: the one given, else the default."""
    if value is None:
        return default
    if not isinstance(value, str) or not value:
        raise PurennError(f"{what} must be a variable name, found {value!r}")
    return value


def _whole(name: str, variable: str, index: int, value: float) -> int:
    """A label as an int, refusing a fractional one."""
    if not value.is_integer():
        raise DataError(f'{name}: variable "{variable}": label {index + 1} is {value}, not a whole number')
    return int(value)


# == Images ===================================================================================


def image_in_rows(pixels: Sequence[float], side: int, order: str) -> List[float]:
    """A square image unrolled in `order` (COLUMN_MAJOR or ROW_MAJOR), unrolled row by row instead.

    purenn draws images row by row; MATLAB unrolls them column by column (X(:), reshape), so a
    column-major image drawn as it is would appear transposed (mirrored along its diagonal).

    >>> image_in_rows([1.0, 2.0, 3.0, 4.0], 2, COLUMN_MAJOR)   # columns [1, 2] and [3, 4]
    [1.0, 3.0, 2.0, 4.0]
    >>> image_in_rows([1.0, 2.0, 3.0, 4.0], 2, ROW_MAJOR)
    [1.0, 2.0, 3.0, 4.0]
    """
    if order not in (COLUMN_MAJOR, ROW_MAJOR):
        raise PurennError(f"image order must be {ROW_MAJOR!r} or {COLUMN_MAJOR!r}, found {order!r}")
    if len(pixels) != side * side:
        raise PurennError(f"an image of side {side} has {side * side} values, found {len(pixels)}")
    if order == ROW_MAJOR:
        return list(pixels)
    return [pixels[column * side + row] for row in range(side) for column in range(side)]


# == Writing ==================================================================================


def mat_bytes(variables: Dict[str, Sequence[Sequence[float]]], *, compress: bool = True) -> bytes:
    """A little-endian Level 5 MAT-file holding each 2-D array (a list of rows) as a double matrix.

    With compress, each variable is a miCOMPRESSED element, as MATLAB's and Octave's save -v7 write.

    >>> data = mat_bytes({"y": [[1.0], [2.0]]}, compress=False)
    >>> len(data), data[:10], data[126:128]
    (208, b'MATLAB 5.0', b'IM')
    """
    text = b"MATLAB 5.0 MAT-file, written by purenn"
    out = [text.ljust(116, b" "), b"\0" * 8, struct.pack("<H", _VERSION_5), b"IM"]
    for variable, rows in variables.items():
        element = _matrix_element(variable, rows)
        if compress:
            packed = zlib.compress(element)
            element = struct.pack("<II", MI_COMPRESSED, len(packed)) + packed
        out.append(element)
    return b"".join(out)


def _matrix_element(name: str, rows: Sequence[Sequence[float]]) -> bytes:
    """One miMATRIX element: a double array of the given rows, values column by column."""
    height, width = len(rows), len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise PurennError(f'mat_bytes: the rows of "{name}" differ in length')
    values = [float(rows[i][j]) for j in range(width) for i in range(height)]
    parts = [
        _element(_MI_UINT32, struct.pack("<II", 6, 0)),  # mxDOUBLE_CLASS, no flags
        _element(_MI_INT32, struct.pack("<ii", height, width)),
        _element(_MI_INT8, name.encode("ascii")),
        _element(9, struct.pack(f"<{len(values)}d", *values)),
    ]
    body = b"".join(parts)
    return struct.pack("<II", MI_MATRIX, len(body)) + body


def _element(kind: int, data: bytes) -> bytes:
    """A data element: its tag, its data, padding to 8 bytes."""
    return struct.pack("<II", kind, len(data)) + data + b"\0" * (-len(data) % 8)
