"""Peak memory of `purenn train` on 5000 MNIST-sized images (28x28, pixels 0..255).

    python bench/memory.py                  # 5000 images, 1 epoch of the default 784-256-10 network
    python bench/memory.py --epochs 3
    python bench/memory.py --tracemalloc    # also the tracemalloc peak of the same run, in this process

There is no MNIST here, so the images are made from the vendored 8x8 digits (purenn/_data/digits.csv,
1797 images of pixels 0..16 with their labels): each is upscaled to 28x28 by bilinear
interpolation (sample centres aligned, edges clamped) and mapped to integers 0..255
(round(value * 255 / 16)). To reach 5000 images the 1797 digits are cycled: the first pass is
unchanged, the second moves every image one pixel right and one down, the third one left and one
up (later passes by two pixels), filling the uncovered edge with 0. So these are real handwritten digits, but
blurrier than MNIST's, with fewer distinct images (1797), and fewer zero pixels (32% of them against
about four in five in MNIST), which matters for speed, not for the size of the data in memory.

They are written as MNIST IDX files (images: magic 0x00000803, n x 28 x 28 unsigned bytes;
labels: magic 0x00000801, n unsigned bytes) named `synthetic-images-idx3-ubyte` and
`synthetic-labels-idx1-ubyte` in a temporary directory, so `purenn train --data IMAGES` finds the
labels by MNIST's naming. Then, each in a child process of its own:

- baseline: `python -c "import purenn"`, the interpreter and the library with no data;
- train: `python -m purenn train --data IMAGES --epochs N --quiet --out TMP/model.json`, every other
  setting the default (784-256-10, ReLU + dropout, softmax, minibatches of 32, pixels divided by
  the largest, 255, the stratified 75/25 split: 3748 training images, 1252 test).

Each child's peak resident set size is its ru_maxrss from os.wait4 (kilobytes on Linux, bytes on
macOS), the per-child form of resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, which gives the
largest child so far (printed last). MB here is 10**6 bytes. The issue's bound is a peak under
200 MB; the exit status is 0 when the training child stays under it, 1 otherwise.

The images are made by a child too, so that this process stays small: on Linux a child's
ru_maxrss also counts what it held of this process's memory until its exec (with fork or vfork
alike), and a parent that had made the 5000 images itself made the baseline read 61 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import pathlib
import resource
import struct
import subprocess
import sys
import tempfile
import time
from typing import List, Sequence, Tuple

REPO = pathlib.Path(__file__).resolve().parent.parent
DIGITS = REPO / "purenn" / "_data" / "digits.csv"
SIDE = 28
LIMIT_MB = 200.0
# The moves (right, down) of the passes after the first, in pixels.
SHIFTS = [(0, 0), (1, 1), (-1, -1), (2, 0), (0, 2), (-2, 0), (0, -2)]


def read_digits(path: pathlib.Path = DIGITS) -> List[Tuple[List[int], int]]:
    """The vendored digits as (64 pixels 0..16, label) pairs."""
    with open(path, newline="") as stream:
        return [([int(v) for v in row[:64]], int(row[64])) for row in csv.reader(stream) if row]


def _source_positions(side: int, source_side: int) -> List[Tuple[int, int, float]]:
    """For each target index: (lower source index, upper source index, weight of the upper one).

    >>> _source_positions(4, 2)
    [(0, 1, 0.0), (0, 1, 0.25), (0, 1, 0.75), (1, 1, 0.0)]
    """
    positions = []
    for target in range(side):
        place = (target + 0.5) * source_side / side - 0.5  # sample centres aligned
        place = min(max(place, 0.0), source_side - 1.0)
        low = int(place)
        high = min(low + 1, source_side - 1)
        positions.append((low, high, place - low))
    return positions


def upscale(pixels: Sequence[int], source_side: int = 8, side: int = SIDE) -> List[int]:
    """Bilinear upscale of a square image of values 0..16 to side x side integers 0..255.

    >>> upscale([0, 16, 16, 0], source_side=2, side=2)
    [0, 255, 255, 0]
    >>> upscale([0, 16, 0, 16], source_side=2, side=4)[:4]
    [0, 64, 191, 255]
    """
    positions = _source_positions(side, source_side)
    image = []
    for y0, y1, wy in positions:
        for x0, x1, wx in positions:
            top = pixels[y0 * source_side + x0] * (1 - wx) + pixels[y0 * source_side + x1] * wx
            bottom = pixels[y1 * source_side + x0] * (1 - wx) + pixels[y1 * source_side + x1] * wx
            value = top * (1 - wy) + bottom * wy
            image.append(min(255, max(0, round(value * 255 / 16))))
    return image


def shift(image: Sequence[int], right: int, down: int, side: int = SIDE) -> List[int]:
    """Move a square image by (right, down) pixels, filling the uncovered edge with 0.

    >>> shift([1, 2, 3, 4], 1, 0, side=2)
    [0, 1, 0, 3]
    """
    moved = [0] * (side * side)
    for y in range(side):
        for x in range(side):
            sy, sx = y - down, x - right
            if 0 <= sy < side and 0 <= sx < side:
                moved[y * side + x] = image[sy * side + sx]
    return moved


def synthetic_images(count: int) -> Tuple[List[List[int]], List[int]]:
    """count 28x28 images (integers 0..255) and labels: the digits upscaled, cycled and shifted."""
    digits = read_digits()
    upscaled = [upscale(pixels) for pixels, _ in digits]
    images, labels = [], []
    for index in range(count):
        turn, which = divmod(index, len(digits))
        right, down = SHIFTS[turn % len(SHIFTS)]
        images.append(shift(upscaled[which], right, down))
        labels.append(digits[which][1])
    return images, labels


def write_idx(folder: pathlib.Path, images: List[List[int]], labels: List[int]) -> pathlib.Path:
    """Write MNIST-style IDX images and labels files into folder; return the images' path."""
    images_path = folder / "synthetic-images-idx3-ubyte"
    labels_path = folder / "synthetic-labels-idx1-ubyte"
    with open(images_path, "wb") as stream:
        stream.write(struct.pack(">IIII", 0x00000803, len(images), SIDE, SIDE))
        for image in images:
            stream.write(bytes(image))
    with open(labels_path, "wb") as stream:
        stream.write(struct.pack(">II", 0x00000801, len(labels)))
        stream.write(bytes(labels))
    return images_path


def run_child(command: List[str], folder: pathlib.Path, name: str) -> Tuple[int, float, float, str]:
    """Run command from the repository root; return (exit code, peak RSS in MB, seconds, output)."""
    output_path = folder / f"{name}.out"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    started = time.perf_counter()
    with open(output_path, "wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, _megabytes(usage.ru_maxrss), seconds, output_path.read_text()


def _megabytes(maxrss: int) -> float:
    """ru_maxrss in MB (10**6 bytes): kilobytes on Linux, bytes on macOS."""
    return maxrss / 1e6 if sys.platform == "darwin" else maxrss * 1024 / 1e6


def traced_peak(images_path: pathlib.Path, epochs: int, folder: pathlib.Path) -> Tuple[float, float]:
    """Run the same `purenn train` in this process under tracemalloc; (peak MB, seconds)."""
    import tracemalloc  # CPython's: not in PyPy

    sys.path.insert(0, str(REPO))
    from purenn import cli

    tracemalloc.start()
    started = time.perf_counter()
    arguments = ["train", "--data", str(images_path), "--epochs", str(epochs), "--quiet"]
    status = cli.main([*arguments, "--out", str(folder / "traced.json")])
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if status != 0:
        raise SystemExit(f"purenn train under tracemalloc exited with {status}")
    return peak / 1e6, seconds


def write_dataset(folder: pathlib.Path, count: int) -> None:
    """Make count synthetic images and write them as IDX files into folder (a child's job)."""
    images, labels = synthetic_images(count)
    write_idx(folder, images, labels)
    zeros = sum(row.count(0) for row in images) / (len(images) * SIDE * SIDE)
    print(f"{count} synthetic {SIDE}x{SIDE} images, {100 * zeros:.0f}% zero pixels")


def measure(args: argparse.Namespace, folder: pathlib.Path) -> float:
    """Make the data, then run the baseline and the training children; return the training peak."""
    images_path = folder / "synthetic-images-idx3-ubyte"
    writer = [sys.executable, str(pathlib.Path(__file__).resolve()), "--write-to", str(folder)]
    status, _, seconds, output = run_child([*writer, "--images", str(args.images)], folder, "write")
    if status != 0:
        raise SystemExit(f"making the data failed:\n{output}")
    print(f"{output.strip()}, written in {seconds:.1f} s")
    _, baseline, seconds, _ = run_child([sys.executable, "-c", "import purenn"], folder, "baseline")
    print(f"baseline (python -c 'import purenn'): peak RSS {baseline:.1f} MB, {seconds:.1f} s")
    command = [sys.executable, "-m", "purenn", "train", "--data", str(images_path)]
    command += ["--epochs", str(args.epochs), "--quiet", "--out", str(folder / "model.json")]
    status, peak, seconds, output = run_child(command, folder, "train")
    print(output.rstrip())
    if status != 0:
        raise SystemExit(f"purenn train exited with status {status}")
    verdict = "under" if peak < LIMIT_MB else "NOT under"
    print(
        f"purenn train, {args.epochs} epoch{'s' if args.epochs != 1 else ''}: peak RSS {peak:.1f} MB "
        f"({peak - baseline:.1f} MB above the baseline), {verdict} {LIMIT_MB:.0f} MB; "
        f"wall time {seconds:.1f} s"
    )
    if args.tracemalloc:
        print("tracing the same run in this process (about 8 times slower):", flush=True)
        traced, seconds = traced_peak(images_path, args.epochs, folder)
        print(f"tracemalloc peak of the same run in this process: {traced:.1f} MB ({seconds:.1f} s)")
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=5000, help="how many images (default 5000)")
    parser.add_argument("--epochs", type=int, default=1, help="training epochs (default 1)")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the same run in this process (slower)"
    )
    parser.add_argument("--write-to", metavar="DIR", help=argparse.SUPPRESS)  # the data-making child
    args = parser.parse_args()
    if args.write_to:
        write_dataset(pathlib.Path(args.write_to), args.images)
        return 0
    print(f"{sys.implementation.name} {sys.version.split()[0]}, {sys.platform}")
    with tempfile.TemporaryDirectory(prefix="purenn-memory-") as name:
        peak = measure(args, pathlib.Path(name))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"(largest child, getrusage(RUSAGE_CHILDREN).ru_maxrss: {_megabytes(children):.1f} MB)")
    return 0 if peak < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
