"""Adam against two steps worked by hand, and both optimizers wired into train()."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal, getcontext
from typing import Any, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.optimizers import Adam, Momentum
from purenn.settings import Settings
from purenn.train import train

# One linear neuron a = w * x + b, squared error C = (a - y)**2 / 2, on the one sample x = 2, y = 0,
# from w = 0.5, b = 0: dC/dw = (a - y) * x, dC/db = a - y. Full batch, rate 0.1, Adam's defaults.
ADAM_ONE_NEURON = Settings(
    hidden=(),
    activation="identity",
    output_activation="identity",
    loss="squared_error",
    solver="adam",
    rate=0.1,
    schedule="constant",
    l2=0.0,
    dropout=0.0,
    batch_size=0,
    epochs=2,
    measure_train_accuracy=False,
)


def _hand_worked_adam() -> List[List[Decimal]]:
    """The two steps, in 40-digit decimals (Kingma & Ba, Algorithm 1), written out in full.

    step 1: a = 0.5 * 2 + 0 = 1, g = (2, 1)
            m = 0.1 * g = (0.2, 0.1);  v = 0.001 * g**2 = (0.004, 0.001)
            m_hat = m / (1 - 0.9) = (2, 1);  v_hat = v / (1 - 0.999) = (4, 1)
            w = 0.5 - 0.1 * 2 / (2 + 1e-8) = 0.5 - 0.1 * (1 - 5e-9 + 2.5e-17 - ...)
              = 0.4000000004999999975...
            b = 0 - 0.1 * 1 / (1 + 1e-8) = -0.1 * (1 - 1e-8 + 1e-16 - ...) = -0.09999999900000000999...
    step 2: a = 2 w + b = 0.70000000200000000..., g = (2 a, a)
            m = 0.9 m + 0.1 g;  v = 0.999 v + 0.001 g**2
            m_hat = m / (1 - 0.81);  v_hat = v / (1 - 0.998001)
            w <- w - 0.1 * m_hat / (sqrt(v_hat) + 1e-8), and b likewise
    """
    getcontext().prec = 40
    beta_1, beta_2, epsilon, rate = Decimal("0.9"), Decimal("0.999"), Decimal("1e-8"), Decimal("0.1")
    w, b = Decimal("0.5"), Decimal(0)
    m, v = [Decimal(0), Decimal(0)], [Decimal(0), Decimal(0)]
    for t in (1, 2):
        a = w * 2 + b
        g = [a * 2, a]
        m = [beta_1 * m_k + (1 - beta_1) * g_k for m_k, g_k in zip(m, g)]
        v = [beta_2 * v_k + (1 - beta_2) * g_k * g_k for v_k, g_k in zip(v, g)]
        steps = [
            rate * (m_k / (1 - beta_1**t)) / ((v_k / (1 - beta_2**t)).sqrt() + epsilon)
            for m_k, v_k in zip(m, v)
        ]
        w, b = w - steps[0], b - steps[1]
        if t == 1:
            assert str(w)[:21] == "0.4000000004999999975" and str(b)[:22] == "-0.0999999990000000099"
    return [[w, b]]


def test_adam_two_steps_equal_the_hand_worked_ones() -> None:
    network = [[[0.5, 0.0]]]
    result = train(network, [[2.0]], [[0.0]], ADAM_ONE_NEURON, random.Random(0))
    (expected,) = _hand_worked_adam()
    assert len(result.history) == 2
    for got, want in zip(network[0][0], expected):
        assert got == pytest.approx(float(want), rel=1e-14)


def test_adam_keeps_its_moments_between_calls() -> None:
    """Two train() calls of one epoch, the second with the first's optimizer: the same two steps."""
    network = [[[0.5, 0.0]]]
    one_epoch = dataclasses.replace(ADAM_ONE_NEURON, epochs=1)
    first = train(network, [[2.0]], [[0.0]], one_epoch, random.Random(0))
    assert isinstance(first.optimizer, Adam) and first.optimizer.steps == 1
    train(network, [[2.0]], [[0.0]], one_epoch, random.Random(0), optimizer=first.optimizer)
    expected = _hand_worked_adam()[0]
    assert network[0][0] == pytest.approx([float(e) for e in expected], rel=1e-14)


@given(st.lists(st.floats(-1e3, 1e3).filter(lambda g: abs(g) > 1e-3), min_size=1, max_size=6))
def test_adams_first_step_is_the_rate_for_every_weight(grads: List[float]) -> None:
    """m_hat = g and v_hat = g**2 at t = 1: each weight moves by rate * g / (|g| + eps)."""
    network = [[[0.0] * len(grads)]]
    Adam(network)(network, [[list(grads)]], rate=0.01, train_biases=True)
    for moved, g in zip(network[0][0], grads):
        assert moved == pytest.approx(-0.01 * g / (abs(g) + 1e-8), rel=1e-12)
        assert abs(abs(moved) - 0.01) < 0.01 * 1e-5


def test_neither_optimizer_moves_frozen_biases() -> None:
    for optimizer in (Adam, lambda net: Momentum(net, momentum=0.9)):
        network: Any = [[[1.0, 2.0]]]
        optimizer(network)(network, [[[1.0, 1.0]]], rate=0.1, train_biases=False)
        assert network[0][0][1] == 2.0 and network[0][0][0] != 1.0


def test_sgd_is_still_the_default_solver() -> None:
    assert Settings().solver == "sgd"
    network = [[[0.0, 0.0]]]
    sgd = dataclasses.replace(ADAM_ONE_NEURON, solver="sgd", momentum=0.0, epochs=1)
    result = train(network, [[1.0]], [[1.0]], sgd, random.Random(0))
    assert isinstance(result.optimizer, Momentum)
    assert network == [[[0.1, 0.1]]]  # g = (0 - 1) * (1, 1); w = 0 - 0.1 * g
