"""gradcheck: the finite differences themselves, on functions whose derivatives are known."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from purenn.errors import PurennError
from purenn.gradcheck import (
    RELU_MARGIN,
    check_gradients,
    numerical_gradients,
    push_relus_off_the_kink,
    relative_error,
    relative_errors,
)
from purenn.network import forward_pass, gradients


@pytest.mark.parametrize("order", [2, 4, 6])
def test_central_differences_of_a_sigmoid_neuron(order: int) -> None:
    """C = 1/2 (s - y)**2 with s = sigmoid(w x + b): dC/dw = (s - y) s (1 - s) x."""
    w, b, x, y = 0.7, -0.2, 1.5, 0.25
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    delta = (s - y) * s * (1.0 - s)
    grads = numerical_gradients([[[w, b]]], [x], [y], order=order, step=1e-3 if order == 2 else 1e-2)
    tolerance = {2: 1e-6, 4: 1e-8, 6: 1e-11}[order]
    assert grads[0][0] == pytest.approx([delta * x, delta], rel=tolerance)


def test_numerical_gradients_restore_the_network() -> None:
    network = [[[0.1, 0.2, 0.3]], [[0.4, 0.5]]]
    numerical_gradients(network, [1.0, -1.0], [0.5])
    assert network == [[[0.1, 0.2, 0.3]], [[0.4, 0.5]]]


def test_check_gradients_of_a_deep_network() -> None:
    network = [
        [[0.3, -0.2, 0.1], [0.5, 0.4, -0.3]],
        [[0.2, -0.6, 0.05], [0.7, 0.1, 0.0]],
        [[0.9, -0.8, 0.1], [-0.4, 0.3, 0.2]],
    ]
    error = check_gradients(
        network, [1.0, 2.0], [1.0, 0.0], ["tanh", "relu", "softmax"], "cross_entropy", l2=0.1
    )
    assert error < 1e-8


def test_relative_error_catches_nan_and_shape_mismatch() -> None:
    assert (
        math.isnan(relative_error([[[float("nan")]]], [[[1.0]]]))
        or relative_error([[[float("nan")]]], [[[1.0]]]) > 1.0
    )
    with pytest.raises(PurennError):
        relative_error([[[1.0]]], [[[1.0, 2.0]]])


@pytest.mark.parametrize(
    "kwargs, message",
    [({"order": 3}, "order must be 2, 4 or 6"), ({"step": 0.0}, "step must be a positive number")],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(PurennError, match=message):
        numerical_gradients([[[1.0, 0.0]]], [1.0], [0.0], **kwargs)


NETWORK = [[[0.3, -0.2, 0.1], [0.5, 0.4, -0.3]], [[0.7, -0.6, 0.05]]]


def test_check_gradients_is_the_relative_error_of_the_two_with_its_defaults() -> None:
    """Sigmoid, squared error, no L2, no dropout: check_gradients compares exactly these two."""
    x, y = [1.0, 2.0], [0.25]
    expected = relative_error(gradients(NETWORK, x, y), numerical_gradients(NETWORK, x, y))
    assert check_gradients(NETWORK, x, y) == expected
    same = relative_error(
        gradients(NETWORK, x, y, "sigmoid", "squared_error", l2=0.0),
        numerical_gradients(NETWORK, x, y, "sigmoid", "squared_error", l2=0.0),
    )
    assert expected == same


@pytest.mark.parametrize("mask", [[0.0, 2.0], [2.0, 0.0], [1.25, 1.25]])
def test_check_gradients_passes_the_dropout_masks_to_both_sides(mask: list) -> None:
    """A mask changes the gradient; both sides must see it for the check to agree."""
    x, y = [1.0, 2.0], [0.25]
    assert check_gradients(NETWORK, x, y, dropout=[mask]) < 1e-8
    assert relative_error(gradients(NETWORK, x, y, dropout=[mask]), gradients(NETWORK, x, y)) > 1e-3


def test_relative_error_is_per_weight_against_the_larger_of_the_two() -> None:
    assert relative_error([[[2.0, 1.0]]], [[[1.0, 1.0]]]) == 0.5  # |2 - 1| / max(|2|, |1|)
    assert relative_error([[[1.0, 1.0]]], [[[1.0, 2.0]]]) == 0.5  # either side may be the larger
    assert relative_error([[[0.0]]], [[[1e-12]]]) == 1e-6  # below the floor 1e-6, against the floor
    assert relative_error([[[0.0]]], [[[1e-12]]], floor=1e-3) == 1e-9
    assert relative_error([[[3.0]]], [[[3.0]]]) == 0.0


@pytest.mark.parametrize(
    "second, message",
    [
        ([[[1.0]], [[1.0]]], "the two gradients have different numbers of layers"),
        ([[[1.0], [1.0]]], "the two gradients have layers of different sizes"),
        ([[[1.0, 2.0]]], "the two gradients have neurons of different sizes"),
    ],
)
def test_gradients_of_different_shapes_are_named_exactly(second: list, message: str) -> None:
    with pytest.raises(PurennError) as caught:
        relative_error([[[1.0]]], second)
    assert str(caught.value) == message


def test_relu_sums_near_the_kink_are_moved_to_twice_the_margin_on_their_side() -> None:
    # layer 0: sums 0.1 (near, above), -0.2 (near, below), 0.0 (at the kink), 0.3 (far enough)
    network = [[[1.0, 0.1], [1.0, -0.2], [1.0, 0.0], [1.0, 0.3]], [[1.0, 1.0, 1.0, 1.0, 0.05]]]
    push_relus_off_the_kink(network, [0.0], ["relu", "relu"])
    sums = forward_pass(network, [0.0], ["relu", "relu"]).sums
    assert sums[0] == pytest.approx([2 * RELU_MARGIN, -2 * RELU_MARGIN, 2 * RELU_MARGIN, 0.3])
    assert [neuron[0] for neuron in network[0]] == [1.0] * 4  # only the biases move
    assert network[1][0][:-1] == [1.0] * 4 and abs(sums[1][0]) >= RELU_MARGIN
    assert sums[1][0] == pytest.approx(0.5 + 0.3 + 0.5 + 0.05)  # far from 0 already: unchanged


def test_only_relu_layers_are_moved_and_the_masks_are_seen() -> None:
    network = [[[1.0, 0.1], [1.0, 0.1]], [[1.0, 1.0, 0.0]]]
    untouched = [[[1.0, 0.1], [1.0, 0.1]], [[1.0, 1.0, 0.0]]]
    push_relus_off_the_kink(network, [0.0], ["tanh", "relu"])
    assert network[0] == untouched[0]  # tanh has no kink
    assert forward_pass(network, [0.0], ["tanh", "relu"]).sums[1] == pytest.approx([0.5])
    masked = [[[1.0, 0.1], [1.0, 0.1]], [[1.0, 1.0, 0.0]]]
    push_relus_off_the_kink(masked, [0.0], ["relu", "relu"], [[0.0, 0.0]])  # both units dropped
    assert forward_pass(masked, [0.0], ["relu", "relu"], [[0.0, 0.0]]).sums[1] == pytest.approx([0.5])
    assert [neuron[-1] for neuron in masked[0]] == pytest.approx([0.5, 0.5])


def test_relative_errors_weight_by_weight_with_the_same_floor() -> None:
    errors = relative_errors([[[2.0, 0.0]], [[3.0]]], [[[1.0, 1e-12]], [[3.0]]])
    assert errors == [[[0.5, 1e-6]], [[0.0]]]
    assert relative_errors([[[0.0]]], [[[1e-12]]], floor=1e-3) == [[[1e-9]]]


def test_a_sum_already_at_the_margin_is_left_alone() -> None:
    network = [[[1.0, RELU_MARGIN], [1.0, -RELU_MARGIN]]]
    push_relus_off_the_kink(network, [0.0], ["relu"])
    assert network == [[[1.0, RELU_MARGIN], [1.0, -RELU_MARGIN]]]


# Honest verdicts (issue 12) ----------------------------------------------------------------------


def test_the_verdict_is_undetermined_for_nan_and_failed_for_a_wrong_engine(monkeypatch: Any) -> None:
    from purenn import gradcheck as module

    network = [[[0.3, -0.2, 0.1]], [[0.5, 0.05]]]
    args = (network, [1.0, 2.0], [0.7], ["sigmoid", "sigmoid"], "squared_error")
    assert module.verdict(*args)[1] == "ok"
    assert module.verdict(*args, l2=1e308)[1].startswith("undetermined")
    real = module.loss_and_gradients

    def with_a_nan(*a: Any, **k: Any) -> Any:
        value, grads = real(*a, **k)
        grads[1][0][0] = math.nan
        return value, grads

    monkeypatch.setattr(module, "loss_and_gradients", with_a_nan)
    error, said = module.verdict(*args)
    assert math.isnan(error) and said.startswith("undetermined")  # max() made this 0 before

    def off_by_a_little(*a: Any, **k: Any) -> Any:
        value, grads = real(*a, **k)
        grads[0][0][0] *= 1.001
        return value, grads

    monkeypatch.setattr(module, "loss_and_gradients", off_by_a_little)
    assert module.verdict(*args)[1] == "FAILED"


def test_a_loss_too_large_to_resolve_is_undetermined_not_failed() -> None:
    from purenn import gradcheck as module
    from purenn.network import make_network

    network = make_network([6, 5, 4, 3], random.Random(0), init="uniform", low=-1.0, high=1.0)
    x = [random.Random(1).uniform(-1, 1) for _ in range(6)]
    said = module.verdict(
        network, x, [1.0, 0.0, 0.0], ["tanh", "tanh", "identity"], "squared_error", l2=1e300
    )[1]
    assert said.startswith("undetermined: the loss")


def test_every_relu_sum_ends_at_least_the_margin_from_zero() -> None:
    from purenn.network import make_network

    rng = random.Random(3)
    for _ in range(50):
        network = make_network([4, 6, 5, 2], rng, init="uniform", low=-1.0, high=1.0)
        x = [rng.uniform(-1, 1) for _ in range(4)]
        activations = ["relu", "relu", "identity"]
        push_relus_off_the_kink(network, x, activations)
        sums = forward_pass(network, x, activations).sums
        assert all(abs(z) >= RELU_MARGIN for layer in sums[:2] for z in layer)
