"""`purenn train --resume`, `--solver adam` and MLPClassifier's stopping flags, through main()."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
from test_cli import _run  # main() with its exit status and output

from purenn.cli import main
from purenn.model import load_model

QUICK = ["--hidden", "8", "--epochs", "2", "--quiet"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("resume") / "model.json"
    assert main(["train", *QUICK, "--split", "sequential", "--seed", "4", "--out", str(path)]) == 0
    return path


def test_resume_goes_on_from_the_saved_weights_on_the_same_split(
    trained: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "more.json"
    status, stdout, stderr = _run(
        capsys, "train", "--resume", str(trained), "--epochs", "3", "--out", str(out), "--quiet"
    )
    assert status == 0, stderr
    before, after = load_model(trained), load_model(out)
    assert (
        after.training["split"]
        == before.training["split"]
        == {
            "kind": "sequential",
            "test_fraction": 0.3,
            "seed": 4,
        }
    )
    assert after.training["resumed_from"] == str(trained)
    history = after.training["history"]
    assert [record["epoch"] for record in history] == [1, 2, 1, 2, 3]  # 2 epochs, then 3 more
    assert history[:2] == before.training["history"]
    assert after.network != before.network and after.scaling == before.scaling
    assert after.training["settings"]["epochs"] == 3 and after.training["settings"]["hidden"] == [8]


def test_resume_of_a_model_trained_on_every_row_trains_on_every_row_again(
    tmp_path: Path, capsys: Any
) -> None:
    first, second = tmp_path / "all.json", tmp_path / "more.json"
    assert main(["train", *QUICK, "--split", "none", "--out", str(first)]) == 0
    status, stdout, stderr = _run(
        capsys, "train", "--resume", str(first), "--epochs", "1", "--out", str(second)
    )
    assert status == 0, stderr
    assert load_model(second).training["split"] == {"kind": "none", "test_fraction": 0.0, "seed": 0}
    assert "test accuracy" not in stdout


RESUME_REFUSALS: List[Any] = [
    (["--hidden", "16"], "--hidden (16,) does not fit --resume"),
    (["--activation", "tanh"], "--activation 'tanh' does not fit --resume"),
    (["--scaling", "standardize"], "--scaling 'standardize' does not fit --resume"),
]


@pytest.mark.parametrize("flags, expected", RESUME_REFUSALS)
def test_resume_refuses_what_does_not_fit_in_one_line(
    flags: List[str], expected: str, trained: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "never.json"
    status, _, stderr = _run(capsys, "train", "--resume", str(trained), *flags, "--out", str(out))
    assert status == 2 and stderr.count("\n") == 1 and expected in stderr, stderr
    assert not out.exists()


def test_resume_judges_idle_flags_by_the_model_it_resumes(tmp_path: Path, capsys: Any) -> None:
    """--momentum does nothing for a resumed Adam model, whatever the preset's solver; and
    --validation-fraction serves a resumed model that stops early, though the preset does not."""
    adam, stopping = tmp_path / "adam.json", tmp_path / "stopping.json"
    assert main(["train", *QUICK, "--solver", "adam", "--rate", "0.01", "--out", str(adam)]) == 0
    out = tmp_path / "never.json"
    status, _, stderr = _run(capsys, "train", "--resume", str(adam), "--momentum", "0.5", "--out", str(out))
    assert status == 2 and stderr.count("\n") == 1 and "--momentum" in stderr, stderr
    assert not out.exists()
    assert main(["train", *QUICK, "--early-stopping", "--out", str(stopping)]) == 0
    argv = ["--resume", str(stopping), "--validation-fraction", "0.2", "--epochs", "1", "--out", str(out)]
    status, _, stderr = _run(capsys, "train", *argv)
    assert status == 0, stderr
    assert out.exists()


def test_resume_refuses_other_data_in_one_line(trained: Path, tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "three.csv"
    data.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 2}" for i in range(40)) + "\n")
    status, _, stderr = _run(
        capsys, "train", "--resume", str(trained), "--data", str(data), "--out", str(tmp_path / "x.json")
    )
    assert status == 2 and stderr.count("\n") == 1
    assert "X has 3 features, but Classifier is expecting 64 features as input" in stderr
    status, _, stderr = _run(capsys, "train", "--resume", str(tmp_path / "none.json"))
    assert status == 2 and "none.json: cannot read" in stderr


def test_adam_and_early_stopping_from_the_command_line(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "adam.json"
    status, stdout, stderr = _run(
        capsys,
        "train",
        "--hidden",
        "16",
        "--epochs",
        "30",
        "--solver",
        "adam",
        "--rate",
        "0.01",
        "--early-stopping",
        "--n-iter-no-change",
        "2",
        "--validation-fraction",
        "0.2",
        "--out",
        str(out),
        "--quiet",
    )
    assert status == 0, stderr
    settings = load_model(out).training["settings"]
    assert settings["solver"] == "adam" and settings["early_stopping"] is True
    assert settings["n_iter_no_change"] == 2 and settings["validation_fraction"] == 0.2
    history = load_model(out).training["history"]
    assert all(record["validation_accuracy"] is not None for record in history)
    test_accuracy = float(stdout.split("test accuracy: ")[1].split("%")[0])
    assert test_accuracy > 85.0


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--solver", "lbfgs"], "argument --solver: invalid choice: 'lbfgs'"),
        (["--n-iter-no-change", "0"], "argument --n-iter-no-change: expected a number >= 1, got 0"),
        (["--tol", "-1"], "argument --tol: expected a number >= 0"),
        (["--patience", "3"], "unrecognized arguments: --patience 3"),
    ],
)
def test_bad_training_flags(flags: List[str], expected: str, capsys: Any) -> None:
    status, _, stderr = _run(capsys, "train", *flags)
    assert status == 2 and expected in stderr, stderr
