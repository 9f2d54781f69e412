"""Activations: the laws they obey, and no finite input that breaks them."""

from __future__ import annotations

import math
from typing import Any, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.activations import (
    ACTIVATIONS,
    ElementwiseActivation,
    get_activation,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from purenn.errors import PurennError

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(-100.0, 100.0)
EPS = 2.0**-52


@given(finite)
def test_sigmoid_is_symmetric(x: float) -> None:
    assert abs(sigmoid(-x) - (1.0 - sigmoid(x))) <= EPS


@given(finite)
def test_sigmoid_and_tanh_stay_in_range(x: float) -> None:
    assert 0.0 <= sigmoid(x) <= 1.0
    assert -1.0 <= tanh(x) <= 1.0
    assert relu(x) >= 0.0


@given(st.floats(-30.0, 30.0))
def test_tanh_is_a_rescaled_sigmoid(x: float) -> None:
    assert tanh(x) == pytest.approx(2.0 * sigmoid(2.0 * x) - 1.0, abs=4 * EPS)


def test_extremes() -> None:
    assert sigmoid(-1e308) == 0.0 and sigmoid(1e308) == 1.0
    assert softmax([1000.0, 0.0, -1000.0]) == [1.0, 0.0, 0.0]
    assert all(math.isfinite(a) for a in softmax([1e308, -1e308, 0.0]))


@given(st.lists(finite, min_size=1, max_size=20))
def test_softmax_is_a_probability_vector(sums: List[float]) -> None:
    outputs = softmax(sums)
    assert all(0.0 <= a <= 1.0 for a in outputs)
    assert math.fsum(outputs) == pytest.approx(1.0, abs=len(sums) * EPS)


@given(st.lists(moderate, min_size=1, max_size=20), moderate)
def test_softmax_ignores_a_constant_shift(sums: List[float], shift: float) -> None:
    shifted = softmax([z + shift for z in sums])
    for a, b in zip(softmax(sums), shifted):
        assert a == pytest.approx(b, rel=1e-11, abs=1e-300)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(st.lists(st.floats(-5.0, 5.0), min_size=1, max_size=6), st.data())
def test_backward_is_the_jacobian_transpose(name: str, sums: List[float], data: st.DataObject) -> None:
    """backward(a, g)_j = sum_i g_i da_i/dz_j, the Jacobian from central differences."""
    activation = get_activation(name)
    if name == "relu":
        sums = [z if abs(z) > 1e-3 else 1.0 for z in sums]
    g = data.draw(st.lists(st.floats(-2.0, 2.0), min_size=len(sums), max_size=len(sums)))
    outputs = activation.forward(sums)
    backward = activation.backward(outputs, g)
    h = 1e-6
    for j in range(len(sums)):
        up = activation.forward([z + h if i == j else z for i, z in enumerate(sums)])
        down = activation.forward([z - h if i == j else z for i, z in enumerate(sums)])
        numeric = math.fsum(gi * (u - d) / (2 * h) for gi, u, d in zip(g, up, down))
        assert backward[j] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_unknown_activation() -> None:
    with pytest.raises(PurennError, match="unknown activation 'gelu'"):
        get_activation("gelu")


def test_which_activations_stop_the_gradient_at_a_zero_output() -> None:
    stopping = {name for name, activation in ACTIVATIONS.items() if activation.zero_output_stops_gradient}
    assert stopping == {"relu", "sigmoid", "softmax"}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=1, max_size=6), st.data())
def test_a_zero_output_stops_the_gradient_where_the_flag_says(
    name: str, outputs: List[float], data: Any
) -> None:
    """What the batch engine relies on to skip work: a_j = 0 gives dC/dz_j = 0 for any dC/da."""
    activation = ACTIVATIONS[name]
    gradients = data.draw(st.lists(moderate, min_size=len(outputs), max_size=len(outputs)))
    if activation.zero_output_stops_gradient:
        result = activation.backward(outputs, gradients)
        assert all(g == 0.0 for a, g in zip(outputs, result) if a == 0.0)


@pytest.mark.parametrize(
    "derivative, stops",
    [(lambda a: a * (1.0 - a), True), (lambda a: 1.0 - a * a, False), (lambda a: 1.0, False)],
)
def test_a_new_elementwise_activation_keeps_what_it_is_given(derivative: Any, stops: bool) -> None:
    """Built anew (the registered ones are built at import): f and f' kept, the flag from f'(0) = 0."""

    def double(z: float) -> float:
        return 2.0 * z

    made = ElementwiseActivation("double", double, derivative)
    assert made.name == "double" and repr(made) == "<activation double>"
    assert made.function is double and made.derivative_from_output is derivative
    assert made.zero_output_stops_gradient is stops
    assert made.forward([1.5, -2.0]) == [3.0, -4.0]
    assert made.backward([0.5], [2.0]) == [2.0 * derivative(0.5)]


def test_which_zero_outputs_stop_the_gradient() -> None:
    stops = {name: activation.zero_output_stops_gradient for name, activation in ACTIVATIONS.items()}
    assert stops == {"identity": False, "relu": True, "sigmoid": True, "softmax": True, "tanh": False}


def test_an_unknown_activation_lists_the_known_ones() -> None:
    with pytest.raises(PurennError) as caught:
        get_activation("swish")
    assert str(caught.value) == "unknown activation 'swish'; known: identity, relu, sigmoid, softmax, tanh"


@given(st.lists(st.one_of(st.just(0.0), st.just(-0.0), st.floats(allow_nan=False)), max_size=8), st.data())
def test_relu_written_out_is_its_function_and_derivative(sums: List[float], data: st.DataObject) -> None:
    """ReLU's loops written out give, bit for bit, what relu and its derivative give one by one."""
    relu_layer = ACTIVATIONS["relu"]
    outputs = relu_layer.forward(sums)
    assert [repr(a) for a in outputs] == [repr(relu(z)) for z in sums]
    gradients = data.draw(st.lists(st.floats(), min_size=len(sums), max_size=len(sums)))
    expected = [g * (1.0 if a > 0.0 else 0.0) for a, g in zip(outputs, gradients)]
    assert [repr(g) for g in relu_layer.backward(outputs, gradients)] == [repr(g) for g in expected]
