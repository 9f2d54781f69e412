"""Activation functions and their derivatives, computed so that no finite input breaks them.

- sigmoid, tanh, relu, identity: elementwise, z -> a = f(z).
- softmax: a whole layer at once, a_j = exp(z_j) / sum_k exp(z_k).
- Activation: a named function with `forward(z) -> a` and `backward(a, dC/da) -> dC/dz`.
- ACTIVATIONS, get_activation: the activations by name.

Backpropagation needs f'(z). For every elementwise activation here f'(z) is a function of the
output a = f(z) alone, so the backward pass needs only what the forward pass kept:

    sigmoid   a = 1 / (1 + e**-z)     f'(z) = a * (1 - a)
    tanh      a = tanh(z)             f'(z) = 1 - a**2
    relu      a = max(z, 0)           f'(z) = 1 if a > 0 else 0      (0 at the kink z = 0)
    identity  a = z                   f'(z) = 1

Softmax mixes the layer: da_i/dz_j = a_i * (delta_ij - a_j), so with g = dC/da,

    dC/dz_j = sum_i g_i * a_i * (delta_ij - a_j) = a_j * (g_j - sum_i g_i * a_i).
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Optional, Sequence

from .errors import PurennError
from .vectors import Vector, dot

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ElementwiseActivation",
    "Relu",
    "Softmax",
    "get_activation",
    "identity",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


def sigmoid(z: float) -> float:
    """Return the logistic function 1 / (1 + e**-z), for any finite z without overflow.

    math.exp overflows above about 709, so the formula is taken in the branch where the exponent
    is never positive: for z >= 0, 1 / (1 + e**-z); for z < 0, e**z / (1 + e**z), which is the
    same number (multiply above and below by e**z).

    >>> sigmoid(0.0)
    0.5
    >>> sigmoid(-1e308), sigmoid(1e308)
    (0.0, 1.0)
    """
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    exp_z = math.exp(z)
    return exp_z / (1.0 + exp_z)


def tanh(z: float) -> float:
    """Return the hyperbolic tangent (e**z - e**-z) / (e**z + e**-z); math.tanh never overflows.

    >>> tanh(0.0), tanh(1e308), tanh(-1e308)
    (0.0, 1.0, -1.0)
    """
    return math.tanh(z)


def relu(z: float) -> float:
    """Return max(z, 0): the rectified linear unit.

    >>> relu(-2.5), relu(3.0)
    (0.0, 3.0)
    """
    return z if z > 0.0 else 0.0


def identity(z: float) -> float:
    """Return z unchanged: the linear output of a regression or 'no activation'.

    >>> identity(-1.5)
    -1.5
    """
    return z


def softmax(sums: Sequence[float]) -> Vector:
    """Return exp(z_j) / sum_k exp(z_k) for every j, computed stably.

    Subtracting m = max(z) first changes nothing mathematically (the factor e**-m cancels) and
    makes every exponent <= 0, so nothing overflows and the largest term is exactly 1.

    >>> softmax([0.0, 0.0])
    [0.5, 0.5]
    >>> softmax([1000.0, 0.0, -1000.0])
    [1.0, 0.0, 0.0]
    """
    largest = max(sums)
    exps = [math.exp(z - largest) for z in sums]
    total = math.fsum(exps)
    return [e / total for e in exps]


def _sigmoid_derivative(a: float) -> float:
    return a * (1.0 - a)


def _tanh_derivative(a: float) -> float:
    return 1.0 - a * a


def _relu_derivative(a: float) -> float:
    return 1.0 if a > 0.0 else 0.0


def _identity_derivative(a: float) -> float:
    return 1.0


class Activation:
    """A layer's activation: `forward` maps sums z to outputs a, `backward` maps dC/da to dC/dz.

    `zero_output_stops_gradient` is True when an output a_j = 0 makes dC/dz_j = 0 whatever dC/da_j
    is: ReLU and sigmoid (f'(a) is 0 at a = 0) and softmax (dC/dz_j has the factor a_j). The batch
    engine then leaves out the dC/da_j it would multiply by 0.
    """

    name: str = ""
    zero_output_stops_gradient: bool = False

    def forward(self, sums: Sequence[float]) -> Vector:
        """Return the outputs a of a layer whose neurons' weighted sums are `sums`."""
        raise NotImplementedError

    def backward(self, outputs: Sequence[float], output_gradients: Sequence[float]) -> Vector:
        """Return dC/dz for every neuron, given the outputs a and dC/da (chain rule)."""
        raise NotImplementedError

    def gradient_gate(
        self, masked_outputs: Sequence[float], mask: Optional[Sequence[float]]
    ) -> Optional[Sequence[float]]:
        """The vector whose zero entries make dC/dz zero whatever dC/da is, for a layer whose
        outputs a times its dropout mask m are the next layer's inputs h = a * m: h itself where
        an output of 0 stops the gradient (zero_output_stops_gradient), else the mask (None: no
        entry is known to be 0). The batch engines leave those entries of W^T delta out.

        >>> relu, tanh = ACTIVATIONS["relu"], ACTIVATIONS["tanh"]
        >>> relu.gradient_gate([0.0, 2.0], None), tanh.gradient_gate([0.0, 2.0], None)
        ([0.0, 2.0], None)
        """
        return masked_outputs if self.zero_output_stops_gradient else mask

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class ElementwiseActivation(Activation):
    """An activation applied to each neuron alone: a_j = f(z_j), dC/dz_j = dC/da_j * f'(z_j).

    >>> ACTIVATIONS["tanh"].backward([0.5], [2.0])
    [1.5]
    """

    def __init__(
        self,
        name: str,
        function: Callable[[float], float],
        derivative_from_output: Callable[[float], float],
    ) -> None:
        self.name = name
        self.function = function
        self.derivative_from_output = derivative_from_output
        self.zero_output_stops_gradient = derivative_from_output(0.0) == 0.0

    def forward(self, sums: Sequence[float]) -> Vector:
        return list(map(self.function, sums))

    def backward(self, outputs: Sequence[float], output_gradients: Sequence[float]) -> Vector:
        derivative = self.derivative_from_output
        return [g * derivative(a) for a, g in zip(outputs, output_gradients)]


class Relu(ElementwiseActivation):
    """ReLU, its two loops written out: relu and its derivative's numbers, without a function
    call per unit (most of the time this layer took outside its products on CPython).

    >>> ACTIVATIONS["relu"].forward([-1.0, 2.0]), ACTIVATIONS["relu"].backward([0.0, 2.0], [3.0, 4.0])
    ([0.0, 2.0], [0.0, 4.0])
    """

    def __init__(self) -> None:
        super().__init__("relu", relu, _relu_derivative)

    def forward(self, sums: Sequence[float]) -> Vector:
        return [z if z > 0.0 else 0.0 for z in sums]

    def backward(self, outputs: Sequence[float], output_gradients: Sequence[float]) -> Vector:
        # g * 1.0 is g; g * 0.0 keeps the reference's sign of zero (and its NaN).
        return [g if a > 0.0 else g * 0.0 for a, g in zip(outputs, output_gradients)]


class Softmax(Activation):
    """Softmax over the whole layer: dC/dz_j = a_j * (g_j - sum_i g_i * a_i) with g = dC/da.

    >>> Softmax().backward([0.5, 0.5], [1.0, 0.0])
    [0.25, -0.25]
    """

    name = "softmax"
    zero_output_stops_gradient = True

    def forward(self, sums: Sequence[float]) -> Vector:
        return softmax(sums)

    def backward(self, outputs: Sequence[float], output_gradients: Sequence[float]) -> Vector:
        weighted_mean = dot(output_gradients, outputs)
        return [a * (g - weighted_mean) for a, g in zip(outputs, output_gradients)]


ACTIVATIONS: Dict[str, Activation] = {  # in the order the command line lists them
    "relu": Relu(),
    "tanh": ElementwiseActivation("tanh", tanh, _tanh_derivative),
    "sigmoid": ElementwiseActivation("sigmoid", sigmoid, _sigmoid_derivative),
    "identity": ElementwiseActivation("identity", identity, _identity_derivative),
    "softmax": Softmax(),
}


def get_activation(name: str) -> Activation:
    """Return the activation called `name`; PurennError names the known ones otherwise.

    >>> get_activation("relu")
    <activation relu>
    >>> get_activation("swish")
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: unknown activation 'swish'; known: identity, relu, sigmoid, softmax, tanh
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(ACTIVATIONS))
        raise PurennError(f"unknown activation {name!r}; known: {known}") from None
