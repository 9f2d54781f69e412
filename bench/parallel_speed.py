"""How much faster does `purenn train --jobs N` train than one process?

    python bench/parallel_speed.py                   # --jobs 1 against --jobs 2, 2 rounds each
    python bench/parallel_speed.py --jobs 3 --rounds 3
    python bench/parallel_speed.py --batch-size 128  # larger shares: the fixed costs of a step matter less
    python bench/parallel_speed.py --quick           # small sizes: proves it runs, times nothing

Two trainings, each with the default settings of `purenn train` (784-256-10 or 64-256-10, ReLU,
dropout 0.5, softmax, minibatches of 32, momentum 0.9, cosine rate, L2 1e-4; through
Classifier, so inputs divided by their largest value) but fewer epochs (and `--batch-size`):

- digits: purenn/_data/digits.csv's first 1347 rows (the size of the default 75% training split), 3 epochs;
- mnist-sized: bench/memory.py's 5000 synthetic 28x28 images (the vendored digits upscaled,
  cycled and shifted), its first 3748 (75%), 1 epoch.

Each is trained with n_jobs 1 and n_jobs N alternately, `--rounds` times, from the same seed;
the script prints the median seconds of each, their ratio (the speed-up) and the largest
difference between the two trained networks' weights (rounding only: purenn/parallel.py's bound).
The ratio is the figure to read: both run side by side on the same, equally loaded machine.
It also prints what the CPU times allow: this process's CPU seconds with n_jobs 1, over those of
the busiest process with n_jobs N (this one, or the workers' mean). Each process needs at least its
CPU time, so that is an upper bound of the speed-up on an idle machine with N cores, and less
sensitive to other load than the wall clock (a worker's CPU time is counted once it is joined).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
from typing import Dict, List, NamedTuple, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import memory  # noqa: E402  (bench/memory.py: the synthetic 28x28 images)

from purenn.estimator import Classifier  # noqa: E402
from purenn.parallel import START_METHOD, cores  # noqa: E402

DIGITS_ROWS = 1347
MNIST_IMAGES, MNIST_TRAINING = 5000, 3748


def digits(rows: int) -> Tuple[List[List[float]], List[int]]:
    """The first rows of purenn/_data/digits.csv as (pixels 0..16, label)."""
    pairs = memory.read_digits()[:rows]
    return [[float(p) for p in pixels] for pixels, _ in pairs], [label for _, label in pairs]


def mnist_sized(images: int, training: int) -> Tuple[List[List[float]], List[int]]:
    """bench/memory.py's synthetic images (pixels 0..255), the first `training` of `images`."""
    pixels, labels = memory.synthetic_images(images)
    return [[float(p) for p in image] for image in pixels[:training]], labels[:training]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # of the children waited for (joined)
    return usage.ru_utime + usage.ru_stime


class Fit(NamedTuple):
    seconds: float  # wall clock
    own_cpu: float  # this process's CPU seconds
    workers_cpu: float  # the workers' CPU seconds, all together
    weights: List[float]  # the trained network's, flat


def timed_fit(
    inputs: Sequence[Sequence[float]],
    labels: Sequence[int],
    jobs: int,
    epochs: int,
    hidden: int,
    batch_size: int = 32,
) -> Fit:
    """One Classifier(...).fit with n_jobs=jobs: its seconds and CPU seconds, and the weights."""
    gc.collect()
    model = Classifier(
        n_jobs=jobs,
        epochs=epochs,
        hidden=(hidden,),
        batch_size=batch_size,
        measure_train_accuracy=False,
        seed=0,
    )
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    model.fit(inputs, labels)
    seconds, cpu, children = (
        time.perf_counter() - started,
        time.process_time() - cpu,
        _children_cpu() - children,
    )
    return Fit(seconds, cpu, children, [w for layer in model.network_ for neuron in layer for w in neuron])


def compare(
    name: str,
    data: Tuple[List[List[float]], List[int]],
    jobs: int,
    epochs: int,
    rounds: int,
    hidden: int,
    batch_size: int = 32,
) -> None:
    """Alternate n_jobs 1 and n_jobs `jobs` for `rounds` rounds; print the medians and ratios."""
    fits: Dict[int, List[Fit]] = {1: [], jobs: []}
    for _ in range(rounds):
        for n in (1, jobs):
            fits[n].append(timed_fit(*data, n, epochs, hidden, batch_size))
    one = statistics.median(fit.seconds for fit in fits[1])
    many = statistics.median(fit.seconds for fit in fits[jobs])
    serial_cpu = statistics.median(fit.own_cpu for fit in fits[1])
    # The busiest process's CPU time bounds the wall time from below when every process has a core.
    busiest = statistics.median(max(fit.own_cpu, fit.workers_cpu / max(jobs - 1, 1)) for fit in fits[jobs])
    difference = max(abs(a - b) for a, b in zip(fits[1][-1].weights, fits[jobs][-1].weights))
    print(
        f"{name:12} {len(data[0]):5} x {len(data[0][0]):3}, {epochs} epoch(s): "
        f"n_jobs 1 {one:7.2f} s, n_jobs {jobs} {many:7.2f} s, speed-up {one / many:5.2f}x; "
        f"by CPU time at most {serial_cpu / busiest:5.2f}x (largest weight difference {difference:.1e})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="the n_jobs compared with 1 (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs on the digits (default 3)")
    parser.add_argument("--mnist-epochs", type=int, default=1, help="epochs on the 28x28 images (default 1)")
    parser.add_argument("--batch-size", type=int, default=32, help="samples per step (default 32)")
    parser.add_argument("--quick", action="store_true", help="300 digits and 200 images, hidden 32, 1 round")
    options = parser.parse_args()
    hidden = 32 if options.quick else 256
    rounds = 1 if options.quick else options.rounds
    print(
        f"{platform.python_implementation()} {sys.version.split()[0]}, {cores()} cores, "
        f"start method {START_METHOD}; median of {rounds} alternating round(s); hidden {hidden}"
    )
    shared = (rounds, hidden, options.batch_size)
    compare("digits", digits(300 if options.quick else DIGITS_ROWS), options.jobs, options.epochs, *shared)
    images = (250, 200) if options.quick else (MNIST_IMAGES, MNIST_TRAINING)
    compare("mnist-sized", mnist_sized(*images), options.jobs, options.mnist_epochs, *shared)


if __name__ == "__main__":
    main()
