"""purenn/parallel.py: the same model for the same seed and N, N = 1's within the derived rounding
bound, a worker's failure reported, Ctrl-C leaving no process behind; n_jobs and --jobs.

Every test uses at most 3 processes (CI runs them with 2 cores).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import purenn.batch
from purenn import network as reference
from purenn.cli import main
from purenn.errors import PurennError, WorkerError
from purenn.estimator import Classifier
from purenn.model import load_model
from purenn.network import dropout_masks, make_network
from purenn.parallel import START_METHOD, UNIT_ROUNDOFF, Workers, most_jobs, rounding_bound, split_sizes
from purenn.settings import Settings
from purenn.train import train

ROOT = Path(__file__).resolve().parent.parent
fork_only = pytest.mark.skipif(START_METHOD != "fork", reason="the patched function reaches workers by fork")


def _started(size: int) -> Iterator[Workers]:
    """A pool of `size` processes, started (one small batch), its workers' ids in POOLS."""
    with Workers(size) as workers:
        workers.loss_and_gradients([[[1.0, 0.0]]], [[1.0], [2.0]], [[0.0], [0.0]], "identity")
        POOLS.extend(workers.pids())
        yield workers


@pytest.fixture(scope="module")
def two() -> Iterator[Workers]:
    yield from _started(2)


@pytest.fixture(scope="module")
def three() -> Iterator[Workers]:
    yield from _started(3)


def _data(
    seed: int, samples: int, width: int = 6, classes: int = 3
) -> "tuple[List[List[float]], List[List[float]]]":
    rng = random.Random(seed)
    inputs = [[rng.uniform(-1.0, 1.0) for _ in range(width)] for _ in range(samples)]
    targets = [[1.0 if c == rng.randrange(classes) else 0.0 for c in range(classes)] for _ in range(samples)]
    return inputs, targets


@given(st.integers(1, 40), st.integers(1, 5))
def test_split_sizes_cut_in_order_and_evenly(samples: int, shares: int) -> None:
    sizes = split_sizes(samples, shares)
    assert sum(sizes) == samples and len(sizes) == min(samples, shares)
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    samples=st.integers(2, 13),
    use_three=st.booleans(),
    dropout=st.booleans(),
    activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
    l2=st.sampled_from([0.0, 1e-4, 0.5]),
    weighted=st.booleans(),
)
def test_shares_equal_one_process_within_the_rounding_bound(
    two: Workers,
    three: Workers,
    seed: int,
    samples: int,
    use_three: bool,
    dropout: bool,
    activation: str,
    l2: float,
    weighted: bool,
) -> None:
    workers = three if use_three else two
    rng = random.Random(seed)
    net = make_network([6, 5, 4, 3], rng, init="glorot")
    inputs, targets = _data(seed, samples)
    masks = [dropout_masks(net, 0.6, rng) for _ in inputs] if dropout else None
    weights = [rng.uniform(0.0, 3.0) for _ in inputs] if weighted else None
    functions = [activation, activation, "softmax"]
    options: Dict[str, Any] = {"l2": l2, "dropout": masks, "weights": weights}
    serial = purenn.batch.loss_and_gradients(net, inputs, targets, functions, "cross_entropy", **options)
    shared = workers.loss_and_gradients(net, inputs, targets, functions, "cross_entropy", **options)
    # sum_i |p_i| per entry, from each sample's own gradient times its weight (one rounding off p_i:
    # hence / (1 - u))
    magnitudes = [[[0.0] * len(neuron) for neuron in layer] for layer in net]
    loss_magnitude = 0.0
    for i, (x, y) in enumerate(zip(inputs, targets)):
        value, grads = reference.loss_and_gradients(
            net, x, y, functions, "cross_entropy", dropout=None if masks is None else masks[i]
        )
        weight = 1.0 if weights is None else weights[i]
        loss_magnitude += abs(weight * value)
        for total_layer, layer in zip(magnitudes, grads):
            for total_neuron, neuron in zip(total_layer, layer):
                total_neuron[:] = [t + abs(weight * g) for t, g in zip(total_neuron, neuron)]
    sizes = split_sizes(samples, workers.size)
    for total_layer, one_layer, n_layer in zip(magnitudes, serial[1], shared[1]):
        for total_neuron, one_neuron, n_neuron in zip(total_layer, one_layer, n_layer):
            for magnitude, g_1, g_n in zip(total_neuron, one_neuron, n_neuron):
                bound = rounding_bound(samples, sizes, magnitude / (1.0 - UNIT_ROUNDOFF))
                if l2:  # adding lambda * w rounds once more on each side
                    bound += UNIT_ROUNDOFF * (abs(g_n) + abs(g_1))
                assert abs(g_n - g_1) <= bound
    gamma = lambda m: m * UNIT_ROUNDOFF / (1 - m * UNIT_ROUNDOFF)  # noqa: E731
    loss_bound = (gamma(2) + gamma(len(sizes) + 1)) * loss_magnitude / (1 - UNIT_ROUNDOFF) / samples
    if l2:  # and adding the penalty
        loss_bound += UNIT_ROUNDOFF * (abs(shared[0]) + abs(serial[0]))
    assert abs(shared[0] - serial[0]) <= loss_bound


def _new_children() -> List[Any]:
    """The child processes alive now, but those of the module's two pools."""
    return [child for child in multiprocessing.active_children() if child.pid not in POOLS]


POOLS: List[int] = []


def test_spawned_workers_give_what_forked_ones_give(two: Workers) -> None:
    rng = random.Random(3)
    net = make_network([6, 5, 3], rng, init="he")
    inputs, targets = _data(3, 9)
    arguments = (net, inputs, targets, ["relu", "softmax"], "cross_entropy")
    with Workers(2, start_method="spawn") as spawned:
        assert spawned.loss_and_gradients(*arguments, l2=0.01) == two.loss_and_gradients(*arguments, l2=0.01)


@pytest.mark.parametrize(
    "row, message",
    [([0.5] * 5, "input 7 has 5 values; the network expects 6"), ([math.nan] * 6, "input 7, value 0 is nan")],
)
def test_a_bad_row_in_a_workers_share_is_named_before_any_share_is_sent(
    two: Workers, row: List[float], message: str
) -> None:
    """The parent checks the whole batch (the workers' shares are computed as trusted): row 7 is
    in the second share, and the error is the one-process error, with the same workers after it."""
    net = make_network([6, 5, 3], random.Random(3), init="he")
    inputs, targets = _data(3, 9)
    inputs[7] = row
    with pytest.raises(PurennError, match=re.escape(message)):
        two.loss_and_gradients(net, inputs, targets, ["relu", "softmax"], "cross_entropy")
    assert two.pids() and all(pid in POOLS for pid in two.pids())  # nothing was sent: still the same


@pytest.mark.parametrize(
    "network, weights",
    [([], None), ([[]], None), ([[[1.0] * 7]] * 3 + [[]], None), (None, [1.0] * 6), (None, [1.0] * 3)],
)
def test_workers_refuse_what_one_process_refuses_with_its_words(
    two: Workers, network: Any, weights: Any
) -> None:
    """A network of the wrong shape or sample weights of the wrong count: the one-process error,
    checked before any share is sent, never an IndexError or a silently shortened share."""
    inputs, targets = _data(3, 4)
    network = make_network([6, 5, 3], random.Random(3), init="he") if network is None else network
    arguments = (network, inputs, targets, ["relu", "softmax"], "cross_entropy")
    with pytest.raises(PurennError) as alone:
        purenn.batch.loss_and_gradients(*arguments, weights=weights)
    with pytest.raises(PurennError) as shared:
        two.loss_and_gradients(*arguments, weights=weights)
    assert str(shared.value) == str(alone.value)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), samples=st.integers(1, 40))
def test_shared_predictions_are_the_one_process_predictions(three: Workers, seed: int, samples: int) -> None:
    rng = random.Random(seed)
    net = make_network([6, 7, 5, 3], rng, init="he")
    inputs, _ = _data(seed, samples)
    activations = ["relu", "tanh", "softmax"]
    assert three.predict_many(net, inputs, activations) == purenn.batch.predict_many(net, inputs, activations)


def test_the_accuracy_passes_are_shared_and_exact() -> None:
    """With n_jobs 2 the epochs' accuracies are those of the trained weights, row for row."""
    inputs, _ = _data(5, 60)
    classes = [i % 3 for i in range(60)]
    targets = [[1.0 if c == k else 0.0 for c in range(3)] for k in classes]
    chosen = Settings(hidden=(5,), epochs=1, batch_size=30, n_jobs=2, measure_train_accuracy=True)
    net = chosen.new_network(6, 3, random.Random(1))
    result = train(net, inputs, targets, chosen, random.Random(2))
    outputs = purenn.batch.predict_many(net, inputs, chosen.activations())
    correct = sum(max(range(3), key=o.__getitem__) == c for o, c in zip(outputs, classes))
    assert 0 < correct < len(inputs)  # a figure that could be off
    assert result.history[-1].train_accuracy == correct / len(inputs)


@fork_only
def test_a_worker_whose_prediction_raises_is_reported(monkeypatch: Any, two: Workers) -> None:
    _make_the_workers_raise(monkeypatch, "predict_many")
    failure = r"worker 1 of 2 \(process \d+\) failed: RuntimeError: boom"
    with Workers(2) as workers, pytest.raises(WorkerError, match=failure):
        workers.predict_many([[[1.0, 0.0]]], [[1.0], [2.0]], "identity")
    assert _new_children() == []


def _train(jobs: int, **changes: Any) -> "tuple[list[Any], list[float]]":
    inputs, targets = _data(7, 90)
    options = {"hidden": (5,), "epochs": 3, "batch_size": 16, "n_jobs": jobs, "dropout": 0.3, **changes}
    chosen = Settings(**options)
    net = chosen.new_network(6, 3, random.Random(1))
    result = train(net, inputs, targets, chosen, random.Random(2), sample_weight=[1.0, 2.0, 0.5] * 30)
    return net, [record.loss for record in result.history]


def test_same_seed_same_n_same_model_every_run() -> None:
    assert _train(2) == _train(2)
    assert _train(3, batch_size=0) == _train(3, batch_size=0)


def test_n_jobs_trains_what_one_process_trains_up_to_rounding() -> None:
    net_1, losses_1 = _train(1)
    net_2, losses_2 = _train(2)
    assert losses_2 == pytest.approx(losses_1, rel=1e-12)
    flat_1 = [w for layer in net_1 for neuron in layer for w in neuron]
    flat_2 = [w for layer in net_2 for neuron in layer for w in neuron]
    assert flat_2 == pytest.approx(flat_1, rel=1e-9, abs=1e-12)


def test_no_process_is_left_after_training() -> None:
    _train(2)
    assert _new_children() == []


def _make_the_workers_raise(monkeypatch: Any, name: str = "loss_and_gradients") -> None:
    """batch.`name` raises in every process but this one (forked workers share the patch)."""
    parent, original = os.getpid(), getattr(purenn.batch, name)

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("boom")
        return original(*args, **kwargs)

    monkeypatch.setattr(purenn.batch, name, failing)


@fork_only
def test_a_worker_that_raises_is_reported(monkeypatch: Any) -> None:
    _make_the_workers_raise(monkeypatch)
    with pytest.raises(WorkerError, match=r"worker 1 of 2 \(process \d+\) failed: RuntimeError: boom"):
        _train(2)
    assert _new_children() == []


def test_a_worker_that_dies_is_reported() -> None:
    def kill_the_workers(*_: Any) -> None:
        for child in _new_children():
            os.kill(child.pid or 0, signal.SIGKILL)

    inputs, targets = _data(3, 60)
    chosen = Settings(hidden=(4,), epochs=3, batch_size=20, n_jobs=2)
    net = chosen.new_network(6, 3, random.Random(1))
    with pytest.raises(WorkerError, match=r"worker 1 of 2 \(process \d+\) died \(exit code -9\)"):
        train(net, inputs, targets, chosen, random.Random(2), progress=kill_the_workers)
    assert _new_children() == []


def test_per_sample_sgd_takes_one_process_only() -> None:
    with pytest.raises(PurennError, match="n_jobs 2 needs batch_size > 1 or 0: per-sample SGD runs serially"):
        Settings(batch_size=1, n_jobs=2).check()
    for bad in (-1, 1.5, True):
        with pytest.raises(PurennError, match="n_jobs must be a whole number >= 0"):
            Settings(n_jobs=bad).check()  # type: ignore[arg-type]
    with pytest.raises(PurennError, match=r"n_jobs must be at most \d+ \(4 per core here"):
        Settings(n_jobs=10**30).check()  # not 10**30 processes


def test_classifier_n_jobs() -> None:
    inputs, targets = _data(5, 80)
    labels = [row.index(1.0) if 1.0 in row else 0 for row in targets]
    options = {"hidden": (6,), "epochs": 3, "batch_size": 10, "scaling": "none", "seed": 4}
    first = Classifier(n_jobs=2, **options).fit(inputs, labels)
    again = Classifier(n_jobs=2, **options).fit(inputs, labels)
    serial = Classifier(n_jobs=1, **options).fit(inputs, labels)
    assert first.get_params()["n_jobs"] == 2
    assert first.network_ == again.network_
    flat_n = [p for row in first.predict_proba(inputs) for p in row]
    flat_1 = [p for row in serial.predict_proba(inputs) for p in row]
    assert flat_n == pytest.approx(flat_1, rel=1e-9, abs=1e-12)


def _run(capsys: Any, *argv: str) -> "tuple[int, str]":
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, capsys.readouterr().err


QUICK = ["train", "--hidden", "8", "--epochs", "2", "--quiet"]


def test_the_jobs_flag(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "two.json"
    assert _run(capsys, *QUICK, "--no-train-accuracy", "--jobs", "2", "--out", str(path))[0] == 0
    assert load_model(str(path)).training["settings"]["n_jobs"] == 2


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--jobs", "-1"], "argument --jobs: expected a number >= 0, got -1"),
        (["--jobs", "x"], "argument --jobs: expected a whole number, got 'x'"),
        (["--jobs", "2", "--batch-size", "1"], "error: --jobs 2 needs --batch-size > 1 or 0"),
        (["--jobs", "1" * 30], f"error: --jobs must be at most {most_jobs()} (4 per core here"),
    ],
)
def test_bad_jobs_one_line_exit_2(flags: List[str], expected: str, tmp_path: Path, capsys: Any) -> None:
    status, stderr = _run(capsys, *QUICK, *flags, "--out", str(tmp_path / "m.json"))
    assert status == 2 and stderr.count("\n") == 1 and expected in stderr, stderr
    assert not (tmp_path / "m.json").exists()


@fork_only
def test_a_failed_worker_exits_1_with_one_line_and_no_model(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    _make_the_workers_raise(monkeypatch)
    status, stderr = _run(capsys, *QUICK, "--jobs", "2", "--out", str(tmp_path / "m.json"))
    assert status == 1 and stderr.count("\n") == 1 and "RuntimeError: boom" in stderr, stderr
    assert not (tmp_path / "m.json").exists()


def _children(pid: int) -> List[int]:
    """The processes whose parent is pid (Linux: field 4 of /proc/PID/stat)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_exits_130_with_one_line_and_leaves_no_worker(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "purenn", *QUICK[:4], "200", "--quiet", "--jobs", "2"]
    child = subprocess.Popen(
        [*command, "--out", str(tmp_path / "m.json")],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, which SIGINT goes to, as from a terminal
    )
    deadline = time.monotonic() + 60
    while not _children(child.pid) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    workers = _children(child.pid)
    assert workers, "the training started no worker"
    time.sleep(0.3)  # a few steps on the workers
    os.killpg(child.pid, signal.SIGINT)  # to the trainer and its workers, as Ctrl-C does
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 130
    assert stderr == "purenn train: interrupted\n", stderr
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers))
    assert not (tmp_path / "m.json").exists()
