"""The command for real work: `predict --data FILE [--out FILE]`, --json, gzipped CSV, help and options."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from test_cli import _run  # main(argv) -> (status, stdout, stderr), SystemExit included

from purenn.cli import _parser, main
from purenn.data import digits_path, load_dataset, load_digits
from purenn.estimator import Classifier
from purenn.model import load_model

ROOT = Path(__file__).resolve().parent.parent
DIGITS, LABELS = load_digits()


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.json"
    assert main(["train", "--hidden", "8", "--epochs", "2", "--out", str(path), "--quiet"]) == 0
    return path


def _expected(model_path: Path, rows: List[List[float]]) -> Tuple[List[Any], List[List[float]]]:
    classifier = Classifier.from_model(load_model(model_path))
    return classifier.predict(rows), classifier.predict_proba(rows)


def test_predict_every_row_of_a_file_to_stdout(model_path: Path, capsys: Any) -> None:
    status, stdout, stderr = _run(capsys, "predict", str(model_path), "--data", "digits")
    assert status == 0 and stderr == ""
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0] == ["row", "label", "prediction", *(f"output_{d}" for d in range(10))]
    assert len(rows) == 1 + 1797
    predictions, outputs = _expected(model_path, DIGITS)
    for index, row in enumerate(rows[1:]):
        assert row[0] == str(index) and row[1] == str(LABELS[index]) and row[2] == str(predictions[index])
        assert [float(value) for value in row[3:]] == outputs[index]  # repr: the same floats back


def test_predict_to_a_file_atomically_never_over_an_input(
    model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "predictions.csv"
    status, stdout, stderr = _run(capsys, "predict", str(model_path), "--data", "digits", "--out", str(out))
    assert status == 0 and stdout == "" and f"wrote 1797 predictions to {out}" in stderr
    assert out.read_text().count("\n") == 1798
    data = tmp_path / "data.csv"
    data.write_bytes(digits_path().read_bytes())
    before = data.read_bytes()
    for target in (data, model_path):
        status, _, stderr = _run(
            capsys, "predict", str(model_path), "--data", str(data), "--out", str(target)
        )
        assert status == 2 and "is the same file as" in stderr and stderr.count("\n") == 1
    assert data.read_bytes() == before and load_model(model_path)
    status, _, stderr = _run(capsys, "predict", str(model_path), "--data", "digits", "--out", str(tmp_path))
    assert status == 2 and "is a directory" in stderr
    status, _, stderr = _run(capsys, "predict", str(model_path), "--index", "3", "--out", str(out))
    assert status == 2 and "--out goes with --data FILE alone" in stderr


def test_predict_json_for_a_file_and_for_one_image(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--data", "digits", "--json")
    document = json.loads(stdout)
    assert status == 0 and document["classes"] == list(range(10)) and len(document["rows"]) == 1797
    predictions, outputs = _expected(model_path, DIGITS[:1])
    assert document["rows"][0] == {"row": 0, "label": 0, "prediction": predictions[0], "outputs": outputs[0]}
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--index", "0", "--json")
    single = json.loads(stdout)
    assert status == 0 and single["label"] == 0 and single["prediction"] == predictions[0]
    assert list(single["outputs"].values()) == outputs[0]


def test_evaluate_json_matches_the_text_report(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "evaluate", str(model_path), "--json")
    result = json.loads(stdout)
    assert status == 0 and result["samples"] == 450 and len(result["confusion_matrix"]) == 10
    assert sum(map(sum, result["confusion_matrix"])) == 450
    diagonal = sum(result["confusion_matrix"][i][i] for i in range(10))
    assert result["accuracy"] == diagonal / 450
    _, text, _ = _run(capsys, "evaluate", str(model_path))
    assert f"accuracy: {100 * result['accuracy']:.2f}%" in text
    assert [row["support"] for row in result["report"]] == [sum(row) for row in result["confusion_matrix"]]


def test_gzipped_csv_reads_like_the_csv(model_path: Path, tmp_path: Path, capsys: Any) -> None:
    plain = digits_path().read_bytes()
    zipped = tmp_path / "digits.csv.gz"
    zipped.write_bytes(gzip.compress(plain))
    assert load_dataset(str(zipped)) == (DIGITS, LABELS)
    odd_name = tmp_path / "digits.data"  # recognised by its bytes, not its name
    odd_name.write_bytes(gzip.compress(plain))
    assert load_dataset(str(odd_name)) == (DIGITS, LABELS)
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--data", str(zipped))
    assert status == 0 and stdout == _run(capsys, "predict", str(model_path), "--data", "digits")[1]
    damaged = tmp_path / "damaged.csv.gz"
    damaged.write_bytes(gzip.compress(plain)[:5000])
    status, _, stderr = _run(capsys, "evaluate", str(model_path), str(damaged))
    assert status == 2 and stderr.count("\n") == 1 and "damaged.csv.gz" in stderr


def test_predict_reads_standard_input_where_the_loader_does(model_path: Path) -> None:
    """`--data -` goes through data.load_dataset: it works exactly when the loader reads stdin."""
    completed = subprocess.run(
        [sys.executable, "-m", "purenn", "predict", str(model_path), "--data", "-"],
        input=digits_path().read_bytes()[:2000],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert b"Traceback" not in completed.stderr
    if completed.returncode == 0:
        assert completed.stdout.startswith(b"row,label,prediction,")
    else:
        assert completed.returncode == 2 and completed.stderr.count(b"\n") == 1


def test_negative_pixels_are_values_not_options(model_path: Path, capsys: Any) -> None:
    pixels = ",".join(["-1"] + ["0"] * 63)
    for argv in (["--pixels", pixels], ["--pixels", pixels.replace(",", " ")], [f"--pixels={pixels}"]):
        status, stdout, stderr = _run(capsys, "predict", str(model_path), *argv)
        assert status == 0 and "prediction:" in stdout, stderr


def test_no_command_prints_the_command_list_and_exits_2(capsys: Any) -> None:
    status, stdout, stderr = _run(capsys)
    assert status == 2 and stdout == ""
    for command in ("train", "evaluate", "predict", "show", "gradcheck", "export"):
        assert command in stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--hid", "8"],
        ["train", "--epoch", "1"],
        ["predict", "m.json", "--pix", "1"],
        ["show", "--co", "3"],
    ],
)
def test_long_options_are_never_abbreviated(argv: List[str], capsys: Any) -> None:
    status, _, stderr = _run(capsys, *argv)
    assert status == 2 and "unrecognized arguments" in stderr


def _subparsers() -> List[Any]:
    parser = _parser()
    (commands,) = [action for action in parser._actions if action.dest == "command"]
    return [parser, *commands.choices.values()]


def test_every_parser_refuses_abbreviations_and_shows_defaults() -> None:
    for parser in _subparsers():
        assert parser.allow_abbrev is False, parser.prog
        text = parser.format_help()
        for action in parser._actions:
            if action.help and action.default not in (None, False) and action.default != "==SUPPRESS==":
                assert f"(default: {action.default})" in " ".join(text.split()), (parser.prog, action.dest)
    train_help = " ".join(_subparsers()[1].format_help().split())
    assert "where to save the model (default: model.json)" in train_help


def test_every_option_has_help() -> None:
    for parser in _subparsers():
        for action in parser._actions:
            assert action.help, (parser.prog, action.dest)


def test_the_sdist_test_files_are_in_the_manifest() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text().split("\n")
    for line in ("graft tests", "graft examples", "graft bench", "include LICENSE README.md"):
        assert line in manifest
    assert os.path.isfile(ROOT / "tests" / "conftest.py") and os.path.isfile(ROOT / "tests" / "strategies.py")


def test_out_dash_is_standard_output(model_path: Path, capsys: Any) -> None:
    status, stdout, _ = _run(capsys, "predict", str(model_path), "--data", "digits", "--out", "-")
    assert status == 0 and stdout == _run(capsys, "predict", str(model_path), "--data", "digits")[1]


def test_a_csv_of_features_alone_with_label_column_none(
    model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    features = tmp_path / "features.csv"
    features.write_text("".join(",".join(f"{x:g}" for x in row) + "\n" for row in DIGITS[:20]))
    argv = ["predict", str(model_path), "--data", str(features), "--label-column", "none"]
    status, stdout, stderr = _run(capsys, *argv)
    assert status == 0, stderr
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0][:3] == ["row", "prediction", "output_0"] and len(rows) == 21
    predictions, outputs = _expected(model_path, DIGITS[:20])
    assert [row[1] for row in rows[1:]] == [str(p) for p in predictions]
    assert [float(v) for v in rows[5][2:]] == outputs[4]
    assert load_dataset(str(features), label_column=None) == (DIGITS[:20], [])
    status, _, stderr = _run(capsys, "predict", str(model_path), "--data", str(features))  # 63 features
    assert status == 2 and "expects 64 inputs" in stderr


def test_predict_every_row_of_idx_gzipped_idx_and_mat_files(
    model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    """IDX (its labels file found beside it), gzipped IDX and a MAT-file: the same lines as the CSV."""
    from test_data import idx_bytes
    from test_matlab import mat_file, matrix

    rows, labels = DIGITS[:30], LABELS[:30]
    images = idx_bytes(0x08, [30, 8, 8], [int(value) for row in rows for value in row])
    (tmp_path / "t-images-idx3-ubyte").write_bytes(images)
    (tmp_path / "t-labels-idx1-ubyte").write_bytes(idx_bytes(0x08, [30], labels))
    (tmp_path / "g-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    (tmp_path / "g-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(0x08, [30], labels)))
    mat = mat_file("<", matrix("<", "X", rows), matrix("<", "y", [[label] for label in labels]))
    (tmp_path / "d.mat").write_bytes(mat)
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("".join(",".join(map(str, [*map(int, r), y])) + "\n" for r, y in zip(rows, labels)))
    expected = _run(capsys, "predict", str(model_path), "--data", str(csv_path))[1]
    assert expected.count("\n") == 31
    for name in ("t-images-idx3-ubyte", "g-images-idx3-ubyte.gz", "d.mat"):
        status, stdout, stderr = _run(capsys, "predict", str(model_path), "--data", str(tmp_path / name))
        assert (status, stdout, stderr) == (0, expected, ""), name
    completed = subprocess.run(  # standard input: CSV, exactly as from the file
        [sys.executable, "-m", "purenn", "predict", str(model_path), "--data", "-"],
        input=csv_path.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 0 and completed.stdout.decode() == expected, completed.stderr
    completed = subprocess.run(  # IDX cannot be told from CSV on a stream: refused in one line
        [sys.executable, "-m", "purenn", "predict", str(model_path), "--data", "-"],
        input=images,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 2 and completed.stderr.count(b"\n") == 1
    assert b"give the file's name" in completed.stderr
