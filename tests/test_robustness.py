"""Robustness: saves that survive a kill, training that survives absurd numbers, runs that repeat.

- A save killed (SIGKILL) half-way, or whose write fails half-way, leaves the old model file whole.
- Absurd learning rates and inputs end in a DivergenceError (exit status 1) or a finite model.
- The same command twice, in separate processes with different hash seeds: the same model file.
- Hostile JSON and data files the other test files do not make: only the package's own errors.

test_model.py covers failures of os.replace and os.fsync and the refusal of non-finite weights;
test_data.py fuzzes load_csv and read_idx with arbitrary bytes.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purenn import files
from purenn.data import load_csv, load_digits, read_idx
from purenn.errors import DivergenceError, ModelError, PurennError
from purenn.estimator import Classifier
from purenn.model import Model, load_model, save_model

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def small_model(first_weight: float = 0.5) -> Model:
    return Model([[[first_weight, -1.0, 0.25]]], ["sigmoid"], "binary_cross_entropy", {"kind": "none"}, ["y"])


# Atomic saves ------------------------------------------------------------------------------------

# The child saves a model of 400,000 weights (about 8 MB of JSON) over the old file, and stops
# at a chosen point, saying so on stdout, so that the parent kills it exactly there.
KILLED_SAVE = textwrap.dedent(
    """
    import os, sys, time
    from purenn import files
    from purenn.model import Model, save_model

    where, path = sys.argv[1], sys.argv[2]

    def stop_here():
        print("ready", flush=True)
        time.sleep(60)

    class HalfWriter:
        def __init__(self, file):
            self.file = file
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.file.__exit__(*exc)
        def write(self, content):
            self.file.write(content[: len(content) // 2])
            self.file.flush()
            stop_here()
        def __getattr__(self, name):
            return getattr(self.file, name)

    if where == "mid-write":
        files.open = lambda *args, **kwargs: HalfWriter(open(*args, **kwargs))
    else:  # written and synced, not yet renamed over the old file
        real_replace = os.replace
        os.replace = lambda *args: stop_here()
    neurons = [[0.123456789] * 401 for _ in range(1000)]
    save_model(Model([neurons], ["sigmoid"], "binary_cross_entropy", {"kind": "none"},
                     list(range(1000))), path)
    print("saved", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this platform")
@pytest.mark.parametrize("where", ["mid-write", "before-rename"])
def test_a_save_killed_half_way_leaves_the_old_file_whole(tmp_path: Path, where: str) -> None:
    path = tmp_path / "model.json"
    save_model(small_model(), path)
    old = path.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVE, where, str(path)], stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        (temporary,) = [name for name in os.listdir(tmp_path) if name != "model.json"]
        assert os.path.getsize(tmp_path / temporary) > 0  # the new model is on its way to disk
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == old
    assert load_model(path) == small_model()
    # Nothing can clean up after SIGKILL: the temporary file stays, hidden beside the model, named
    # so that no one takes it for a model file.
    assert temporary.startswith(".model.json.") and temporary.endswith(".tmp")


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    save_model(small_model(), path)
    old = path.read_bytes()

    class DiskFull:
        def __init__(self, file: Any) -> None:
            self.file = file

        def __enter__(self) -> "DiskFull":
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, content: bytes) -> int:
            self.file.write(content[: len(content) // 2])
            self.file.flush()
            raise OSError(28, "No space left on device")

    def open_disk_full(*args: Any, **kwargs: Any) -> DiskFull:
        return DiskFull(open(*args, **kwargs))  # noqa: SIM115 - DiskFull closes it

    monkeypatch.setattr(files, "open", open_disk_full, raising=False)
    with pytest.raises(ModelError, match="No space left on device"):
        save_model(small_model(2.0), path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["model.json"]


# Absurd numbers ----------------------------------------------------------------------------------


def _is_finite(classifier: Classifier) -> bool:
    return all(math.isfinite(w) for layer in classifier.network_ for neuron in layer for w in neuron)


@pytest.mark.parametrize(
    ("rate", "factor", "scaling"),
    [
        (1e3, 1.0, "divide"),
        (1e6, 1.0, "divide"),
        (1e300, 1.0, "standardize"),
        (0.1, 1e200, "divide"),
        (0.1, 1e200, "none"),
        (1e6, 1e200, "none"),
    ],
)
@pytest.mark.parametrize(
    "activations", [("relu", "softmax", "cross_entropy"), ("sigmoid", "sigmoid", "squared_error")]
)
def test_absurd_rates_and_inputs_diverge_clearly_or_stay_finite(
    rate: float, factor: float, scaling: str, activations: List[str]
) -> None:
    inputs, labels = load_digits()
    inputs = [[value * factor for value in row] for row in inputs[:150]]
    hidden, output, loss = activations
    classifier = Classifier(
        hidden=(8,),
        activation=hidden,
        output_activation=output,
        loss=loss,
        rate=rate,
        epochs=2,
        scaling=scaling,
    )
    try:
        classifier.fit(inputs, labels[:150])
    except DivergenceError as error:
        assert "\n" not in str(error)
        if getattr(classifier, "network_", None) is not None:
            assert _is_finite(classifier)  # the last finite weights are kept
        return
    assert _is_finite(classifier)
    for row in classifier.predict_proba(inputs[:10]):
        assert all(math.isfinite(p) for p in row)


def test_inputs_too_large_to_standardize_are_a_data_error() -> None:
    inputs, labels = load_digits()
    with pytest.raises(PurennError, match="too large to standardize"):
        Classifier(hidden=(4,), epochs=1, scaling="standardize").fit(
            [[value * 1e200 for value in row] for row in inputs[:50]], labels[:50]
        )


@pytest.fixture(scope="module")
def huge_csv(tmp_path_factory: Any) -> Path:
    """The first 300 digits with every pixel times 1e200."""
    path = tmp_path_factory.mktemp("huge") / "huge.csv"
    inputs, labels = load_digits()
    rows = [",".join(repr(v * 1e200) for v in row) + f",{label}" for row, label in zip(inputs[:300], labels)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    "options",
    [
        ["--rate", "1e6"],
        ["--rate", "1e3", "--momentum", "0"],
        ["--data", "{huge}", "--scaling", "none"],
        ["--data", "{huge}", "--scaling", "none", "--rate", "1e6", "--batch-size", "1"],
    ],
)
def test_the_command_line_diverges_with_one_line_or_saves_a_finite_model(
    options: List[str], huge_csv: Path, tmp_path: Path
) -> None:
    argv = [part.format(huge=huge_csv) for part in options]
    completed = subprocess.run(
        [sys.executable, "-m", "purenn", "train", "--epochs", "2", "--hidden", "8", "--out", "m.json", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=ENV,
        timeout=300,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (0, 1), completed.stderr
    if completed.returncode == 1:
        assert len(completed.stderr.splitlines()) == 1 and "diverge" in completed.stderr, completed.stderr
        assert not (tmp_path / "m.json").exists()
    else:
        load_model(tmp_path / "m.json")  # refuses any non-finite number


# Same seed, same interpreter: same model -------------------------------------------------------


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_timings(item) for key, item in value.items() if key != "seconds"}
    if isinstance(value, list):
        return [_without_timings(item) for item in value]
    return value


@pytest.mark.slow
def test_the_same_command_twice_gives_the_same_model(tmp_path: Path) -> None:
    """Separate processes with different hash seeds, so that no set or dict order can leak in."""
    models = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"model-{hash_seed}.json"
        completed = subprocess.run(
            [sys.executable, "-m", "purenn", "train", "--epochs", "2", "--hidden", "8", "--out", str(out)],
            capture_output=True,
            text=True,
            env={**ENV, "PYTHONHASHSEED": hash_seed},
            timeout=300,
        )
        assert completed.returncode == 0, completed.stderr
        models.append(json.loads(out.read_text()))
    assert "seconds" in models[0]["training"]
    assert _without_timings(models[0]) == _without_timings(models[1])


# Hostile files: only the package's own errors ----------------------------------------------------

VALID: Dict[str, Any] = {
    "format": "purenn-model",
    "version": 1,
    "layers": [
        {"activation": "relu", "weights": [[0.5, -0.5, 0.1], [0.25, 0.75, -0.2]]},
        {"activation": "softmax", "weights": [[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0]]},
    ],
    "loss": "cross_entropy",
    "scaling": {"kind": "standardize", "mean": [0.0, 1.0], "std": [1.0, 2.0]},
    "labels": [0, 1],
    "training": {"epochs": 3},
}

# Numbers as JSON text that Python's json turns into inf, huge ints or tiny floats.
extreme_numbers = st.sampled_from(["1e400", "-1e400", "1e-400", "9" * 5000, "-0", "0e0", "1E308", "2e308"])


@st.composite
def model_texts(draw: st.DrawFn) -> str:
    """A valid model file with one number, list or object replaced by an extreme JSON text."""
    text = json.dumps(VALID)
    numbers = [i for i, ch in enumerate(text) if ch in "-0123456789" and text[i - 1] in " [:"]
    start = draw(st.sampled_from(numbers))
    end = start
    while end < len(text) and text[end] in "-+.0123456789eE":
        end += 1
    depth = draw(st.integers(1, 3000))
    replacement = draw(
        st.one_of(
            extreme_numbers,
            st.just("[" * depth + "]" * depth),
            st.just('{"a": ' * depth + "0" + "}" * depth),
            st.just("[" + ",".join(["0.5"] * draw(st.integers(0, 5000))) + "]"),
        )
    )
    return text[:start] + replacement + text[end:]


@given(model_texts())
@settings(max_examples=150, deadline=None)
def test_extreme_json_anywhere_in_a_model_file_is_a_model_or_a_model_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        try:
            model = load_model(path)
        except ModelError as error:
            assert "\n" not in str(error)
        else:
            assert load_model(path) == model
            assert all(math.isfinite(w) for layer in model.network for neuron in layer for w in neuron)


@pytest.mark.parametrize(
    "content",
    [
        b"1,2," + b"9" * 400 + b"\n",  # a number beyond float: inf
        b"1e308,1e308,0\n" * 3,
        b"0," * 200_000 + b"1\n" + b"0," * 200_000 + b"2\n",  # gigantic rows, still valid
        b"0," * 200_000 + b"1\n" + b"0," * 10 + b"2\n",
        b"\xef\xbb\xbf" * 3 + b"1,2\n",
        b"\x00" * 1000,
    ],
)
def test_extreme_csv_files_are_data_or_a_purenn_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    try:
        inputs, labels = load_csv(path)
    except PurennError as error:
        assert "\n" not in str(error)
    else:
        assert len(inputs) == len(labels) and all(math.isfinite(v) for row in inputs for v in row)


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x00\x0e\x01" + (1).to_bytes(4, "big") + b"\x7f\xf0" + b"\x00" * 6,  # a float64 inf
        b"\x00\x00\x0e\x01" + (1).to_bytes(4, "big") + b"\x7f\xf8" + b"\x00" * 6,  # a float64 NaN
        b"\x00\x00\x08\xff" + b"\xff\xff\xff\xff" * 255,  # 255 dimensions of 2**32 - 1
        b"\x00\x00\x08\x00",  # no dimensions: a single value
    ],
)
def test_extreme_idx_files_are_values_or_a_purenn_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.idx"
    path.write_bytes(content)
    try:
        read_idx(path)
    except PurennError as error:
        assert "\n" not in str(error)


# Hostile use of the command line: every flag, every kind of output path (issue 12) -------------
#
# The invariant, everywhere: exit 0 with the promised file, or exit 1/2 with one line on stderr;
# no exception escapes main (a traceback, in a shell); every file that existed before is
# byte-identical after (except the promised output itself, when it was promised and written).

TINY_ROWS = "\n".join(f"{i % 2},{i % 3},{i % 5},{i % 7},{i % 2}" for i in range(40)) + "\n"
QUICK_TRAIN = ["--epochs", "1", "--hidden", "4", "--quiet"]


def _snapshot(directory: Path) -> Dict[str, Any]:
    """Every entry under directory: a regular file's bytes, a symlink's target, other kinds."""
    seen: Dict[str, Any] = {}
    for root, directories, names in os.walk(directory):
        for name in directories + names:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                seen[path] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                with open(path, "rb") as file:
                    seen[path] = ("file", file.read())
            else:
                seen[path] = ("kind", stat.S_IFMT(mode))
    return seen


def _run_main(argv: List[str], capsys: Any) -> "tuple[int, str]":
    from purenn.cli import main

    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        status = int(exit_.code or 0)
    return status, capsys.readouterr().err


def _assert_the_invariant(
    status: int, stderr: str, before: Dict[str, Any], after: Dict[str, Any], promised: List[str]
) -> None:
    assert status in (0, 1, 2), (status, stderr)
    if status == 0:
        assert "error" not in stderr, stderr
        for path in promised:
            assert os.path.isfile(path), f"exit 0 without the promised {path}"
    else:
        assert len(stderr.splitlines()) == 1 and stderr.endswith("\n"), stderr
        assert stderr.startswith("purenn"), stderr
    changed = [path for path in before if after.get(path) != before[path]]
    allowed = {os.path.realpath(p) for p in promised} if status == 0 else set()
    assert all(os.path.realpath(path) in allowed for path in changed), (changed, stderr)


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Path:
    """tiny.csv, a model m.json trained on it, and every kind of path, in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.csv").write_text(TINY_ROWS)
    status, err = _run_main(["train", "--data", "tiny.csv", "--out", "m.json", *QUICK_TRAIN], capsys)
    assert status == 0, err
    os.symlink("tiny.csv", tmp_path / "link-to-input")
    os.link(tmp_path / "tiny.csv", tmp_path / "hard-link-to-input")
    (tmp_path / "real.out").write_bytes(b"old")
    os.symlink("real.out", tmp_path / "link-to-regular")
    os.symlink("nowhere", tmp_path / "dangling")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dir").mkdir()
    (tmp_path / "plots-with-input").mkdir()
    os.link(tmp_path / "tiny.csv", tmp_path / "plots-with-input" / "digits.png")
    (tmp_path / "plots-with-fifo").mkdir()
    os.mkfifo(tmp_path / "plots-with-fifo" / "weights.svg")
    return tmp_path


PATH_KINDS = {
    "the input": "tiny.csv",
    "the input as ./": "./tiny.csv",
    "a symlink to the input": "link-to-input",
    "a hard link to the input": "hard-link-to-input",
    "the model": "m.json",
    "a directory": "dir",
    "a directory/": "dir/",
    "a device": "/dev/null",
    "a FIFO": "fifo",
    "a dangling symlink": "dangling",
    "a symlink to a regular file": "link-to-regular",
    "a missing parent": "missing/x",
    "a path through a file": "tiny.csv/x",
    "a name too long": "n" * 256,
    "a name too long in a parent": "d" * 256 + "/x",
    "empty": "",
    "a new file": "new.out",
    "a directory holding a link to the input": "plots-with-input",
    "a directory holding a FIFO": "plots-with-fifo",
}

OUTPUT_FLAGS = {
    "train --out": ["train", "--data", "tiny.csv", *QUICK_TRAIN, "--out"],
    "train --plots": ["train", "--data", "tiny.csv", *QUICK_TRAIN, "--out", "o.json", "--plots"],
    "evaluate --plots": ["evaluate", "m.json", "--plots"],
    "show --png": ["show", "--data", "tiny.csv", "--model", "m.json", "--count", "4", "--png"],
    "show --svg": ["show", "--data", "tiny.csv", "--count", "4", "--svg"],
}


def _promised(flag: str, path: str) -> List[str]:
    if flag.endswith("--plots"):
        names = ["digits.png", "weights.svg", "confusion.svg"]
        return [os.path.join(path, name) for name in names] + (["o.json"] if flag.startswith("train") else [])
    return [path]


@pytest.mark.parametrize("kind", list(PATH_KINDS))
@pytest.mark.parametrize("flag", list(OUTPUT_FLAGS))
def test_every_output_flag_with_every_kind_of_path(workdir: Path, capsys: Any, flag: str, kind: str) -> None:
    path = PATH_KINDS[kind]
    before = _snapshot(workdir)
    status, stderr = _run_main([*OUTPUT_FLAGS[flag], path], capsys)
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), _promised(flag, path))
    if kind in ("a new file", "a symlink to a regular file") and not flag.endswith("--plots"):
        assert status == 0, stderr
    if kind in ("the input", "the input as ./", "a symlink to the input", "a hard link to the input"):
        assert status == 2 and "same file as" in stderr or flag.endswith("--plots"), stderr
    if kind == "a symlink to a regular file" and status == 0:
        assert os.readlink(workdir / "link-to-regular") == "real.out"


# Every flag of every command, with boundary and wrong-type values.

BASES = {
    "train": ["train", "--data", "tiny.csv", "--out", "o.json", *QUICK_TRAIN],
    "evaluate": ["evaluate", "m.json"],
    "predict": ["predict", "m.json", "--index", "0", "--data", "tiny.csv"],
    "show": ["show", "--data", "tiny.csv", "--count", "3"],
    "gradcheck": ["gradcheck", "--sizes", "3,2,2", "--samples", "1"],
}
VALUES = ["", "0", "-1", "1.5", "nan", "inf", "-inf", "1e400", "x", "9" * 400, "1,2", "none", "-0", "1" * 30]
# Values that are valid and ask for work without end: more epochs or samples than a run can do.
ENDLESS = {("--epochs", "9" * 400), ("--epochs", "1" * 30), ("--samples", "9" * 400), ("--samples", "1" * 30)}


def _options(command: str) -> List[str]:
    import argparse

    from purenn.cli import _parser

    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = commands.choices[command]
    return [
        action.option_strings[-1]
        for action in parser._actions
        if action.option_strings and action.nargs != 0 and "--help" not in action.option_strings
    ]


FLAG_CASES = [
    (command, option, value)
    for command in BASES
    for option in _options(command)
    for value in VALUES
    if (option, value) not in ENDLESS
]


@pytest.mark.parametrize(("command", "option", "value"), FLAG_CASES)
def test_every_flag_with_boundary_and_wrong_type_values(
    workdir: Path, capsys: Any, command: str, option: str, value: str
) -> None:
    before = _snapshot(workdir)
    status, stderr = _run_main([*BASES[command], option, value], capsys)
    promised = ["o.json"] if command == "train" else []
    if option in ("--png", "--svg", "--out") and status == 0:
        promised = [value]
    if command == "gradcheck" and status == 1:  # its verdict (FAILED, undetermined) is on stdout
        assert stderr == "", stderr
        status = 0
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), promised)


CONFLICTS = [
    ["train", "--data", "tiny.csv", "--n-iter-no-change", "2"],
    ["train", "--data", "tiny.csv", "--validation-fraction", "0.2"],
    ["train", "--data", "tiny.csv", "--divide-by", "4", "--scaling", "none"],
    ["train", "--data", "tiny.csv", "--divide-by", "4", "--scaling", "standardize"],
    ["train", "--data", "tiny.csv", "--preset", "relu-sgd", "--divide-by", "4"],
    ["train", "--label-column", "0"],
    ["train", "--data", "tiny.csv", "--labels", "tiny.csv"],
    ["train", "--data", "tiny.csv", "--hidden", "none", "--dropout", "0.2"],
    ["train", "--data", "tiny.csv", "--hidden", "none", "--activation", "tanh"],
    ["train", "--data", "tiny.csv", "--test-fraction", "0.99"],
    ["train", "--data", "tiny.csv", "--out", "p/digits.png", "--plots", "p"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--data", "tiny.csv"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--label-column", "0"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--index", "0"],
    ["evaluate", "m.json", "--labels", "tiny.csv"],
    ["evaluate", "m.json", "--label-column", "0"],
    ["show", "--data", "tiny.csv", "--png", "same", "--svg", "same"],
    ["show", "--data", "digits", "--label-column", "3"],
]


@pytest.mark.parametrize("argv", CONFLICTS, ids=[" ".join(argv) for argv in CONFLICTS])
def test_conflicting_or_unused_flags_are_one_line_and_exit_2(
    workdir: Path, capsys: Any, argv: List[str]
) -> None:
    before = _snapshot(workdir)
    extra = ["--out", "o.json", *QUICK_TRAIN] if argv[0] == "train" and "--out" not in argv else []
    status, stderr = _run_main([argv[0], *extra, *argv[1:]], capsys)  # the case's flags win
    assert status == 2, stderr
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), [])
    assert not os.path.exists("o.json")


# Found by the audit of issue 12: each failed before its fix.


def test_evaluate_plots_are_never_written_over_the_training_data_the_model_records(
    workdir: Path, capsys: Any
) -> None:
    (workdir / "pl").mkdir()
    os.symlink("../tiny.csv", workdir / "pl" / "confusion.svg")  # written through, it would be the data
    before = _snapshot(workdir)
    status, stderr = _run_main(["evaluate", "m.json", "--plots", "pl"], capsys)
    assert status == 2 and "the model's training data" in stderr, stderr
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), [])


@pytest.mark.parametrize("plots", ["n" * 256, "new/" + "n" * 256, "n" * 256 + "/x", "tiny.csv/x/y"])
def test_a_new_plots_directory_that_cannot_be_made_is_refused_before_training(
    workdir: Path, capsys: Any, plots: str
) -> None:
    (workdir / "o.json").write_bytes(b"old")  # an earlier model, which a late failure replaced
    before = _snapshot(workdir)
    status, stderr = _run_main(
        ["train", "--data", "tiny.csv", *QUICK_TRAIN, "--out", "o.json", "--plots", plots], capsys
    )
    assert status == 2 and "--plots" in stderr, stderr
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), [])


UNUSED_FOUND_BY_THE_AUDIT = [
    ["train", "--data", "tiny.csv", "--momentum", "0.9", "--solver", "adam"],
    ["train", "--data", "tiny.csv", "--preset", "sigmoid-sgd", "--dropout-order", "inverted"],
    ["train", "--data", "tiny.csv", "--dropout", "0", "--dropout-order", "mask-after-output"],
    ["train", "--data", "tiny.csv", "--fit-scaling-on", "all", "--scaling", "none"],
    ["train", "--data", "tiny.csv", "--resume", "m.json", "--test-fraction", "0.5"],
    ["train", "--data", "tiny.csv", "--resume", "m.json", "--fit-scaling-on", "all"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--inputs-variable", "X"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--labels-variable", "y"],
    ["predict", "m.json", "--pixels", "1 2 3 4", "--relabel", "1=0"],
    ["gradcheck", "--sizes", "3,2", "--activation", "relu"],
    ["gradcheck", "--activation", "nonsense"],
]


@pytest.mark.parametrize(
    "argv", UNUSED_FOUND_BY_THE_AUDIT, ids=[" ".join(a) for a in UNUSED_FOUND_BY_THE_AUDIT]
)
def test_more_flags_that_would_do_nothing_are_refused(workdir: Path, capsys: Any, argv: List[str]) -> None:
    before = _snapshot(workdir)
    extra = ["--out", "o.json", "--epochs", "1", "--quiet"] if argv[0] == "train" else []
    status, stderr = _run_main([argv[0], *extra, *argv[1:]], capsys)
    assert status == 2, stderr
    flag = argv[-2] if argv[-2].startswith("--") and argv[0] != "gradcheck" else "--activation"
    if argv[0] == "train" and "--resume" not in argv:
        flag = next(a for a in argv[3:] if a.startswith("--") and a != "--preset")
    assert flag in stderr, stderr
    _assert_the_invariant(status, stderr, before, _snapshot(workdir), [])


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--activation", "nope"], "--activation: unknown activation"),
        (["--output-activation", "nope"], "--output-activation: unknown"),
        (["--epochs", "9" * 20], "--epochs must be at most"),
        (["--jobs", "2", "--batch-size", "1"], "--jobs 2 needs --batch-size > 1"),
        (
            ["--dropout-order", "mask-after-output", "--batch-size", "8"],
            "--dropout-order 'mask-after-output'",
        ),
    ],
)
def test_the_command_line_names_the_flag_not_the_parameter(
    workdir: Path, capsys: Any, flags: List[str], named: str
) -> None:
    status, stderr = _run_main(["train", "--data", "tiny.csv", "--out", "o.json", "--quiet", *flags], capsys)
    assert status == 2 and named in stderr, stderr
