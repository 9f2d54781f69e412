"""Losses: non-negative, zero at a perfect prediction, finite for any finite logits."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.activations import get_activation, sigmoid, softmax
from purenn.errors import PurennError
from purenn.losses import LOSSES, get_loss, l2_penalty, log_sum_exp, softplus

finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def logits_and_probabilities(draw: st.DrawFn) -> "tuple[List[float], List[float]]":
    size = draw(st.integers(1, 10))
    sums = draw(st.lists(st.floats(-1e300, 1e300), min_size=size, max_size=size))
    raw = draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size).filter(lambda r: sum(r) > 0))
    return sums, [r / math.fsum(raw) for r in raw]


@given(logits_and_probabilities())
def test_cross_entropy_is_finite_and_non_negative(case: "tuple[List[float], List[float]]") -> None:
    sums, target = case
    value = LOSSES["cross_entropy"].value(sums, softmax(sums), target)
    assert 0.0 <= value < math.inf


@given(st.lists(st.tuples(finite, st.floats(0.0, 1.0)), min_size=1, max_size=10))
def test_binary_cross_entropy_is_non_negative(pairs: "list[tuple[float, float]]") -> None:
    sums = [z for z, _ in pairs]
    target = [y for _, y in pairs]
    value = LOSSES["binary_cross_entropy"].value(sums, [sigmoid(z) for z in sums], target)
    assert value >= 0.0


@given(st.lists(st.floats(-1e150, 1e150), min_size=1, max_size=10))
def test_squared_error_is_zero_exactly_at_the_target(outputs: List[float]) -> None:
    assert LOSSES["squared_error"].value(outputs, outputs, outputs) == 0.0
    assert LOSSES["squared_error"].value(outputs, outputs, [a + 1.0 for a in outputs]) >= 0.0


def test_zero_at_a_perfect_prediction() -> None:
    assert LOSSES["cross_entropy"].value([1000.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) == 0.0
    assert LOSSES["binary_cross_entropy"].value([1000.0, -1000.0], [1.0, 0.0], [1.0, 0.0]) == 0.0


def test_huge_values_give_inf_not_overflow_error() -> None:
    assert LOSSES["squared_error"].value([0.0], [1e300], [-1e300]) == math.inf
    assert softplus(1e308) == 1e308
    assert log_sum_exp([1e308, 1e308]) == 1e308


@given(st.lists(st.floats(-50.0, 50.0), min_size=1, max_size=10))
def test_log_sum_exp_matches_the_definition(sums: List[float]) -> None:
    assert log_sum_exp(sums) == pytest.approx(math.log(math.fsum(math.exp(z) for z in sums)), rel=1e-13)


@given(st.floats(-30.0, 30.0))
def test_softplus_matches_the_definition(z: float) -> None:
    assert softplus(z) == pytest.approx(math.log(1.0 + math.exp(z)), rel=1e-12)


@pytest.mark.parametrize(
    "name, activation", [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")]
)
@given(st.lists(st.floats(-10.0, 10.0), min_size=2, max_size=5))
def test_output_delta_is_a_minus_y(name: str, activation: str, sums: List[float]) -> None:
    target = [1.0] + [0.0] * (len(sums) - 1)
    function = get_activation(activation)
    outputs = function.forward(sums)
    delta = get_loss(name).output_delta(function, sums, outputs, target)
    assert delta == pytest.approx([a - y for a, y in zip(outputs, target)], abs=1e-15)


def test_l2_penalty_skips_biases() -> None:
    assert l2_penalty([[[1.0, 2.0, 100.0]], [[3.0, -100.0]]], 2.0) == 14.0
    assert l2_penalty([[[1.0, 2.0, 100.0]]], 0.0) == 0.0


def test_unknown_loss() -> None:
    with pytest.raises(PurennError, match="unknown loss 'hinge'; known: binary_cross_entropy"):
        get_loss("hinge")


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_of_huge_logits_are_inf_not_overflow_error(name: str) -> None:
    """fsum raises OverflowError when partial sums pass 1e308; the losses say inf instead."""
    sums = [1e308, 1e308, -1e308]
    outputs = get_activation(LOSSES[name].required_activation or "identity").forward(sums)
    target = [0.0, 0.0, 1.0]
    value = LOSSES[name].value(sums, outputs, target)
    assert value >= 0.0 and not math.isnan(value)


def test_l2_penalty_of_huge_weights_is_inf() -> None:
    assert l2_penalty([[[1e200, 1e200, 0.0]]], 1.0) == math.inf


def test_an_unknown_loss_lists_the_known_ones() -> None:
    with pytest.raises(PurennError) as caught:
        get_loss("hinge")
    assert (
        str(caught.value) == "unknown loss 'hinge'; known: binary_cross_entropy, cross_entropy, squared_error"
    )


@given(
    st.lists(
        st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False), min_size=2, max_size=70),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([1e-4, 0.5, 1.0, 3.0]),
)
def test_l2_penalty_is_within_its_rounding_bound(neurons: List[List[float]], l2: float) -> None:
    """lambda/2 sum w**2 over every weight but the biases, each neuron's squares by one dot product
    (n - 1 terms, all >= 0: within gamma_{n-1} of their sum), the neurons' sums by total (correctly
    rounded: within u), then two products: |computed - exact| <= (gamma_{n-1} + 4u) * exact, to first
    order (and + 2**-1074 per rounding that may fall under the smallest normal)."""
    network = [neurons]
    exact = Fraction(l2) / 2 * sum(Fraction(w) ** 2 for neuron in neurons for w in neuron[:-1])
    computed = l2_penalty(network, l2)
    longest = max(len(neuron) - 1 for neuron in neurons)
    u = 2.0**-53
    bound = ((longest * u) / (1 - longest * u) + 4 * u) * (1 + 1e-6) * exact + Fraction(
        (longest + 4) * 2.0**-1074
    )
    assert abs(Fraction(computed) - exact) <= bound
