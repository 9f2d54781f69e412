"""purenn.testing: its strategies keep their limits, and assert_gradients_match catches real bugs.

The buggy gradients here are real backpropagations with one classic bug each, written the way a
student writes them (one sigmoid hidden layer, squared error), not purenn's gradients scaled. Each
property: either the check fails and names the bug's pattern, or the bug made no difference for
that example (the buggy gradient really is within the tolerance of the true one).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from typing import List, Optional

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from purenn.activations import sigmoid
from purenn.gradcheck import relative_error
from purenn.network import Network, forward_pass, gradients, layer_sizes
from purenn.testing import (
    RELU_MARGIN,
    TrainingCase,
    assert_gradients_match,
    networks,
    training_cases,
)
from purenn.vectors import dot

STUDENT_CASES = training_cases(
    activations=["sigmoid"], losses=["squared_error"], max_hidden_layers=1, l2=0.0, dropout=False
)


def student_gradients(case: TrainingCase, bug: Optional[str] = None, l2: float = 0.0) -> Network:
    """One sigmoid hidden layer, squared error, the textbook way; `bug` names the mistake made."""
    hidden_layer, output_layer = case.network
    x = list(case.x)
    hidden_sums = [dot(neuron, x + [1.0]) for neuron in hidden_layer]
    hidden = [sigmoid(z) for z in hidden_sums]
    sums = [dot(neuron, hidden + [1.0]) for neuron in output_layer]
    outputs = [sigmoid(z) for z in sums]
    errors = [a - y for a, y in zip(outputs, case.target)]
    if bug == "derivative of (a - y)**2":
        errors = [2.0 * e for e in errors]
    if bug == "y - a":
        errors = [y - a for a, y in zip(outputs, case.target)]
    output_deltas = [a * (1.0 - a) * e for a, e in zip(outputs, errors)]
    sent_down = [dot(output_deltas, [neuron[k] for neuron in output_layer]) for k in range(len(hidden))]
    if bug == "f'(a) = a":
        hidden_deltas = [h * e for h, e in zip(hidden, sent_down)]
    else:
        hidden_deltas = [h * (1.0 - h) * e for h, e in zip(hidden, sent_down)]
    bias_input = 0.0 if bug == "bias input 0" else 1.0
    output_inputs = (hidden_sums if bug == "z for h" else hidden) + [bias_input]
    grads = [
        [[d * v for v in x + [bias_input]] for d in hidden_deltas],
        [[d * v for v in output_inputs] for d in output_deltas],
    ]
    for layer, layer_grads in zip(case.network, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            penalised = len(neuron) if bug == "L2 on biases" else len(neuron) - 1
            for k in range(penalised):
                neuron_grads[k] += l2 * neuron[k]
    return grads


def _caught_with(computed: Network, case: TrainingCase, hint: str) -> None:
    """Either the check fails with `hint` in its message, or the bug changed nothing here."""
    try:
        assert_gradients_match(computed, case)
    except AssertionError as failure:
        assert hint in str(failure), str(failure)
    else:
        assert relative_error(computed, case.call(gradients)) <= 1e-6


@given(STUDENT_CASES)
def test_the_right_student_gradients_pass(case: TrainingCase) -> None:
    assert assert_gradients_match(student_gradients(case), case) <= 1e-6


@pytest.mark.parametrize(
    "bug, hint",
    [
        ("derivative of (a - y)**2", "every weight is twice the true gradient: a missing 1/2"),
        ("y - a", "every weight is the true gradient with the wrong sign"),
        ("bias input 0", "only bias weights are wrong"),
        ("f'(a) = a", "only layer 0 is wrong and the layers above are right"),
        ("z for h", "only the output layer (layer 1) is wrong"),
    ],
)
@given(case=STUDENT_CASES)
def test_each_classic_bug_gets_its_hint(bug: str, hint: str, case: TrainingCase) -> None:
    _caught_with(student_gradients(case, bug), case, hint)


L2_CASES = training_cases(
    activations=["sigmoid"], losses=["squared_error"], max_hidden_layers=1, l2=0.5, dropout=False
)


@given(L2_CASES)
@example(
    TrainingCase(
        [[[3.4874159025654665e-12, 0.0]], [[0.0, 0.0]]],
        [0.0],
        [0.0],
        ["sigmoid"] * 2,
        "squared_error",
        0.5,
        None,
    )
)
def test_a_forgotten_l2_term_is_named(case: TrainingCase) -> None:
    _caught_with(student_gradients(case), case, "the L2 term lambda * w is missing")


@given(L2_CASES)
def test_l2_on_the_biases_is_named(case: TrainingCase) -> None:
    computed = student_gradients(case, "L2 on biases", l2=case.l2)
    _caught_with(computed, case, "the biases got the L2 term")


# Found on CPython 3.9: every non-bias gradient 0 but lambda * w, so L2 counted twice doubles each
# wrong weight exactly, which the "common factor 2" hint also fits; the L2 hint must win.
DOUBLED_L2_ONLY = TrainingCase(
    network=[
        [
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0625, 0.0, 0.0],
            [0.0, 0.625, 0.0, 0.359375],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, -0.9375, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ],
        [[0.0, 0.6953125, 0.99609375, 0.0, -0.65625, 0.0, 0.0, -0.01171875]],
    ],
    x=[0.0, 0.421875, 0.0],
    target=[0.673828125],
    activations=["sigmoid", "sigmoid"],
    loss_name="squared_error",
    l2=0.5,
    dropout=None,
)


# Found by a random run: lambda * w (1.2e-6) tiny next to the gradient (0.0625), so "missing" fit too.
TINY_L2_TERM = TrainingCase(
    [[[0.0, 0.0]], [[2.428793576605399e-06, 0.0]]], [0.0], [0.0], ["sigmoid"] * 2, "squared_error", 0.5, None
)


@given(L2_CASES)
@example(DOUBLED_L2_ONLY)
@example(TINY_L2_TERM)
def test_the_l2_term_counted_twice_is_named(case: TrainingCase) -> None:
    computed = student_gradients(case, l2=2 * case.l2)
    _caught_with(computed, case, "the L2 term is counted twice")


def test_the_worst_weight_is_named_with_both_values() -> None:
    case = TrainingCase(
        [[[0.5, -0.25]], [[2.0, 0.1]]], [1.0], [0.0], ["sigmoid"] * 2, "squared_error", 0.0, None
    )
    computed = student_gradients(case, "f'(a) = a")
    right = case.call(gradients)
    with pytest.raises(AssertionError) as caught:
        assert_gradients_match(computed, case)
    header, worst, *_ = str(caught.value).splitlines()
    assert header == "2 of 4 weights differ from central differences of purenn's loss (tolerance 1e-06)"
    found = re.fullmatch(
        r"  worst: layer 0, neuron 0, weight (\d)( \(the bias\))?: computed (\S+), "
        r"central differences (\S+), relative error (\S+)",
        worst,
    )
    assert found, worst
    k = int(found.group(1))
    assert (found.group(2) is not None) == (k == 1)
    assert float(found.group(3)) == pytest.approx(computed[0][0][k], rel=1e-9)
    assert float(found.group(4)) == pytest.approx(right[0][0][k], rel=1e-9)
    error = abs(computed[0][0][k] - right[0][0][k]) / max(abs(computed[0][0][k]), abs(right[0][0][k]))
    assert float(found.group(5)) == pytest.approx(error, rel=1e-2)


@pytest.mark.parametrize(
    "computed, message",
    [
        ([[[0.0, 0.0]]], "the computed gradient has 1 layers; the network has 2"),
        (
            [[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0]]],
            "layer 0 of the computed gradient has 2 neurons; expected 1",
        ),
        (
            [[[0.0]], [[0.0, 0.0]]],
            "layer 0, neuron 0 of the computed gradient has 1 values; expected 2 (1 inputs",
        ),
        (
            [[[0.0, "0"]], [[0.0, 0.0]]],
            "layer 0, neuron 0, weight 1 of the computed gradient is '0', not a number",
        ),
        ({"layers": 2}, "the computed gradient has a dict, not a list: layers"),
    ],
)
def test_shape_mismatches_are_named(computed: object, message: str) -> None:
    case = TrainingCase(
        [[[0.5, -0.25]], [[2.0, 0.1]]], [1.0], [0.0], ["sigmoid"] * 2, "squared_error", 0.0, None
    )
    with pytest.raises(AssertionError, match=f"^{message}".replace("(", r"\(")):
        assert_gradients_match(computed, case)  # type: ignore[arg-type]


def test_a_nan_gradient_is_the_worst() -> None:
    case = TrainingCase([[[0.5, -0.25]]], [1.0], [0.0], ["sigmoid"], "squared_error", 0.0, None)
    right = case.call(gradients)
    with pytest.raises(
        AssertionError, match="worst: layer 0, neuron 0, weight 1 \\(the bias\\): computed nan"
    ):
        assert_gradients_match([[[right[0][0][0], math.nan]]], case)


# ---------------------------------------------------------------------------------------------
# The strategies keep their limits


@given(
    training_cases(activations=["relu", "tanh"], losses=["squared_error"], max_hidden_layers=2, max_width=3),
)
def test_training_cases_keep_their_limits(case: TrainingCase) -> None:
    sizes = layer_sizes(case.network)
    assert 1 <= len(sizes) - 2 <= 2 and all(1 <= units <= 3 for units in sizes[1:-1])
    assert set(case.activations) <= {"relu", "tanh"} and case.loss_name == "squared_error"
    assert len(case.x) == sizes[0] and len(case.target) == sizes[-1]
    run = forward_pass(case.network, case.x, case.activations, case.dropout)
    for name, sums in zip(case.activations, run.sums):
        if name == "relu":
            assert all(abs(z) >= RELU_MARGIN for z in sums)


@given(training_cases(l2=0.25, dropout=True), training_cases(l2=[0.0, 1.0], dropout=False))
def test_l2_and_dropout_are_fixed_or_drawn_as_asked(masked: TrainingCase, plain: TrainingCase) -> None:
    assert masked.l2 == 0.25 and plain.l2 in (0.0, 1.0) and plain.dropout is None
    assert masked.dropout is not None
    assert [len(mask) for mask in masked.dropout] == [len(layer) for layer in masked.network[:-1]]
    (scale,) = {value for mask in masked.dropout for value in mask} - {0.0} or {2.0}
    assert scale in (2.0, 1.25)


@given(training_cases(losses=["cross_entropy", "binary_cross_entropy"]))
def test_the_output_activation_fits_the_loss(case: TrainingCase) -> None:
    expected = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}[case.loss_name]
    assert case.activations[-1] == expected


@given(training_cases(max_hidden_layers=0, min_hidden_layers=0, losses=["cross_entropy"]))
def test_networks_without_a_hidden_layer_are_drawn_when_asked(case: TrainingCase) -> None:
    assert len(case.network) == 1 and case.activations == ["softmax"] and case.dropout is None


@given(st.data())
def test_networks_have_the_sizes_asked_for(data: st.DataObject) -> None:
    sizes: List[int] = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    network = data.draw(networks(sizes, bound=0.5))
    assert layer_sizes(network) == sizes
    assert all(abs(w) <= 0.5 for layer in network for neuron in layer for w in neuron)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"activations": ["sigmoid"], "losses": ["cross_entropy"]}, "none of the losses"),
        ({"activations": ["swish"]}, "activations must be a non-empty list of"),
        ({"losses": []}, "losses must be a non-empty list of"),
        (
            {"max_hidden_layers": 0},
            r"max_hidden_layers=0 is below min_hidden_layers=1 \(pass min_hidden_layers=0 for networks",
        ),
        (
            {"max_hidden_layers": 1, "min_hidden_layers": 2},
            "max_hidden_layers=1 is below min_hidden_layers=2\n",
        ),
        ({"max_width": 0}, "max_width must be a whole number >= 1; got 0"),
        ({"min_hidden_layers": -1}, "min_hidden_layers must be a whole number >= 0; got -1"),
        ({"max_hidden_layers": 2.5}, "max_hidden_layers must be a whole number; got 2.5"),
    ],
)
def test_impossible_limits_are_refused(arguments: dict, message: str) -> None:
    @given(training_cases(**arguments))
    def draw_one(case: TrainingCase) -> None:
        pass

    with pytest.raises(InvalidArgument, match=message):
        draw_one()


# ---------------------------------------------------------------------------------------------
# Hypothesis is optional: import purenn without it, and purenn.testing says what to install


def _python(code: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_purenn_never_imports_purenn_testing() -> None:
    done = _python(
        "import sys, purenn, purenn.network\n"
        "print(sorted(m for m in sys.modules if 'hypothesis' in m or m == 'purenn.testing'))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_purenn_testing_without_hypothesis_says_what_to_install() -> None:
    done = _python("import sys; sys.modules['hypothesis'] = None; import purenn.testing")
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == "ImportError: purenn.testing needs Hypothesis: pip install purenn[testing]"


# ---------------------------------------------------------------------------------------------
# Deeper students: any number of sigmoid or tanh hidden layers


DEEP_CASES = training_cases(
    activations=["sigmoid", "tanh"], losses=["squared_error"], max_hidden_layers=3, max_width=4
)
SLOPES = {"sigmoid": lambda a: a * (1.0 - a), "tanh": lambda a: 1.0 - a * a}


def deep_student_gradients(case: TrainingCase, bug: Optional[str] = None) -> Network:
    """Backpropagation through every layer, loop by loop; `bug` names the mistake made."""
    run = forward_pass(case.network, case.x, case.activations)
    bias_input = 0.0 if bug == "bias input 0" else 1.0
    deltas = [(a - y) * SLOPES[case.activations[-1]](a) for a, y in zip(run.outputs[-1], case.target)]
    grads: Network = []
    for index in range(len(case.network) - 1, -1, -1):
        grads.insert(0, [[d * h for h in run.inputs[index]] + [d * bias_input] for d in deltas])
        if index > 0:
            layer = case.network[index]
            sent_down = [dot(deltas, [neuron[k] for neuron in layer]) for k in range(len(layer[0]) - 1)]
            slope = SLOPES[case.activations[index - 1]]
            deltas = [slope(a) * e for a, e in zip(run.outputs[index - 1], sent_down)]
    if bug == "the step, not the gradient":  # w - rate * g - w with rate 0.1
        return [[[-0.1 * g for g in neuron] for neuron in layer] for layer in grads]
    if bug == "never filled in":
        return [[[0.0 for _ in neuron] for neuron in layer] for layer in grads]
    return grads


def _hint_lines(computed: Network, case: TrainingCase) -> Optional[List[str]]:
    """The hints of the check's failure; None if it passed."""
    try:
        assert_gradients_match(computed, case)
    except AssertionError as failure:
        return [line[len("  hint: ") :] for line in str(failure).splitlines() if line.startswith("  hint: ")]
    return None


@given(DEEP_CASES)
def test_the_deep_student_passes(case: TrainingCase) -> None:
    assert _hint_lines(deep_student_gradients(case), case) is None


@given(DEEP_CASES)
def test_a_step_handed_in_for_the_gradient_is_named_with_its_sign(case: TrainingCase) -> None:
    hints = _hint_lines(deep_student_gradients(case, "the step, not the gradient"), case)
    assert hints is None or hints[0] == (
        "every weight is -0.1 times the true gradient: the wrong sign and a constant factor left in or out "
        "(a learning rate, a mean over samples or outputs)"
    )
    # Where only biases have a gradient, the note that a bias bug would look the same may follow.
    assert hints is None or all(hint.startswith("(only bias weights are wrong") for hint in hints[1:])


@given(DEEP_CASES)
def test_a_gradient_never_filled_in_is_named(case: TrainingCase) -> None:
    hints = _hint_lines(deep_student_gradients(case, "never filled in"), case)
    if hints is not None:
        assert hints[0] == (
            "every weight of the computed gradient is 0 where the true one is not: it was never filled in"
        )
        assert not any("times the true gradient" in hint for hint in hints)


@given(DEEP_CASES)
@example(
    TrainingCase([[[0.0, 0.0]], [[0.0, 0.0]]], [0.0], [0.0], ["tanh", "sigmoid"], "squared_error", 0.0, None)
)
def test_a_bias_input_of_0_is_named_at_any_depth(case: TrainingCase) -> None:
    computed = deep_student_gradients(case, "bias input 0")
    hints = _hint_lines(computed, case)
    if hints is None:  # every delta_j is 0 here, so a bias input of 0 changes nothing
        assert relative_error(computed, case.call(gradients)) <= 1e-6
        return
    assert any(hint.startswith("only bias weights are wrong") or "the bias's 1" in hint for hint in hints)
    assert not any("times the true gradient" in hint for hint in hints), hints


def test_a_factor_seen_only_on_biases_says_so() -> None:
    """Where only the biases have a gradient, a doubled bias gradient doubles every weight."""
    case = TrainingCase(
        [[[0.0, 0.0]], [[0.0, 0.0]]], [0.0], [0.0], ["tanh", "sigmoid"], "squared_error", 0.0, None
    )
    hints = _hint_lines([[[0.0, 0.0]], [[0.0, 0.25]]], case)  # the true output bias gradient is 0.125
    assert hints is not None and hints[0].startswith("every weight is twice the true gradient")
    assert hints[1].startswith("(only bias weights are wrong, the others' gradients being (nearly) 0 here")


def test_the_note_on_zero_gradients_says_what_it_saw() -> None:
    """README's counterexample: x = 0, so layer 0's weights have gradient 0 whatever its delta."""
    case = TrainingCase(
        [[[0.0, 0.0]], [[0.0, 0.0]]], [0.0], [0.0], ["sigmoid"] * 2, "squared_error", 0.0, None
    )
    computed = [[[0.0, -0.001953125]], [[0.0625, 0.125]]]  # the update-first bug's gradient
    hints = _hint_lines(computed, case)
    assert hints is not None and hints[0].startswith("only layer 0 is wrong and the layers above are right")
    assert hints[1] == (
        "(every weight of layer 0 but the biases has a (nearly) 0 gradient here, computed and true, so only "
        "the biases can show a wrong delta)"
    )


def test_a_missing_return_is_named() -> None:
    case = TrainingCase([[[0.5, -0.25]]], [1.0], [0.0], ["sigmoid"], "squared_error", 0.0, None)
    missing = r"^the computed gradient is None: did the function return it\?$"
    with pytest.raises(AssertionError, match=missing):
        assert_gradients_match(None, case)  # type: ignore[arg-type]


@pytest.mark.parametrize("tolerance", [math.nan, -1e-6, math.inf, "1e-6"])
def test_a_tolerance_that_is_no_bound_is_refused(tolerance: object) -> None:
    case = TrainingCase([[[0.5, -0.25]]], [1.0], [0.0], ["sigmoid"], "squared_error", 0.0, None)
    with pytest.raises(ValueError, match="tolerance must be a finite number >= 0"):
        assert_gradients_match(case.call(gradients), case, tolerance)  # type: ignore[arg-type]
