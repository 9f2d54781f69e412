"""Backpropagation by hand: the reference engine's functions in a training loop of your own.

    python examples/sgd_by_hand.py

A 64-16-10 sigmoid network trained with per-sample stochastic gradient descent on the vendored digits,
the loop written out in full: feed forward, compare, backpropagate, repeat. Before training, the
gradients of one sample are checked against central finite differences (purenn.gradcheck).
"""

from __future__ import annotations

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone

from purenn.data import load_digits  # noqa: E402
from purenn.gradcheck import check_gradients  # noqa: E402
from purenn.network import backpropagate, loss, make_network, predict  # noqa: E402
from purenn.splits import one_hot  # noqa: E402

ACTIVATIONS = ["sigmoid", "sigmoid"]
LOSS = "squared_error"


def argmax(values: list) -> int:
    return max(range(len(values)), key=values.__getitem__)


def accuracy(network: list, inputs: list, labels: list) -> float:
    hits = sum(argmax(predict(network, x, ACTIVATIONS)) == label for x, label in zip(inputs, labels))
    return hits / len(labels)


def main() -> None:
    pixels, labels = load_digits()
    inputs = [[p / 16.0 for p in row] for row in pixels]  # pixels 0..16 -> 0..1
    targets = one_hot(labels, list(range(10)))
    train, test = range(0, 1400), range(1400, len(inputs))  # later writers are the test set

    rng = random.Random(0)
    network = make_network([64, 16, 10], rng, init="glorot")
    worst = check_gradients(network, inputs[0], targets[0], ACTIVATIONS, LOSS)
    print(f"backpropagation vs central differences, worst relative error: {worst:.1e}")

    order = list(train)
    for epoch in range(1, 11):
        rng.shuffle(order)
        for i in order:
            backpropagate(network, inputs[i], targets[i], 0.5, ACTIVATIONS, LOSS)  # w -= 0.5 * dC/dw
        mean_loss = sum(loss(network, inputs[i], targets[i], ACTIVATIONS, LOSS) for i in train) / len(train)
        test_accuracy = accuracy(network, [inputs[i] for i in test], [labels[i] for i in test])
        print(f"epoch {epoch:2d}: mean loss {mean_loss:.4f}, test accuracy {test_accuracy:.2%}")


if __name__ == "__main__":
    main()
