"""The batch engine: network.py's forward and backward passes for many samples at once.

- loss_and_gradients: the mean loss and mean gradient over a minibatch, equal to the mean of
  network.loss_and_gradients over its samples (tests/test_batch.py proves it).
- predict_many: the network's output for many inputs, equal to network.predict for each.

The math is network.py's; only the loops differ. For one layer with weights W (n_out rows of
n_in + 1, bias last) and a batch of B inputs H (B rows of n_in + 1, a 1 appended to each),
backpropagation needs three matrix products:

    sums           Z[i][j] = sum_k W[j][k] * H[i][k]          row j of W . row i of H
    errors below   E[i][k] = sum_j W[j][k] * D[i][j]          column k of W . row i of D
    mean gradient  G[j][k] = sum_i (D[i][j] / B) * H[i][k]    column j of D / B . column k of H

with D[i] = the deltas dC/dz of sample i. Every entry is a dot product of two rows once the
matrices are transposed (zip(*rows) turns columns into rows, in C), and a whole row of results is
one call of _dots, which runs no Python bytecode per multiplication. The bias needs nothing
special: the last column of H is all ones, so G's last column is the mean delta.

Zeros in the inputs are skipped (_dots_skipping_zeros): pixels are often 0, and so are ReLU and
dropout outputs. A zero term changes a sum only in the sign of a zero result, so the results
are still equal (==) to network.py's.

The per-sample parts (activations, the loss and its output delta, dropout masks) are the
reference's own functions, called once per sample on vectors one layer wide.
"""

from __future__ import annotations

import math
import platform
from itertools import compress, repeat
from operator import add, itemgetter, mul, truediv
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from .activations import Activation
from .errors import PurennError
from .losses import Loss, l2_penalty
from .network import (
    ActivationSpec,
    Layer,
    Masks,
    Network,
    check_network,
    resolve_activations,
    resolve_loss,
)
from .vectors import Matrix, Vector

__all__ = ["loss_and_gradients", "predict_many"]

Rows = Sequence[Sequence[float]]
BatchMasks = Optional[Sequence[Masks]]

_ON_PYPY = platform.python_implementation() == "PyPy"

# ---------------------------------------------------------------------------------------------
# The kernel: many dot products with one vector
#
# _dots(rows, v) == [dot(row, v) for row in rows], in the form each interpreter runs fastest:
#   CPython 3.12+   map(math.sumprod, ...): C loops with extended-precision sums (vectors.dot's).
#   CPython < 3.12  sum(map(mul, row, v)) for each row, the loop over rows a map too.
#   PyPy            plain index loops, which its JIT compiles to machine code.
# Each sums left to right, as vectors.dot does on the same interpreter, so each gives the same
# bits as the reference's dot.


def _dots_by_sumprod(rows: Iterable[Sequence[float]], vector: Sequence[float]) -> Vector:
    return list(map(_sumprod, rows, repeat(vector)))


def _dots_by_map(rows: Iterable[Sequence[float]], vector: Sequence[float]) -> Vector:
    return list(map(sum, map(map, repeat(mul), rows, repeat(vector))))


def _dots_by_index(rows: Iterable[Sequence[float]], vector: Sequence[float]) -> Vector:
    size = len(vector)
    results = []
    for row in rows:
        total = 0.0
        for k in range(size):
            total += row[k] * vector[k]
        results.append(total)
    return results


_sumprod: Callable[[Sequence[float], Sequence[float]], float] = getattr(math, "sumprod", sum)


def _choose_dots() -> Callable[[Iterable[Sequence[float]], Sequence[float]], Vector]:
    if _ON_PYPY:
        return _dots_by_index
    if hasattr(math, "sumprod"):
        return _dots_by_sumprod
    return _dots_by_map


_dots = _choose_dots()

# Skip zeros when at least this fraction of a vector is 0. Gathering the nonzero columns costs
# about a third of the multiplications it saves on CPython (measured); PyPy's loops are so cheap
# that gathering never pays.
_SKIP_ZEROS_FROM = 2.0 if _ON_PYPY else 1.0 / 3.0


def _dots_skipping_zeros(rows: Rows, columns: Rows, vector: Sequence[float]) -> Vector:
    """Return [dot(row, vector) for row in rows], leaving out the terms where vector is 0.

    `columns` is the same matrix transposed (columns[k][j] == rows[j][k]): for a vector with
    many zeros, the columns at its nonzero positions are gathered, turned back into shorter
    rows, and only those products are computed.

    >>> _dots_skipping_zeros([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [(1.0, 4.0), (2.0, 5.0), (3.0, 6.0)],
    ...                      [0.0, 0.0, 2.0])
    [6.0, 12.0]
    """
    nonzero = list(compress(range(len(vector)), vector))
    if len(nonzero) < 2 or len(vector) - len(nonzero) < _SKIP_ZEROS_FROM * len(vector):
        return _dots(rows, vector)
    pick = itemgetter(*nonzero)
    return _dots(zip(*pick(columns)), pick(vector))


def _transpose(rows: Iterable[Sequence[float]]) -> List[Tuple[float, ...]]:
    """Columns as rows: _transpose(M)[k][i] == M[i][k], one C-level zip.

    >>> _transpose([[1.0, 2.0], [3.0, 4.0]])
    [(1.0, 3.0), (2.0, 4.0)]
    """
    return list(zip(*rows))


# ---------------------------------------------------------------------------------------------
# Checking a batch: once per batch, before any arithmetic


def _check_rows(rows: Rows, width: int, what: str, expected: str) -> None:
    """Every row has `width` values, all finite; `what` names a row in the messages."""
    for index, row in enumerate(rows):
        if len(row) != width:
            raise PurennError(f"{what} {index} has {len(row)} values; {expected} {width}")
        # A sum of finite numbers is finite unless it overflows: only then look at each value.
        if not math.isfinite(sum(row)):
            for position, value in enumerate(row):
                if not math.isfinite(value):
                    raise PurennError(f"{what} {index}, value {position} is {value}: {what}s must be finite")


def _check_inputs(network: Network, inputs: Rows) -> None:
    if len(inputs) == 0:
        raise PurennError("the batch is empty")
    _check_rows(inputs, len(network[0][0]) - 1, "input", "the network expects")


def _check_targets(network: Network, inputs: Rows, targets: Rows) -> None:
    if len(targets) != len(inputs):
        raise PurennError(f"got {len(targets)} targets for {len(inputs)} inputs")
    _check_rows(targets, len(network[-1]), "target", "the network's outputs are")


def _check_dropout(network: Network, inputs: Rows, dropout: BatchMasks) -> None:
    if dropout is None:
        return
    if len(dropout) != len(inputs):
        raise PurennError(f"got dropout masks for {len(dropout)} samples; the batch has {len(inputs)}")
    hidden = len(network) - 1
    for index, masks in enumerate(dropout):
        if masks is None:
            continue
        if len(masks) != hidden:
            raise PurennError(f"sample {index} has {len(masks)} dropout masks; the network has {hidden} hidden layers")
        for layer, mask in enumerate(masks):
            if mask is not None and len(mask) != len(network[layer]):
                raise PurennError(
                    f"sample {index}, dropout mask {layer} has {len(mask)} values; "
                    f"layer {layer} has {len(network[layer])} units"
                )


# ---------------------------------------------------------------------------------------------
# Forward


def _mask(dropout: BatchMasks, sample: int, layer: int) -> Optional[Sequence[float]]:
    masks = None if dropout is None else dropout[sample]
    return None if masks is None else masks[layer]


def _forward(
    network: Network, functions: List[Activation], inputs: Rows, dropout: BatchMasks
) -> Tuple[List[Matrix], List[Matrix], Matrix]:
    """Return (each layer's inputs h with a 1 appended, each layer's outputs a, the last sums z).

    Per sample and layer, as in network.forward_pass: z = W h, a = f(z), next h = a * mask.
    """
    layer_inputs: List[Matrix] = []
    layer_outputs: List[Matrix] = []
    batch = [[*x, 1.0] for x in inputs]
    last = len(network) - 1
    for index, (layer, activation) in enumerate(zip(network, functions)):
        columns = _transpose(layer)
        sums = [_dots_skipping_zeros(layer, columns, h) for h in batch]
        outputs = list(map(activation.forward, sums))
        layer_inputs.append(batch)
        layer_outputs.append(outputs)
        if index == last:
            return layer_inputs, layer_outputs, sums
        batch = []
        for sample, a in enumerate(outputs):
            mask = _mask(dropout, sample, index)
            batch.append([*a, 1.0] if mask is None else [*map(mul, a, mask), 1.0])
    raise AssertionError("unreachable: a checked network has at least one layer")


def predict_many(network: Network, inputs: Rows, activations: ActivationSpec = "sigmoid") -> List[Vector]:
    """Return [network.predict(network, x, activations) for x in inputs], computed faster.

    The same dot products in the same order as network.forward_pass (zero terms left out), so
    every output equals predict's. Raises PurennError for an empty batch, or an input of the
    wrong length or with a non-finite value (naming the input's index).

    >>> predict_many([[[1.0, 0.0]], [[2.0, -1.0]]], [[0.5], [1.0]], ["relu", "identity"])
    [[0.0], [1.0]]
    """
    check_network(network)
    functions = resolve_activations(network, activations)
    _check_inputs(network, inputs)
    return _forward(network, functions, inputs, None)[1][-1]


# ---------------------------------------------------------------------------------------------
# Backward


def _mean_weight_gradients(deltas: Matrix, layer_inputs: Matrix, layer: Layer, l2: float) -> Layer:
    """G[j][k] = mean_i delta_ij * h_ik (+ lambda * w_jk for k not the bias): one layer's gradient.

    Computed a column at a time, G[.][k] = (D / B)^T h_.k, so zeros of the inputs are skipped.
    """
    samples = len(deltas)
    scaled = [list(map(truediv, delta, repeat(samples))) for delta in deltas]
    scaled_columns = _transpose(scaled)
    by_input = [_dots_skipping_zeros(scaled_columns, scaled, column) for column in zip(*layer_inputs)]
    grads = [list(row) for row in zip(*by_input)]
    if l2 != 0.0:
        for neuron_grads, neuron in zip(grads, layer):
            neuron_grads[:-1] = map(add, neuron_grads[:-1], map(mul, neuron[:-1], repeat(l2)))
    return grads


def _deltas_below(
    deltas: Matrix, layer: Layer, outputs_below: Matrix, below: Activation, dropout: BatchMasks, index: int
) -> Matrix:
    """delta_below = f'(z) * mask * W^T delta for every sample (see network.loss_and_gradients)."""
    weight_columns = _transpose(layer)[:-1]
    result = []
    for sample, (delta, a) in enumerate(zip(deltas, outputs_below)):
        errors = _dots(weight_columns, delta)
        mask = _mask(dropout, sample, index - 1)
        if mask is not None:
            errors = list(map(mul, errors, mask))
        result.append(below.backward(a, errors))
    return result


def _output_deltas(chosen: Loss, output_activation: Activation, sums: Matrix, outputs: Matrix, targets: Rows) -> Matrix:
    return [chosen.output_delta(output_activation, z, a, y) for z, a, y in zip(sums, outputs, targets)]


def loss_and_gradients(
    network: Network,
    inputs: Rows,
    targets: Rows,
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: BatchMasks = None,
) -> Tuple[float, Network]:
    """Return the mean over the batch of network.loss_and_gradients(network, x, y, ...).

    `inputs` and `targets` are lists of B vectors; `dropout` is None or B entries, each one
    sample's masks in network.py's format (one per hidden layer, or None). The L2 term is counted
    once: loss = mean_i C_i + lambda/2 * sum w**2 and dC/dw = mean_i delta_i h_i + lambda * w
    (biases excepted). The network is not changed.

    Raises PurennError for an empty batch, targets or masks for a different number of samples,
    a vector of the wrong length, a non-finite input or target (naming its index), and whatever
    network.loss_and_gradients rejects.

    >>> loss_and_gradients([[[1.0, 0.0]]], [[2.0], [-1.0]], [[0.0], [0.0]], "identity")
    (1.25, [[[2.5, 0.5]]])
    """
    if not (isinstance(l2, (int, float)) and math.isfinite(l2) and l2 >= 0.0):
        raise PurennError(f"l2 must be a finite number >= 0, got {l2!r}")
    check_network(network)
    functions = resolve_activations(network, activations)
    chosen = resolve_loss(loss_name, functions[-1])
    _check_inputs(network, inputs)
    _check_targets(network, inputs, targets)
    _check_dropout(network, inputs, dropout)

    layer_inputs, layer_outputs, sums = _forward(network, functions, inputs, dropout)
    values = list(map(chosen.value, sums, layer_outputs[-1], targets))
    mean_loss = math.fsum(values) / len(inputs) + l2_penalty(network, l2)

    deltas = _output_deltas(chosen, functions[-1], sums, layer_outputs[-1], targets)
    grads: Network = [[] for _ in network]
    for index in range(len(network) - 1, -1, -1):
        grads[index] = _mean_weight_gradients(deltas, layer_inputs[index], network[index], l2)
        if index > 0:
            deltas = _deltas_below(
                deltas, network[index], layer_outputs[index - 1], functions[index - 1], dropout, index
            )
    return mean_loss, grads
