"""Input scaling: fitted to the training rows, applied to any rows, checked where it is read.

A scaling is a JSON-able dict of one of the SCALING_KINDS ("none", "divide", "standardize",
"global-variance"), with the fields SCALING_FIELDS names for it beside "kind"; it travels in the
model file beside the weights.

Fitting and applying:

- fit_scaling: a scaling of one kind fitted to the inputs (per column, or over all values).
- apply_scaling: the inputs scaled; equal inputs share one result object (the shared-float memo,
  _Memo), so the scaled pixels of 8-bit images are 256 floats, not one per pixel.
- shared_floats: the same memo for numbers read from a file (IDX ints become shared floats).

Checking (the rules of each kind, in one place):

- check_scaling: a scaling dict against a number of input columns, DataError if it does not fit.
- read_scaling, Complaints: the one walk of those rules, returning the scaling with its numbers
  as floats; the Complaints object words what is wrong (model files say it their way, see
  purenn.model).

>>> scaling = fit_scaling([[0.0, 8.0], [4.0, 16.0]], "divide")
>>> scaling, apply_scaling([[2.0, 4.0]], scaling)
({'kind': 'divide', 'by': 16.0}, [[0.125, 0.25]])
>>> check_scaling({"kind": "divide", "by": 16}, 2)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, NamedTuple, NoReturn, Optional, Sequence, Tuple

from .errors import DataError, PurennError
from .json_fields import wanted_number

__all__ = [
    "SCALING_FIELDS",
    "SCALING_KINDS",
    "Complaints",
    "Scaling",
    "apply_scaling",
    "check_scaling",
    "fit_scaling",
    "read_scaling",
    "shared_floats",
]

Scaling = Dict[str, Any]


class _Field(NamedTuple):
    """One field of a scaling beside "kind": a number, or (per_input) a list of one per input column."""

    name: str
    positive: bool = False
    per_input: bool = False


# The rules: each kind's fields, in the order a scaling dict lists them after "kind".
_FIELDS: Dict[str, Tuple[_Field, ...]] = {
    "none": (),
    "divide": (_Field("by", positive=True),),
    "standardize": (_Field("mean", per_input=True), _Field("std", positive=True, per_input=True)),
    "global-variance": (_Field("mean"), _Field("variance", positive=True)),
}
SCALING_FIELDS: Dict[str, Tuple[str, ...]] = {
    kind: tuple(f.name for f in fields) for kind, fields in _FIELDS.items()
}
SCALING_KINDS: Tuple[str, ...] = tuple(_FIELDS)


# == Fitting ==================================================================================


def fit_scaling(
    inputs: Sequence[Sequence[float]], kind: str, *, divide_by: Optional[float] = None
) -> Scaling:
    """Fit an input scaling to the data, as a JSON-able dict.

    - "none": ``{"kind": "none"}``, inputs pass unchanged.
    - "divide": ``{"kind": "divide", "by": b}``, x -> x / b, with b = divide_by, or by default
      the largest |x| in the data (1.0 if all are 0).
    - "standardize": ``{"kind": "standardize", "mean": [...], "std": [...]}``, per column
      x -> (x - mean) / std with the population std sqrt(sum((x - mean)**2) / n); a constant
      column gets std 1.0 (and its value as mean), so it maps to exactly 0.
    - "global-variance": ``{"kind": "global-variance", "mean": m, "variance": v}``, x -> (x - m) / v
      with ONE mean m and ONE population variance v = sum((x - m)**2) / N over every value of every
      row together, and a division by the variance, not the standard deviation: the scaling
      ``X = (X - X.mean()) / X.var()`` of the tutorials 000 and 001 (the digits' pixels 0..16 end
      up in about [-0.13, 0.3]). Constant data get variance 1.0.

    Raises PurennError for an unknown kind or a misplaced divide_by, DataError for data that
    are empty (when needed), ragged, non-finite, or too large to standardize.

    >>> fit_scaling([[0.0, 4.0], [16.0, 2.0]], "divide")
    {'kind': 'divide', 'by': 16.0}
    >>> fit_scaling([[1.0, 5.0], [3.0, 5.0]], "standardize")
    {'kind': 'standardize', 'mean': [2.0, 5.0], 'std': [1.0, 1.0]}
    >>> fit_scaling([[0.0, 4.0], [4.0, 0.0]], "global-variance")
    {'kind': 'global-variance', 'mean': 2.0, 'variance': 4.0}
    """
    if kind not in _FIELDS:
        raise PurennError(f"unknown scaling {kind!r}: expected one of {', '.join(SCALING_KINDS)}")
    if divide_by is not None and kind != "divide":
        raise PurennError(f"divide_by is only for the 'divide' scaling, not {kind!r}")
    if kind == "none":
        return {"kind": "none"}
    if kind == "divide" and divide_by is not None:
        by = _finite_real(divide_by)
        if by is None or by <= 0:
            raise PurennError(f"divide_by must be a positive finite number, found {divide_by!r}")
        return {"kind": "divide", "by": by}
    _check_table(inputs)
    if kind == "divide":
        largest = max(abs(x) for row in inputs for x in row)
        return {"kind": "divide", "by": float(largest) if largest > 0 else 1.0}
    if kind == "global-variance":
        mean, variance = _global_statistics(inputs)
        return {"kind": "global-variance", "mean": mean, "variance": variance}
    columns = [_column_statistics(index, column) for index, column in enumerate(zip(*inputs))]
    return {"kind": "standardize", "mean": [m for m, _ in columns], "std": [s for _, s in columns]}


def _check_table(inputs: Sequence[Sequence[float]]) -> int:
    """Check the inputs are a non-empty table of equal-length rows of finite numbers."""
    if not inputs:
        raise DataError("cannot fit a scaling to no rows")
    width = len(inputs[0])
    for index, row in enumerate(inputs):
        _check_row(index, row, width)
    return width


def _check_row(index: int, row: Sequence[float], width: int) -> None:
    """Check one input row has width finite numbers."""
    if len(row) != width:
        raise DataError(f"inputs row {index}: expected {width} features, found {len(row)}")
    if set(map(type, row)) <= {float} and all(map(math.isfinite, row)):  # the common case, in C
        return
    if not all(_finite_real(x) is not None for x in row):
        raise DataError(f"inputs row {index}: every feature must be a finite number")


def _column_statistics(index: int, column: Sequence[float]) -> Tuple[float, float]:
    """Return (mean, population std) of one column; a constant column gives (value, 1.0)."""
    if min(column) == max(column):
        return float(column[0]), 1.0
    try:
        mean = math.fsum(column) / len(column)
        std = math.sqrt(math.fsum((x - mean) * (x - mean) for x in column) / len(column))
    except OverflowError:
        std = math.inf
    if not math.isfinite(std):
        raise DataError(f"inputs column {index}: values too large to standardize")
    return mean, std if std > 0 else 1.0


def _global_statistics(inputs: Sequence[Sequence[float]]) -> Tuple[float, float]:
    """Return (mean, population variance) of all values together; constant data give variance 1.0.

    >>> _global_statistics([[1.0, 2.0], [3.0, 6.0]])
    (3.0, 3.5)
    """
    values = [x for row in inputs for x in row]
    if min(values) == max(values):
        return float(values[0]), 1.0
    try:
        mean = math.fsum(values) / len(values)
        variance = math.fsum((x - mean) * (x - mean) for x in values) / len(values)
    except OverflowError:
        variance = math.inf
    if not math.isfinite(variance):
        raise DataError("inputs: values too large for the global-variance scaling")
    return mean, variance if variance > 0 else 1.0


# == Applying =================================================================================


def apply_scaling(inputs: Sequence[Sequence[float]], scaling: Scaling) -> List[List[float]]:
    """Return the inputs scaled as the dict says (see fit_scaling); the inputs are not changed.

    Equal inputs (in one column, for "standardize") share one result object, so the scaled rows
    of 8-bit images hold 256 distinct floats, not one per pixel: 24 bytes saved per value. The
    numbers are bit for bit those of x / by, (x - mean) / std and (x - mean) / variance (see _Memo).

    Raises DataError for a malformed scaling (see check_scaling) or ragged rows.

    >>> apply_scaling([[8.0, 4.0]], {"kind": "divide", "by": 16.0})
    [[0.5, 0.25]]
    >>> apply_scaling([[1.0], [3.0]], {"kind": "standardize", "mean": [2.0], "std": [1.0]})
    [[-1.0], [1.0]]
    >>> apply_scaling([[0.0, 4.0]], {"kind": "global-variance", "mean": 2.0, "variance": 4.0})
    [[-0.5, 0.5]]
    >>> rows = apply_scaling([[8.0, 8.0], [8, 4.0]], {"kind": "divide", "by": 16.0})
    >>> rows[0][0] is rows[0][1] is rows[1][0]
    True
    """
    width = len(inputs[0]) if inputs else None
    read_scaling(scaling, width, _WORDS)
    if not inputs:
        return []
    for index, row in enumerate(inputs):
        if len(row) != width:
            raise DataError(f"inputs row {index}: expected {width} features, found {len(row)}")
    if scaling["kind"] == "divide":
        by = scaling["by"]
        return _memo_rows(inputs, [_Memo(lambda x: x / by, _MAX_SHARED)] * len(inputs[0]))
    if scaling["kind"] == "standardize":
        pairs = zip(scaling["mean"], scaling["std"])
        return _memo_rows(inputs, [_Memo(_standardizer(m, s), _MAX_SHARED_PER_COLUMN) for m, s in pairs])
    if scaling["kind"] == "global-variance":
        shared = _Memo(_standardizer(scaling["mean"], scaling["variance"]), _MAX_SHARED)
        return _memo_rows(inputs, [shared] * len(inputs[0]))
    return [list(row) for row in inputs]


# Results one _Memo keeps ("divide", "global-variance"; IDX ints): 16-bit data share them all.
_MAX_SHARED = 1 << 16
_MAX_SHARED_PER_COLUMN = 256  # results kept per column ("standardize"): 8-bit data share them all


class _Memo(Dict[Any, float]):
    """A dict computing function(x) for a missing x, and keeping it while it holds fewer than
    `limit` results: equal inputs then get the very same result object.

    Equal inputs give bit-identical results (an int equal to a float converts to exactly that
    float), except 0.0 and -0.0: equal as keys, but f(0.0) and f(-0.0) can differ in sign. So
    zeros are looked up in ``zeros`` by their sign instead (see _memo_rows).

    >>> memo = _Memo(lambda x: x / 4.0, limit=10)
    >>> memo[2.0] is memo[2], memo[2], memo.zeros
    (True, 0.5, {1.0: 0.0, -1.0: -0.0})
    """

    def __init__(self, function: Callable[[Any], float], limit: int) -> None:
        super().__init__()
        self.function, self.limit = function, limit
        self.zeros = {1.0: function(0.0), -1.0: function(-0.0)}

    def __missing__(self, x: Any) -> float:
        """Compute function(x), and keep it unless `limit` results are kept already."""
        result = self.function(x)
        if len(self) < self.limit:
            self[x] = result
        return result


def _memo_rows(inputs: Sequence[Sequence[float]], memos: List[_Memo]) -> List[List[float]]:
    """Return [[memos[k][row[k]] for each k] for each row]; a zero goes by its sign (see _Memo).

    >>> memo = _Memo(lambda x: x / 2.0, limit=10)
    >>> _memo_rows([[4.0, -0.0], [0.0, 1.0]], [memo, memo])
    [[2.0, -0.0], [0.0, 0.5]]
    """
    sign = math.copysign
    return [[memo[x] if x else memo.zeros[sign(1.0, x)] for x, memo in zip(row, memos)] for row in inputs]


def _standardizer(mean: float, std: float) -> Callable[[Any], float]:
    """Return x -> (x - mean) / std: one column's standardization, or with std = the variance of
    all values, the global-variance scaling."""
    return lambda x: (x - mean) / std


def shared_floats(values: List[Any]) -> Callable[[Any], float]:
    """Return the function turning the values read from an IDX file into floats.

    For ints (the integer IDX types) it is a memo of float(): each distinct int, up to 65536 of
    them, becomes one float object, so 5000 MNIST images are 3.9 million pixels but 256 floats
    (not 3.9 million, 94 MB); ints have no -0, so their zeros need no care. Floats (types 0x0D,
    0x0E) go through float(), which returns a float as it is.

    >>> as_float = shared_floats([0, 255, 255])
    >>> as_float(255), as_float(255) is as_float(255)
    (255.0, True)
    """
    return _Memo(float, _MAX_SHARED).__getitem__ if isinstance(values[0], int) else float


# == Checking =================================================================================


def check_scaling(scaling: object, n_features: int) -> None:
    """Check a scaling dict (as read from a model file) fits inputs of n_features columns.

    Raises DataError, saying what is wrong, unless the dict has exactly the keys of its kind:
    "by" a positive finite number; "mean" and "std" lists of n_features finite numbers, every
    std positive; for "global-variance", "mean" one finite number and "variance" one positive.

    >>> check_scaling({"kind": "divide", "by": 0}, 64)
    Traceback (most recent call last):
      ...
    purenn.errors.DataError: scaling "by": expected a positive finite number, found 0
    """
    if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 0:
        raise PurennError(f"n_features must be a non-negative int, found {n_features!r}")
    read_scaling(scaling, n_features, _WORDS)


class Complaints:
    """How a reader of scalings says what is wrong: each method raises, in the reader's words.

    read_scaling calls at most one of them. This base says it as check_scaling does, with a
    DataError (``scaling "by": expected a positive finite number, found 0``); a subclass words it
    for another document (purenn.model: ``model.json, field "scaling.by": ...``).
    """

    def not_an_object(self, value: object) -> NoReturn:
        """The scaling is not a dict."""
        raise DataError(f"scaling: expected a JSON object, found {type(value).__name__}")

    def unknown_kind(self, scaling: Dict[Any, Any]) -> NoReturn:
        """Its "kind" is missing, or not one of SCALING_KINDS."""
        found = scaling.get("kind")
        raise DataError(f'scaling "kind": expected one of {", ".join(SCALING_KINDS)}, found {found!r}')

    def wrong_keys(self, scaling: Dict[Any, Any], expected: Sequence[str]) -> NoReturn:
        """Its keys are not exactly `expected`: "kind", then the kind's fields."""
        keys = sorted(str(key) for key in scaling)
        raise DataError(f"scaling ({scaling['kind']}): expected keys {sorted(expected)}, found {keys}")

    def not_numbers(self, key: str, width: int, value: object) -> NoReturn:
        """A per-input field is not a list of width numbers."""
        found = len(value) if isinstance(value, list) else type(value).__name__
        raise DataError(f'scaling "{key}": expected a list of {width} numbers, found {found}')

    def bad_number(self, key: str, value: object, positive: bool) -> NoReturn:
        """A number ("by", or "mean[3]" in a list) is not finite, or not positive where it must be."""
        raise DataError(f'scaling "{key}": expected {wanted_number(positive)}, found {_brief(value)}')


_WORDS = Complaints()


def read_scaling(value: object, n_inputs: Optional[int], complaints: Complaints) -> Scaling:
    """Return the scaling as a new dict, its numbers floats, if it keeps the rules of its kind.

    The rules: a dict whose "kind" is one of SCALING_KINDS and whose other keys are exactly the
    fields of that kind; "by" and "variance" positive finite numbers; the "mean" of
    "global-variance" a finite number; "mean" and "std" of "standardize" lists of n_inputs finite
    numbers, every std positive (n_inputs None: any one length, that of "mean"). The first rule
    broken is handed to `complaints`, which raises.

    >>> read_scaling({"kind": "global-variance", "variance": 2, "mean": 0}, 3, Complaints())
    {'kind': 'global-variance', 'mean': 0.0, 'variance': 2.0}
    >>> read_scaling({"kind": "standardize", "mean": [0], "std": [1, 2]}, None, Complaints())
    Traceback (most recent call last):
      ...
    purenn.errors.DataError: scaling "std": expected a list of 1 numbers, found 2
    """
    if not isinstance(value, dict):
        complaints.not_an_object(value)
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in _FIELDS:
        complaints.unknown_kind(value)
    fields = _FIELDS[kind]
    expected = ("kind", *(field.name for field in fields))
    if len(value) != len(expected) or any(name not in value for name in expected):
        complaints.wrong_keys(value, expected)
    width = _width(value, fields, n_inputs)
    scaling: Scaling = {"kind": kind}
    for field in fields:
        item, key = value[field.name], field.name
        if not field.per_input:
            scaling[key] = _number(item, key, field.positive, complaints)
            continue
        if not isinstance(item, list) or len(item) != width:
            complaints.not_numbers(key, width, item)
        scaling[key] = [_number(x, f"{key}[{k}]", field.positive, complaints) for k, x in enumerate(item)]
    return scaling


def _width(value: Dict[Any, Any], fields: Tuple[_Field, ...], n_inputs: Optional[int]) -> int:
    """The length the per-input lists must have: n_inputs, or when None that of the first list."""
    if n_inputs is not None:
        return n_inputs
    first = next((value[field.name] for field in fields if field.per_input), None)
    return len(first) if isinstance(first, list) else 0


def _number(value: object, key: str, positive: bool, complaints: Complaints) -> float:
    """Return value as a float if it is a finite number (and positive, if asked); else complain."""
    number = _finite_real(value)
    if number is None or (positive and number <= 0):
        complaints.bad_number(key, value, positive)
    return number


def _brief(value: object, limit: int = 40) -> str:
    """Return repr(value), cut to about limit characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _finite_real(value: object) -> Optional[float]:
    """Return an int or float (not a bool) as a finite float, or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return number if math.isfinite(number) else None
