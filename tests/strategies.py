"""Hypothesis strategies shared by the test files: networks, samples and training set-ups.

Bounded floats only, never NaN: the properties are about the math, and bad input has tests of its own.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from hypothesis import strategies as st

from purenn.activations import ACTIVATIONS
from purenn.network import Network, forward_pass

ELEMENTWISE = ["identity", "relu", "sigmoid", "tanh"]
HIDDEN_ACTIVATIONS = ELEMENTWISE + ["softmax"]
OUTPUT_ACTIVATION_FOR = {"cross_entropy": ["softmax"], "binary_cross_entropy": ["sigmoid"]}
LOSS_NAMES = ["squared_error", "cross_entropy", "binary_cross_entropy"]

# Every ReLU sum is pushed at least this far from the kink at 0, so that the finite-difference
# probes (weights moved by at most 2e-3) never cross it: there the loss is not differentiable.
RELU_MARGIN = 0.25

assert set(HIDDEN_ACTIVATIONS) == set(ACTIVATIONS)

# Filled by the gradient tests, printed by conftest.py at the end of the run.
GRADIENT_REPORT: Dict[str, List[float]] = {}


def record_gradient_error(check: str, error: float) -> None:
    """Remember one example's worst relative error under the name of its check."""
    GRADIENT_REPORT.setdefault(check, []).append(error)


def weights(bound: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


@st.composite
def layer_shapes(draw: Any, max_hidden_layers: int = 3, max_units: int = 8) -> List[int]:
    """[inputs, hidden..., outputs]: 1 to 3 hidden layers of 1 to 8 units."""
    hidden = draw(st.lists(st.integers(1, max_units), min_size=1, max_size=max_hidden_layers))
    return [draw(st.integers(1, 5))] + hidden + [draw(st.integers(1, 4))]


@st.composite
def networks_of(draw: Any, sizes: List[int], bound: float = 1.0) -> Network:
    return [
        [draw(st.lists(weights(bound), min_size=fan_in + 1, max_size=fan_in + 1)) for _ in range(fan_out)]
        for fan_in, fan_out in zip(sizes, sizes[1:])
    ]


def _target(draw: Any, loss_name: str, size: int) -> List[float]:
    if loss_name == "cross_entropy":
        if draw(st.booleans()):
            return _one_hot(draw, size)
        raw = draw(st.lists(st.floats(0.01, 1.0), min_size=size, max_size=size))
        return [r / sum(raw) for r in raw]
    if loss_name == "binary_cross_entropy":
        return draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size))
    return draw(st.lists(st.floats(-2.0, 2.0), min_size=size, max_size=size))


def _one_hot(draw: Any, size: int) -> List[float]:
    hot = draw(st.integers(0, size - 1))
    return [1.0 if i == hot else 0.0 for i in range(size)]


def push_relus_off_the_kink(
    network: Network, x: List[float], activations: List[str], masks: Any = None
) -> None:
    """Move the bias of every ReLU unit whose sum is within RELU_MARGIN of 0 (in place)."""
    for index, name in enumerate(activations):
        if name != "relu":
            continue
        sums = forward_pass(network, x, activations, masks).sums[index]
        for neuron, z in zip(network[index], sums):
            if abs(z) < RELU_MARGIN:
                neuron[-1] += (2 * RELU_MARGIN - z) if z >= 0 else (-2 * RELU_MARGIN - z)


@st.composite
def training_cases(draw: Any, dropout: Optional[bool] = None) -> Dict[str, Any]:
    """A network, its activations and loss, one sample (x, target), L2 and a fixed dropout mask."""
    sizes = draw(layer_shapes())
    loss_name = draw(st.sampled_from(LOSS_NAMES))
    hidden = [draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in sizes[1:-1]]
    output = draw(st.sampled_from(OUTPUT_ACTIVATION_FOR.get(loss_name, HIDDEN_ACTIVATIONS)))
    activations = hidden + [output]
    network = draw(networks_of(sizes))
    x = draw(st.lists(weights(2.0), min_size=sizes[0], max_size=sizes[0]))
    target = _target(draw, loss_name, sizes[-1])
    l2 = draw(st.sampled_from([0.0, 0.0, 0.01, 0.5]))
    use_dropout = draw(st.booleans()) if dropout is None else dropout
    masks = None
    if use_dropout:
        keep = draw(st.sampled_from([0.5, 0.8]))
        masks = [[draw(st.sampled_from([0.0, 1.0 / keep])) for _ in range(units)] for units in sizes[1:-1]]
    push_relus_off_the_kink(network, x, activations, masks)
    return {
        "network": network,
        "x": x,
        "target": target,
        "activations": activations,
        "loss_name": loss_name,
        "l2": l2,
        "dropout": masks,
    }
