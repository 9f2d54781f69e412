"""NumPy and pandas at Classifier's edges: arrays, DataFrames and Series in, arrays out.

- is_array_like: has `__array__` (NumPy arrays, pandas DataFrames and Series, ...).
- is_sparse: a scipy.sparse matrix or array (refused: purenn works on dense rows).
- feature_names: a DataFrame's column names when they are all strings, else None.
- array_rows: a 2-D numeric array as a list of rows of floats, checked finite.
- array_labels: a 1-D array (or a column vector, with a warning) as a list of its values.
- array_vector: a 1-D array of numbers (sample weights) as floats, checked finite.
- to_list: a 2-D array of text or objects as rows of Python objects, for the row-by-row check.
- to_array: a list back as a NumPy array (what the caller handed in, it gets back).

NumPy is imported inside the functions, which only run on objects that have `__array__`: whoever
made one has imported NumPy already. `import purenn` never imports it.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, List, Optional

from .errors import PurennError

__all__ = [
    "DataConversionWarning",
    "array_labels",
    "array_rows",
    "array_vector",
    "feature_names",
    "is_array_like",
    "is_sparse",
    "to_array",
    "to_list",
]


class DataConversionWarning(UserWarning):
    """y was a column vector where one label per row was expected (scikit-learn's warning name)."""


def is_array_like(value: object) -> bool:
    """True for NumPy arrays and everything else that has `__array__` (pandas objects too).

    >>> is_array_like([[1.0]]), is_array_like((1, 2))
    (False, False)
    """
    return hasattr(value, "__array__") and not isinstance(value, (list, tuple, str, bytes))


def is_sparse(value: object) -> bool:
    """True for scipy.sparse matrices and arrays (judged by their module: scipy is not imported)."""
    return type(value).__module__.startswith("scipy.sparse")


def feature_names(X: object) -> Optional[List[str]]:
    """A DataFrame's column names, if X has columns and every name is a string; else None.

    >>> feature_names([[1.0, 2.0]]) is None
    True
    """
    columns = getattr(X, "columns", None)
    if columns is None or not is_array_like(X):
        return None
    names = list(columns)
    return names if names and all(isinstance(name, str) for name in names) else None


def _value_name(number: float) -> str:
    return "NaN" if math.isnan(number) else repr(number)


def array_rows(X: Any, what: str) -> Optional[List[List[float]]]:
    """X as rows of floats, or None when its values need the row-by-row check (text, objects).

    Raises PurennError (a ValueError) for complex values, a shape that is not 2-D, no columns,
    and NaN or infinite values, naming the first one.
    """
    import numpy as np

    array = np.asarray(X)
    kind = array.dtype.kind
    if kind == "c":
        raise PurennError(f"Complex data not supported: {what} has complex values")
    if array.ndim != 2:
        shape = "a single value" if array.ndim == 0 else f"a {array.ndim}-D array of shape {array.shape}"
        raise PurennError(
            f"{what} must be 2-D (rows of numbers), got {shape}. Reshape your data: "
            f"{what}.reshape(-1, 1) if it has a single feature, {what}.reshape(1, -1) if it is one sample"
        )
    rows, columns = array.shape
    if rows and not columns:
        raise PurennError(f"{what} has 0 feature(s) (shape=({rows}, 0)) while a minimum of 1 is required.")
    if kind not in "iuf":
        return None  # booleans, text, objects: the row-by-row check names what is wrong
    floats = array.astype(np.float64, copy=False)
    finite = np.isfinite(floats)
    if not finite.all():
        row, column = (int(i) for i in np.argwhere(~finite)[0])
        value = _value_name(float(floats[row, column]))
        raise PurennError(f"{what} row {row}, column {column} is {value}: values must be finite")
    rows_of_floats: List[List[float]] = floats.tolist()
    return rows_of_floats


def array_labels(y: Any) -> List[Any]:
    """The values of a 1-D y as Python objects; a column vector (n, 1) is read as 1-D, with
    a DataConversionWarning as scikit-learn gives; any other shape is a PurennError."""
    import numpy as np

    array = np.asarray(y)
    if array.dtype.kind == "c":
        raise PurennError("Complex data not supported: y has complex values")
    if array.ndim == 2 and array.shape[1] == 1:
        warnings.warn(
            DataConversionWarning(
                "A column-vector y was passed when a 1d array was expected: "
                "read as one label per row (y.ravel())"
            ),
            stacklevel=4,
        )
        array = array.ravel()
    if array.ndim != 1:
        raise PurennError(
            f"y should be a 1d array of one label per row, got an array of shape {array.shape}"
            + (" (several outputs per row are not supported)" if array.ndim == 2 else "")
        )
    labels: List[Any] = array.tolist()
    return labels


def to_array(values: List[Any]) -> Any:
    """values as a NumPy array (object dtype when some are None: the strict rule's undecided)."""
    import numpy as np

    if any(value is None for value in values):
        return np.array(values, dtype=object)
    return np.asarray(values)


def to_list(X: Any) -> List[Any]:
    """A 2-D array of text, objects or booleans as a list of rows of Python objects."""
    import numpy as np

    rows: List[Any] = np.asarray(X).tolist()
    return rows


def array_vector(values: Any, what: str) -> List[float]:
    """A 1-D array of numbers as floats, each finite; PurennError for another shape or value."""
    import numpy as np

    array = np.asarray(values)
    if array.ndim != 1:
        raise PurennError(f"{what} must be 1-D, one number per row, got an array of shape {array.shape}")
    if array.dtype.kind not in "iuf":
        raise PurennError(f"{what} must hold numbers, got an array of {array.dtype}")
    floats = array.astype(np.float64)
    if not np.isfinite(floats).all():
        index = int(np.argwhere(~np.isfinite(floats))[0][0])
        raise PurennError(f"{what}[{index}] is {_value_name(float(floats[index]))}: values must be finite")
    numbers: List[float] = floats.tolist()
    return numbers
