"""The ng-ex4 recipe on a file like Andrew Ng's ex4data1.mat: its time per iteration and its accuracy.

    python bench/ng_ex4.py --write ex4like.mat      # only write the file (5000 x 400 doubles, y 1..10)
    python bench/ng_ex4.py                           # the 800 iterations of ng-ex4, timed (see README)
    python bench/ng_ex4.py --iterations 20           # a partial measurement: 20 iterations
    python bench/ng_ex4.py --log run.log             # one line per iteration, flushed, for long runs
    python bench/ng_ex4.py --per-class 5 --iterations 2   # a smoke test: 50 images

We do not have ex4data1.mat. `ex4_like` builds a data set shaped like it from the vendored 8x8 UCI
digits: 500 images of each digit, sorted by class as ex4data1 is described (the zeros first, labelled
10, then 1, 2, ..., 9), each a digit of the vendored set (taken in turn within its class) enlarged to
20x20 by bilinear interpolation after a random shift of up to half a source pixel each way, ink in
[0, 1], and unrolled column-major (Fortran order) as MATLAB's X(:) does. The file is written with
purenn.matlab.mat_bytes and read back through purenn.data.load_dataset, as `purenn train --data` reads
it.

Training is `purenn train --preset ng-ex4`'s: Classifier(**PRESETS["ng-ex4"].params) on all 5000 rows,
one full-batch step per iteration; the seconds of every iteration are printed (and logged) as they
happen, then the total, the mean per iteration and the training accuracy.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, List, Optional, TextIO, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purenn import Classifier  # noqa: E402
from purenn.data import load_dataset, load_digits  # noqa: E402
from purenn.matlab import mat_bytes  # noqa: E402
from purenn.presets import PRESETS  # noqa: E402

SIDE = 20
SOURCE_SIDE = 8
PER_CLASS = 500


def _bilinear(pixels: List[float], row: float, column: float) -> float:
    """The 8x8 image (row-major) at a fractional position; 0 outside the image.

    >>> _bilinear([1.0] * 64, 3.5, 3.5), _bilinear([1.0] * 64, -1.0, 0.0)
    (1.0, 0.0)
    """
    r0, c0 = int(row // 1), int(column // 1)
    fr, fc = row - r0, column - c0
    value = 0.0
    for r, wr in ((r0, 1.0 - fr), (r0 + 1, fr)):
        for c, wc in ((c0, 1.0 - fc), (c0 + 1, fc)):
            if 0 <= r < SOURCE_SIDE and 0 <= c < SOURCE_SIDE and wr * wc:
                value += wr * wc * pixels[r * SOURCE_SIDE + c]
    return value


def enlarge_column_major(pixels: List[float], shift_rows: float, shift_columns: float) -> List[float]:
    """An 8x8 image (row-major, 0..16) as 20x20 (ink 0..1), unrolled column by column.

    >>> image = enlarge_column_major([16.0 if k % 8 == 0 else 0.0 for k in range(64)], 0.0, 0.0)
    >>> round(sum(image[:SIDE]), 3) > 0, sum(image[-SIDE:])   # ink in the first column only
    (True, 0.0)
    """
    scale = SOURCE_SIDE / SIDE
    columns = []
    for c in range(SIDE):
        for r in range(SIDE):
            source_row = (r + 0.5) * scale - 0.5 + shift_rows
            source_column = (c + 0.5) * scale - 0.5 + shift_columns
            columns.append(_bilinear(pixels, source_row, source_column) / 16.0)
    return columns


def ex4_like(seed: int = 0, per_class: int = PER_CLASS) -> Tuple[List[List[float]], List[int]]:
    """10 * per_class rows of 400 pixels (column-major 20x20), labels 1..10 (10 = the digit 0), as ex4data1.

    >>> inputs, labels = ex4_like()
    >>> len(inputs), len(inputs[0]), labels[0], labels[500], labels[-1]
    (5000, 400, 10, 1, 9)
    """
    images, digits = load_digits()
    rng = random.Random(seed)
    inputs: List[List[float]] = []
    labels: List[int] = []
    for digit in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]:
        members = [index for index, label in enumerate(digits) if label == digit]
        for k in range(per_class):
            shift = (rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5))
            inputs.append(enlarge_column_major(images[members[k % len(members)]], *shift))
            labels.append(10 if digit == 0 else int(digit))
    return inputs, labels


def write_ex4_like(path: str, seed: int = 0, per_class: int = PER_CLASS) -> None:
    """Write ex4_like(seed, per_class) as a MAT-file: X (10 * per_class) x 400 doubles, y a column."""
    inputs, labels = ex4_like(seed, per_class)
    Path(path).write_bytes(mat_bytes({"X": inputs, "y": [[float(label)] for label in labels]}))


def _say(streams: List[TextIO], line: str) -> None:
    """Write a line to every stream, flushed (a long run's log is readable while it runs)."""
    for stream in streams:
        stream.write(line + "\n")
        stream.flush()


class _Clock:
    """The progress callback: the seconds of every iteration, printed as they come."""

    def __init__(self, streams: List[TextIO]) -> None:
        self.streams = streams
        self.last = time.perf_counter()
        self.seconds: List[float] = []

    def __call__(self, record: Any, epochs: int) -> None:
        now = time.perf_counter()
        self.seconds.append(now - self.last)
        self.last = now
        _say(
            self.streams,
            f"iteration {record.epoch}/{epochs}: {self.seconds[-1]:.3f} s, cost {record.loss:.6f}",
        )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", metavar="FILE", help="write the ex4-like MAT-file and stop")
    parser.add_argument("--iterations", type=int, default=800, help="iterations to time (default 800)")
    parser.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    parser.add_argument("--log", metavar="FILE", help="also log every iteration to FILE")
    parser.add_argument("--per-class", type=int, default=PER_CLASS, help="images of each digit (500)")
    args = parser.parse_args(argv)
    if args.write:
        write_ex4_like(args.write, per_class=args.per_class)
        print(f"wrote {args.write}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ex4like.mat")
        write_ex4_like(path, per_class=args.per_class)
        inputs, labels = load_dataset(path)
    params = dict(PRESETS["ng-ex4"].params, epochs=args.iterations, seed=args.seed)
    with contextlib.ExitStack() as stack:
        streams: List[TextIO] = [sys.stdout]
        if args.log:
            streams.append(stack.enter_context(open(args.log, "a")))
        _say(
            streams,
            f"{platform.python_implementation()} {platform.python_version()}: ng-ex4, "
            f"{args.iterations} iterations on {len(inputs)} x {len(inputs[0])}, seed {args.seed}",
        )
        started = time.perf_counter()
        model = Classifier(**params).fit(inputs, labels, progress=_Clock(streams))
        seconds = time.perf_counter() - started
        accuracy = model.score(inputs, labels)
        _say(
            streams,
            f"{args.iterations} iterations in {seconds:.1f} s ({seconds / args.iterations:.3f} s "
            f"each); training accuracy {100 * accuracy:.2f}%",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
