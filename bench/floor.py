"""The floor under any pure-Python trainer: what issue 4's speed targets ask of one multiply-add.

    python bench/floor.py
    python bench/floor.py --rounds 9      # PYENV_VERSION=3.9.18 python ..., pypy3 ...

Training and prediction are mostly multiply-adds (the three matrix products of batch.py), and in
pure Python each one costs at least what the cheapest C-level form of the standard library
charges for it. In one run, on this interpreter, this script measures:

1. the cost of one multiply-add, per form, on rows of 65 values (the digits' input layer: the
   longest rows, so the least call overhead per product): math.sumprod (CPython 3.12+),
   sum(map(mul, row, v)), the polarisation identity w.h = (|h + w|^2 - |h - w|^2) / 4 with
   math.dist (-w made once per matrix), and the index loop (the fast form on PyPy);
2. the multiply-adds that one training sample needs when every zero input is left out, which no
   engine computing the same math can do with fewer, counted on the digits (pixels / 16):
       forward      n_out * (nonzero inputs + 1) per layer (the + 1 is the bias),
       errors below n_in * n_out per layer but the first,
       gradient     n_out * (nonzero inputs + 1) per layer (the sum over the batch of delta * h),
   for the 64-32-10 and 64-64-10 sigmoid networks of bench/train_speed.py (a sigmoid output is
   never 0); and for the default 64-256-10 network only its first layer's forward and gradient
   products, 2 * 256 * (nonzero pixels + 1), a lower bound whatever ReLU and dropout zero above it;
3. one epoch of the textbook loop (bench/textbook.py) on the same 1347 images, per sample.

Then it prints the floor, products x the cheapest cost, as microseconds per sample, and what it
allows at best: the speed-up over the textbook (target 6x on CPython, 3x on PyPy), prediction of
540 test images against one training epoch of 1347 at the same cost per product (target under
0.1), and one epoch of the default network (against MLPClassifier's whole fit, MLP_FIT_SECONDS
as bench/README.md measured it). A floor leaves out everything else a trainer does (activations, losses,
updates, lists): real engines run above it, so a target below the floor cannot be reached by
rearranging loops; only a cheaper multiply-add or fewer products could reach it.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from itertools import repeat
from operator import mul
from typing import Callable, Dict, List, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import textbook  # noqa: E402  (bench/textbook.py)
from train_speed import TEST_IMAGES, TRAINING_IMAGES, load_digits, textbook_epoch  # noqa: E402

from purenn.network import make_network  # noqa: E402

Vector = List[float]
Matrix = List[Vector]
ROWS, WIDTH = 32, 65  # a 64-32-10 network's first layer: 32 rows of 64 weights and a bias
DEFAULT_HIDDEN = 256
SPEED_UP_TARGET = 3.0 if platform.python_implementation() == "PyPy" else 6.0
PREDICTION_TARGET = 0.1
MLP_FIT_SECONDS = 0.72  # bench/README.md: MLPClassifier(100) fit, CPython 3.11, one BLAS thread


# ---------------------------------------------------------------------------------------------
# 1. One multiply-add, in each form: every function computes [w . h for w in rows] for each h


def _by_sumprod(rows: Matrix, vectors: Matrix) -> List[Vector]:
    return [list(map(math.sumprod, rows, repeat(h))) for h in vectors]


def _by_sum_of_map(rows: Matrix, vectors: Matrix) -> List[Vector]:
    return [[sum(map(mul, w, h)) for w in rows] for h in vectors]


def _by_dist(rows: Matrix, vectors: Matrix) -> List[Vector]:
    negated = [[-value for value in w] for w in rows]
    dist = math.dist
    result = []
    for h in vectors:
        plus = map(dist, repeat(h), negated)  # |h + w|
        minus = map(dist, repeat(h), rows)  # |h - w|
        result.append([(p * p - m * m) * 0.25 for p, m in zip(plus, minus)])
    return result


def _dot_by_index(w: Sequence[float], h: Sequence[float]) -> float:
    total = 0.0
    for k in range(len(w)):
        total += w[k] * h[k]
    return total


def _by_index(rows: Matrix, vectors: Matrix) -> List[Vector]:
    return [[_dot_by_index(w, h) for w in rows] for h in vectors]


def forms() -> Dict[str, Callable[[Matrix, Matrix], List[Vector]]]:
    """The multiply-add forms this interpreter has."""
    available = {"sum(map(mul))": _by_sum_of_map, "math.dist": _by_dist, "index loop": _by_index}
    if hasattr(math, "sumprod"):
        available = {"math.sumprod": _by_sumprod, **available}
    return available


def nanoseconds_per_product(rounds: int) -> Dict[str, float]:
    """Median ns per multiply-add of each form: ROWS x ROWS dot products of WIDTH values."""
    rng = random.Random(0)
    rows = [[rng.uniform(-1.0, 1.0) for _ in range(WIDTH)] for _ in range(ROWS)]
    vectors = [[rng.uniform(0.0, 1.0) for _ in range(WIDTH)] for _ in range(ROWS)]
    repeats, products = 20, ROWS * ROWS * WIDTH
    times: Dict[str, List[float]] = {name: [] for name in forms()}
    for round_number in range(rounds + 1):  # round 0 warms up
        for name, form in forms().items():
            start = time.perf_counter()
            for _ in range(repeats):
                form(rows, vectors)
            if round_number > 0:
                times[name].append((time.perf_counter() - start) / repeats / products * 1e9)
    return {name: statistics.median(values) for name, values in times.items()}


# ---------------------------------------------------------------------------------------------
# 2. The multiply-adds a sample needs, zeros left out


def layer_products(n_out: int, nonzero_inputs: float) -> float:
    """n_out * (nonzero inputs + 1): the sums z = W h, or the gradient sums over the batch.

    >>> layer_products(10, 32)
    330
    """
    return n_out * (nonzero_inputs + 1)


def training_products(hidden: int, nonzero_pixels: float) -> float:
    """Forward, errors below and gradient products of one sample for a 64-hidden-10 sigmoid net.

    >>> training_products(32, 64)  # no zero pixel: 2 * (32*65 + 10*33) + 32*10
    5140
    """
    forward = layer_products(hidden, nonzero_pixels) + layer_products(10, hidden)
    return 2 * forward + hidden * 10


def prediction_products(hidden: int, nonzero_pixels: float) -> float:
    """Forward products of one image for a 64-hidden-10 network (sigmoid: no hidden zero)."""
    return layer_products(hidden, nonzero_pixels) + layer_products(10, hidden)


def mean_nonzero(inputs: Matrix) -> float:
    """The mean count of nonzero values per input row."""
    return statistics.fmean(sum(1 for value in row if value != 0.0) for row in inputs)


# ---------------------------------------------------------------------------------------------
# 3. The textbook, and the report


def textbook_us_per_sample(hidden: int, inputs: Matrix, targets: Matrix, rounds: int) -> float:
    """Median us per sample of one textbook epoch of a 64-hidden-10 network."""
    start = make_network([64, hidden, 10], random.Random(hidden))
    times = []
    for round_number in range(rounds + 1):
        network = [[list(neuron) for neuron in layer] for layer in start]
        began = time.perf_counter()
        textbook_epoch(network, inputs, targets)
        if round_number > 0:
            times.append((time.perf_counter() - began) / len(inputs) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    options = parser.parse_args()
    inputs, targets = load_digits(os.path.join(os.path.dirname(HERE), "purenn", "_data", "digits.csv"))
    train_inputs, train_targets = inputs[:TRAINING_IMAGES], targets[:TRAINING_IMAGES]
    test_inputs = inputs[-TEST_IMAGES:]

    print(f"{platform.python_implementation()} {sys.version.split()[0]}, textbook: {textbook.__name__}.py")
    costs = nanoseconds_per_product(options.rounds)
    cheapest = min(costs, key=costs.__getitem__)
    print("ns per multiply-add (rows of 65, median of the rounds): ", end="")
    print(", ".join(f"{name} {value:.2f}" for name, value in costs.items()) + f"; cheapest: {cheapest}")
    per_product_us = costs[cheapest] / 1000

    nonzero_train, nonzero_test = mean_nonzero(train_inputs), mean_nonzero(test_inputs)
    print(f"nonzero pixels per image: {nonzero_train:.1f} of 64 (training), {nonzero_test:.1f} (test)")
    print(f"{'network':10} {'products':>9} {'floor us':>9} {'textbook us':>12} {'best speed-up':>14} target")
    for hidden in (32, 64):
        products = training_products(hidden, nonzero_train)
        floor = products * per_product_us
        textbook_us = textbook_us_per_sample(hidden, train_inputs, train_targets, options.rounds)
        print(
            f"64-{hidden}-10 {products:10.0f} {floor:9.1f} {textbook_us:12.1f} "
            f"{textbook_us / floor:13.2f}x {SPEED_UP_TARGET:g}x"
        )

    predicting = len(test_inputs) * prediction_products(64, nonzero_test)
    training = len(train_inputs) * training_products(64, nonzero_train)
    print(
        f"prediction of {len(test_inputs)} images / one epoch of {len(train_inputs)}, 64-64-10, "
        f"at the same cost per product: at least {predicting / training:.3f} (target < {PREDICTION_TARGET})"
    )
    default_products = len(train_inputs) * 2 * layer_products(DEFAULT_HIDDEN, nonzero_train)
    default_epoch = default_products * per_product_us / 1e6
    print(
        f"one epoch of the default 64-{DEFAULT_HIDDEN}-10 on {len(train_inputs)} images: at least "
        f"{default_epoch:.2f} s (MLPClassifier's whole fit: {MLP_FIT_SECONDS} s on CPython 3.11)"
    )


if __name__ == "__main__":
    main()
