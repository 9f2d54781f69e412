"""The reference engine, specified: gradients against finite differences and exact oracles."""

from __future__ import annotations

import copy
import math
import random
import re
from fractions import Fraction
from typing import Any, Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import every_case, record_gradient_error

from purenn.errors import PurennError
from purenn.gradcheck import numerical_gradients, relative_error
from purenn.network import (
    backpropagate,
    check_network,
    dropout_masks,
    feed_forward,
    forward_pass,
    gradients,
    layer_sizes,
    loss,
    loss_and_gradients,
    make_network,
    mask_after_output_step,
    predict,
)
from purenn.testing import TrainingCase, networks


def _arguments(case: TrainingCase) -> Dict[str, Any]:
    return {"l2": case.l2, "dropout": case.dropout}


def _call(function: Any, case: TrainingCase, network: Any = None) -> Any:
    return case.call(function, network)


# ---------------------------------------------------------------------------------------------
# Gradients against central finite differences, for every weight


@given(every_case())
def test_gradients_equal_finite_differences_for_every_weight(case: TrainingCase) -> None:
    analytic = _call(gradients, case)
    numeric = _call(numerical_gradients, case)
    error = relative_error(analytic, numeric)
    record_gradient_error("gradients vs central differences (order 6, h=5e-3): relative error", error)
    assert error <= 1e-6, (error, analytic, numeric)


@given(every_case(dropout=True))
def test_dropout_gradients_equal_finite_differences(case: TrainingCase) -> None:
    error = relative_error(_call(gradients, case), _call(numerical_gradients, case))
    record_gradient_error("gradients vs central differences, with dropout: relative error", error)
    assert error <= 1e-6


@given(every_case())
def test_gradients_leave_the_network_unchanged(case: TrainingCase) -> None:
    before = copy.deepcopy(case.network)
    _call(gradients, case)
    assert case.network == before


@given(every_case(), st.floats(0.0, 2.0))
def test_backpropagate_leaves_exactly_w_minus_rate_times_g(case: TrainingCase, rate: float) -> None:
    network = copy.deepcopy(case.network)
    grads = _call(gradients, case)
    value = backpropagate(
        network,
        case.x,
        case.target,
        rate,
        case.activations,
        case.loss_name,
        **_arguments(case),
    )
    assert value == _call(loss, case)
    for layer, old_layer, layer_grads in zip(network, case.network, grads):
        for neuron, old_neuron, neuron_grads in zip(layer, old_layer, layer_grads):
            assert neuron == [w - rate * g for w, g in zip(old_neuron, neuron_grads)]


@given(every_case())
def test_loss_and_gradients_agree_with_loss(case: TrainingCase) -> None:
    value, _ = _call(loss_and_gradients, case)
    assert value == _call(loss, case)
    assert value >= 0.0


@given(every_case())
def test_a_wrong_gradient_is_caught(case: TrainingCase) -> None:
    """The check has teeth: change one weight's gradient by 1e-4 of the largest and it fails."""
    analytic = _call(gradients, case)
    numeric = _call(numerical_gradients, case)
    largest = max(abs(g) for layer in analytic for neuron in layer for g in neuron)
    analytic[0][0][0] += max(largest, 1.0) * 1e-4
    assert relative_error(analytic, numeric) > 1e-6


# ---------------------------------------------------------------------------------------------
# Exact oracles


def _fraction_step(
    network: List[List[List[Fraction]]], x: List[Fraction], y: List[Fraction], rate: Fraction
) -> List[List[List[Fraction]]]:
    """One SGD step of an identity-activation network with squared error, in exact arithmetic.

    Written independently of purenn: forward, output delta a - y, errors sent back through
    the transposed weights, w <- w - rate * delta * input.
    """
    inputs = [x]
    for layer in network:
        h = inputs[-1] + [Fraction(1)]
        inputs.append([sum((w * v for w, v in zip(neuron, h)), Fraction(0)) for neuron in layer])
    deltas = [a - t for a, t in zip(inputs[-1], y)]
    new_network = []
    for index in range(len(network) - 1, -1, -1):
        layer = network[index]
        h = inputs[index] + [Fraction(1)]
        new_network.insert(
            0, [[w - rate * d * v for w, v in zip(neuron, h)] for neuron, d in zip(layer, deltas)]
        )
        deltas = [
            sum((d * neuron[k] for d, neuron in zip(deltas, layer)), Fraction(0)) for k in range(len(h) - 1)
        ]
    return new_network


def test_one_step_of_a_tiny_network_worked_by_hand() -> None:
    """2-2-1, identity activations, squared error; every number below is exact in binary.

    x = (1, 2), hidden: z1 = 0.5*1 + 0.25*2 + 0 = 1, z2 = -1*1 + 0.5*2 + 0.5 = 0.5
    output: z = 1*1 + 2*0.5 + 0.5 = 2.5, target 0.5, so delta_out = 2, C = 1/2 * 2**2 = 2.
    hidden deltas: 2*1 = 2 and 2*2 = 4. With rate 0.125:
    output neuron: [1 - 0.25*1, 2 - 0.25*0.5, 0.5 - 0.25] = [0.75, 1.875, 0.25]
    hidden 1: [0.5 - 0.25*1, 0.25 - 0.25*2, 0 - 0.25] = [0.25, -0.25, -0.25]
    hidden 2: [-1 - 0.5*1, 0.5 - 0.5*2, 0.5 - 0.5] = [-1.5, -0.5, 0.0]
    """
    network = [[[0.5, 0.25, 0.0], [-1.0, 0.5, 0.5]], [[1.0, 2.0, 0.5]]]
    value = backpropagate(network, [1.0, 2.0], [0.5], 0.125, "identity")
    assert value == 2.0
    assert network == [[[0.25, -0.25, -0.25], [-1.5, -0.5, 0.0]], [[0.75, 1.875, 0.25]]]


# The tutorial 000's dropout order: 2-3-1, ReLU hidden, identity output, squared error. x = (1, 2):
#   z = (0.5 + 0.25*2 + 0, 1 - 1*2 + 0.5, 0.25 + 0.5*2 - 0.25) = (1, -0.5, 1), a = (1, 0, 1)
#   unmasked output: 2*1 + 1*0 - 1*1 + 0.5 = 1.5; target 0.5: delta = 1, C = 1/2 * 1**2 = 0.5
#   mask (2, 2, 0): masked hidden outputs (2, 0, 0)
#   output step: delta * (2, 0, 0, 1) = (2, 0, 0, 1)
#   errors below: delta * w = (2, 1, -1); kept units only (mask != 0): (2, 1, 0);
#   relu' of the masked layer (2, 0, 0) > 0: (1, 0, 0), so hidden deltas (2, 0, 0)
#   hidden steps: 2 * (1, 2, 1) = (2, 4, 2), then (0, 0, 0) twice
TUTORIAL_NET = [[[0.5, 0.25, 0.0], [1.0, -1.0, 0.5], [0.25, 0.5, -0.25]], [[2.0, 1.0, -1.0, 0.5]]]
TUTORIAL_MASK = [2.0, 2.0, 0.0]


def test_the_tutorial_dropout_order_step_worked_by_hand() -> None:
    network = copy.deepcopy(TUTORIAL_NET)
    value, step = mask_after_output_step(
        network, [1.0, 2.0], [0.5], ["relu", "identity"], "squared_error", dropout=[TUTORIAL_MASK]
    )
    assert value == 0.5
    assert step == [[[2.0, 4.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[2.0, 0.0, 0.0, 1.0]]]
    assert network == TUTORIAL_NET


def test_the_tutorial_dropout_order_is_not_the_gradient_of_the_masked_network() -> None:
    """Inverted dropout (the reference) feeds the masked layer (2, 0, 0) forward: the output is
    2*2 + 0.5 = 4.5, delta 4, C = 8, and the hidden delta gets the mask's factor 2: 4*2*2 = 16."""
    value, grads = loss_and_gradients(
        TUTORIAL_NET, [1.0, 2.0], [0.5], ["relu", "identity"], "squared_error", dropout=[TUTORIAL_MASK]
    )
    assert value == 8.0
    assert grads == [[[16.0, 32.0, 16.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[8.0, 0.0, 0.0, 4.0]]]


def test_the_tutorial_dropout_order_with_l2_adds_lambda_w() -> None:
    _, plain = mask_after_output_step(
        TUTORIAL_NET, [1.0, 2.0], [0.5], ["relu", "identity"], dropout=[TUTORIAL_MASK]
    )
    _, with_l2 = mask_after_output_step(
        TUTORIAL_NET, [1.0, 2.0], [0.5], ["relu", "identity"], l2=0.5, dropout=[TUTORIAL_MASK]
    )
    for layer, plain_layer, grad_layer in zip(TUTORIAL_NET, plain, with_l2):
        for neuron, plain_neuron, grad_neuron in zip(layer, plain_layer, grad_layer):
            expected = [g + 0.5 * w for g, w in zip(plain_neuron[:-1], neuron[:-1])] + [plain_neuron[-1]]
            assert grad_neuron == expected


@given(every_case())
def test_the_tutorial_dropout_order_without_masks_is_the_exact_gradient(case: TrainingCase) -> None:
    """No mask, or masks of all 1: nothing is dropped or doubled, and the step is the gradient."""
    network = case.network
    ones = [[1.0] * len(layer) for layer in network[:-1]]
    expected = loss_and_gradients(network, case.x, case.target, case.activations, case.loss_name, l2=case.l2)
    for masks in (None, ones):
        assert (
            mask_after_output_step(
                network,
                case.x,
                case.target,
                case.activations,
                case.loss_name,
                l2=case.l2,
                dropout=masks,
            )
            == expected
        )


def test_the_tutorial_dropout_order_checks_its_masks() -> None:
    with pytest.raises(PurennError, match="got 2 dropout masks; the network has 1 hidden layers"):
        mask_after_output_step(TUTORIAL_NET, [1.0, 2.0], [0.5], ["relu", "identity"], dropout=[[1.0] * 3] * 2)
    with pytest.raises(PurennError, match="dropout mask 0 has 2 values; layer 0 has 3 units"):
        mask_after_output_step(TUTORIAL_NET, [1.0, 2.0], [0.5], ["relu", "identity"], dropout=[[1.0, 1.0]])


def test_one_sigmoid_step_worked_by_hand() -> None:
    """1-1 sigmoid neuron, squared error: delta = (a - y) * a * (1 - a), a = sigmoid(w x + b)."""
    network = [[[0.5, -0.25]]]
    a = 1.0 / (1.0 + math.exp(-(0.5 * 2.0 - 0.25)))
    delta = (a - 1.0) * a * (1.0 - a)
    backpropagate(network, [2.0], [1.0], 0.5)
    assert network[0][0][0] == pytest.approx(0.5 - 0.5 * delta * 2.0, rel=1e-15)
    assert network[0][0][1] == pytest.approx(-0.25 - 0.5 * delta, rel=1e-15)


def _dyadic() -> st.SearchStrategy[float]:
    """Floats k / 8 for small k: sums and products of a few of them are exact in binary."""
    return st.integers(-16, 16).map(lambda k: k / 8)


@given(st.lists(st.integers(1, 3), min_size=1, max_size=2), st.data())
def test_identity_network_step_equals_exact_fraction_arithmetic(hidden: List[int], data: Any) -> None:
    sizes = [2] + hidden + [2]
    network = [
        [data.draw(st.lists(_dyadic(), min_size=fan_in + 1, max_size=fan_in + 1)) for _ in range(fan_out)]
        for fan_in, fan_out in zip(sizes, sizes[1:])
    ]
    x = data.draw(st.lists(_dyadic(), min_size=2, max_size=2))
    y = data.draw(st.lists(_dyadic(), min_size=2, max_size=2))
    exact = _fraction_step(
        [[[Fraction(w) for w in n] for n in layer] for layer in network],
        [Fraction(v) for v in x],
        [Fraction(v) for v in y],
        Fraction(1, 16),
    )
    backpropagate(network, x, y, 1 / 16, "identity")
    assert [[[Fraction(w) for w in n] for n in layer] for layer in network] == exact


# ---------------------------------------------------------------------------------------------
# Making networks and running them


def test_make_network_shapes_and_determinism() -> None:
    first = make_network([64, 32, 10], random.Random(7))
    assert layer_sizes(first) == [64, 32, 10]
    assert first == make_network([64, 32, 10], random.Random(7))
    assert first != make_network([64, 32, 10], random.Random(8))
    limit = math.sqrt(6.0 / (64 + 32))
    assert all(abs(w) <= limit for neuron in first[0] for w in neuron[:-1])
    assert all(neuron[-1] == 0.0 for layer in first for neuron in layer)


def test_make_network_initialisers() -> None:
    he = make_network([50, 20], random.Random(1), init="he")
    assert max(abs(w) for n in he[0] for w in n) <= math.sqrt(6.0 / 50)
    uniform = make_network([5, 3], random.Random(1), init="uniform", low=0.0, high=1.0)
    weights_drawn = [w for n in uniform[0] for w in n]
    assert all(0.0 <= w < 1.0 for w in weights_drawn)
    assert all(n[-1] != 0.0 for n in uniform[0])  # the classic recipes draw the biases too
    no_bias = make_network([5, 3], random.Random(1), init="uniform", draw_biases=False)
    assert all(n[-1] == 0.0 for n in no_bias[0])


def test_feed_forward_returns_every_layer() -> None:
    network = [[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0, 0.5]]]
    assert feed_forward(network, [2.0], ["relu", "identity"]) == [[2.0, 0.0], [2.5]]
    assert predict(network, [2.0], ["relu", "identity"]) == [2.5]
    masked = feed_forward(network, [2.0], ["relu", "identity"], [[0.0, 2.0]])
    assert masked == [[2.0, 0.0], [0.5]]


def test_dropout_masks_keep_the_expected_fraction() -> None:
    network = make_network([3, 1000, 2], random.Random(0))
    (mask,) = dropout_masks(network, 0.8, random.Random(3))
    assert set(mask) == {0.0, 1.25}
    assert 0.75 < mask.count(1.25) / len(mask) < 0.85


@given(st.data())
def test_huge_and_tiny_finite_inputs_never_raise(data: Any) -> None:
    value = data.draw(st.sampled_from([1e308, -1e308, 5e-324, -5e-324, 1e-300, 1e200]))
    sizes = [2, 3, 2]
    network = data.draw(networks(sizes, bound=1e10))
    for activations, loss_name in [
        ("sigmoid", "squared_error"),
        (["tanh", "softmax"], "cross_entropy"),
        (["relu", "sigmoid"], "binary_cross_entropy"),
        ("identity", "squared_error"),
    ]:
        loss_and_gradients(network, [value, -value], [0.0, 1.0], activations, loss_name)


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: predict([[[1.0, 2.0, 0.0]]], [1.0]), "the input has 1 values; the network expects 2"),
        (lambda: predict([], [1.0]), "the network has no layers"),
        (lambda: predict([[]], [1.0]), "layer 0 has no neurons"),
        (lambda: predict([[[1.0, 0.0]]], [1.0], "swish"), "unknown activation 'swish'"),
        (lambda: predict([[[1.0, 0.0]]], [float("nan")]), "input value 0 is nan"),
        (lambda: predict([[[1.0, 0.0]]], [float("inf")]), "input value 0 is inf"),
        (
            lambda: predict([[[1.0, 0.0]], [[1.0, 2.0, 0.0]]], [1.0]),
            "layer 1, neuron 0 has 3 weights; expected 2 (1 inputs + bias)",
        ),
        (lambda: predict([[[1.0, 0.0]]], [1.0], ["relu", "relu"]), "got 2 activations for a network of 1"),
        (lambda: gradients([[[1.0, 0.0]]], [1.0], [1.0, 2.0]), "the target has 2 values"),
        (lambda: gradients([[[1.0, 0.0]]], [1.0], [float("nan")]), "target value 0 is nan"),
        (
            lambda: gradients([[[1.0, 0.0]]], [1.0], [1.0], "sigmoid", "cross_entropy"),
            "loss 'cross_entropy' needs a softmax output layer, not sigmoid",
        ),
        (lambda: gradients([[[1.0, 0.0]]], [1.0], [1.0], "sigmoid", "hinge"), "unknown loss 'hinge'"),
        (lambda: gradients([[[1.0, 0.0]]], [1.0], [1.0], l2=-1.0), "l2 must be a finite number >= 0"),
        (lambda: backpropagate([[[1.0, 0.0]]], [1.0], [1.0], float("nan")), "learning rate must be"),
        (lambda: make_network([3], random.Random(0)), "at least 2 layer sizes"),
        (lambda: make_network([3, 0], random.Random(0)), "layer size 1 must be a positive integer"),
        (lambda: make_network([3, 2], random.Random(0), init="zeros"), "unknown initialiser 'zeros'"),
        (
            lambda: feed_forward([[[1.0, 0.0]] * 2, [[1.0, 1.0, 0.0]]], [1.0], "relu", [[1.0]]),
            "dropout mask 0 has 1 values; layer 0 has 2 units",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call: Any, message: str) -> None:
    with pytest.raises(PurennError, match=re.escape(message)):
        call()


def test_errors_are_value_errors() -> None:
    assert issubclass(PurennError, ValueError)


def test_the_default_activation_is_sigmoid() -> None:
    network = [[[0.3, -0.2, 0.1], [0.5, 0.4, -0.3]], [[0.7, -0.6, 0.05]]]
    x = [1.0, 2.0]
    assert feed_forward(network, x) == feed_forward(network, x, "sigmoid")
    assert predict(network, x) == predict(network, x, "sigmoid") == feed_forward(network, x)[-1]
    assert loss(network, x, [0.5]) == loss(network, x, [0.5], "sigmoid", "squared_error", l2=0.0)
    assert forward_pass(network, x) == forward_pass(network, x, "sigmoid")
    assert gradients(network, x, [0.5]) == gradients(network, x, [0.5], "sigmoid", "squared_error", l2=0.0)


def test_uniform_weights_fill_low_to_high() -> None:
    network = make_network([10, 20, 10], random.Random(0), init="uniform")
    values = [w for layer in network for neuron in layer for w in neuron]
    assert all(-1.0 <= w < 1.0 for w in values)
    assert min(values) < -0.9 and max(values) > 0.9
    narrow = make_network([10, 20, 10], random.Random(0), init="uniform", low=0.0, high=0.5)
    values = [w for layer in narrow for neuron in layer for w in neuron]
    assert all(0.0 <= w < 0.5 for w in values) and max(values) > 0.45


def test_dropout_masks_one_per_hidden_layer_and_keep_one_keeps_all() -> None:
    network = make_network([3, 4, 5, 2, 2], random.Random(0))
    masks = dropout_masks(network, 1.0, random.Random(0))
    assert masks == [[1.0] * 4, [1.0] * 5, [1.0] * 2]


@pytest.mark.parametrize("keep", [0.0, -0.5, 1.5, 2.0])
def test_dropout_keep_outside_0_1_is_refused(keep: float) -> None:
    with pytest.raises(PurennError, match=re.escape(f"the keep probability must be in (0, 1], got {keep!r}")):
        dropout_masks([[[0.0, 0.0]], [[0.0, 0.0]]], keep, random.Random(0))


@pytest.mark.parametrize(
    "network, message",
    [
        ([], "the network has no layers"),
        ([[[1.0]]], "layer 0, neuron 0 needs at least 2 weights (1 input + bias)"),
        ([[[1.0, 0.0], 5.0]], "layer 0, neuron 1 has float weights; expected 2 (1 inputs + bias)"),
        ([[[1.0, 0.0]], [[1.0]]], "layer 1, neuron 0 has 1 weights; expected 2 (1 inputs + bias)"),
    ],
)
def test_malformed_networks_are_named_exactly(network: Any, message: str) -> None:
    with pytest.raises(PurennError) as caught:
        check_network(network)
    assert str(caught.value) == message


def test_the_wrong_number_of_masks_is_named_exactly() -> None:
    network = [[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0, 0.0]]]
    with pytest.raises(PurennError) as caught:
        forward_pass(network, [1.0], "sigmoid", [[1.0, 1.0], [1.0]])
    assert str(caught.value) == "got 2 dropout masks; the network has 1 hidden layers"
