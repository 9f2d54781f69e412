"""The command line: every subcommand's success and failure paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from purenn.cli import main
from purenn.model import load_model

ROOT = Path(__file__).resolve().parent.parent
QUICK = ["--hidden", "8", "--epochs", "2"]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.json"
    assert main(["train", *QUICK, "--out", str(path), "--quiet"]) == 0
    return path


def _run(capsys: Any, *argv: str) -> "tuple[int, str, str]":
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_train_reports_and_saves(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "m.json"
    status, stdout, stderr = _run(capsys, "train", *QUICK, "--out", str(out), "--seed", "3")
    assert status == 0 and stderr == ""  # stderr is not a terminal: no progress bar
    assert "test accuracy:" in stdout and f"saved the model to {out}" in stdout
    model = load_model(out)
    assert model.training["split"] == {"kind": "stratified", "test_fraction": 0.25, "seed": 3}
    assert len(model.training["history"]) == 2
    reported = float(stdout.split("test accuracy: ")[1].split("%")[0])
    assert abs(reported - 100 * model.training["test_accuracy"]) < 0.006


def test_train_without_the_train_accuracy(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "m.json"
    status, stdout, _ = _run(capsys, "train", *QUICK, "--no-train-accuracy", "--out", str(out))
    assert status == 0 and "test accuracy:" in stdout and "train accuracy:" not in stdout
    history = load_model(out).training["history"]
    assert [record["train_accuracy"] for record in history] == [None, None]


def test_train_same_seed_same_file(tmp_path: Path, capsys: Any) -> None:
    for name in ("a.json", "b.json"):
        assert _run(capsys, "train", *QUICK, "--dropout", "0.2", "--out", str(tmp_path / name))[0] == 0
    first = json.loads((tmp_path / "a.json").read_text())
    second = json.loads((tmp_path / "b.json").read_text())
    for model in (first, second):
        model["training"].pop("seconds")
        for record in model["training"]["history"]:
            record.pop("seconds")
    assert first == second


def test_train_on_a_csv_with_a_sequential_split(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "tiny.csv"
    rows = [f"{i % 3},{(i * 7) % 5},{i % 2}" for i in range(60)]
    data.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    status, stdout, _ = _run(
        capsys,
        "train",
        "--data",
        str(data),
        "--hidden",
        "4",
        "--epochs",
        "3",
        "--split",
        "sequential",
        "--out",
        str(tmp_path / "m.json"),
    )
    assert status == 0 and "sequential split" in stdout
    assert load_model(tmp_path / "m.json").training["split"]["test_fraction"] == 0.3  # first 70% train


def test_evaluate_uses_the_recorded_test_split(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "evaluate", str(model_path))
    assert status == 0
    assert "stratified test split of digits (seed 0)" in stdout
    accuracy = float(stdout.split("accuracy: ")[1].split("%")[0])
    assert abs(accuracy - 100 * load_model(model_path).training["test_accuracy"]) < 0.006
    assert "true\\predicted" in stdout and "macro avg" in stdout


def test_evaluate_on_a_data_file(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(
        capsys, "evaluate", str(model_path), str(ROOT / "purenn" / "_data" / "digits.csv")
    )
    assert status == 0 and "all 1797 rows" in stdout


def test_predict_by_index_and_by_pixels(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--index", "0")
    assert status == 0 and "prediction:" in stdout and "(label: 0)" in stdout and "█" in stdout
    pixels = " ".join(["0"] * 30 + ["16"] * 4 + ["0"] * 30)
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--pixels", pixels)
    assert status == 0 and "prediction:" in stdout


def test_show_in_the_terminal_and_as_files(model_path: Path, tmp_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "show", "--count", "3")
    assert status == 0 and "█" in stdout
    png, svg = tmp_path / "d.png", tmp_path / "d.svg"
    status, stdout, _ = _run(
        capsys, "show", "--count", "12", "--model", str(model_path), "--png", str(png), "--svg", str(svg)
    )
    assert status == 0 and png.read_bytes().startswith(b"\x89PNG") and svg.read_text().startswith("<")


def test_train_and_evaluate_write_plots(tmp_path: Path, capsys: Any) -> None:
    plots = tmp_path / "plots"
    status, _, _ = _run(capsys, "train", *QUICK, "--out", str(tmp_path / "m.json"), "--plots", str(plots))
    assert status == 0
    assert sorted(os.listdir(plots)) == ["confusion.svg", "digits.png", "learning_curves.svg", "weights.svg"]
    again = tmp_path / "again"
    assert _run(capsys, "evaluate", str(tmp_path / "m.json"), "--plots", str(again))[0] == 0
    assert "confusion.svg" in os.listdir(again)


def test_gradcheck(capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "gradcheck", "--sizes", "4,3,2", "--loss", "binary_cross_entropy")
    assert status == 0 and "worst relative error" in stdout and "ok" in stdout


def test_help_everywhere(capsys: Any) -> None:
    for command in ([], ["train"], ["evaluate"], ["predict"], ["show"], ["gradcheck"]):
        status, stdout, _ = _run(capsys, *command, "--help")
        assert status == 0 and "usage:" in stdout


def test_train_help_shows_each_training_flags_default(capsys: Any) -> None:
    """Every training flag's help ends with the default preset's value (what it falls back to)."""
    status, stdout, _ = _run(capsys, "train", "--help")
    text = " ".join(stdout.split())  # argparse wraps the lines
    assert status == 0
    for shown in (
        "--hidden SIZES hidden layer sizes, e.g. 64 or 128,64 (default: 256)",
        "(default: relu)",
        "number of passes over the training data (default: 20)",
        "learning rate (default: 0.1)",
        "(default: cosine)",
        "L2 regularisation lambda (biases excluded) (default: 0.0001)",
        "in [0, 1) (default: 0.5)",
        "0 = full batch (default: 32)",
        "(default: divide)",
        "(default: sgd)",
        "(default: argmax)",
        "(default: the largest |input|)",
    ):
        assert shown in text, shown
    assert "(default: None)" not in text and "(default: False)" not in text


def _corrupt_model(tmp_path: Path) -> str:
    path = tmp_path / "corrupt.json"
    path.write_text('{"format": "purenn-model", "version": 1, "layers": [')
    return str(path)


def _wrong_size_model(tmp_path: Path, capsys: Any) -> str:
    data = tmp_path / "three.csv"
    data.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 2}" for i in range(40)) + "\n")
    out = tmp_path / "three.json"
    assert (
        _run(capsys, "train", "--data", str(data), "--hidden", "3", "--epochs", "1", "--out", str(out))[0]
        == 0
    )
    return str(out)


BAD_CASES: List[Any] = [
    (["train", "--data", "/no/such/file.csv"], "/no/such/file.csv"),
    (["train", "--data", "{tmp}"], "{tmp}"),
    (["train", "--epochs", "0"], "argument --epochs: expected a number >= 1, got 0"),
    (["train", "--epochs", "-3"], "argument --epochs: expected a number >= 1, got -3"),
    (["train", "--epochs", "many"], "argument --epochs: expected a whole number, got 'many'"),
    (["train", "--rate", "0"], "argument --rate: expected a number > 0"),
    (["train", "--rate", "nan"], "argument --rate: expected a finite number"),
    (["train", "--dropout", "1"], "argument --dropout: expected a probability in [0, 1)"),
    (["train", "--hidden", "64,x"], "argument --hidden: expected layer sizes"),
    (["train", "--test-fraction", "1.5"], "argument --test-fraction: expected a fraction"),
    (["train", "--preset", "nope"], "argument --preset: invalid choice"),
    (["train", "--loss", "hinge"], "unknown loss 'hinge'"),
    (
        ["train", "--out", "/no/such/dir/m.json"],
        "--out /no/such/dir/m.json: the directory /no/such/dir does not exist",
    ),
    (["train", "--out", "{tmp}"], "--out {tmp} is a directory"),
    (["train", "--plots", "{model}"], "--plots {model} exists and is not a directory"),
    (["evaluate", "/no/such/model.json"], "/no/such/model.json"),
    (["evaluate", "{tmp}"], "{tmp}"),
    (["evaluate", "{corrupt}"], "corrupt.json"),
    (["evaluate", "{wrong}", "digits"], "expects 3 inputs, but all 1797 rows of digits has 64"),
    (["predict", "{model}", "--index", "5000"], "--index 5000 is out of range"),
    (["predict", "{model}", "--pixels", "1 2 x"], "--pixels value 2 is 'x', not a number"),
    (["predict", "{model}", "--pixels", "1 2 3"], "expects 64 inputs, but --pixels has 3"),
    (["predict", "{corrupt}", "--index", "0"], "corrupt.json"),
    (["predict", "{model}"], "give --index N, --pixels NUMBERS, --image FILE.png, or --data FILE"),
    (["show", "--count", "0"], "argument --count: expected a number >= 1, got 0"),
    (["show", "--model", "{wrong}"], "expects 3 inputs"),
    (["gradcheck", "--sizes", "4"], "--sizes needs at least an input and an output size"),
    (["bogus"], "invalid choice: 'bogus'"),
]


@pytest.mark.parametrize("argv, expected", BAD_CASES)
def test_bad_input_one_line_exit_2(
    argv: List[str], expected: str, tmp_path: Path, model_path: Path, capsys: Any
) -> None:
    values = {"tmp": str(tmp_path), "model": str(model_path)}
    if any("{corrupt}" in a for a in argv):
        values["corrupt"] = _corrupt_model(tmp_path)
    if any("{wrong}" in a for a in argv):
        values["wrong"] = _wrong_size_model(tmp_path, capsys)
    argv = [a.format(**values) for a in argv]
    status, _, stderr = _run(capsys, *argv)
    assert status == 2
    assert stderr.count("\n") == 1, stderr
    assert expected.format(**values) in stderr
    assert "Traceback" not in stderr


def test_the_module_runs_as_a_program(tmp_path: Path) -> None:
    """`python -m purenn` in a subprocess: exit codes and the one-line error, for real."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [sys.executable, "-m", "purenn", "gradcheck", "--sizes", "3,2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert ok.returncode == 0 and "worst relative error" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "purenn", "evaluate", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_progress_bar_draws_one_line_per_epoch() -> None:
    import io

    from purenn.commands.printing import ProgressBar as _ProgressBar
    from purenn.train import History

    stream = io.StringIO()
    now = [100.0]
    bar = _ProgressBar(stream, clock=lambda: now[0], columns=200)
    bar.step(1, 2, 1, 4)  # the first step draws at once
    now[0] += 0.0625
    bar.step(1, 2, 2, 4)  # 0.06 s later: not redrawn
    now[0] += 0.0625
    bar.step(1, 2, 3, 4)
    now[0] += 0.875
    bar(History(1, 0.5, 0.9, None, 0.1), 2)
    now[0] += 1.0
    bar(History(2, 0.25, 0.95, 0.93, 0.1), 2)
    bar.close()
    draws = stream.getvalue().split("\r")[1:]
    assert draws == [
        "epoch 1/2 [##..................]  12%  0:00 elapsed, ~0:00 left\x1b[K",
        "epoch 1/2 [#######.............]  38%  0:00 elapsed, ~0:00 left\x1b[K",
        "epoch 1/2 [##########..........]  50%  0:01 elapsed, ~0:01 left  loss 0.5000  train 90.0%\x1b[K",
        "epoch 2/2 [####################] 100%  0:02 elapsed, ~0:00 left  loss 0.2500  train 95.0%  "
        "validation 93.0%\x1b[K\n",
    ]


def test_the_progress_line_never_wraps_on_a_narrow_terminal() -> None:
    """Found by the audit of issue 12: a 5-column terminal got 10 characters, which wrap and stay."""
    import io

    from purenn.commands.printing import ProgressBar

    for columns in (1, 2, 5, 11, 30):
        stream = io.StringIO()
        ProgressBar(stream, clock=lambda: 1.0, columns=columns).step(1, 2, 1, 10)
        drawn = stream.getvalue()
        assert drawn.startswith("\r") and drawn.endswith("\x1b[K"), drawn
        assert len(drawn) - len("\r\x1b[K") <= max(columns - 1, 1), (columns, drawn)
