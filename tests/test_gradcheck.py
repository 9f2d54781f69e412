"""gradcheck: the finite differences themselves, on functions whose derivatives are known."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from purenn.errors import PurennError
from purenn.gradcheck import check_gradients, numerical_gradients, relative_error


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


def test_move_off_kinks_leaves_every_relu_sum_at_least_the_margin_from_zero() -> None:
    from purenn.gradcheck import KINK_MARGIN, move_off_kinks
    from purenn.network import forward_pass, make_network

    rng = random.Random(3)
    for _ in range(50):
        network = make_network([4, 6, 5, 2], rng, init="uniform", low=-1.0, high=1.0)
        x = [rng.uniform(-1, 1) for _ in range(4)]
        activations = ["relu", "relu", "identity"]
        move_off_kinks(network, x, activations)
        sums = forward_pass(network, x, activations).sums
        assert all(abs(z) >= KINK_MARGIN for layer in sums[:2] for z in layer)
