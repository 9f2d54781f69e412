"""The baseline: a classic per-sample training loop, written the way the tutorials write it.

This is the style of Data Science from Scratch (chapter "Neural Networks") and of most blog
posts: `dot` as a generator sum, a sigmoid neuron, feed_forward as a list of layer outputs,
and backpropagate with nested for loops that update one weight at a time. Sigmoid hidden and
output layers, squared error, one sample per step. Deliberately not optimised: it is what
bench/train_speed.py measures purenn against.

The one fix over the book's first edition: the hidden deltas are computed from the output
weights *before* those weights are updated (the book updates them first, which is a bug).
"""

from __future__ import annotations

import math
from typing import List

Vector = List[float]


def dot(v: Vector, w: Vector) -> float:
    """Computes v_1 * w_1 + ... + v_n * w_n"""
    return sum(v_i * w_i for v_i, w_i in zip(v, w))


def sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))


def neuron_output(weights: Vector, inputs: Vector) -> float:
    # weights includes the bias term, inputs includes a 1
    return sigmoid(dot(weights, inputs))


def feed_forward(neural_network: List[List[Vector]], input_vector: Vector) -> List[Vector]:
    """Feeds the input vector through the neural network. Returns the outputs of all layers."""
    outputs: List[Vector] = []
    for layer in neural_network:
        input_with_bias = input_vector + [1]
        output = [neuron_output(neuron, input_with_bias) for neuron in layer]
        outputs.append(output)
        input_vector = output
    return outputs


def backpropagate(
    network: List[List[Vector]], input_vector: Vector, targets: Vector, learning_rate: float
) -> None:
    """One stochastic-gradient step for a network with one hidden layer, squared error."""
    hidden_outputs, outputs = feed_forward(network, input_vector)

    # the output * (1 - output) is from the derivative of sigmoid
    output_deltas = [output * (1 - output) * (output - target) for output, target in zip(outputs, targets)]

    # back-propagate errors to the hidden layer (before the output weights change)
    hidden_deltas = [
        hidden_output * (1 - hidden_output) * dot(output_deltas, [n[i] for n in network[-1]])
        for i, hidden_output in enumerate(hidden_outputs)
    ]

    # adjust weights for output layer, one neuron at a time
    for i, output_neuron in enumerate(network[-1]):
        # focus on the ith output layer neuron
        for j, hidden_output in enumerate(hidden_outputs + [1]):
            # adjust the jth weight based on both this neuron's delta and its jth input
            output_neuron[j] -= learning_rate * output_deltas[i] * hidden_output

    # adjust weights for hidden layer, one neuron at a time
    for i, hidden_neuron in enumerate(network[0]):
        for j, input in enumerate(input_vector + [1]):
            hidden_neuron[j] -= learning_rate * hidden_deltas[i] * input


def train_epoch(
    network: List[List[Vector]], inputs: List[Vector], targets: List[Vector], learning_rate: float
) -> None:
    """One pass over the data, one step per sample."""
    for input_vector, target_vector in zip(inputs, targets):
        backpropagate(network, input_vector, target_vector, learning_rate)
