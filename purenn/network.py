"""The reference engine: a network as nested lists, its forward pass and backpropagation.

- Network, Layer, Neuron: a network is a list of layers, a layer a list of neurons, a neuron a
  list of weights with the bias weight last.
- make_network: a network of given layer sizes, weights drawn from a random.Random you pass in.
- check_network: the shape of a network, validated.
- feed_forward, predict: every layer's outputs; the last layer's.
- loss: the loss of one sample (plus the L2 penalty).
- gradients, loss_and_gradients: dC/dw for every weight, the same nested shape, pure.
- backpropagate: one gradient-descent step in place, w <- w - rate * dC/dw.
- dropout_masks: masks for inverted dropout, to pass to the functions above.
- mask_after_output_step: the step direction of tutorial 000's dropout order (not a gradient).

The math, for layer l with weights w (bias last), input h (x for the first layer):

    z_j   = sum_k w_jk * h_k + w_j,bias                 (dot(neuron, h + [1]))
    a_j   = f(z_j)                                      (the layer's activation)
    h'_j  = a_j * m_j                                   (the next layer's input; m = dropout mask, else 1)

Backpropagation starts from the output delta, delta_j = dC/dz_j (the loss says what it is), and
walks back one layer at a time:

    dC/dw_jk       = delta_j * h_k           dC/dw_j,bias = delta_j
    dC/dh_k        = sum_j delta_j * w_jk    (the error sent to the layer below)
    delta_below_k  = f'(z_k) * m_k * dC/dh_k

With L2 regularisation lambda, every weight except the biases gets lambda * w_jk added.

mask_after_output_step is the one exception to "the math": the dropout order of the tutorial 000
(see its docstring). The functions above stay the exact gradients every check compares with.
"""

from __future__ import annotations

import math
import random
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

from .activations import Activation, get_activation
from .errors import PurennError
from .losses import Loss, get_loss, l2_penalty
from .vectors import Vector, dot

__all__ = [
    "ActivationSpec",
    "ForwardPass",
    "INITIALISERS",
    "check_initialiser",
    "Masks",
    "Layer",
    "Network",
    "Neuron",
    "backpropagate",
    "check_l2",
    "check_network",
    "dropout_masks",
    "feed_forward",
    "forward_pass",
    "gradients",
    "layer_sizes",
    "loss",
    "loss_and_gradients",
    "make_network",
    "mask_after_output_step",
    "predict",
    "resolve_activations",
    "resolve_loss",
]

Neuron = List[float]
Layer = List[Neuron]
Network = List[Layer]
ActivationSpec = Union[str, Sequence[str]]
Masks = Optional[Sequence[Optional[Sequence[float]]]]

INITIALISERS = ("glorot", "he", "uniform")


# ---------------------------------------------------------------------------------------------
# Making and checking networks


def _weight_limit(init: str, fan_in: int, fan_out: int) -> float:
    """Return L for weights drawn uniformly from [-L, L].

    glorot (Glorot and Bengio 2010): L = sqrt(6 / (fan_in + fan_out)), keeps the variance of
    sigmoid/tanh activations steady across layers; he (He et al. 2015): L = sqrt(6 / fan_in), the
    same for ReLU, which zeroes half its inputs.
    """
    if init == "glorot":
        return math.sqrt(6.0 / (fan_in + fan_out))
    return math.sqrt(6.0 / fan_in)


def make_network(
    sizes: Sequence[int],
    rng: random.Random,
    *,
    init: str = "glorot",
    low: float = -1.0,
    high: float = 1.0,
    draw_biases: Optional[bool] = None,
) -> Network:
    """Return a network with layer sizes `sizes` (inputs first), weights drawn from `rng`.

    `init` is "glorot" or "he" (uniform in [-L, L], see _weight_limit) or "uniform" (uniform
    in [low, high), the classic tutorials' choice). Biases start at 0 for glorot and he and are
    drawn like the other weights for uniform; `draw_biases` overrides that.

    >>> net = make_network([2, 3, 1], random.Random(0))
    >>> layer_sizes(net)
    [2, 3, 1]
    >>> [len(neuron) for neuron in net[0]]
    [3, 3, 3]
    >>> net[0][0][-1]
    0.0
    """
    if len(sizes) < 2:
        raise PurennError(f"a network needs at least 2 layer sizes (inputs and outputs), got {list(sizes)}")
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise PurennError(f"layer size {position} must be a positive integer, got {size!r}")
    check_initialiser(init)
    if init == "uniform" and not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise PurennError(f"uniform initialisation needs finite low <= high, got [{low}, {high}]")
    if draw_biases is None:
        draw_biases = init == "uniform"
    network: Network = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        if init != "uniform":
            limit = _weight_limit(init, fan_in, fan_out)
            low, high = -limit, limit
        layer = []
        for _ in range(fan_out):
            neuron = [rng.uniform(low, high) for _ in range(fan_in)]
            neuron.append(rng.uniform(low, high) if draw_biases else 0.0)
            layer.append(neuron)
        network.append(layer)
    return network


def layer_sizes(network: Network) -> List[int]:
    """Return [inputs, units of layer 1, ..., outputs] of a network.

    >>> layer_sizes([[[1.0, 2.0, 0.0]], [[3.0, 0.0], [4.0, 0.0]]])
    [2, 1, 2]
    """
    check_network(network)
    return [len(network[0][0]) - 1] + [len(layer) for layer in network]


def check_network(network: Network) -> None:
    """Raise PurennError unless the network is a non-empty list of rectangular, chained layers.

    Every neuron of layer l must have (units of layer l-1) + 1 weights, the +1 being the bias.
    Checks shapes only (O(neurons)); model files check every weight's value when they load.

    >>> check_network([[[1.0, 0.0]], [[1.0, 2.0, 0.0]]])
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: layer 1, neuron 0 has 3 weights; expected 2 (1 inputs + bias)
    """
    if not isinstance(network, list) or not network:
        raise PurennError("the network has no layers")
    fan_in: Optional[int] = None
    for index, layer in enumerate(network):
        if not isinstance(layer, list) or not layer:
            raise PurennError(f"layer {index} has no neurons")
        if fan_in is None:
            first = layer[0]
            if not isinstance(first, list) or len(first) < 2:
                raise PurennError("layer 0, neuron 0 needs at least 2 weights (1 input + bias)")
            fan_in = len(first) - 1
        for position, neuron in enumerate(layer):
            if not isinstance(neuron, list) or len(neuron) != fan_in + 1:
                found = len(neuron) if isinstance(neuron, list) else type(neuron).__name__
                raise PurennError(
                    f"layer {index}, neuron {position} has {found} weights; "
                    f"expected {fan_in + 1} ({fan_in} inputs + bias)"
                )
        fan_in = len(layer)


def resolve_activations(network: Network, activations: ActivationSpec) -> List[Activation]:
    """Return one Activation per layer: a single name applies to every layer.

    >>> resolve_activations([[[0.0, 0.0]], [[0.0, 0.0]]], ["relu", "softmax"])
    [<activation relu>, <activation softmax>]
    """
    if isinstance(activations, str):
        return [get_activation(activations)] * len(network)
    names = list(activations)
    if len(names) != len(network):
        raise PurennError(f"got {len(names)} activations for a network of {len(network)} layers")
    return [get_activation(name) for name in names]


def resolve_loss(loss_name: str, output_activation: Activation) -> Loss:
    """Return the Loss called `loss_name`, checking it fits the output activation.

    >>> resolve_loss("cross_entropy", get_activation("sigmoid"))
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: loss 'cross_entropy' needs a softmax output layer, not sigmoid
    """
    chosen = get_loss(loss_name)
    required = chosen.required_activation
    if required is not None and output_activation.name != required:
        raise PurennError(f"loss {loss_name!r} needs a {required} output layer, not {output_activation.name}")
    return chosen


# ---------------------------------------------------------------------------------------------
# Forward


class ForwardPass(NamedTuple):
    """What the forward pass computes, per layer l: its input h, its sums z and its outputs a."""

    inputs: List[Vector]
    sums: List[Vector]
    outputs: List[Vector]


def _check_input(x: Sequence[float], fan_in: int) -> None:
    if len(x) != fan_in:
        raise PurennError(f"the input has {len(x)} values; the network expects {fan_in}")
    for position, value in enumerate(x):
        if not math.isfinite(value):
            raise PurennError(f"input value {position} is {value}: inputs must be finite numbers")


def _check_masks(masks: Masks, network: Network) -> None:
    if masks is None:
        return
    if len(masks) != len(network) - 1:
        raise PurennError(f"got {len(masks)} dropout masks; the network has {len(network) - 1} hidden layers")
    for index, mask in enumerate(masks):
        if mask is not None and len(mask) != len(network[index]):
            raise PurennError(
                f"dropout mask {index} has {len(mask)} values; layer {index} has {len(network[index])} units"
            )


def forward_pass(
    network: Network,
    x: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    dropout: Masks = None,
) -> ForwardPass:
    """Run x through the network and keep every layer's input h, sums z and outputs a.

    `dropout` is None or one mask per hidden layer (None for a layer without dropout): the next
    layer sees a_j * mask_j. See dropout_masks.

    >>> run = forward_pass([[[2.0, 1.0]]], [3.0], "identity")
    >>> run.sums, run.outputs
    ([[7.0]], [[7.0]])
    """
    check_network(network)
    _check_input(x, len(network[0][0]) - 1)
    _check_masks(dropout, network)
    functions = resolve_activations(network, activations)
    run = ForwardPass(inputs=[], sums=[], outputs=[])
    layer_input = list(x)
    last = len(network) - 1
    for index, (layer, activation) in enumerate(zip(network, functions)):
        input_with_bias = layer_input + [1.0]
        sums = [dot(neuron, input_with_bias) for neuron in layer]
        outputs = activation.forward(sums)
        run.inputs.append(layer_input)
        run.sums.append(sums)
        run.outputs.append(outputs)
        mask = dropout[index] if dropout is not None and index < last else None
        layer_input = outputs if mask is None else [a * m for a, m in zip(outputs, mask)]
    return run


def feed_forward(
    network: Network,
    x: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    dropout: Masks = None,
) -> List[Vector]:
    """Return the outputs of every layer for input x, the last one being the network's output.

    >>> feed_forward([[[20.0, 20.0, -30.0]]], [1.0, 1.0])  # an AND gate
    [[0.9999546021312976]]
    """
    return forward_pass(network, x, activations, dropout).outputs


def predict(network: Network, x: Sequence[float], activations: ActivationSpec = "sigmoid") -> Vector:
    """Return the network's output for input x (no dropout: dropout is for training only).

    >>> predict([[[1.0, 0.0]], [[2.0, -1.0]]], [0.5], ["relu", "identity"])
    [0.0]
    """
    return forward_pass(network, x, activations).outputs[-1]


# ---------------------------------------------------------------------------------------------
# Loss and backward


def _check_target(target: Sequence[float], outputs: int) -> None:
    if len(target) != outputs:
        raise PurennError(f"the target has {len(target)} values; the network has {outputs} outputs")
    for position, value in enumerate(target):
        if not math.isfinite(value):
            raise PurennError(f"target value {position} is {value}: targets must be finite numbers")


def check_l2(l2: object) -> None:
    """Raise PurennError unless the L2 strength lambda is a finite number >= 0.

    >>> check_l2(-1.0)
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: l2 must be a finite number >= 0, got -1.0
    """
    if isinstance(l2, bool) or not (isinstance(l2, (int, float)) and math.isfinite(l2) and l2 >= 0.0):
        raise PurennError(f"l2 must be a finite number >= 0, got {l2!r}")


def _forward_and_loss(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    activations: ActivationSpec,
    loss_name: str,
    l2: float,
    dropout: Masks,
) -> Tuple[ForwardPass, List[Activation], Loss, float]:
    """The forward pass, the resolved activations and loss, and C + lambda/2 * sum(w**2)."""
    check_l2(l2)
    run = forward_pass(network, x, activations, dropout)
    _check_target(target, len(network[-1]))
    functions = resolve_activations(network, activations)
    chosen = resolve_loss(loss_name, functions[-1])
    value = chosen.value(run.sums[-1], run.outputs[-1], target) + l2_penalty(network, l2)
    return run, functions, chosen, value


def loss(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: Masks = None,
) -> float:
    """Return C(x, y) + lambda/2 * sum(w**2 over non-bias weights) for one sample.

    >>> loss([[[1.0, 0.0]]], [2.0], [0.0], "identity")
    2.0
    """
    return _forward_and_loss(network, x, target, activations, loss_name, l2, dropout)[3]


def _weight_gradients(deltas: Vector, layer_input: Vector, layer: Layer, l2: float) -> Layer:
    """dC/dw_jk = delta_j * h_k (+ lambda * w_jk), and dC/dw_j,bias = delta_j."""
    input_with_bias = layer_input + [1.0]
    grads = [[delta * h for h in input_with_bias] for delta in deltas]
    if l2 != 0.0:
        for neuron_grads, neuron in zip(grads, layer):
            for k in range(len(neuron) - 1):
                neuron_grads[k] += l2 * neuron[k]
    return grads


def _errors_below(deltas: Vector, layer: Layer) -> Vector:
    """dC/dh_k = sum_j delta_j * w_jk: the error the layer sends back to each of its inputs."""
    fan_in = len(layer[0]) - 1
    return [dot(deltas, [neuron[k] for neuron in layer]) for k in range(fan_in)]


def loss_and_gradients(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: Masks = None,
) -> Tuple[float, Network]:
    """Return (loss, dC/dw) for one sample; the network is not changed.

    See the module docstring for the math. The gradient has the network's nested shape.

    >>> value, grads = loss_and_gradients([[[1.0, 0.0]]], [2.0], [0.0], "identity")
    >>> value, grads
    (2.0, [[[4.0, 2.0]]])
    """
    run, functions, chosen, value = _forward_and_loss(network, x, target, activations, loss_name, l2, dropout)
    deltas = chosen.output_delta(functions[-1], run.sums[-1], run.outputs[-1], target)
    grads: Network = [[] for _ in network]
    for index in range(len(network) - 1, -1, -1):
        grads[index] = _weight_gradients(deltas, run.inputs[index], network[index], l2)
        if index == 0:
            break
        errors = _errors_below(deltas, network[index])
        mask = dropout[index - 1] if dropout is not None else None
        if mask is not None:
            errors = [e * m for e, m in zip(errors, mask)]
        deltas = functions[index - 1].backward(run.outputs[index - 1], errors)
    return value, grads


def gradients(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: Masks = None,
) -> Network:
    """Return dC/dw for every weight, in the network's nested shape; the network is not changed.

    >>> gradients([[[1.0, 0.0]]], [2.0], [0.0], "identity")
    [[[4.0, 2.0]]]
    """
    return loss_and_gradients(network, x, target, activations, loss_name, l2=l2, dropout=dropout)[1]


def backpropagate(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    rate: float,
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: Masks = None,
) -> float:
    """Take one gradient-descent step IN PLACE, w <- w - rate * dC/dw; return the loss before it.

    >>> net = [[[1.0, 0.0]]]
    >>> backpropagate(net, [2.0], [0.0], 0.25, "identity")
    2.0
    >>> net
    [[[0.0, -0.5]]]
    """
    if not (isinstance(rate, (int, float)) and math.isfinite(rate)):
        raise PurennError(f"the learning rate must be a finite number, got {rate!r}")
    value, grads = loss_and_gradients(network, x, target, activations, loss_name, l2=l2, dropout=dropout)
    for layer, layer_grads in zip(network, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            for k, g in enumerate(neuron_grads):
                neuron[k] -= rate * g
    return value


def dropout_masks(network: Network, keep: float, rng: random.Random) -> List[Vector]:
    """Return one inverted-dropout mask per hidden layer: each unit kept with probability `keep`.

    A kept unit's mask value is 1/keep, a dropped one's 0, so the expected input of the next layer
    is the same as without dropout and nothing needs rescaling at prediction time.

    >>> dropout_masks([[[0.0, 0.0]] * 4, [[0.0] * 5]], 0.5, random.Random(1))
    [[2.0, 0.0, 0.0, 2.0]]
    """
    if not (0.0 < keep <= 1.0):
        raise PurennError(f"the keep probability must be in (0, 1], got {keep!r}")
    scale = 1.0 / keep
    return [[scale if rng.random() < keep else 0.0 for _ in layer] for layer in network[:-1]]


def mask_after_output_step(
    network: Network,
    x: Sequence[float],
    target: Sequence[float],
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: Masks = None,
) -> Tuple[float, Network]:
    """Return (loss, step direction) of the tutorial 000's dropout order for one sample.

    The tutorial computes the output from the UNMASKED hidden layer, and only then multiplies the
    hidden outputs by the mask (0 or 2). So the loss and the output delta are the unmasked
    network's, while the weight steps use the masked outputs:

        forward, no mask:    a = f(z) in every layer, C = C(a_out, y), delta_out = dC/dz_out
        layer above:         step_jk   = delta_j * a_k * m_k        (the masked, doubled input)
        hidden layer below:  delta_k   = f'(z_k) * [m_k != 0] * sum_j delta_j * w_jk

    For ReLU, f'(z_k) * [m_k != 0] is relu'(a_k * m_k), "the derivative of the masked layer" the
    tutorial takes. This is NOT the gradient of any loss when a unit is dropped (loss_and_gradients
    is: there the output sees the masked layer and delta_k has the factor m_k itself); with no
    masks, or masks of all 1, it equals loss_and_gradients. L2 adds lambda * w as there.

    >>> net = [[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0, 0.0]]]      # 1-2-1, ReLU then identity
    >>> value, step = mask_after_output_step(net, [1.0], [0.0], ["relu", "identity"],
    ...                                      dropout=[[2.0, 0.0]])
    >>> value, step   # the error of the unmasked output 2; unit 1 dropped, unit 0 doubled
    (2.0, [[[2.0, 2.0], [0.0, 0.0]], [[4.0, 0.0, 2.0]]])
    """
    run, functions, chosen, value = _forward_and_loss(network, x, target, activations, loss_name, l2, None)
    _check_masks(dropout, network)
    deltas = chosen.output_delta(functions[-1], run.sums[-1], run.outputs[-1], target)
    steps: Network = [[] for _ in network]
    for index in range(len(network) - 1, -1, -1):
        mask = dropout[index - 1] if dropout is not None and index > 0 else None
        layer_input = run.inputs[index]
        if mask is not None:
            layer_input = [h * m for h, m in zip(layer_input, mask)]
        steps[index] = _weight_gradients(deltas, layer_input, network[index], l2)
        if index == 0:
            break
        errors = _errors_below(deltas, network[index])
        if mask is not None:
            errors = [e if m != 0.0 else 0.0 for e, m in zip(errors, mask)]
        deltas = functions[index - 1].backward(run.outputs[index - 1], errors)
    return value, steps


def check_initialiser(init: str) -> None:
    """Refuse an initialiser that is not one of INITIALISERS, naming the known ones.

    >>> check_initialiser("lecun")
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: unknown initialiser 'lecun'; known: glorot, he, uniform
    """
    if init not in INITIALISERS:
        raise PurennError(f"unknown initialiser {init!r}; known: {', '.join(INITIALISERS)}")
