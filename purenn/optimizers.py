"""How a gradient becomes a step: gradient descent with momentum, and Adam.

- Momentum: v <- momentum * v - rate * g, w <- w + v (momentum 0 is plain gradient descent).
- Adam: Kingma & Ba (2015), Algorithm 1, with their defaults beta_1 0.9, beta_2 0.999,
  epsilon 1e-8 (scikit-learn's MLPClassifier's too). At step t = 1, 2, ...

      m <- beta_1 * m + (1 - beta_1) * g              (first moment, the mean of g)
      v <- beta_2 * v + (1 - beta_2) * g**2           (second moment, the mean of g**2)
      m_hat = m / (1 - beta_1**t),  v_hat = v / (1 - beta_2**t)    (bias corrections)
      w <- w - rate * m_hat / (sqrt(v_hat) + epsilon)

  On its first step m_hat = g and v_hat = g**2, so every weight moves by rate * g / (|g| + eps):
  by the rate itself, whatever the size of its gradient.
- SOLVERS, make_optimizer: the solvers by name ("sgd", "adam"); the one a Settings asks for.

Both keep their state (velocities; moments and step count) between calls, so that training can
go on where it stopped (Classifier.partial_fit). With train_biases False the biases, each
neuron's last weight, never move.
"""

from __future__ import annotations

import math
from typing import Union

from .network import Network

__all__ = ["SOLVERS", "Adam", "Momentum", "Optimizer", "make_optimizer"]

# "sgd": gradient descent with momentum; "adam": Adam.
SOLVERS = ("sgd", "adam")


def _zeros_like(network: Network) -> Network:
    return [[[0.0] * len(neuron) for neuron in layer] for layer in network]


class Momentum:
    """Gradient descent with momentum: v <- momentum * v - rate * g, then w <- w + v.

    >>> network = [[[0.0, 0.0]]]
    >>> step = Momentum(network, momentum=0.5)
    >>> step(network, [[[-1.0, -1.0]]], rate=0.5, train_biases=True); network
    [[[0.5, 0.5]]]
    >>> step(network, [[[0.0, 0.0]]], rate=0.5, train_biases=True); network   # v = 0.5 * 0.5
    [[[0.75, 0.75]]]
    """

    def __init__(self, network: Network, *, momentum: float) -> None:
        self.momentum = momentum
        self.velocity = _zeros_like(network)

    def __call__(self, network: Network, grads: Network, *, rate: float, train_biases: bool) -> None:
        """Move every weight of network (biases only if trained) IN PLACE by one step."""
        momentum = self.momentum
        for layer, layer_grads, layer_velocity in zip(network, grads, self.velocity):
            for neuron, neuron_grads, neuron_velocity in zip(layer, layer_grads, layer_velocity):
                count = len(neuron) if train_biases else len(neuron) - 1
                for k in range(count):
                    step = momentum * neuron_velocity[k] - rate * neuron_grads[k]
                    neuron_velocity[k] = step
                    neuron[k] += step


class Adam:
    """Adam (Kingma & Ba, Algorithm 1): steps scaled by running moments of the gradient.

    First step of a weight with gradient 2: m_hat = 2, v_hat = 4, so it moves by
    -rate * 2 / (2 + 1e-8):

    >>> network = [[[1.0, 0.0]]]
    >>> Adam(network)(network, [[[2.0, 0.0]]], rate=0.1, train_biases=True)
    >>> network[0][0][0] == 1.0 - 0.1 * 2.0 / (2.0 + 1e-8), network[0][0][1]
    (True, 0.0)
    """

    def __init__(
        self, network: Network, *, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8
    ) -> None:
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.first = _zeros_like(network)  # m
        self.second = _zeros_like(network)  # v
        self.steps = 0  # t

    def __call__(self, network: Network, grads: Network, *, rate: float, train_biases: bool) -> None:
        """One Adam step on every weight of network (biases only if trained), IN PLACE."""
        self.steps += 1
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        correction_1 = 1.0 - beta_1**self.steps
        correction_2 = 1.0 - beta_2**self.steps
        for layer, layer_grads, layer_m, layer_v in zip(network, grads, self.first, self.second):
            for neuron, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
                count = len(neuron) if train_biases else len(neuron) - 1
                for k in range(count):
                    m[k] = beta_1 * m[k] + (1.0 - beta_1) * g[k]
                    v[k] = beta_2 * v[k] + (1.0 - beta_2) * g[k] * g[k]
                    m_hat = m[k] / correction_1
                    v_hat = v[k] / correction_2
                    neuron[k] -= rate * m_hat / (math.sqrt(v_hat) + epsilon)


Optimizer = Union[Momentum, Adam]


def make_optimizer(
    solver: str, network: Network, *, momentum: float, beta_1: float, beta_2: float, epsilon: float
) -> Optimizer:
    """A fresh optimizer for network: "sgd" (with momentum) or "adam".

    >>> type(make_optimizer("adam", [[[0.0]]], momentum=0.9, beta_1=0.9, beta_2=0.999, epsilon=1e-8))
    <class 'purenn.optimizers.Adam'>
    """
    if solver == "adam":
        return Adam(network, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return Momentum(network, momentum=momentum)
