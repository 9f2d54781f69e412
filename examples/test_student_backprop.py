"""Prove a hand-written backpropagation right with purenn.testing, and watch it catch a classic bug.

    pip install purenn[testing]
    python -m pytest examples/test_student_backprop.py               # 1 passed, 1 xfailed
    python -m pytest examples/test_student_backprop.py --runxfail    # the bug's shrunk counterexample

The student's code is the tutorial-style step of bench/textbook.py (Data Science from Scratch's
nested loops: sigmoid layers, squared error, one hidden layer, w <- w - rate * delta * input).
It takes a step rather than returning a gradient, so one step with rate 1 gives the gradient
back: dC/dw = w_before - w_after.

The copy below has the first edition's bug: it updates the output weights first and then
computes the hidden deltas from those already-updated weights. It still trains (the error is of
the order of the rate), which is why it survived in print; the property test finds a network
where it is wrong, shrinks it to a tiny one, and the failure names the weight and hints at why.
That test is marked xfail (strict: it must fail), so the file passes as it is and shows the
counterexample with --runxfail. tests/test_examples.py runs both ways and checks the message.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import Callable, List

import pytest
from hypothesis import given, settings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone

from bench.textbook import backpropagate, dot, feed_forward  # noqa: E402
from purenn.testing import TrainingCase, assert_gradients_match, training_cases  # noqa: E402

Network = List[List[List[float]]]
Step = Callable[[Network, List[float], List[float], float], None]

# What the textbook code can do: sigmoid everywhere, squared error, exactly one hidden layer.
TEXTBOOK_CASES = training_cases(
    activations=["sigmoid"], losses=["squared_error"], max_hidden_layers=1, l2=0.0, dropout=False
)

# Central differences evaluate the loss 6 times per weight: on a busy machine an example can take
# longer than Hypothesis's default deadline (200 ms), which would fail a right backpropagation.
NO_DEADLINE = settings(deadline=None)


def backpropagate_updating_first(
    network: Network, input_vector: List[float], targets: List[float], learning_rate: float
) -> None:
    """bench/textbook.py's backpropagate with the classic bug: output weights updated first."""
    hidden_outputs, outputs = feed_forward(network, input_vector)
    output_deltas = [output * (1 - output) * (output - target) for output, target in zip(outputs, targets)]

    for i, output_neuron in enumerate(network[-1]):
        for j, hidden_output in enumerate(hidden_outputs + [1]):
            output_neuron[j] -= learning_rate * output_deltas[i] * hidden_output

    # BUG: network[-1] has already been updated above
    hidden_deltas = [
        hidden_output * (1 - hidden_output) * dot(output_deltas, [n[i] for n in network[-1]])
        for i, hidden_output in enumerate(hidden_outputs)
    ]

    for i, hidden_neuron in enumerate(network[0]):
        for j, input in enumerate(input_vector + [1]):
            hidden_neuron[j] -= learning_rate * hidden_deltas[i] * input


def gradients_of_one_step(step: Step, case: TrainingCase) -> Network:
    """dC/dw = w_before - w_after for one step with learning rate 1, in the network's shape."""
    after = copy.deepcopy(case.network)
    step(after, list(case.x), list(case.target), 1.0)
    return [
        [[w - moved for w, moved in zip(neuron, stepped)] for neuron, stepped in zip(layer, stepped_layer)]
        for layer, stepped_layer in zip(case.network, after)
    ]


@NO_DEADLINE
@given(TEXTBOOK_CASES)
def test_the_textbook_backpropagation_is_right(case: TrainingCase) -> None:
    assert_gradients_match(gradients_of_one_step(backpropagate, case), case)


@pytest.mark.xfail(raises=AssertionError, strict=True, reason="the classic bug, which purenn.testing catches")
@NO_DEADLINE
@given(TEXTBOOK_CASES)
def test_the_copy_with_the_classic_bug_is_caught(case: TrainingCase) -> None:
    assert_gradients_match(gradients_of_one_step(backpropagate_updating_first, case), case)
