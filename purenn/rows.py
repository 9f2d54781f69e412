"""Classifier's input, checked once where it comes in: X as rows of floats, y as labels, sample weights.

- matrix: X (lists, NumPy arrays, DataFrames) as a list of rows of finite floats; PurennError
  names the row and column of a bad value, a ragged row, text, sparse input.
- labels: y as a list of ints and strings (NumPy's, and whole floats such as 3.0, as ints).
- sample_weights: one finite weight >= 0 per row, not all 0 (or None).
- check_feature_names, feature_name_error: scikit-learn's rule and message for DataFrame
  columns that differ from fit's.

What these accept, Classifier.fit trains on. Below it, train.train checks the rows against the
network once (batch.check_rows); its steps and its accuracy passes trust them (trusted=True).
batch.loss_and_gradients and batch.predict_many, public functions, check what they are given
unless told it is trusted.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import warnings
from typing import Any, Iterable, Iterator, List, Optional, Sequence, cast

from . import _arrays
from .errors import MOST_INTEGER_BITS, NotANumberError, PurennError
from .vectors import Label, Vector

_PLAIN_NUMBERS = {float, int}  # exactly these types (not bool, not NumPy's): float() is all they need

__all__ = ["check_feature_names", "feature_name_error", "labels", "matrix", "sample_weights"]


def matrix(X: Any, what: str = "X") -> List[Vector]:
    """X as a list of rows of floats; PurennError (a ValueError) for NaN, inf, ragged rows or text.

    NumPy arrays and pandas DataFrames (anything with `__array__`) are read as 2-D arrays, by
    rows (a DataFrame's column names are not a row). Other iterables are read row by row:
    besides X and the result, no third list of all the values is made on the way (5000 MNIST
    images are 3.9 million values, 31 MB for each list of pointers to them).
    """
    if _arrays.is_sparse(X):
        raise PurennError(
            f"{what} is a sparse matrix: sparse input is not supported; convert it with {what}.toarray()"
        )
    if _arrays.is_array_like(X):
        rows = _arrays.array_rows(X, what)
        if rows is not None:
            if not rows:
                raise PurennError(f"{what} has no rows")
            return rows
        X = _arrays.to_list(X)
    result: List[Vector] = []
    for index, row in enumerate(_rows(X, what)):
        if result and len(row) != len(result[0]):
            raise PurennError(f"{what} row {index} has {len(row)} values; row 0 has {len(result[0])}")
        result.append(_float_row(row, what, index))
    if not result:
        raise PurennError(f"{what} has no rows")
    if not result[0]:
        raise PurennError(
            f"{what} has 0 feature(s) (shape=({len(result)}, 0)) while a minimum of 1 is required."
        )
    return result


def _rows(X: Iterable[Iterable[object]], what: str) -> Iterator[List[object]]:
    """Each row of X as a list, one at a time; PurennError if X is not an iterable of iterables."""
    try:
        for row in X:
            if isinstance(row, (str, bytes)):
                raise TypeError
            yield list(row)
    except TypeError:
        raise PurennError(
            f"{what} must be 2-D: an iterable of rows of numbers. Reshape your data: "
            f"[[x] for x in {what}] if it has a single feature, [{what}] if it is one sample"
        ) from None


def _float_row(values: List[object], what: str, index: int) -> Vector:
    """One row of X as floats (a float stays the same object); PurennError names a bad value."""
    if set(map(type, values)) <= _PLAIN_NUMBERS:  # the common case, checked in C-level calls
        with contextlib.suppress(OverflowError):  # an int such as 10**400: named below
            plain = list(map(float, cast(List[float], values)))  # each one a float or an int
            if all(map(math.isfinite, plain)):
                return plain
    floats = []
    for column, value in enumerate(values):
        if isinstance(value, (bool, str, bytes, complex)):
            kind = "Complex data not supported: " if isinstance(value, complex) else ""
            raise PurennError(f"{kind}{what} row {index}, column {column}: {value!r} is not a number")
        if not isinstance(value, numbers.Real) and not hasattr(value, "__float__"):
            raise NotANumberError(
                f"{what} row {index}, column {column}: float() argument must be a string or a real "
                f"number, not {type(value).__name__!r}"
            )
        try:
            number = float(value)
        except OverflowError:  # an int such as 10**400
            raise PurennError(f"{what} row {index}, column {column}: too large for a float") from None
        if not math.isfinite(number):
            name = "NaN" if math.isnan(number) else repr(number)
            raise PurennError(f"{what} row {index}, column {column} is {name}: values must be finite")
        floats.append(number)
    return floats


def labels(y: Any) -> List[Label]:
    """y as a list of labels (ints and strings; NumPy's, and whole floats such as 3.0, as ints)."""
    if y is None:
        raise PurennError("Classifier requires y to be passed, but the target y is None")
    values = _arrays.array_labels(y) if _arrays.is_array_like(y) else y
    labels: List[Label] = []
    try:
        for index, label in enumerate(values):
            labels.append(_label(label, index))
    except TypeError:
        raise PurennError(f"y must be a sequence of labels, got {type(y).__name__}") from None
    return labels


def _label(label: object, index: int) -> Label:
    if isinstance(label, bool):
        raise PurennError(f"y[{index}] is {label!r}: labels are ints or strings (use 0 and 1 for booleans)")
    if isinstance(label, int) and label.bit_length() > MOST_INTEGER_BITS:
        raise PurennError(
            f"y[{index}] is an integer of {label.bit_length()} bits: labels take at most {MOST_INTEGER_BITS}"
        )
    if isinstance(label, (int, str)):
        return label
    if isinstance(label, numbers.Integral):
        return int(label)  # NumPy integers
    if isinstance(label, numbers.Real) and float(label).is_integer():
        return int(float(label))  # 3.0
    if isinstance(label, numbers.Real):
        raise PurennError(
            f"Unknown label type: y[{index}] is {label!r}, a continuous value; "
            "a classifier's labels are whole numbers or strings"
        )
    raise PurennError(f"Unknown label type: y[{index}] is {label!r}; labels are ints or strings")


def sample_weights(sample_weight: Any, count: int) -> Optional[List[float]]:
    """The sample weights as floats, one per row, each finite and >= 0, not all 0 (or None)."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Real) and not isinstance(sample_weight, bool):
        return [float(sample_weight)] * count
    rows = matrix([sample_weight], "sample_weight")[0] if not _arrays.is_array_like(sample_weight) else None
    if rows is None:
        rows = _arrays.array_vector(sample_weight, "sample_weight")
    if len(rows) != count:
        raise PurennError(f"sample_weight has {len(rows)} values for {count} rows of X")
    negative = next((i for i, w in enumerate(rows) if w < 0.0), None)
    if negative is not None:
        raise PurennError(f"sample_weight[{negative}] is {rows[negative]!r}: weights must be >= 0")
    if not any(rows):
        raise PurennError("sample_weight is zero for every row: at least one weight must be positive")
    return rows


def feature_name_error(fitted: Sequence[str], given: Sequence[str]) -> PurennError:
    """scikit-learn's message for DataFrame columns that differ from fit's."""

    def listed(names: Sequence[str]) -> str:
        shown = [f"- {name}\n" for name in names[:5]]
        return "".join(shown) + ("- ...\n" if len(names) > 5 else "")

    message = "The feature names should match those that were passed during fit.\n"
    unseen = sorted(set(given) - set(fitted))
    missing = sorted(set(fitted) - set(given))
    if unseen:
        message += "Feature names unseen at fit time:\n" + listed(unseen)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + listed(missing)
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    return PurennError(message)


def check_feature_names(fitted: Any, names: Optional[List[str]]) -> None:
    """scikit-learn's rule for the column names of X after fit: warn when only one side has
    names, raise feature_name_error when both have and they differ (stacklevel: the caller's caller)."""
    if fitted is None and names is not None:
        warnings.warn("X has feature names, but Classifier was fitted without feature names", stacklevel=4)
    elif fitted is not None and names is None:
        warnings.warn(
            "X does not have valid feature names, but Classifier was fitted with feature names",
            stacklevel=4,
        )
    elif fitted is not None and names is not None and list(fitted) != names:
        raise feature_name_error(list(fitted), names)
