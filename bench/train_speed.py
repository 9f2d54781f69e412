"""How fast does purenn train, against the classic per-sample loop of the tutorials?

    python bench/train_speed.py [--quick] [--rounds N] [--warmup N]

In one run, on one interpreter and the same data (purenn/_data/digits.csv, pixels / 16), for 64-32-10
and 64-64-10 sigmoid networks with squared error, it alternates

  (a) textbook: one epoch of bench/textbook.py, one sample per step,
  (b) purenn:   one epoch of purenn.train.train, minibatches of 32 (no momentum, dropout or L2,
                constant rate, no training-accuracy pass: the textbook's work), and
  (c) engine:   the same epoch as batch.loss_and_gradients and w -= rate * g alone, without the
                trainer's shuffling, bookkeeping and divergence checks,

for several rounds from the same starting weights (the first rounds warm up: 1 on CPython, 5 on
PyPy, whose JIT compiles for longer; each timed run starts after a full garbage collection), and
prints the median microseconds per training sample of each and the ratio textbook / purenn. Then
it times batch.predict_many on 540 images against one purenn epoch on 1347, and the forms the
weight update can take in pure Python.
"""

from __future__ import annotations

import argparse
import copy
import csv
import gc
import os
import platform
import random
import statistics
import sys
import time
from itertools import repeat
from operator import add, mul, sub
from typing import Callable, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import textbook  # noqa: E402  (bench/textbook.py)

from purenn import batch, kernels  # noqa: E402
from purenn.network import Network, make_network  # noqa: E402
from purenn.settings import Settings  # noqa: E402
from purenn.train import train  # noqa: E402

Vector = List[float]

BATCH_SIZE = 32
TRAINING_IMAGES = 1347
TEST_IMAGES = 540
TEXTBOOK_RATE = 0.1
PURENN_RATE = 1.0


def load_digits(path: str) -> Tuple[List[Vector], List[Vector]]:
    """Rows of 64 pixel values 0..16 and a label 0..9: inputs pixel / 16, one-hot targets."""
    inputs, targets = [], []
    with open(path, newline="") as handle:
        for row in csv.reader(handle):
            inputs.append([int(value) / 16 for value in row[:64]])
            label = int(row[64])
            targets.append([1.0 if digit == label else 0.0 for digit in range(10)])
    return inputs, targets


# ---------------------------------------------------------------------------------------------
# The weight update w -= rate * g, in the forms pure Python allows


def update_by_index(network: Network, grads: Network, rate: float) -> None:
    for layer, layer_grads in zip(network, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            for k in range(len(neuron)):
                neuron[k] -= rate * neuron_grads[k]


def update_by_map(network: Network, grads: Network, rate: float) -> None:
    for layer, layer_grads in zip(network, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            neuron[:] = map(sub, neuron, map(mul, neuron_grads, repeat(rate)))


def update_by_comprehension(network: Network, grads: Network, rate: float) -> None:
    for layer, layer_grads in zip(network, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            neuron[:] = [w - rate * g for w, g in zip(neuron, neuron_grads)]


def momentum_by_index(network: Network, velocity: Network, grads: Network, rate: float, mu: float) -> None:
    for layer, layer_v, layer_grads in zip(network, velocity, grads):
        for neuron, v, g in zip(layer, layer_v, layer_grads):
            for k in range(len(neuron)):
                v[k] = mu * v[k] - rate * g[k]
                neuron[k] += v[k]


def momentum_by_map(network: Network, velocity: Network, grads: Network, rate: float, mu: float) -> None:
    for layer, layer_v, layer_grads in zip(network, velocity, grads):
        for neuron, v, g in zip(layer, layer_v, layer_grads):
            v[:] = map(sub, map(mul, v, repeat(mu)), map(mul, g, repeat(rate)))
            neuron[:] = map(add, neuron, v)


ON_PYPY = platform.python_implementation() == "PyPy"
# What batch.py runs here: "layers" with kernels.py's dot product, or "samples" (sample_loops.py).
ENGINE_USED = f"layers, {kernels.FORM}" if batch.ENGINE == "layers" else batch.ENGINE
# Rounds not counted. PyPy's JIT goes on compiling the trainer for several epochs (measured: its
# epoch of 64-32-10 fell from 29 to 25-26 us per sample over the first 12 rounds); CPython needs one.
WARMUP_ROUNDS = 5 if ON_PYPY else 1
# The fastest plain update on each interpreter (the last table this script prints): the index
# loop where the interpreter specialises float bytecode (CPython 3.11+) or compiles it (PyPy).
update = update_by_index if ON_PYPY or sys.version_info >= (3, 11) else update_by_comprehension


# ---------------------------------------------------------------------------------------------
# One epoch of each


def textbook_epoch(network: Network, inputs: List[Vector], targets: List[Vector]) -> None:
    textbook.train_epoch(network, inputs, targets, TEXTBOOK_RATE)


# The trainer doing the textbook's work: sigmoid layers, squared error, plain steps w -= rate * g.
TRAINER_SETTINGS = Settings(
    activation="sigmoid",
    output_activation="sigmoid",
    loss="squared_error",
    rate=PURENN_RATE,
    schedule="constant",
    momentum=0.0,
    l2=0.0,
    dropout=0.0,
    batch_size=BATCH_SIZE,
    epochs=1,
    measure_train_accuracy=False,
)


def purenn_epoch(network: Network, inputs: List[Vector], targets: List[Vector]) -> None:
    train(network, inputs, targets, TRAINER_SETTINGS, random.Random(0))


def engine_epoch(network: Network, inputs: List[Vector], targets: List[Vector]) -> None:
    for start in range(0, len(inputs), BATCH_SIZE):
        _, grads = batch.loss_and_gradients(
            network,
            inputs[start : start + BATCH_SIZE],
            targets[start : start + BATCH_SIZE],
            "sigmoid",
            "squared_error",
        )
        update(network, grads, PURENN_RATE)


def seconds(action: Callable[..., object], *arguments: object) -> float:
    """The wall time of action(*arguments), after a full garbage collection.

    The collection starts every timed run from the same state: otherwise the garbage one engine
    leaves (the textbook's above all) is collected in the next one's time, most on PyPy.
    """
    gc.collect()
    start = time.perf_counter()
    action(*arguments)
    return time.perf_counter() - start


EPOCHS = {"textbook": textbook_epoch, "purenn": purenn_epoch, "engine": engine_epoch}


def compare_training(
    hidden: int, inputs: List[Vector], targets: List[Vector], rounds: int, warmup: int
) -> Dict[str, float]:
    """Median seconds per epoch of each of EPOCHS, alternating, from the same weights.

    The first `warmup` rounds are not counted (PyPy's JIT compiles for several epochs).
    """
    start = make_network([64, hidden, 10], random.Random(hidden))
    times: Dict[str, List[float]] = {name: [] for name in EPOCHS}
    for round_number in range(warmup + rounds):
        for name, epoch in EPOCHS.items():
            elapsed = seconds(epoch, copy.deepcopy(start), inputs, targets)
            if round_number >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def compare_prediction(
    training_data: Tuple[List[Vector], List[Vector]], test_inputs: List[Vector], rounds: int, warmup: int
) -> Tuple[float, float]:
    """Median seconds of (predict_many on the test images, one purenn epoch), 64-64-10."""
    start = make_network([64, 64, 10], random.Random(64))
    predicting, training = [], []
    for round_number in range(warmup + rounds):
        network = copy.deepcopy(start)
        elapsed_training = seconds(purenn_epoch, network, *training_data)
        elapsed_predicting = seconds(batch.predict_many, network, test_inputs, "sigmoid")
        if round_number >= warmup:
            training.append(elapsed_training)
            predicting.append(elapsed_predicting)
    return statistics.median(predicting), statistics.median(training)


def compare_updates(rounds: int) -> Dict[str, float]:
    """Median microseconds of one update of a 64-64-10 network (4810 weights), per form."""
    network = make_network([64, 64, 10], random.Random(1))
    grads = make_network([64, 64, 10], random.Random(2))
    velocity = [[[0.0] * len(neuron) for neuron in layer] for layer in network]
    forms: Dict[str, Tuple[Callable[..., None], Tuple[object, ...]]] = {
        "w -= rate*g, index loop": (update_by_index, (network, grads, 1e-9)),
        "w -= rate*g, map, slice assignment": (update_by_map, (network, grads, 1e-9)),
        "w -= rate*g, list comprehension": (update_by_comprehension, (network, grads, 1e-9)),
        "momentum, index loop": (momentum_by_index, (network, velocity, grads, 1e-9, 0.9)),
        "momentum, map, slice assignment": (momentum_by_map, (network, velocity, grads, 1e-9, 0.9)),
    }
    repeats = 200

    def repeated(form: Callable[..., None], arguments: Tuple[object, ...]) -> None:
        for _ in range(repeats):
            form(*arguments)

    times: Dict[str, List[float]] = {name: [] for name in forms}
    for round_number in range(rounds + 1):
        for name, (form, arguments) in forms.items():
            elapsed = seconds(repeated, form, arguments) / repeats
            if round_number > 0:
                times[name].append(elapsed)
    return {name: statistics.median(values) * 1e6 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds on 320 training images")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds (default 5, quick 3)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=WARMUP_ROUNDS,
        help=f"rounds run first and not counted (default {WARMUP_ROUNDS} on this interpreter)",
    )
    options = parser.parse_args()
    rounds = options.rounds or (3 if options.quick else 5)
    inputs, targets = load_digits(os.path.join(os.path.dirname(HERE), "purenn", "_data", "digits.csv"))
    size = 320 if options.quick else TRAINING_IMAGES
    training_data = inputs[:size], targets[:size]
    test_inputs = inputs[-TEST_IMAGES:]

    version = sys.version.split()[0]
    print(
        f"{platform.python_implementation()} {version}, purenn engine: {ENGINE_USED}; "
        f"update: {update.__name__}"
    )
    print(
        f"{size} training images, minibatch {BATCH_SIZE}, "
        f"median of {rounds} alternating rounds after {options.warmup} not counted"
    )
    print("us per training sample:")
    print(f"{'network':10} {'textbook':>9} {'purenn':>9} {'speed-up':>9} {'engine':>9} {'speed-up':>9}")
    textbook_per_sample = 0.0
    for hidden in (32, 64):
        per_sample = {
            name: value / size * 1e6
            for name, value in compare_training(hidden, *training_data, rounds, options.warmup).items()
        }
        textbook_per_sample = per_sample["textbook"] / 1e6
        print(
            f"64-{hidden}-10 {per_sample['textbook']:10.1f} {per_sample['purenn']:9.1f} "
            f"{per_sample['textbook'] / per_sample['purenn']:8.2f}x {per_sample['engine']:9.1f} "
            f"{per_sample['textbook'] / per_sample['engine']:8.2f}x"
        )

    full_train = inputs[:TRAINING_IMAGES], targets[:TRAINING_IMAGES]
    predicting, training = compare_prediction(full_train, test_inputs, rounds, options.warmup)
    textbook_epoch_seconds = textbook_per_sample * TRAINING_IMAGES
    print(
        f"predict_many on {len(test_inputs)} images, 64-64-10: {predicting * 1e3:.1f} ms; "
        f"one epoch of {TRAINING_IMAGES} images: purenn {training * 1e3:.0f} ms "
        f"(ratio {predicting / training:.3f}), textbook {textbook_epoch_seconds * 1e3:.0f} ms "
        f"(ratio {predicting / textbook_epoch_seconds:.3f})"
    )

    print("one update of a 64-64-10 network (4810 weights), us:")
    for name, micros in compare_updates(rounds).items():
        print(f"  {name:36} {micros:8.1f}")


if __name__ == "__main__":
    main()
