"""Vectors as plain lists of floats: the only linear algebra purenn needs.

- Vector, Matrix: type aliases that read as math; Label: a class label (an int or a string).
- dot: v_1 * w_1 + ... + v_n * w_n, one C-level call (math.sumprod where the interpreter has it).
- total: the correctly rounded sum (math.fsum), inf rather than an OverflowError.
- all_finite: whether every number of a vector is finite.
"""

from __future__ import annotations

import math
import operator
from typing import Callable, Iterable, List, Sequence, Union

__all__ = ["Label", "Matrix", "Vector", "all_finite", "dot", "total"]

Vector = List[float]
Matrix = List[Vector]
Label = Union[int, str]


def _dot_by_map(v: Sequence[float], w: Sequence[float]) -> float:
    total: float = sum(map(operator.mul, v, w))
    return total


_sumprod: Callable[[Sequence[float], Sequence[float]], float] = getattr(math, "sumprod", _dot_by_map)


def dot(v: Sequence[float], w: Sequence[float]) -> float:
    """Compute v_1 * w_1 + ... + v_n * w_n.

    Both vectors must have the same length: the caller checks it (this is the innermost loop).
    On CPython 3.12+ this is math.sumprod, which sums with extended precision; elsewhere it is
    sum(map(mul, v, w)). Either way the result is within n * 2**-52 * sum(|v_i * w_i|) of the exact sum.

    >>> dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    32.0
    >>> dot([], [])
    0
    """
    return _sumprod(v, w)


def total(values: Iterable[float]) -> float:
    """Return the sum of the values, correctly rounded (math.fsum), or +-inf if it overflows.

    math.fsum raises OverflowError when its partial sums pass the largest float (1e308 + 1e308);
    a loss or penalty that large is a diverging run, which the trainer reports, so here it is
    inf, as the plain sum() would say.

    >>> total([0.1] * 10), total([1e308, 1e308])
    (1.0, inf)
    """
    items = list(values)
    try:
        return math.fsum(items)
    except OverflowError:
        return sum(items)


def all_finite(values: Iterable[float]) -> bool:
    """Return True when no value is NaN or infinite.

    >>> all_finite([0.0, -1e308, 5e-324])
    True
    >>> all_finite([1.0, float("nan")])
    False
    """
    return all(map(math.isfinite, values))
