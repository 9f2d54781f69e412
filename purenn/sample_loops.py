"""The batch engine's other form: one sample after another, in plain index loops (for PyPy).

- minibatch_by_samples: each sample's loss and the mean gradient of a batch, L2 left to batch.py.
- outputs_by_samples: the network's outputs for each input (batch.predict_many's).

On CPython a loop of bytecode per multiply-add costs 60 to 90 ns, so batch.py computes a layer
for the whole batch at once with C-level calls (kernels.py). PyPy's JIT compiles index loops to
machine code instead, about 2 ns per multiply-add (bench/floor.py), and there the cost is in
everything around them: one list per sample and layer, one function call per neuron. So on PyPy
the batch goes through here, each sample's forward and backward pass with the loops written
out inline, the way a reader would write them:

    forward, layer l:   z_j = sum_k W_jk h_k + W_j,bias   (h_k = 0 left out; the bias last)
                        a = f(z),  next h = a * mask
    output:             C = loss(z, a, y),  delta = dC/dz  (times the sample's weight s, if any)
    backward, layer l:  G_jk += (delta_j / B) * h_k   (delta_j = 0 and h_k = 0 left out; h_bias = 1)
                        E_k = sum_j delta_j W_jk,  delta_below = f'(a) * mask * E
                        (E_k only where delta_below_k can be nonzero: see batch._needed_errors)

Every sum is in the reference's order (network.py's dot: k = 0, 1, ..., the bias last; the
gradient over the samples in the batch's order, as batch.py's kernels sum it), so the results
equal batch.py's (==) wherever math.sumprod is not the dot (tests/test_batch.py): the same
floats, but that a zero may have the other sign (a left-out term is a product with an exact 0,
and kernels.py returns a sum of one term as that product, -0.0 where this sums 0.0 + -0.0).
A term left out because one factor is 0 is also left out when the other is infinite, where the
reference computes 0 * inf = NaN: with an infinite weight, or an error that overflowed in a
diverging step. Then this engine keeps a finite value where the reference has NaN (and so does
kernels.py where it leaves zeros out, not where too few of them are 0); inputs are checked, and
the weights of a training that goes on diverging stop being finite, which the trainer reports.

>>> from purenn.activations import ACTIVATIONS
>>> from purenn.losses import LOSSES
>>> identity = [ACTIVATIONS["identity"]]
>>> minibatch_by_samples([[[1.0, 0.0]]], identity, LOSSES["squared_error"],
...                      [[2.0], [-1.0]], [[0.0], [0.0]], None, None)
([2.0, 0.5], [[[2.5, 0.5]]])
"""

from __future__ import annotations

from operator import mul
from typing import List, Optional, Sequence, Tuple

from .activations import Activation
from .kernels import Rows
from .losses import Loss
from .network import Masks, Network
from .vectors import Matrix, Vector

__all__ = ["minibatch_by_samples", "outputs_by_samples"]

Positions = List[int]


def _nonzero(values: Sequence[float], width: int) -> Positions:
    """The positions k < width where values[k] != 0."""
    return [k for k in range(width) if values[k] != 0.0]


def _forward(
    network: Network, functions: Sequence[Activation], x: Sequence[float], masks: Masks
) -> Tuple[List[Sequence[float]], List[Positions], Matrix, Vector]:
    """One sample's forward pass: each layer's input h and the positions of its nonzero values,
    each layer's outputs a, and the last layer's sums z. The bias's input is 1, not stored: its
    term w * 1.0 == w is added last, where the reference's dot adds it."""
    last = len(network) - 1
    layer_inputs: List[Sequence[float]] = []
    positions: List[Positions] = []
    outputs: Matrix = []
    sums: Vector = []
    h = x
    for index in range(last + 1):
        layer = network[index]
        bias = len(layer[0]) - 1
        nonzero = _nonzero(h, bias)
        layer_inputs.append(h)
        positions.append(nonzero)
        sums = [0.0] * len(layer)
        for j in range(len(layer)):
            neuron = layer[j]
            z = 0.0
            for k in nonzero:
                z += neuron[k] * h[k]
            sums[j] = z + neuron[bias]
        a = functions[index].forward(sums)
        outputs.append(a)
        if index < last:
            mask = None if masks is None else masks[index]
            h = a if mask is None else list(map(mul, a, mask))
    return layer_inputs, positions, outputs, sums


def _add_gradients(
    grads: Matrix, deltas: Sequence[float], h: Sequence[float], nonzero: Positions, samples: int
) -> None:
    """G_jk += (delta_j / B) * h_k for the nonzero delta_j and h_k, and the bias's (its h is 1),
    IN PLACE."""
    bias = len(h)
    for j in range(len(deltas)):
        if deltas[j] != 0.0:
            d = deltas[j] / samples
            row = grads[j]
            for k in nonzero:
                row[k] += d * h[k]
            row[bias] += d


def _errors_below(layer: Matrix, deltas: Sequence[float], needed: Positions) -> Vector:
    """E_k = sum_j delta_j W_jk at the positions `needed`, 0.0 elsewhere (no bias column)."""
    errors = [0.0] * (len(layer[0]) - 1)
    for j in range(len(deltas)):
        d = deltas[j]
        if d != 0.0:
            neuron = layer[j]
            for k in needed:
                errors[k] += d * neuron[k]
    return errors


def _needed(
    below: Activation, h: Sequence[float], nonzero: Positions, mask: Optional[Sequence[float]]
) -> Positions:
    """Where delta_below can be nonzero: the nonzero positions of below.gradient_gate (h = a * mask,
    whose nonzero positions `nonzero` are, or the mask), all of them where it has none."""
    gate = below.gradient_gate(h, mask)
    if gate is None:
        return list(range(len(h)))
    return nonzero if gate is h else _nonzero(gate, len(h))


def minibatch_by_samples(
    network: Network,
    functions: Sequence[Activation],
    chosen: Loss,
    inputs: Rows,
    targets: Rows,
    dropout: Optional[Sequence[Masks]],
    weights: Optional[Sequence[float]],
    share_of: Optional[int] = None,
) -> Tuple[Vector, Network]:
    """Each sample's loss C_i (times s_i) and the mean gradient (1/B) sum_i s_i delta_i h_i, one
    sample at a time, without the L2 term (batch._minibatch adds it, for both forms). B is the
    number of samples, or `share_of` (kernels.gradient_sums says when)."""
    divisor = len(inputs) if share_of is None else share_of
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in network]
    values = []
    for i in range(len(inputs)):
        masks = None if dropout is None else dropout[i]
        layer_inputs, positions, outputs, sums = _forward(network, functions, inputs[i], masks)
        value = chosen.value(sums, outputs[-1], targets[i])
        deltas = chosen.output_delta(functions[-1], sums, outputs[-1], targets[i])
        if weights is not None:
            value = value * weights[i]
            deltas = [weights[i] * d for d in deltas]
        values.append(value)
        for index in range(len(network) - 1, -1, -1):
            _add_gradients(grads[index], deltas, layer_inputs[index], positions[index], divisor)
            if index > 0:
                below = functions[index - 1]
                mask = None if masks is None else masks[index - 1]
                needed = _needed(below, layer_inputs[index], positions[index], mask)
                errors = _errors_below(network[index], deltas, needed)
                if mask is not None:
                    errors = list(map(mul, errors, mask))
                deltas = below.backward(outputs[index - 1], errors)
    return values, grads


def outputs_by_samples(network: Network, functions: Sequence[Activation], inputs: Rows) -> List[Vector]:
    """The network's outputs for each input, no dropout: batch.predict_many's, one at a time.

    >>> from purenn.activations import ACTIVATIONS
    >>> outputs_by_samples([[[1.0, 0.0]], [[2.0, -1.0]]], [ACTIVATIONS["relu"], ACTIVATIONS["identity"]],
    ...                    [[0.5], [1.0]])
    [[0.0], [1.0]]
    """
    return [_forward(network, functions, x, None)[2][-1] for x in inputs]
