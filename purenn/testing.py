"""Property tests for anyone's backpropagation: Hypothesis strategies and a gradient check.

    pip install purenn[testing]          # purenn itself needs nothing; this module needs Hypothesis

A learner who writes their own backpropagation in the classic nested-list layout (layer -> neuron
-> weights, bias weight last; any other layout converts to it) proves it right in a few lines:

    from hypothesis import given
    from purenn.testing import training_cases, assert_gradients_match

    @given(training_cases(activations=["sigmoid"], losses=["squared_error"], max_hidden_layers=1))
    def test_my_backprop(case):
        assert_gradients_match(my_gradients(case.network, case.x, case.target), case)

- training_cases: a TrainingCase (network, x, target, activations, loss_name, l2, dropout), drawn
  with the limits you give and kept off the ReLU kinks. purenn's own test suite proves its engines
  with exactly these cases.
- The strategies it is built from: weights, layer_shapes, networks, inputs_for, targets_for,
  activations_for, dropout_masks_for; and push_relus_off_the_kink (purenn.gradcheck's), which
  training_cases applies.
- assert_gradients_match and TrainingCase: purenn.gradient_match's (the standard library only),
  here too.

`import purenn` never imports this module, so purenn keeps its zero dependencies. Importing it
without Hypothesis says what to install; Hypothesis itself is imported when a strategy is first
made, as purenn's modules import only the standard library at module level.
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
from typing import Any, Callable, List, Optional, Sequence, Union

from .activations import ACTIVATIONS
from .gradcheck import RELU_MARGIN, push_relus_off_the_kink
from .gradient_match import TrainingCase, assert_gradients_match
from .losses import LOSSES
from .network import Network

if importlib.util.find_spec("hypothesis") is None:
    raise ImportError("purenn.testing needs Hypothesis: pip install purenn[testing]")

__all__ = [
    "ACTIVATION_NAMES",
    "LOSS_NAMES",
    "RELU_MARGIN",
    "TrainingCase",
    "activations_for",
    "assert_gradients_match",
    "dropout_masks_for",
    "inputs_for",
    "layer_shapes",
    "networks",
    "push_relus_off_the_kink",
    "targets_for",
    "training_cases",
    "weights",
]

ACTIVATION_NAMES = sorted(ACTIVATIONS)
LOSS_NAMES = sorted(LOSSES)

# The L2 strengths purenn's own suite draws (training_cases(l2=L2_CHOICES)), and the keep
# probabilities of dropout_masks_for when it is not given one.
L2_CHOICES = (0.0, 0.0, 0.01, 0.5)
KEEP_CHOICES = (0.5, 0.8)

Names = Optional[Sequence[str]]
Strategy = Any  # a hypothesis.strategies.SearchStrategy (Hypothesis is imported when one is made)
Draw = Callable[[Strategy], Any]  # what Hypothesis hands a composite strategy to draw with


def _strategies() -> Any:
    """hypothesis.strategies, imported on first use."""
    from hypothesis import strategies

    return strategies


def _invalid(message: str) -> Exception:
    """Hypothesis's InvalidArgument: limits that no case can meet."""
    from hypothesis.errors import InvalidArgument

    return InvalidArgument(message)


def _composite(draw_case: Callable[..., Any]) -> Callable[..., Strategy]:
    """Hypothesis's @composite, applied when the strategy is made rather than at import:
    draw_case(draw, *arguments) becomes a function of the arguments that returns a strategy."""

    @functools.wraps(draw_case)
    def strategy(*arguments: Any, **options: Any) -> Strategy:
        return _strategies().composite(draw_case)(*arguments, **options)

    signature = inspect.signature(draw_case)  # as help() should show it: without `draw`
    strategy.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return strategy


# ---------------------------------------------------------------------------------------------
# Strategies


def weights(bound: float = 1.0) -> Strategy:
    """Finite floats in [-bound, bound]: weights, inputs, never NaN or infinite."""
    st = _strategies()
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


def _check_limits(
    max_hidden_layers: int, max_width: int, min_hidden_layers: int, max_inputs: int, max_outputs: int
) -> None:
    for name, value, least in (
        ("min_hidden_layers", min_hidden_layers, 0),
        ("max_width", max_width, 1),
        ("max_inputs", max_inputs, 1),
        ("max_outputs", max_outputs, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise _invalid(f"{name} must be a whole number >= {least}; got {value!r}")
    if isinstance(max_hidden_layers, bool) or not isinstance(max_hidden_layers, int):
        raise _invalid(f"max_hidden_layers must be a whole number; got {max_hidden_layers!r}")
    if max_hidden_layers < min_hidden_layers:
        raise _invalid(
            f"max_hidden_layers={max_hidden_layers} is below min_hidden_layers={min_hidden_layers}"
            + (
                " (pass min_hidden_layers=0 for networks without a hidden layer)"
                if max_hidden_layers == 0
                else ""
            )
        )


@_composite
def layer_shapes(
    draw: Draw,
    max_hidden_layers: int = 3,
    max_width: int = 8,
    *,
    min_hidden_layers: int = 1,
    max_inputs: int = 5,
    max_outputs: int = 4,
) -> List[int]:
    """[inputs, hidden..., outputs]: 1 to max_inputs inputs, min..max hidden layers of 1 to max_width.

    Limits no network meets (max_width 0, max_hidden_layers below min_hidden_layers, ...) are an
    InvalidArgument that names them.
    """
    st = _strategies()
    _check_limits(max_hidden_layers, max_width, min_hidden_layers, max_inputs, max_outputs)
    hidden: List[int] = draw(
        st.lists(st.integers(1, max_width), min_size=min_hidden_layers, max_size=max_hidden_layers)
    )
    return [draw(st.integers(1, max_inputs))] + hidden + [draw(st.integers(1, max_outputs))]


@_composite
def networks(
    draw: Draw,
    sizes: Optional[Sequence[int]] = None,
    *,
    bound: float = 1.0,
    max_hidden_layers: int = 3,
    max_width: int = 8,
) -> Network:
    """A network of layer sizes `sizes` (drawn by layer_shapes when None), weights in [-bound, bound]."""
    st = _strategies()
    if sizes is None:
        sizes = draw(layer_shapes(max_hidden_layers, max_width))
    return [
        [draw(st.lists(weights(bound), min_size=fan_in + 1, max_size=fan_in + 1)) for _ in range(fan_out)]
        for fan_in, fan_out in zip(sizes, sizes[1:])
    ]


def inputs_for(network: Network, bound: float = 2.0) -> Strategy:
    """Inputs x the network takes: one value in [-bound, bound] per input of its first layer."""
    st = _strategies()
    fan_in = len(network[0][0]) - 1
    return st.lists(weights(bound), min_size=fan_in, max_size=fan_in)


@_composite
def targets_for(draw: Draw, loss_name: str, size: int) -> List[float]:
    """A target of `size` values the loss is defined for.

    cross_entropy: a probability vector (one-hot half the time); binary_cross_entropy: values in
    [0, 1]; squared_error: any values in [-2, 2].
    """
    st = _strategies()
    if loss_name == "cross_entropy":
        if draw(st.booleans()):
            hot = draw(st.integers(0, size - 1))
            return [1.0 if i == hot else 0.0 for i in range(size)]
        raw = draw(st.lists(st.floats(0.01, 1.0), min_size=size, max_size=size))
        return [r / sum(raw) for r in raw]
    bounds = (0.0, 1.0) if loss_name == "binary_cross_entropy" else (-2.0, 2.0)
    values: List[float] = draw(st.lists(st.floats(*bounds), min_size=size, max_size=size))
    return values


def _output_activations(loss_name: str, allowed: Sequence[str]) -> List[str]:
    """The output activations among `allowed` that the loss is defined with."""
    required = LOSSES[loss_name].required_activation
    return [name for name in allowed if required is None or name == required]


def _check_names(kind: str, names: Names, known: Sequence[str]) -> List[str]:
    if names is None:
        return list(known)
    chosen = list(names)
    unknown = [name for name in chosen if name not in known]
    if not chosen or unknown:
        raise _invalid(f"{kind} must be a non-empty list of {', '.join(known)}; got {names!r}")
    return chosen


@_composite
def activations_for(draw: Draw, loss_name: str, hidden_layers: int, activations: Names = None) -> List[str]:
    """One activation per layer (hidden layers, then the output) from `activations` (default: all).

    The output layer's fits the loss: softmax for cross_entropy, sigmoid for binary_cross_entropy.
    """
    st = _strategies()
    allowed = _check_names("activations", activations, ACTIVATION_NAMES)
    outputs = _output_activations(loss_name, allowed)
    if not outputs:
        raise _invalid(f"no activation among {allowed} fits the loss {loss_name!r}")
    hidden = [draw(st.sampled_from(allowed)) for _ in range(hidden_layers)]
    return hidden + [draw(st.sampled_from(outputs))]


@_composite
def dropout_masks_for(draw: Draw, network: Network, keep: Optional[float] = None) -> List[List[float]]:
    """One inverted-dropout mask per hidden layer: each unit 0 (dropped) or 1/keep (kept).

    `keep` is drawn from KEEP_CHOICES when None.
    """
    st = _strategies()
    if keep is None:
        keep = draw(st.sampled_from(KEEP_CHOICES))
    return [[draw(st.sampled_from([0.0, 1.0 / keep])) for _ in layer] for layer in network[:-1]]


def _l2_strategy(l2: Union[float, Sequence[float]]) -> Strategy:
    st = _strategies()
    if isinstance(l2, (int, float)):
        return st.just(float(l2))
    return st.sampled_from([float(value) for value in l2])


@_composite
def training_cases(
    draw: Draw,
    activations: Names = None,
    losses: Names = None,
    max_hidden_layers: int = 3,
    max_width: int = 8,
    l2: Union[float, Sequence[float]] = 0.0,
    dropout: Optional[bool] = False,
    *,
    min_hidden_layers: int = 1,
) -> TrainingCase:
    """A network, its activations and loss, one sample (x, target), an L2 strength and dropout masks.

    - activations, losses: the names to draw from (default: all purenn has). Every layer's
      activation comes from `activations`; losses whose output activation is not among them are
      left out (cross_entropy needs softmax, binary_cross_entropy sigmoid).
    - min_hidden_layers, max_hidden_layers, max_width: the hidden layers (see layer_shapes).
    - l2: a number fixes it (default 0: no L2), a list draws from it (purenn's suite draws from
      L2_CHOICES).
    - dropout: False no masks (the default), True always, None draws whether to use them.

    Weights lie in [-1, 1], inputs in [-2, 2]; every ReLU sum is at least RELU_MARGIN from 0.
    """
    st = _strategies()
    allowed = _check_names("activations", activations, ACTIVATION_NAMES)
    chosen_losses = _check_names("losses", losses, LOSS_NAMES)
    usable = [name for name in chosen_losses if _output_activations(name, allowed)]
    if not usable:
        raise _invalid(f"none of the losses {losses!r} fits an output activation among {allowed}")
    sizes = draw(layer_shapes(max_hidden_layers, max_width, min_hidden_layers=min_hidden_layers))
    loss_name = draw(st.sampled_from(usable))
    names = draw(activations_for(loss_name, len(sizes) - 2, allowed))
    network = draw(networks(sizes))
    x = draw(inputs_for(network))
    target = draw(targets_for(loss_name, sizes[-1]))
    strength = draw(_l2_strategy(l2))
    use_dropout = draw(st.booleans()) if dropout is None else dropout
    masks = draw(dropout_masks_for(network)) if use_dropout else None
    push_relus_off_the_kink(network, x, names, masks)
    return TrainingCase(network, x, target, names, loss_name, strength, masks)


# ---------------------------------------------------------------------------------------------
