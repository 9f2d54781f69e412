"""The benchmarks in bench/ run as the README gives them, on small sizes (their numbers are not tested:
timings belong to benchmarks, not to tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

pytestmark = pytest.mark.slow  # each runs a benchmark in a subprocess

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _run(script: str, *arguments: str, statuses: Tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in statuses, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_train_speed_prints_the_ratios() -> None:
    output = _run("train_speed.py", "--quick", "--rounds", "1")
    lines: List[str] = output.splitlines()
    for network in ("64-32-10", "64-64-10"):
        row = next(line for line in lines if line.startswith(network))
        assert row.count("x") == 2  # two speed-ups: the trainer's and the engine's
    assert "predict_many on 540 images" in output


def test_time_to_accuracy_reaches_a_low_target() -> None:
    output = _run(
        "time_to_accuracy.py",
        "--no-sklearn",
        "--repeats",
        "1",
        "--target",
        "0.5",
        "--settings",
        "hidden=16",
        "dropout=0.0",
        "epochs=5",
    )
    assert "50% at epoch 1" in output and "s to 50% (epoch 1)" in output


def test_time_to_accuracy_takes_a_preset_and_several_seeds() -> None:
    output = _run(
        "time_to_accuracy.py",
        "--no-sklearn",
        "--repeats",
        "1",
        "--target",
        "0.3",
        "--preset",
        "sigmoid-sgd",
        "--seeds",
        "0",
        "1",
        "--settings",
        "epochs=2",
    )
    assert output.count("purenn: preset sigmoid-sgd, epochs=2") == 2
    assert "seed 0, 1000 train, 797 test" in output and "seed 1, 1000 train, 797 test" in output


def test_time_to_accuracy_times_mlpclassifier_in_another_interpreter() -> None:
    """--sklearn-python: MLPClassifier's fit in a subprocess (here this interpreter, with scikit-learn)."""
    pytest.importorskip("sklearn")
    output = _run(
        "time_to_accuracy.py",
        "--repeats",
        "1",
        "--target",
        "0.5",
        "--seeds",
        "0",
        "1",
        "--settings",
        "hidden=16",
        "dropout=0.0",
        "epochs=2",
        "--sklearn-python",
        sys.executable,
    )
    assert f"MLPClassifier runs in a subprocess: Python {sys.version.split()[0]}" in output
    assert output.count("round 1 MLPClassifier fit") == 2 and "at most 1.0 on" in output


def test_memory_trains_on_synthetic_idx_images() -> None:
    """Exit status 1 says the peak passed 200 MB (PyPy's does): the benchmark's verdict, not a failure."""
    output = _run("memory.py", "--images", "300", statuses=(0, 1))
    assert "saved the model" in output and "purenn train, 1 epoch: peak RSS" in output


def test_floor_prints_the_best_ratios_the_products_allow() -> None:
    output = _run("floor.py", "--rounds", "1")
    assert "ns per multiply-add" in output and "cheapest:" in output
    for network in ("64-32-10", "64-64-10"):
        row = next(line for line in output.splitlines() if line.startswith(network))
        assert row.count("x") == 2  # the best speed-up and the target
    assert "at least 0.17" in output  # prediction / epoch: products alone, no timing in it


def test_serve_load_counts_requests_per_second() -> None:
    output = _run("serve_load.py", "--requests", "40", "--threads", "4")
    for kind in ("pixels ", "pixels, new conn.", "page bitmap"):
        row = next(line for line in output.splitlines() if line.startswith(kind))
        assert "requests/s" in row and row.split("failed")[0].rstrip().endswith(" 0")
    assert "server log: 120 lines for 120 requests" in output


def test_default_speed_runs_both_commands_side_by_side() -> None:
    output = _run("default_speed.py", "--quick")
    assert output.count("round 1 ") == 2 and output.count("test accuracy: ") == 4
    assert "ratio  default / earlier default = " in output


def test_default_speed_compares_a_baseline_checkout(tmp_path: Path) -> None:
    root = BENCH.parent
    output = _run("default_speed.py", "--quick", "--baseline", str(root))
    assert output.count("round 1 ") == 2 and "ratio  this checkout / baseline = " in output
    done = subprocess.run(
        [sys.executable, str(BENCH / "default_speed.py"), "--quick", "--baseline", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "not a purenn checkout" in done.stderr and "Traceback" not in done.stderr


def test_parallel_speed_compares_one_and_two_processes() -> None:
    output = _run("parallel_speed.py", "--quick")
    for name in ("digits", "mnist-sized"):
        row = next(line for line in output.splitlines() if line.startswith(name))
        assert "n_jobs 1" in row and "n_jobs 2" in row and "speed-up" in row
