"""Seconds for purenn's default training to first reach 97% test accuracy, against MLPClassifier's fit.

    python bench/time_to_accuracy.py                    # seed 0, 3 rounds
    python bench/time_to_accuracy.py --seed 1 --repeats 5
    python bench/time_to_accuracy.py --settings hidden=64 dropout=0.0 epochs=30   # Classifier parameters
    python bench/time_to_accuracy.py --to-end           # train every epoch; report the final accuracy too
    python bench/time_to_accuracy.py --preset fast --seeds 0 1 2 3 4    # a preset, several seeds
    pypy3 bench/time_to_accuracy.py --preset fast --sklearn-python /path/to/venv/bin/python

Data: the vendored digits, the split of `purenn train --seed S` (with --preset P, of `purenn train
--preset P --seed S`): workflow.prepare_training with Recipe(preset=P, seed=S); for the default and fast
presets the stratified 75/25 split, 1347 training and 450 test images.

purenn: Classifier(**preset params, seed=S) (with the --settings changes) trained by Prepared.fit, as
`purenn train` trains it: Classifier.fit checks the rows, divides by the largest training pixel, one-hot
encodes the labels, makes the network with random.Random(S) and trains it with the same rng. After every
epoch a
progress callback stops the clock, measures the test accuracy (batch.predict_many, argmax) and starts
the clock again: the time reported is Classifier.fit's alone, up to the end of the first epoch whose
test accuracy is at least 97% (train's own training-accuracy pass after each epoch, where the
settings ask for one, is part of fit, so it counts; the default and `fast` make none). The
callback then returns True, which stops the training after that epoch (train's progress protocol;
--to-end never does).

MLPClassifier (when scikit-learn is installed): hidden_layer_sizes=(100,), random_state=S, its other
defaults (Adam, up to 200 iterations, stopping when the training loss stalls), one BLAS thread, on the
same rows with pixels / 16 as numpy arrays; the time reported is that of fit. With --sklearn-python PY
it runs in one subprocess of the interpreter PY (one that has scikit-learn: on PyPy, or where
scikit-learn has no wheel), started once and sent each round's rows, so the rounds still alternate.

The rounds alternate purenn and MLPClassifier; the script prints each round, the medians and the ratio
purenn's time to 97% / MLPClassifier's fit time, per seed, and with several seeds how many reach a
ratio of at most 1.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purenn import batch, estimator  # noqa: E402
from purenn.errors import PurennError  # noqa: E402
from purenn.estimator import Classifier  # noqa: E402
from purenn.metrics import argmax_index  # noqa: E402
from purenn.presets import PRESETS, get_preset  # noqa: E402
from purenn.scaling import apply_scaling  # noqa: E402
from purenn.splits import class_list  # noqa: E402
from purenn.train import History  # noqa: E402
from purenn.workflow import DataSource, Prepared, Recipe, prepare_training  # noqa: E402

Rows = List[List[float]]
Split = Tuple[Rows, List[Any], Rows, List[Any]]  # train inputs, train labels, test inputs, test labels
_BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


# -- purenn -----------------------------------------------------------------------------------


def _prepare(preset: str, changes: Dict[str, Any], seed: int) -> Prepared:
    """The preset's Classifier with changes, on the split of `purenn train --preset P --seed S`."""
    params = {**get_preset(preset).params, **changes, "seed": seed}
    return prepare_training(Classifier(**params), DataSource("digits"), Recipe(preset, seed=seed))


def _rows(prepared: Prepared) -> Split:
    return prepared.train_inputs, prepared.train_labels, prepared.test_inputs, prepared.test_labels


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


@contextlib.contextmanager
def _network_in_training() -> Iterator[List[Any]]:
    """The network Classifier.fit is training, as a one-item list once fit has made it.

    Classifier.fit makes its network inside and shows it (network_) only when done. Until a
    progress callback can see it, the training loop fit calls (estimator.train) is wrapped here
    to keep it; the weights are not touched.
    """
    seen: List[Any] = []
    original = estimator.train

    def keeping(network: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(network)
        return original(network, *args, **kwargs)

    estimator.train = keeping  # type: ignore[assignment]
    try:
        yield seen
    finally:
        estimator.train = original  # type: ignore[assignment]


def _test_accuracy(network: Any, scaled: Rows, classes: List[int], activations: List[str]) -> float:
    outputs = batch.predict_many(network, scaled, activations)
    return sum(argmax_index(o) == label for o, label in zip(outputs, classes)) / len(classes)


def run_purenn(prepared: Prepared, target: float, to_end: bool) -> PurennRun:
    """Train as `purenn train` does (Prepared.fit); time it to the first epoch on target."""
    classifier = prepared.classifier
    classes = class_list(prepared.train_labels)
    test_classes = [classes.index(label) for label in prepared.test_labels]
    activations = classifier.settings().activations()
    test_scaled: Rows = []
    run = PurennRun()

    def progress(record: History, epochs: int) -> bool:
        run.epochs_run, run.seconds = record.epoch, clock.pause()
        if not test_scaled:  # fit has fitted the scaling before the first epoch
            test_scaled.extend(apply_scaling(prepared.test_inputs, classifier.scaling_))
        run.accuracies.append(_test_accuracy(network[0], test_scaled, test_classes, activations))
        clock.resume()
        run.evaluation_seconds = clock.paused_seconds
        if run.reached_epoch is None and run.accuracies[-1] >= target:
            run.reached_epoch, run.reached_seconds = record.epoch, run.seconds
        return run.reached_epoch is not None and not to_end  # True: stop after this epoch

    with _network_in_training() as network:
        clock = _Stopwatch()
        prepared.fit(progress=progress)
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
        X = numpy.asarray(train_inputs, dtype=float) / 16.0
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
        accuracy = float(
            model.score(numpy.asarray(test_inputs, dtype=float) / 16.0, numpy.asarray(test_labels))
        )
        return SklearnRun(seconds, int(model.n_iter_), accuracy)

    return run


class SklearnProcess:
    """MLPClassifier's fit timed in a subprocess of another interpreter, started once.

    Each call sends the rows and the seed as one JSON line; the worker (this script with
    --sklearn-worker) fits, times and answers one JSON line (a SklearnRun's fields).
    """

    def __init__(self, python: str) -> None:
        self.python = python
        self.process = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "--sklearn-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.version = self._ask({"version": True})["version"]

    def _ask(self, message: Dict[str, Any]) -> Dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"time_to_accuracy.py: the scikit-learn worker ({self.python}) stopped")
        result: Dict[str, Any] = json.loads(answer)
        if "error" in result:
            raise SystemExit(
                f"time_to_accuracy.py: the scikit-learn worker ({self.python}): {result['error']}"
            )
        return result

    def __call__(self, data: Split, seed: int) -> SklearnRun:
        return SklearnRun(**self._ask({"data": data, "seed": seed}))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def sklearn_worker() -> None:
    """The subprocess side of SklearnProcess: JSON lines in, JSON lines out, until stdin ends."""
    sklearn = _load_sklearn()
    for line in sys.stdin:
        message = json.loads(line)
        if sklearn is None:
            answer: Dict[str, Any] = {"error": "scikit-learn not found: pip install scikit-learn"}
        elif "version" in message:
            answer = {"version": f"Python {sys.version.split()[0]}"}
        else:
            answer = dataclasses.asdict(sklearn(tuple(message["data"]), message["seed"]))  # type: ignore[arg-type]
        print(json.dumps(answer), flush=True)


# -- settings ---------------------------------------------------------------------------------


def _names() -> List[str]:
    """The Classifier parameters --settings may change (the seed is --seed's)."""
    return [name for name in Classifier().get_params() if name != "seed"]


def _setting(text: str) -> Tuple[str, Any]:
    """'name=value' as (name, value): hidden=64,32 -> (64, 32); numbers, True/False/None; else text."""
    name, equals, value = text.partition("=")
    names = _names()
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


def _changes(preset: str, settings: Sequence[Tuple[str, Any]]) -> Dict[str, Any]:
    """The --settings as Classifier parameters, checked with the preset's (PurennError names the first
    wrong one)."""
    changes = dict(settings)
    Classifier(**{**get_preset(preset).params, **changes}).settings()
    return changes


def _changed(preset: str, changes: Dict[str, Any]) -> str:
    defaults = {**Classifier().get_params(), **get_preset(preset).params}
    changed = [
        f"{name}={changes[name]!r}"
        for name in defaults
        if name in changes and changes[name] != defaults[name]
    ]
    return f"preset {preset}" + (f", {', '.join(changed)}" if changed else "")


# -- main -------------------------------------------------------------------------------------


def _median(values: Sequence[Optional[float]]) -> Optional[float]:
    known = [value for value in values if value is not None]
    return statistics.median(known) if len(known) == len(values) else None


def _summary(
    purenn_runs: List[PurennRun], sklearn_runs: List[SklearnRun], target: float, why_not: str
) -> Optional[float]:
    """Print the medians and the ratio; return the ratio (None: no MLPClassifier, or target missed)."""
    purenn_time = _median([run.reached_seconds for run in purenn_runs])
    if purenn_time is None:
        print(f"purenn        {100 * target:g}% not reached in at least one round: no median")
    else:
        epochs = ", ".join(sorted({str(run.reached_epoch) for run in purenn_runs}))
        print(f"purenn        median {purenn_time:.2f} s to {100 * target:g}% (epoch {epochs})")
    if not sklearn_runs:
        print(f"MLPClassifier not run ({why_not}): no ratio")
        return None
    sklearn_time = statistics.median(run.seconds for run in sklearn_runs)
    accuracy = statistics.median(run.accuracy for run in sklearn_runs)
    print(f"MLPClassifier median fit {sklearn_time:.2f} s, test {100 * accuracy:.2f}%")
    if purenn_time is None:
        return None
    print(
        f"ratio         purenn time to {100 * target:g}% / MLPClassifier fit time = "
        f"{purenn_time / sklearn_time:.2f}"
    )
    return purenn_time / sklearn_time


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="split, weights and training draws (default 0)")
    parser.add_argument("--seeds", type=int, nargs="+", metavar="S", help="several seeds, one after another")
    parser.add_argument(
        "--preset", default="default", choices=sorted(PRESETS), help="purenn's recipe (default: default)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="rounds of each, alternating (default 3)")
    parser.add_argument("--target", type=float, default=0.97, help="test accuracy to reach (default 0.97)")
    parser.add_argument(
        "--settings",
        nargs="+",
        type=_setting,
        default=[],
        metavar="NAME=VALUE",
        help="Classifier parameters to change, e.g. hidden=64 dropout=0.0 batch_size=64",
    )
    parser.add_argument("--to-end", action="store_true", help="train every epoch; report the final accuracy")
    parser.add_argument("--no-sklearn", action="store_true", help="purenn only")
    parser.add_argument(
        "--sklearn-python",
        metavar="PY",
        help="run MLPClassifier in a subprocess of the interpreter PY (one with scikit-learn installed)",
    )
    parser.add_argument("--sklearn-worker", action="store_true", help=argparse.SUPPRESS)
    return parser


def _one_seed(
    args: argparse.Namespace, changes: Dict[str, Any], seed: int, sklearn: Any, why_not: str
) -> Optional[float]:
    """The alternating rounds of one seed; its ratio (None: none)."""
    data = _rows(_prepare(args.preset, changes, seed))
    print(
        f"Python {sys.version.split()[0]}, seed {seed}, {len(data[1])} train, {len(data[3])} test; "
        f"purenn: {_changed(args.preset, changes)}"
    )
    purenn_runs: List[PurennRun] = []
    sklearn_runs: List[SklearnRun] = []
    for round_number in range(1, args.repeats + 1):
        purenn_runs.append(run_purenn(_prepare(args.preset, changes, seed), args.target, args.to_end))
        described = _describe_purenn(purenn_runs[-1], args.target)
        print(f"round {round_number} purenn        {described}", flush=True)
        if sklearn is not None:
            sklearn_runs.append(sklearn(data, seed))
            run = sklearn_runs[-1]
            print(
                f"round {round_number} MLPClassifier fit {run.seconds:.2f} s, {run.iterations} iterations, "
                f"test {100 * run.accuracy:.2f}% (one BLAS thread)",
                flush=True,
            )
    return _summary(purenn_runs, sklearn_runs, args.target, why_not)


def _sklearn_runner(args: argparse.Namespace) -> Tuple[Any, str]:
    """What times MLPClassifier (None: nothing), and why not when nothing does."""
    if args.no_sklearn:
        return None, "--no-sklearn"
    if args.sklearn_python:
        runner = SklearnProcess(args.sklearn_python)
        print(f"MLPClassifier runs in a subprocess: {runner.version} ({args.sklearn_python})")
        return runner, ""
    sklearn = _load_sklearn()
    if sklearn is None:
        print("scikit-learn not found: purenn only")
    return sklearn, "scikit-learn not found: pip install scikit-learn, or --sklearn-python PY"


def main() -> None:
    parser = _parser()
    args = parser.parse_args()
    if args.sklearn_worker:
        sklearn_worker()
        return
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    try:
        changes = _changes(args.preset, args.settings)
    except PurennError as error:
        parser.error(str(error))
    sklearn, why_not = _sklearn_runner(args)
    seeds = args.seeds or [args.seed]
    ratios = {seed: _one_seed(args, changes, seed, sklearn, why_not) for seed in seeds}
    if isinstance(sklearn, SklearnProcess):
        sklearn.close()
    if len(seeds) > 1 and sklearn is not None:
        shown = ", ".join(f"{seed}: {'-' if r is None else f'{r:.2f}'}" for seed, r in ratios.items())
        at_most_one = sum(1 for r in ratios.values() if r is not None and r <= 1.0)
        print(f"ratios by seed {shown}; at most 1.0 on {at_most_one} of {len(seeds)} seeds")


if __name__ == "__main__":
    main()
