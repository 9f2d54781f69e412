"""Seconds for purenn's default training to first reach 97% test accuracy, against MLPClassifier's fit.

    python bench/time_to_accuracy.py                    # seed 0, 3 rounds
    python bench/time_to_accuracy.py --seed 1 --repeats 5
    python bench/time_to_accuracy.py --settings hidden=64 dropout=0.0 epochs=30   # other train.Settings
    python bench/time_to_accuracy.py --to-end           # train every epoch; report the final accuracy too

Data: the vendored digits, the stratified 75/25 split of `purenn train --seed S`
(stratified_split(labels, 0.25, random.Random(S))): 1347 training and 450 test images.

purenn: train.Settings() (or the --settings overrides), the inputs scaled and the network made as
Classifier.fit does it (divide by the largest training pixel, one-hot targets, random.Random(S) for the
weights and then for training), then train.train. After every epoch a progress callback stops the clock,
measures the test accuracy (batch.predict_many, argmax) and starts the clock again: the time reported is
the training time alone, up to the end of the first epoch whose test accuracy is at least 97% (train's own
training-accuracy pass after each epoch is part of train, so it counts).

MLPClassifier (when scikit-learn is installed): hidden_layer_sizes=(100,), random_state=S, its other
defaults (Adam, up to 200 iterations, stopping when the training loss stalls), one BLAS thread, on the
same rows with pixels / 16 as numpy arrays; the time reported is that of fit.

The rounds alternate purenn and MLPClassifier; the script prints each round, the medians and the ratio
purenn's time to 97% / MLPClassifier's fit time.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purenn import batch  # noqa: E402
from purenn.data import apply_scaling, class_list, fit_scaling, load_digits, one_hot, stratified_split, take  # noqa: E402
from purenn.errors import PurennError  # noqa: E402
from purenn.train import History, Settings, argmax_index, train  # noqa: E402

Rows = List[List[float]]
Split = Tuple[Rows, List[int], Rows, List[int]]  # train inputs, train labels, test inputs, test labels
_BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


# -- data -------------------------------------------------------------------------------------


def _split(seed: int) -> Split:
    """The stratified 75/25 split of `purenn train --seed seed`, raw pixels 0..16."""
    inputs, raw_labels = load_digits()
    labels = [int(label) for label in raw_labels]
    train_rows, test_rows = stratified_split(labels, 0.25, random.Random(seed))
    return (
        take(inputs, train_rows),
        take(labels, train_rows),
        take(inputs, test_rows),
        take(labels, test_rows),
    )


# -- purenn -----------------------------------------------------------------------------------


class _Reached(Exception):
    """Raised by the progress callback to end training at the first epoch on target."""


@dataclasses.dataclass
class PurennRun:
    """One purenn training: when it first reached the target, and where it ended."""

    epochs_run: int = 0
    seconds: float = 0.0  # training time up to the last epoch run, test evaluations left out
    evaluation_seconds: float = 0.0  # the test evaluations, not counted in `seconds`
    reached_epoch: Optional[int] = None
    reached_seconds: Optional[float] = None
    accuracies: List[float] = dataclasses.field(default_factory=list)  # test accuracy after each epoch


class _Stopwatch:
    """A clock that can stop: pause() returns the time since start, leaving out earlier pauses."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.paused_seconds = 0.0
        self._paused_at = 0.0

    def pause(self) -> float:
        self._paused_at = time.perf_counter()
        return self._paused_at - self.started - self.paused_seconds

    def resume(self) -> None:
        """Start the clock again; the time since pause() goes to paused_seconds."""
        self.paused_seconds += time.perf_counter() - self._paused_at


def _test_accuracy(network: Any, inputs: Rows, labels: List[int], settings: Settings) -> float:
    outputs = batch.predict_many(network, inputs, settings.activations())
    return sum(argmax_index(o) == label for o, label in zip(outputs, labels)) / len(labels)


def run_purenn(data: Split, settings: Settings, seed: int, target: float, to_end: bool) -> PurennRun:
    """Train as Classifier(seed=seed, <settings>).fit does; time it to the first epoch on target."""
    train_inputs, train_labels, test_inputs, test_labels = data
    classes = class_list(train_labels)
    scaling = fit_scaling(train_inputs, "divide")  # Classifier's default scaling, divide_by=None
    scaled = apply_scaling(train_inputs, scaling)
    test_scaled = apply_scaling(test_inputs, scaling)
    targets = one_hot(train_labels, classes)
    test_classes = [classes.index(label) for label in test_labels]
    run = PurennRun()
    clock = _Stopwatch()
    rng = random.Random(seed)
    network = settings.new_network(len(scaled[0]), len(classes), rng)

    def progress(record: History, epochs: int) -> None:
        run.epochs_run, run.seconds = record.epoch, clock.pause()
        run.accuracies.append(_test_accuracy(network, test_scaled, test_classes, settings))
        clock.resume()
        run.evaluation_seconds = clock.paused_seconds
        if run.reached_epoch is None and run.accuracies[-1] >= target:
            run.reached_epoch, run.reached_seconds = record.epoch, run.seconds
            if not to_end:
                raise _Reached

    with contextlib.suppress(_Reached):
        train(network, scaled, targets, settings, rng, progress=progress)
    return run


def _describe_purenn(run: PurennRun, target: float) -> str:
    reached = (
        f"{100 * target:g}% at epoch {run.reached_epoch} after {run.reached_seconds:.1f} s"
        if run.reached_epoch is not None
        else f"{100 * target:g}% not reached"
    )
    last = (
        f"; {run.epochs_run} epochs in {run.seconds:.1f} s, best {100 * max(run.accuracies):.2f}%, "
        f"last {100 * run.accuracies[-1]:.2f}%"
    )
    return f"{reached}{last} (test evaluations, {run.evaluation_seconds:.1f} s, not counted)"


# -- scikit-learn -----------------------------------------------------------------------------


@dataclasses.dataclass
class SklearnRun:
    seconds: float
    iterations: int
    accuracy: float


def _load_sklearn() -> Optional[Callable[[Split, int], SklearnRun]]:
    """A function timing MLPClassifier's fit on one BLAS thread, or None without scikit-learn."""
    for name in _BLAS_VARIABLES:  # before numpy is first imported: its BLAS reads them at load
        os.environ[name] = "1"
    try:
        import numpy
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the environment variables alone keep BLAS on one thread
        threadpool_limits = None

    def run(data: Split, seed: int) -> SklearnRun:
        train_inputs, train_labels, test_inputs, test_labels = data
        X = numpy.asarray(train_inputs) / 16.0
        y = numpy.asarray(train_labels)
        model = MLPClassifier(hidden_layer_sizes=(100,), random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning when it uses all 200 iterations
            limits = threadpool_limits(limits=1) if threadpool_limits else None
            started = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - started
            if limits is not None:
                limits.restore_original_limits()
        accuracy = float(model.score(numpy.asarray(test_inputs) / 16.0, numpy.asarray(test_labels)))
        return SklearnRun(seconds, int(model.n_iter_), accuracy)

    return run


# -- settings ---------------------------------------------------------------------------------


def _setting(text: str) -> Tuple[str, Any]:
    """'name=value' as (name, value): hidden=64,32 -> (64, 32); numbers, True/False/None; else text."""
    name, equals, value = text.partition("=")
    names = [field.name for field in dataclasses.fields(Settings)]
    if not equals or name not in names:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME one of {', '.join(names)}: {text!r}")
    if name == "hidden":
        try:
            return name, tuple(int(part) for part in value.split(",") if part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"hidden must be sizes like 64 or 64,32: {value!r}") from None
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def _settings(overrides: Sequence[Tuple[str, Any]]) -> Settings:
    settings = dataclasses.replace(Settings(), **dict(overrides))
    settings.check()
    return settings


def _changed(settings: Settings) -> str:
    defaults = Settings()
    changed = [
        f"{f.name}={getattr(settings, f.name)!r}"
        for f in dataclasses.fields(Settings)
        if getattr(settings, f.name) != getattr(defaults, f.name)
    ]
    return ", ".join(changed) or "the defaults"


# -- main -------------------------------------------------------------------------------------


def _median(values: Sequence[Optional[float]]) -> Optional[float]:
    known = [value for value in values if value is not None]
    return statistics.median(known) if len(known) == len(values) else None


def _summary(
    purenn_runs: List[PurennRun], sklearn_runs: List[SklearnRun], target: float, why_not: str
) -> None:
    purenn_time = _median([run.reached_seconds for run in purenn_runs])
    if purenn_time is None:
        print(f"purenn        {100 * target:g}% not reached in at least one round: no median")
    else:
        epochs = ", ".join(sorted({str(run.reached_epoch) for run in purenn_runs}))
        print(f"purenn        median {purenn_time:.2f} s to {100 * target:g}% (epoch {epochs})")
    if not sklearn_runs:
        print(f"MLPClassifier not run ({why_not}): no ratio")
        return
    sklearn_time = statistics.median(run.seconds for run in sklearn_runs)
    accuracy = statistics.median(run.accuracy for run in sklearn_runs)
    print(f"MLPClassifier median fit {sklearn_time:.2f} s, test {100 * accuracy:.2f}%")
    if purenn_time is not None:
        print(
            f"ratio         purenn time to {100 * target:g}% / MLPClassifier fit time = "
            f"{purenn_time / sklearn_time:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="split, weights and training draws (default 0)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of each, alternating (default 3)")
    parser.add_argument("--target", type=float, default=0.97, help="test accuracy to reach (default 0.97)")
    parser.add_argument(
        "--settings",
        nargs="+",
        type=_setting,
        default=[],
        metavar="NAME=VALUE",
        help="train.Settings fields to change, e.g. hidden=64 dropout=0.0 batch_size=64",
    )
    parser.add_argument("--to-end", action="store_true", help="train every epoch; report the final accuracy")
    parser.add_argument("--no-sklearn", action="store_true", help="purenn only")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    try:
        settings = _settings(args.settings)
    except (PurennError, TypeError) as error:
        parser.error(str(error))
    sklearn = None if args.no_sklearn else _load_sklearn()
    data = _split(args.seed)
    print(
        f"Python {sys.version.split()[0]}, seed {args.seed}, stratified 75/25 split "
        f"({len(data[1])} train, {len(data[3])} test); purenn settings: {_changed(settings)}"
    )
    if sklearn is None and not args.no_sklearn:
        print("scikit-learn not found: purenn only")
    purenn_runs: List[PurennRun] = []
    sklearn_runs: List[SklearnRun] = []
    for round_number in range(1, args.repeats + 1):
        purenn_runs.append(run_purenn(data, settings, args.seed, args.target, args.to_end))
        described = _describe_purenn(purenn_runs[-1], args.target)
        print(f"round {round_number} purenn        {described}", flush=True)
        if sklearn is not None:
            sklearn_runs.append(sklearn(data, args.seed))
            run = sklearn_runs[-1]
            print(
                f"round {round_number} MLPClassifier fit {run.seconds:.2f} s, {run.iterations} iterations, "
                f"test {100 * run.accuracy:.2f}% (one BLAS thread)",
                flush=True,
            )
    why_not = "--no-sklearn" if args.no_sklearn else "scikit-learn not found: pip install scikit-learn"
    _summary(purenn_runs, sklearn_runs, args.target, why_not)


if __name__ == "__main__":
    main()
