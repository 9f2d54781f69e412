"""dot against an exact oracle: the Fraction dot product."""

from __future__ import annotations

from fractions import Fraction
from typing import List

from hypothesis import given
from hypothesis import strategies as st

from purenn.vectors import all_finite, dot

bounded = st.floats(-1e150, 1e150, allow_nan=False)


@given(st.lists(st.tuples(bounded, bounded), max_size=50))
def test_dot_is_within_rounding_of_the_exact_product(pairs: "list[tuple[float, float]]") -> None:
    v = [a for a, _ in pairs]
    w = [b for _, b in pairs]
    exact = sum((Fraction(a) * Fraction(b) for a, b in pairs), Fraction(0))
    magnitude = sum((abs(Fraction(a) * Fraction(b)) for a, b in pairs), Fraction(0))
    # relative rounding per operation, plus underflow: each product may lose up to 2**-1074
    bound = (len(pairs) + 1) * (Fraction(2) ** -52 * magnitude + Fraction(2) ** -1074)
    assert abs(Fraction(dot(v, w)) - exact) <= bound


@given(st.lists(st.integers(-(2**20), 2**20), max_size=30), st.data())
def test_dot_of_small_integers_is_exact(v: List[int], data: st.DataObject) -> None:
    w = data.draw(st.lists(st.integers(-(2**20), 2**20), min_size=len(v), max_size=len(v)))
    assert dot([float(a) for a in v], [float(b) for b in w]) == sum(a * b for a, b in zip(v, w))


def test_all_finite() -> None:
    assert all_finite([])
    assert not all_finite([0.0, float("-inf")])
