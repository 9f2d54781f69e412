"""The batch engine: network.py's forward and backward passes for many samples at once.

- loss_and_gradients: the mean loss and mean gradient over a minibatch, equal to the mean of
  network.loss_and_gradients over its samples (tests/test_batch.py proves it).
- predict_many: the network's output for many inputs, equal to network.predict for each.
- check_rows: their checks of the inputs and targets, for a caller that checks a data set once
  and then predicts it or steps on it with trusted=True (train.train: every step and epoch).
- check_batch: every check loss_and_gradients makes, for parallel.Workers.
- ENGINES, ENGINE: the two ways of looping over a batch, and the one this interpreter uses.

The math is network.py's; only the loops differ. Per layer, backpropagation is three matrix
products (the sums z = W h, the errors W^T delta, the gradient mean of delta h^T). On CPython
("layers") kernels.py computes them for the whole batch with the inner loops in C, and this module
runs the layers forward and backward around them, leaving out the entries of W^T delta that the
layer below would multiply by 0 (a unit dropped by its dropout mask, or a ReLU output of 0: see
_needed_errors). On PyPy ("samples") sample_loops.py runs one sample after another in index loops,
which its JIT compiles, and leaves out the same zeros.

The kernels sum every dot product in the reference's order, so the sums, outputs and deltas equal
the reference's; a skipped zero term can change only the sign of a zero. Only the gradient's sum
over the batch is new.

The per-sample parts (activations, the loss and its output delta, dropout masks) are the
reference's own functions, called once per sample on vectors one layer wide.
"""

from __future__ import annotations

import math
import operator
import platform
from operator import mul
from typing import Any, Callable, List, Optional, Sequence, Tuple

from . import kernels, sample_loops
from . import network as reference
from .activations import Activation
from .errors import PurennError
from .kernels import Needed, Rows
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
from .vectors import Matrix, Vector, total

__all__ = ["ENGINE", "ENGINES", "add_l2", "check_batch", "check_rows", "loss_and_gradients", "predict_many"]

# "layers" (CPython): one layer for the whole batch at a time, its three products as C-level calls
# (kernels.py). "samples" (PyPy): one sample after another in index loops, which its JIT compiles
# (sample_loops.py). Both give the same numbers wherever math.sumprod is not the dot product.
ENGINES = ("layers", "samples")
ENGINE = "samples" if platform.python_implementation() == "PyPy" else "layers"

BatchMasks = Optional[Sequence[Masks]]
LayerMasks = Optional[List[Optional[Sequence[float]]]]  # one hidden layer's mask per sample

# ---------------------------------------------------------------------------------------------
# Checking a batch: once per batch, before any arithmetic


def _check_rows(rows: Rows, width: int, what: str, expected: str) -> None:
    """Every row has `width` values, all finite; `what` names a row in the messages.

    >>> _check_rows([[1.0, 10**400]], 2, "input", "the network expects")
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: input 0, value 1 is an integer too large for a float: inputs must be finite
    """
    for index, row in enumerate(rows):
        if len(row) != width:
            raise PurennError(f"{what} {index} has {len(row)} values; {expected} {width}")
        # A sum of finite numbers is finite unless it overflows: only then look at each value.
        if not _finite(sum, row):
            for position, value in enumerate(row):
                if not _finite(float, value):
                    shown = "an integer too large for a float" if isinstance(value, int) else value
                    raise PurennError(f"{what} {index}, value {position} is {shown}: {what}s must be finite")


def _finite(make: Callable[[Any], float], value: Any) -> bool:
    """Whether make(value) is a finite float; False where an int too large for a float makes it
    raise OverflowError (sum or float of 10**400)."""
    try:
        return math.isfinite(make(value))
    except OverflowError:
        return False


def _check_inputs(network: Network, inputs: Rows) -> None:
    if len(inputs) == 0:
        raise PurennError("the batch is empty")
    _check_rows(inputs, len(network[0][0]) - 1, "input", "the network expects")


def _check_targets(network: Network, inputs: Rows, targets: Rows) -> None:
    if len(targets) != len(inputs):
        raise PurennError(f"got {len(targets)} targets for {len(inputs)} inputs")
    _check_rows(targets, len(network[-1]), "target", "the network's outputs are")


def check_rows(
    network: Network, inputs: Rows, targets: Optional[Rows] = None, dropout: BatchMasks = None
) -> None:
    """Raise PurennError as predict_many and loss_and_gradients do for these inputs (and targets,
    and dropout masks): none at all, a row of the wrong length or with a value that is not finite
    (naming its index), masks for other samples or layers.

    >>> check_rows([[[1.0, 0.0]]], [[0.5], [2.0, 1.0]])
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: input 1 has 2 values; the network expects 1
    """
    _check_inputs(network, inputs)
    if targets is not None:
        _check_targets(network, inputs, targets)
    _check_dropout(network, inputs, dropout)


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
            raise PurennError(
                f"sample {index} has {len(masks)} dropout masks; the network has {hidden} hidden layers"
            )
        for layer, mask in enumerate(masks):
            if mask is not None and len(mask) != len(network[layer]):
                raise PurennError(
                    f"sample {index}, dropout mask {layer} has {len(mask)} values; "
                    f"layer {layer} has {len(network[layer])} units"
                )


# ---------------------------------------------------------------------------------------------
# Forward


def _masks_by_layer(network: Network, dropout: BatchMasks) -> List[LayerMasks]:
    """For each hidden layer: None if no sample has a mask for it, else each sample's mask.

    >>> _masks_by_layer([[[0.0, 0.0]], [[0.0, 0.0]]], [[[2.0]], None])
    [[[2.0], None]]
    """
    if dropout is None:
        return [None] * (len(network) - 1)
    by_layer: List[LayerMasks] = []
    for layer in range(len(network) - 1):
        masks = [None if sample is None else sample[layer] for sample in dropout]
        by_layer.append(None if masks.count(None) == len(masks) else masks)
    return by_layer


def _apply_masks(vectors: Matrix, masks: LayerMasks) -> Matrix:
    """Multiply each vector by its sample's mask (inverted dropout), where it has one."""
    if masks is None:
        return vectors
    return [v if mask is None else list(map(mul, v, mask)) for v, mask in zip(vectors, masks)]


def _forward(
    network: Network, functions: List[Activation], inputs: Rows, masks: List[LayerMasks]
) -> Tuple[List[Matrix], List[Matrix], Matrix]:
    """Return (each layer's inputs h with a 1 appended, each layer's outputs a, the last sums z).

    Per sample and layer, as in network.forward_pass: z = W h, a = f(z), next h = a * mask.
    """
    sums: Matrix = []
    layer_inputs: List[Matrix] = []
    layer_outputs: List[Matrix] = []
    batch = [[*x, 1.0] for x in inputs]
    for index, (layer, activation) in enumerate(zip(network, functions)):
        if index > 0:
            batch = [[*h, 1.0] for h in _apply_masks(layer_outputs[-1], masks[index - 1])]
        layer_inputs.append(batch)
        sums = kernels.layer_sums(layer, batch)
        layer_outputs.append(list(map(activation.forward, sums)))
    return layer_inputs, layer_outputs, sums


# predict_many runs the forward pass this many inputs at a time, so that only one chunk's layer
# values are held at once (for 3748 MNIST images at 784-256-10 all at once, about 60 MB more).
_PREDICTION_CHUNK = 256


def predict_many(
    network: Network, inputs: Rows, activations: ActivationSpec = "sigmoid", *, trusted: bool = False
) -> List[Vector]:
    """Return [network.predict(network, x, activations) for x in inputs], computed faster.

    The same sums in the same order as network.forward_pass, so every output equals predict's.
    The inputs go through in chunks of 256: memory for the layer values of 256 at most.
    Raises PurennError for an empty batch, or an input of the wrong length or with a non-finite
    value (naming the input's index); with `trusted`, the inputs passed check_rows already.

    >>> predict_many([[[1.0, 0.0]], [[2.0, -1.0]]], [[0.5], [1.0]], ["relu", "identity"])
    [[0.0], [1.0]]
    """
    check_network(network)
    functions = resolve_activations(network, activations)
    if not trusted:
        _check_inputs(network, inputs)
    if ENGINE == "samples":
        return sample_loops.outputs_by_samples(network, functions, inputs)
    no_masks = _masks_by_layer(network, None)
    outputs: List[Vector] = []
    for start in range(0, len(inputs), _PREDICTION_CHUNK):
        outputs += _forward(network, functions, inputs[start : start + _PREDICTION_CHUNK], no_masks)[1][-1]
    return outputs


# ---------------------------------------------------------------------------------------------
# Backward


def _output_deltas(
    chosen: Loss, activation: Activation, sums: Matrix, outputs: Matrix, targets: Rows
) -> Matrix:
    return [chosen.output_delta(activation, z, a, y) for z, a, y in zip(sums, outputs, targets)]


def _deltas_below(
    deltas: Matrix,
    layer: Layer,
    layer_inputs: Matrix,
    outputs_below: Matrix,
    below: Activation,
    masks: LayerMasks,
) -> Matrix:
    """delta_below = f'(z) * mask * W^T delta for every sample (network.loss_and_gradients).

    The entries of W^T delta that would be multiplied by 0 are not computed (see _needed_errors).
    """
    errors = _apply_masks(
        kernels.errors_below(layer, deltas, _needed_errors(layer_inputs, masks, below)), masks
    )
    return list(map(below.backward, outputs_below, errors))


def _needed_errors(layer_inputs: Matrix, masks: LayerMasks, below: Activation) -> Needed:
    """For each sample, the positions k where delta_below_k can be nonzero, or None for all of them.

    delta_below_k = f'(a_k) * m_k * E_k is 0 wherever the dropout mask m_k is 0 and, when the
    activation below has zero_output_stops_gradient (ReLU), wherever a_k is 0: that is, wherever
    this layer's input h_k = a_k * m_k is 0. Only where enough positions drop out does leaving them
    out pay. (A skipped entry gives delta 0.0 where the reference has 0 * E_k: at most the sign of
    a zero differs.)

    >>> from purenn.activations import ACTIVATIONS
    >>> relu = ACTIVATIONS["relu"]
    >>> _needed_errors([[0.0, 2.0, 0.0, 1.0]], None, relu), _needed_errors([[1.0, 1.0]], None, relu)
    ([[1]], [None])
    """
    width = len(layer_inputs[0]) - 1  # h = a * m, the bias's 1 last
    gates = map(below.gradient_gate, layer_inputs, masks or [None] * len(layer_inputs))
    return [None if gate is None else kernels.nonzero_positions(gate, width) for gate in gates]


def add_l2(grads: Network, network: Network, l2: float) -> None:
    """dC/dw_jk += lambda * w_jk for every gradient but the biases', IN PLACE.

    >>> grads = [[[1.0, 1.0]]]
    >>> add_l2(grads, [[[2.0, 3.0]]], 0.5)
    >>> grads
    [[[2.0, 1.0]]]
    """
    if l2 != 0.0:
        for layer_grads, layer in zip(grads, network):
            for neuron_grads, neuron in zip(layer_grads, layer):
                # zip stops at the shorter: every weight but the bias (a comprehension: the fastest
                # form measured here, half the time of two chained maps)
                neuron_grads[:-1] = [g + w * l2 for g, w in zip(neuron_grads, neuron[:-1])]


def check_batch(
    network: Network,
    inputs: Rows,
    targets: Rows,
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: BatchMasks = None,
    weights: Optional[Sequence[float]] = None,
    rows: bool = True,
) -> Tuple[List[Activation], Loss]:
    """Every check of loss_and_gradients, in its order (the L2 strength, the network's shape, the
    activations and loss, then, if `rows`, the inputs, targets and masks, then the sample
    weights' count); return the layers' activations and the loss. PurennError names the first
    thing wrong. parallel.Workers checks a whole batch with it before cutting it into shares.

    >>> check_batch([[[1.0, 0.0]]], [[1.0]], [[0.0]], "identity", weights=[1.0, 2.0])
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: got 2 sample weights for 1 inputs
    """
    reference.check_l2(l2)
    check_network(network)
    functions = resolve_activations(network, activations)
    chosen = resolve_loss(loss_name, functions[-1])
    if rows:
        check_rows(network, inputs, targets, dropout)
    if weights is not None and len(weights) != len(inputs):
        raise PurennError(f"got {len(weights)} sample weights for {len(inputs)} inputs")
    return functions, chosen


def loss_and_gradients(
    network: Network,
    inputs: Rows,
    targets: Rows,
    activations: ActivationSpec = "sigmoid",
    loss_name: str = "squared_error",
    *,
    l2: float = 0.0,
    dropout: BatchMasks = None,
    weights: Optional[Sequence[float]] = None,
    trusted: bool = False,
    share_of: Optional[int] = None,
) -> Tuple[float, Network]:
    """Return the mean over the batch of network.loss_and_gradients(network, x, y, ...).

    With `weights` (one number per sample), sample i's loss and gradient count s_i times:
    loss = mean_i s_i C_i + L2 term, dC/dw = mean_i s_i delta_i h_i + lambda * w. Backpropagation
    is linear in the output delta, so s_i multiplies sample i's output delta and nothing else.

    `inputs` and `targets` are lists of B vectors; `dropout` is None or B entries, each one
    sample's masks in network.py's format (one per hidden layer, or None). The L2 term is counted
    once: loss = mean_i C_i + lambda/2 * sum w**2 and dC/dw = mean_i delta_i h_i + lambda * w
    (biases excepted). The network is not changed.

    Raises PurennError for an empty batch, targets or masks for a different number of samples,
    a vector of the wrong length, a non-finite input or target (naming its index), and whatever
    network.loss_and_gradients rejects. With `trusted`, the rows passed check_rows already and
    the masks are the trainer's own: they are not checked again.

    With `share_of` = B (at least the number of samples), these samples are a share of a batch
    of B: the sums over them are divided by B instead of their number, so that the shares' losses
    and gradients add up to the batch's (parallel.py). Give the L2 term to one share only.

    >>> loss_and_gradients([[[1.0, 0.0]]], [[2.0], [-1.0]], [[0.0], [0.0]], "identity")
    (1.25, [[[2.5, 0.5]]])
    >>> loss_and_gradients([[[1.0, 0.0]]], [[2.0], [-1.0]], [[0.0], [0.0]], "identity", share_of=4)
    (0.625, [[[1.25, 0.25]]])
    """
    functions, chosen = check_batch(
        network,
        inputs,
        targets,
        activations,
        loss_name,
        l2=l2,
        dropout=dropout,
        weights=weights,
        rows=not trusted,
    )
    if share_of is not None:
        share_of = _whole_batch(share_of, len(inputs))
    if len(inputs) == 1 and weights is None and share_of is None:
        # One sample (per-sample SGD): the reference's outer products beat products over a
        # "batch" of length 1 five times over, and give the same numbers (tests/test_batch.py).
        masks_of_sample = None if dropout is None else dropout[0]
        return reference.loss_and_gradients(
            network, inputs[0], targets[0], activations, loss_name, l2=l2, dropout=masks_of_sample
        )
    return _minibatch(network, functions, chosen, inputs, targets, l2, dropout, weights, share_of)


def _whole_batch(share_of: object, samples: int) -> int:
    """share_of as an int: a whole number (any integer type but bool) from `samples` to 2**53.

    >>> _whole_batch(4, 2)
    4
    >>> _whole_batch(2.0, 2)
    Traceback (most recent call last):
    ...
    purenn.errors.PurennError: share_of must be a whole number from the 2 samples given to 2**53, got 2.0
    """
    try:
        whole = None if isinstance(share_of, bool) else operator.index(share_of)  # type: ignore[arg-type]
    except TypeError:
        whole = None
    if whole is None or not samples <= whole <= 2**53:
        raise PurennError(
            f"share_of must be a whole number from the {samples} samples given to 2**53, got {share_of!r}"
        )
    return whole


def _minibatch(
    network: Network,
    functions: List[Activation],
    chosen: Loss,
    inputs: Rows,
    targets: Rows,
    l2: float,
    dropout: BatchMasks,
    weights: Optional[Sequence[float]] = None,
    share_of: Optional[int] = None,
) -> Tuple[float, Network]:
    """loss_and_gradients after validation, by this interpreter's ENGINE (any B, B = 1 included):
    each sample's loss C_i and the mean gradient, then loss = mean_i C_i + lambda/2 sum w**2 and
    dC/dw += lambda * w (biases excepted), once. The means divide by `share_of` if given."""
    if ENGINE == "samples":
        values, grads = sample_loops.minibatch_by_samples(
            network, functions, chosen, inputs, targets, dropout, weights, share_of
        )
    else:
        values, grads = _minibatch_by_layers(
            network, functions, chosen, inputs, targets, dropout, weights, share_of
        )
    add_l2(grads, network, l2)
    samples = len(inputs) if share_of is None else share_of
    return total(values) / samples + l2_penalty(network, l2), grads


def _minibatch_by_layers(
    network: Network,
    functions: List[Activation],
    chosen: Loss,
    inputs: Rows,
    targets: Rows,
    dropout: BatchMasks,
    weights: Optional[Sequence[float]],
    share_of: Optional[int] = None,
) -> Tuple[Vector, Network]:
    """Each sample's loss (times its weight) and the mean gradient without L2, a layer at a time
    for the whole batch: the three products of each layer by kernels.py."""
    masks = _masks_by_layer(network, dropout)
    layer_inputs, layer_outputs, sums = _forward(network, functions, inputs, masks)
    values = list(map(chosen.value, sums, layer_outputs[-1], targets))
    deltas = _output_deltas(chosen, functions[-1], sums, layer_outputs[-1], targets)
    if weights is not None:
        values = list(map(mul, values, weights))
        deltas = [[s * d for d in delta] for s, delta in zip(weights, deltas)]

    grads: Network = [[] for _ in network]
    for index in range(len(network) - 1, -1, -1):
        grads[index] = kernels.gradient_sums(deltas, layer_inputs[index], share_of)  # mean_i delta_i h_i^T
        if index > 0:
            below = functions[index - 1]
            deltas = _deltas_below(
                deltas, network[index], layer_inputs[index], layer_outputs[index - 1], below, masks[index - 1]
            )
    return values, grads
