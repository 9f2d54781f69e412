"""Loss functions: how wrong an output is, and the output layer's delta dC/dz that follows.

- squared_error:          C = 1/2 * sum_i (a_i - y_i)**2, with any output activation.
- cross_entropy:          C = -sum_i y_i * log(softmax(z)_i), from the logits z (softmax output).
- binary_cross_entropy:   C = -sum_i [y_i log(s_i) + (1 - y_i) log(1 - s_i)], s = sigmoid(z),
                          from the logits z (sigmoid output).
- l2_penalty:             lambda/2 * sum of every squared weight except the biases.
- Loss, LOSSES, get_loss: the losses by name; each Loss names the output activation it pairs with.

The output delta is delta_j = dC/dz_j of the last layer. For squared error it is the chain rule
through the activation: dC/da_j = a_j - y_j, then the activation's backward. The two
cross-entropies are computed from z directly (log-sum-exp and softplus), so no log(0) can
happen, and their deltas collapse to the famous a - y:

    cross_entropy:          dC/dz_j = a_j * sum_i(y_i) - y_j    (= a_j - y_j for a probability vector y)
    binary_cross_entropy:   dC/dz_j = sigmoid(z_j) - y_j
"""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence

from .activations import Activation
from .errors import PurennError
from .vectors import Vector, dot, total

__all__ = [
    "LOSSES",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "Loss",
    "SquaredError",
    "get_loss",
    "l2_penalty",
    "log_sum_exp",
    "softplus",
]


def log_sum_exp(sums: Sequence[float]) -> float:
    """Return log(sum_k exp(z_k)) without overflow: m + log(sum_k exp(z_k - m)), m = max(z).

    The sum inside the log is at least 1 (its largest term is exp(0)), so the log is never of 0.

    >>> log_sum_exp([1000.0, 1000.0]) == 1000.0 + math.log(2.0)
    True
    """
    largest = max(sums)
    return largest + math.log(math.fsum(math.exp(z - largest) for z in sums))


def softplus(z: float) -> float:
    """Return log(1 + e**z) without overflow: max(z, 0) + log1p(e**-|z|).

    >>> softplus(0.0) == math.log(2.0)
    True
    >>> softplus(1e308), softplus(-1e308)
    (1e+308, 0.0)
    """
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


class Loss:
    """A loss: `value(z, a, y)` is C; `output_delta(activation, z, a, y)` is dC/dz of the last layer.

    `required_activation` is the output activation the loss is defined with, or None for any;
    `output_activation` the one it pairs with by default (the required one, else identity).
    """

    name: str = ""
    required_activation: Optional[str] = None
    output_activation: str = "identity"

    def value(self, sums: Sequence[float], outputs: Sequence[float], target: Sequence[float]) -> float:
        """Return the loss of one sample from the output layer's sums z, outputs a and the target y."""
        raise NotImplementedError

    def output_delta(
        self,
        activation: Activation,
        sums: Sequence[float],
        outputs: Sequence[float],
        target: Sequence[float],
    ) -> Vector:
        """Return dC/dz_j for every output neuron j."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


class SquaredError(Loss):
    """C = 1/2 * sum_i (a_i - y_i)**2; dC/da_i = a_i - y_i, then through the output activation.

    >>> SquaredError().value([0.0, 0.0], [1.0, 3.0], [0.0, 1.0])
    2.5
    """

    name = "squared_error"

    def value(self, sums: Sequence[float], outputs: Sequence[float], target: Sequence[float]) -> float:
        # (a - y) * (a - y), not ** 2: float ** raises OverflowError where * gives inf.
        return 0.5 * total((a - y) * (a - y) for a, y in zip(outputs, target))

    def output_delta(
        self,
        activation: Activation,
        sums: Sequence[float],
        outputs: Sequence[float],
        target: Sequence[float],
    ) -> Vector:
        errors = [a - y for a, y in zip(outputs, target)]
        return activation.backward(outputs, errors)


class CrossEntropy(Loss):
    """C = -sum_i y_i * log(softmax(z)_i) = sum_i y_i * (logsumexp(z) - z_i), from the logits z.

    Every term y_i * (logsumexp(z) - z_i) is >= 0, since logsumexp(z) >= max(z).

    >>> CrossEntropy().value([1000.0, 0.0], [1.0, 0.0], [1.0, 0.0])
    0.0
    >>> round(CrossEntropy().value([0.0, 0.0], [0.5, 0.5], [0.0, 1.0]), 12) == round(math.log(2.0), 12)
    True
    """

    name = "cross_entropy"
    required_activation = output_activation = "softmax"

    def value(self, sums: Sequence[float], outputs: Sequence[float], target: Sequence[float]) -> float:
        normaliser = log_sum_exp(sums)
        return total(y * (normaliser - z) for z, y in zip(sums, target) if y != 0.0)

    def output_delta(
        self,
        activation: Activation,
        sums: Sequence[float],
        outputs: Sequence[float],
        target: Sequence[float],
    ) -> Vector:
        target_total = total(target)
        return [a * target_total - y for a, y in zip(outputs, target)]


class BinaryCrossEntropy(Loss):
    """C = sum_i softplus(z_i) - y_i * z_i, which is -[y log s + (1 - y) log(1 - s)] with s = sigmoid(z).

    >>> BinaryCrossEntropy().value([0.0], [0.5], [1.0]) == math.log(2.0)
    True
    """

    name = "binary_cross_entropy"
    required_activation = output_activation = "sigmoid"

    def value(self, sums: Sequence[float], outputs: Sequence[float], target: Sequence[float]) -> float:
        return total(softplus(z) - y * z for z, y in zip(sums, target))

    def output_delta(
        self,
        activation: Activation,
        sums: Sequence[float],
        outputs: Sequence[float],
        target: Sequence[float],
    ) -> Vector:
        return [a - y for a, y in zip(outputs, target)]


LOSSES: Dict[str, Loss] = {  # in the order the command line lists them
    "cross_entropy": CrossEntropy(),
    "binary_cross_entropy": BinaryCrossEntropy(),
    "squared_error": SquaredError(),
}


def get_loss(name: str) -> Loss:
    """Return the loss called `name`; PurennError names the known ones otherwise.

    >>> get_loss("cross_entropy")
    <loss cross_entropy>
    """
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(LOSSES))
        raise PurennError(f"unknown loss {name!r}; known: {known}") from None


def l2_penalty(network: Sequence[Sequence[Sequence[float]]], l2: float) -> float:
    """Return lambda/2 * sum of w**2 over every weight except the biases (the last of each neuron).

    Its gradient is lambda * w for each such weight and 0 for the biases.

    >>> l2_penalty([[[3.0, 4.0, 100.0]]], 0.5)
    6.25
    """
    if l2 == 0.0:
        return 0.0
    # A neuron's sum of squares in one C-level call (vectors.dot: a quarter of the time of squaring
    # each weight in bytecode), the neurons' sums added by total: not the correctly rounded sum, but
    # within (n + 4) * 2**-53 of it, relative, for neurons of n weights (tests/test_losses.py).
    return 0.5 * l2 * total(dot(neuron[:-1], neuron[:-1]) for layer in network for neuron in layer)
