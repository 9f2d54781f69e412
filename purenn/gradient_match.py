"""assert_gradients_match: anyone's backpropagation against central differences of purenn's loss.

- TrainingCase: one sample for one network (network, x, target, activations, loss_name, l2, dropout).
- assert_gradients_match: a nested-list gradient against central differences of purenn's loss
  (purenn.gradcheck, order 6). On failure the AssertionError names the worst weight (layer,
  neuron, index, whether it is the bias), both values and the relative error, and hints at the
  classic bug the pattern suggests: every weight off by one factor (a missing 1/2, a sign), only
  the biases wrong, only some layers wrong, the L2 term.

Standard library only: purenn.testing draws TrainingCases with Hypothesis and re-exports both.
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, NamedTuple, Optional, Tuple

from .gradcheck import numerical_gradients, relative_errors
from .network import Network

__all__ = ["TrainingCase", "assert_gradients_match"]

# A relative error of the gradients below this is what two right answers differ by; above it, a
# weight counts as wrong when the failure is explained (see _hints).
_FLOOR = 1e-6


class TrainingCase(NamedTuple):
    """One sample for one network: what a gradient is computed from.

    `activations` has one name per layer; `dropout` is None or one fixed inverted-dropout mask per
    hidden layer (0 for a dropped unit, 1/keep for a kept one), as purenn.network takes them.
    """

    network: Network
    x: List[float]
    target: List[float]
    activations: List[str]
    loss_name: str
    l2: float
    dropout: Optional[List[List[float]]]

    def call(self, function: Callable[..., Any], network: Optional[Network] = None) -> Any:
        """Return function(network, x, target, activations, loss_name, l2=..., dropout=...).

        Any of purenn.network's loss, gradients, loss_and_gradients or purenn.gradcheck's
        numerical_gradients fits; `network` replaces the case's own.

        >>> case = TrainingCase([[[1.0, 0.0]]], [2.0], [0.0], ["identity"], "squared_error", 0.0, None)
        >>> from purenn.network import gradients
        >>> case.call(gradients)
        [[[4.0, 2.0]]]
        """
        return function(
            self.network if network is None else network,
            self.x,
            self.target,
            self.activations,
            self.loss_name,
            l2=self.l2,
            dropout=self.dropout,
        )


Position = Tuple[int, int, int]  # layer, neuron, index of the weight (the last is the bias)


def _count(value: Any) -> str:
    """How many items a list or tuple has, else what type it is instead."""
    return str(len(value)) if isinstance(value, (list, tuple)) else f"a {type(value).__name__}, not a list:"


def _shape_problem(computed: Any, network: Network) -> Optional[str]:
    """Say where `computed` does not have the network's nested shape (or holds a non-number)."""
    if computed is None:
        return "the computed gradient is None: did the function return it?"
    if _count(computed) != str(len(network)):
        return f"the computed gradient has {_count(computed)} layers; the network has {len(network)}"
    for index, (layer_grads, layer) in enumerate(zip(computed, network)):
        if _count(layer_grads) != str(len(layer)):
            found = _count(layer_grads)
            return f"layer {index} of the computed gradient has {found} neurons; expected {len(layer)}"
        for position, (neuron_grads, neuron) in enumerate(zip(layer_grads, layer)):
            where = f"layer {index}, neuron {position}"
            if _count(neuron_grads) != str(len(neuron)):
                return (
                    f"{where} of the computed gradient has {_count(neuron_grads)} values; "
                    f"expected {len(neuron)} ({len(neuron) - 1} inputs + bias, bias last)"
                )
            for k, value in enumerate(neuron_grads):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    return f"{where}, weight {k} of the computed gradient is {value!r}, not a number"
    return None


def _describe(position: Position, network: Network) -> str:
    layer, neuron, k = position
    bias = " (the bias)" if k == len(network[layer][neuron]) - 1 else ""
    return f"layer {layer}, neuron {neuron}, weight {k}{bias}"


def _common_factor(computed: Network, numeric: Network) -> Optional[float]:
    """The r with computed = r * numeric for every weight, if there is one (and r is not 1)."""
    pairs = [(c, n) for cl, nl in zip(computed, numeric) for cn, nn in zip(cl, nl) for c, n in zip(cn, nn)]
    scale = max(abs(n) for _, n in pairs)
    if scale == 0.0:
        return None
    ratios = [c / n for c, n in pairs if abs(n) > 1e-3 * scale]
    factor = ratios[0]
    if abs(factor - 1.0) < 1e-3 or not math.isfinite(factor):
        return None
    if all(abs(c - factor * n) <= 1e-4 * abs(factor) * scale for c, n in pairs):
        return factor
    return None


def _factor_hint(factor: float) -> str:
    named = {
        2.0: "twice the true gradient: a missing 1/2 (C = 1/2 (a - y)**2, so dC/da = a - y)",
        0.5: "half the true gradient: a 1/2 too many (C = 1/2 (a - y)**2, so dC/da = a - y)",
        -1.0: "the true gradient with the wrong sign: (y - a) for (a - y), or the step's sign folded in",
        -2.0: "-2 times the true gradient: the wrong sign and a missing 1/2",
        -0.5: "-1/2 times the true gradient: the wrong sign and a 1/2 too many",
    }
    for value, text in named.items():
        if abs(factor - value) <= 1e-3 * abs(value):
            return f"every weight is {text}"
    if factor == 0.0:
        return "every weight of the computed gradient is 0 where the true one is not: it was never filled in"
    sign = "the wrong sign and " if factor < 0 else ""
    return (
        f"every weight is {factor:.6g} times the true gradient: {sign}a constant factor left in or out "
        "(a learning rate, a mean over samples or outputs)"
    )


def _l2_hint(wrong: List[Position], computed: Network, numeric: Network, case: TrainingCase) -> Optional[str]:
    """Whether each wrong weight is off by exactly -lambda*w (missing), +lambda*w (twice) or on a bias."""
    if case.l2 == 0.0:
        return None

    def off_by(sign: float) -> bool:
        for layer, neuron, k in wrong:
            w = case.network[layer][neuron][k]
            difference = computed[layer][neuron][k] - numeric[layer][neuron][k]
            # Within a thousandth of lambda * w itself (not of the gradient, which can dwarf it and
            # then let "missing" fit a term counted twice), or the differences' own rounding.
            noise = max(1e-9 * abs(numeric[layer][neuron][k]), 1e-13)  # wrong means |difference| > 1e-12
            if abs(difference - sign * case.l2 * w) > max(1e-3 * abs(case.l2 * w), noise):
                return False
        return True

    biases = all(k == len(case.network[layer][neuron]) - 1 for layer, neuron, k in wrong)
    if biases and off_by(1.0):
        return "the biases got the L2 term lambda * w: the L2 penalty (lambda/2 sum w**2) leaves biases out"
    if off_by(-1.0):
        return "each wrong weight is off by exactly -lambda * w: the L2 term lambda * w is missing"
    if off_by(1.0):
        return "each wrong weight is off by exactly +lambda * w: the L2 term is counted twice"
    return None


def _layer_hint(wrong_layers: List[int], last: int) -> Optional[str]:
    if last == 0 or len(wrong_layers) == last + 1:
        return None
    if wrong_layers == [last]:
        return (
            f"only the output layer (layer {last}) is wrong and the layers below it are right: the output "
            "deltas reach them correctly, so look at this layer's dC/dw = delta_j * h_k (its input h, "
            "the bias's 1)"
        )
    if wrong_layers == list(range(wrong_layers[-1] + 1)):
        top = wrong_layers[-1]
        where = "only layer 0 is wrong" if top == 0 else f"layers 0 to {top} are wrong"
        return (
            f"{where} and the layers above are right: the error enters where layer {top + 1} sends its "
            f"delta down, dC/dh_k = sum_j delta_j * w_jk, to layer {top}'s f'(z) (and mask): use layer "
            f"{top + 1}'s weights from before the update (the classic bug updates them first)"
        )
    if len(wrong_layers) == 1:
        return (
            f"only layer {wrong_layers[0]} is wrong, the layers around it are right: look at this layer's "
            "dC/dw = delta_j * h_k (its input h, the bias's 1)"
        )
    return None


def _hints(computed: Network, numeric: Network, wrong: List[Position], case: TrainingCase) -> List[str]:
    """What the pattern of wrong weights suggests: the classic backpropagation bugs."""
    factor = _common_factor(computed, numeric)
    l2_hint = _l2_hint(wrong, computed, numeric, case)
    if factor is not None and factor != 0.0:
        # Where the rest of a gradient is 0, an L2 term counted twice (or missing) also scales every
        # wrong weight by one factor: the exact +-lambda * w pattern is the more specific answer.
        if l2_hint:
            return [l2_hint]
        biases_only = all(k == len(case.network[layer][neuron]) - 1 for layer, neuron, k in wrong)
        note = "(only bias weights are wrong, the others' gradients being (nearly) 0 here: a bias's gradient"
        return [_factor_hint(factor)] + (
            [note + " off by this factor would look the same)"] if biases_only else []
        )
    # A gradient of 0s is said first, and where the true one too is 0 but for a few weights (a
    # bias input of 0 in a network of 0s), where those are is said as well.
    hints = [] if factor is None else [_factor_hint(factor)]
    if l2_hint:
        hints.append(l2_hint)
    wrong_layers = sorted({layer for layer, _, _ in wrong})
    # Where a layer's inputs are 0 (or nearly), dC/dw_jk = delta_j * h_k is ~0 whatever delta_j is,
    # so a wrong delta shows only in its biases: "only the biases" is evidence only from layers
    # with a non-bias gradient big enough to be wrong.
    silent = [
        layer
        for layer in wrong_layers
        if all(
            max(abs(c), abs(n)) < _FLOOR
            for computed_neuron, numeric_neuron in zip(computed[layer], numeric[layer])
            for c, n in zip(computed_neuron[:-1], numeric_neuron[:-1])
        )
    ]
    biases_only = all(k == len(case.network[layer][neuron]) - 1 for layer, neuron, k in wrong)
    if biases_only and len(silent) < len(wrong_layers):
        if not l2_hint:
            hints.append("only bias weights are wrong: dC/dw_bias = delta_j, the bias's input being 1")
        return hints
    layer_hint = _layer_hint(wrong_layers, len(case.network) - 1)
    if layer_hint:
        hints.append(layer_hint)
    elif biases_only and not l2_hint:
        hints.append(
            "only bias weights are wrong, and here the other weights' gradients are (nearly) 0: a wrong "
            "dC/dw_bias = delta_j (the bias's input being 1) and a wrong delta_j would both look like this"
        )
    if silent:
        names = ("layer " if len(silent) == 1 else "layers ") + ", ".join(map(str, silent))
        hints.append(
            f"(every weight of {names} but the biases has a (nearly) 0 gradient here, computed and "
            "true, so only the biases can show a wrong delta)"
        )
    return hints


def assert_gradients_match(computed: Network, case: TrainingCase, tolerance: float = 1e-6) -> float:
    """Assert that `computed` is dC/dw of the case's loss, by central differences; return the error.

    `computed` has the network's nested shape (layer -> neuron -> weights, bias last). The error
    of each weight is |computed - numeric| / max(|computed|, |numeric|, 1e-6)
    (purenn.gradcheck.relative_errors); every weight's must be <= tolerance. The case's network
    is probed in place and restored exactly. A tolerance that is not a finite number >= 0 is a
    ValueError; a gradient of the wrong shape fails with where it differs.

    >>> case = TrainingCase([[[1.0, 0.0]]], [2.0], [0.0], ["identity"], "squared_error", 0.0, None)
    >>> assert_gradients_match([[[4.0, 2.0]]], case) < 1e-9
    True
    >>> assert_gradients_match([[[8.0, 4.0]]], case)
    Traceback (most recent call last):
    ...
    AssertionError: 2 of 2 weights differ from central differences of purenn's loss (tolerance 1e-06)
      worst: layer 0, neuron 0, weight 0: computed 8, central differences 4, relative error 0.5
      hint: every weight is twice the true gradient: a missing 1/2 (C = 1/2 (a - y)**2, so dC/da = a - y)
    """
    if not (isinstance(tolerance, (int, float)) and 0.0 <= tolerance < math.inf):
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    problem = _shape_problem(computed, case.network)
    if problem:
        raise AssertionError(problem)
    numeric = case.call(numerical_gradients)
    errors = relative_errors(computed, numeric)
    positions = [
        (layer, neuron, k)
        for layer, layer_errors in enumerate(errors)
        for neuron, neuron_errors in enumerate(layer_errors)
        for k in range(len(neuron_errors))
    ]

    def error_at(position: Position) -> float:
        value = errors[position[0]][position[1]][position[2]]
        return math.inf if math.isnan(value) else value

    worst = max(positions, key=error_at)
    if error_at(worst) <= tolerance:
        return error_at(worst)
    wrong = [position for position in positions if error_at(position) > tolerance]
    layer, neuron, k = worst
    lines = [
        f"{len(wrong)} of {len(positions)} weights differ from central differences of purenn's loss "
        f"(tolerance {tolerance:g})",
        f"  worst: {_describe(worst, case.network)}: computed {computed[layer][neuron][k]:.10g}, "
        f"central differences {numeric[layer][neuron][k]:.10g}, relative error {error_at(worst):.3g}",
    ]
    lines += [f"  hint: {hint}" for hint in _hints(computed, numeric, wrong, case)]
    raise AssertionError("\n".join(lines))
