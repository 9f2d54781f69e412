"""The command line as a real program: `python -m purenn` in a subprocess, given bad input.

Every case must end with exit status 2 and exactly one line on stderr, never a traceback. The
in-process tests in test_cli.py check the messages; these check what a shell user sees: the
interpreter's own exit, argparse's exit and purenn's, with nothing caught by a test harness.

Running as root, chmod 000 does not stop a read, so an "unreadable" file is a path that goes
through a regular file (`file/x`): the operating system refuses it (ENOTDIR) for any user.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from purenn.cli import main
from purenn.model import load_model

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def files(tmp_path_factory: Any) -> Dict[str, str]:
    """Paths for the cases: a directory, a regular file, a corrupt model, a model of 3 inputs."""
    directory = tmp_path_factory.mktemp("cli")
    three = directory / "three.csv"
    three.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 2}" for i in range(40)) + "\n")
    wrong = directory / "three.json"
    argv = ["train", "--data", str(three), "--hidden", "3", "--epochs", "1", "--quiet", "--out", str(wrong)]
    assert main(argv) == 0
    corrupt = directory / "corrupt.json"
    corrupt.write_text('{"format": "purenn-model", "version": 1, "layers": [')
    bad_csv = directory / "bad.csv"
    bad_csv.write_text("1,2,3\n4,five,6\n")
    return {
        "dir": str(directory),
        "missing": str(directory / "no-such-file"),
        "inside": str(three / "x"),  # a path through a regular file: ENOTDIR, even for root
        "corrupt": str(corrupt),
        "wrong": str(wrong),
        "bad_csv": str(bad_csv),
    }


CASES: List[List[str]] = [
    # train: data that is not there, not a file, not readable, not valid; options out of range
    ["train", "--data", "{missing}"],
    ["train", "--data", "{dir}"],
    ["train", "--data", "{inside}"],
    ["train", "--data", "{bad_csv}"],
    ["train", "--out", "{inside}", "--epochs", "1", "--hidden", "2", "--quiet"],
    ["train", "--epochs", "0"],
    ["train", "--epochs", "-1"],
    ["train", "--rate", "-0.1"],
    ["train", "--rate", "fast"],
    ["train", "--hidden", "0"],
    ["train", "--batch-size", "-1"],
    ["train", "--divide-by", "0"],
    ["train", "--test-fraction", "0"],
    # evaluate: each kind of bad model, then bad data for a good model
    ["evaluate", "{missing}"],
    ["evaluate", "{dir}"],
    ["evaluate", "{inside}"],
    ["evaluate", "{corrupt}"],
    ["evaluate", "{wrong}", "digits"],
    ["evaluate", "{wrong}", "{inside}"],
    # predict
    ["predict", "{missing}", "--index", "0"],
    ["predict", "{corrupt}", "--index", "0"],
    ["predict", "{wrong}", "--index", "0"],
    ["predict", "{wrong}", "--index", "-1"],
    ["predict", "{wrong}", "--pixels", "1 2 nan"],
    # show
    ["show", "--data", "{dir}"],
    ["show", "--model", "{inside}"],
    ["show", "--count", "-2"],
    # gradcheck
    ["gradcheck", "--sizes", "0,3"],
    ["gradcheck", "--samples", "0"],
    ["gradcheck", "--l2", "-1"],
]


def _id(argv: List[str]) -> str:
    return " ".join(argv).replace("{", "").replace("}", "")


@pytest.mark.parametrize("argv", CASES, ids=[_id(argv) for argv in CASES])
def test_bad_input_is_one_line_and_exit_status_2(
    argv: List[str], files: Dict[str, str], tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "error"}
    completed = subprocess.run(
        [sys.executable, "-m", "purenn", *[part.format(**files) for part in argv]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and completed.stderr.endswith("\n"), completed.stderr
    assert lines[0].startswith("purenn"), lines[0]
    assert os.listdir(tmp_path) == [], "a failed command left files behind"


# Hostile use, kind by kind (issue 12): each of these failed before the fix ---------------------

TINY = ["--epochs", "1", "--hidden", "4", "--quiet"]


def _purenn(
    argv: List[str], cwd: Path, *, stdin: Any = subprocess.DEVNULL, stdout: Any = subprocess.PIPE
) -> "subprocess.CompletedProcess[str]":
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "purenn", *argv],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def _one_line(completed: "subprocess.CompletedProcess[str]", status: int) -> str:
    assert "Traceback" not in completed.stderr and "Exception ignored" not in completed.stderr
    assert completed.returncode == status, completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    """A CSV of 40 rows, 4 features, 2 classes, in the working directory of the test."""
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 7},{i % 2}" for i in range(40)) + "\n")
    return path


@pytest.mark.parametrize("spelling", ["tiny.csv", "./tiny.csv", "{dir}/tiny.csv", "link.csv", "hard.csv"])
def test_train_refuses_to_write_the_model_over_its_data(tiny: Path, spelling: str) -> None:
    os.symlink("tiny.csv", tiny.parent / "link.csv")
    os.link(tiny, tiny.parent / "hard.csv")
    before = tiny.read_bytes()
    out = spelling.format(dir=tiny.parent)
    line = _one_line(_purenn(["train", "--data", "tiny.csv", "--out", out, *TINY], tiny.parent), 2)
    assert "same file as --data" in line
    assert tiny.read_bytes() == before


def test_a_picture_is_never_written_over_the_data_or_the_model(tiny: Path) -> None:
    cwd = tiny.parent
    assert _purenn(["train", "--data", "tiny.csv", "--out", "m.json", *TINY], cwd).returncode == 0
    model = (cwd / "m.json").read_bytes()
    for argv in (
        ["show", "--data", "tiny.csv", "--png", "tiny.csv"],
        ["show", "--data", "tiny.csv", "--model", "m.json", "--svg", "./m.json"],
        ["show", "--data", "tiny.csv", "--png", "x.png", "--svg", "x.png"],
        ["train", "--data", "tiny.csv", "--out", "p/digits.png", "--plots", "p", *TINY],
    ):
        _one_line(_purenn(argv, cwd), 2)
    assert (cwd / "m.json").read_bytes() == model and not (cwd / "x.png").exists()


def test_outputs_that_are_not_regular_files_are_refused_and_left_alone(tiny: Path) -> None:
    cwd = tiny.parent
    os.mkfifo(cwd / "fifo")
    os.symlink("nowhere", cwd / "dangling")
    for out in ("/dev/null", "fifo", "dangling", ".", "dir/", ""):
        line = _one_line(_purenn(["train", "--data", "tiny.csv", "--out", out, *TINY], cwd), 2)
        assert line.startswith("purenn train: error: --out")
    assert (cwd / "fifo").is_fifo() and os.readlink(cwd / "dangling") == "nowhere"


def test_a_symlink_to_a_regular_file_is_written_through(tiny: Path) -> None:
    cwd = tiny.parent
    (cwd / "real.json").write_text("old")
    os.symlink("real.json", cwd / "link.json")
    assert _purenn(["train", "--data", "tiny.csv", "--out", "link.json", *TINY], cwd).returncode == 0
    assert os.readlink(cwd / "link.json") == "real.json"
    load_model(cwd / "real.json")


@pytest.mark.parametrize(
    "out",
    ["missing/m.json", "tiny.csv/m.json", "/proc/m.json", "a" * 256, "b" * 250 + "/m.json"],
)
def test_unwritable_outputs_are_refused_before_training(tiny: Path, out: str) -> None:
    line = _one_line(
        _purenn(["train", "--data", "tiny.csv", "--out", out, "--epochs", "1000"], tiny.parent), 2
    )
    assert "--out" in line
    assert sorted(os.listdir(tiny.parent)) == ["tiny.csv"]


def test_a_long_name_that_fits_is_saved_though_the_temporary_name_is_longer(tiny: Path) -> None:
    out = "m" * 250
    assert _purenn(["train", "--data", "tiny.csv", "--out", out, *TINY], tiny.parent).returncode == 0
    assert sorted(os.listdir(tiny.parent)) == sorted([out, "tiny.csv"])


@pytest.mark.parametrize("stdout", ["/dev/full", "closed pipe"])
def test_the_model_is_saved_before_anything_is_printed(tiny: Path, stdout: str) -> None:
    argv = [sys.executable, "-m", "purenn", "train", "--data", "tiny.csv", "--out", "m.json", *TINY]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if stdout == "/dev/full":
        with open("/dev/full", "w") as full:
            completed = subprocess.run(
                argv, stdout=full, stderr=subprocess.PIPE, text=True, cwd=tiny.parent, env=env
            )
        assert "No space left" in _one_line(completed, 2)
    else:
        read, write = os.pipe()
        os.close(read)  # the reader has gone before a byte is written
        completed = subprocess.run(
            argv, stdout=write, stderr=subprocess.PIPE, text=True, cwd=tiny.parent, env=env
        )
        os.close(write)
        assert completed.returncode == 0 and completed.stderr == "", completed.stderr
    load_model(tiny.parent / "m.json")


def test_help_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-m", "purenn", "--help"], stdout=write, stderr=subprocess.PIPE, text=True, env=env
    )
    os.close(write)
    assert completed.returncode == 0 and completed.stderr == "", completed.stderr


def _piped(data: str, out: str, content: str, cwd: Path) -> "subprocess.CompletedProcess[str]":
    """train --data DATA with content written into its standard input through a pipe."""
    return subprocess.run(
        [sys.executable, "-m", "purenn", "train", "--data", data, "--out", out, *TINY],
        input=content,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_standard_input_is_read_whole_or_refused(tiny: Path) -> None:
    cwd = tiny.parent
    with open(tiny) as source:  # a redirected file: /dev/stdin is then that regular file
        whole = _purenn(["train", "--data", "/dev/stdin", "--out", "s.json", *TINY], cwd, stdin=source)
    assert whole.returncode == 0, whole.stderr
    piped = _piped("-", "p.json", tiny.read_text(), cwd)
    assert piped.returncode == 0, piped.stderr
    assert "on 30 samples of -" in piped.stdout  # all 40 rows read: 30 train, 10 test
    through_dev_stdin = _piped("/dev/stdin", "q.json", tiny.read_text(), cwd)
    assert "or - to read CSV from standard input" in _one_line(through_dev_stdin, 2)
    assert not (cwd / "q.json").exists()


def test_a_fifo_as_data_is_refused_at_once(tiny: Path) -> None:
    os.mkfifo(tiny.parent / "fifo")
    line = _one_line(_purenn(["train", "--data", "fifo", "--out", "m.json", *TINY], tiny.parent), 2)
    assert "FIFO" in line


@pytest.mark.parametrize(
    "flags",
    [
        ["--n-iter-no-change", "2"],
        ["--validation-fraction", "0.2"],
        ["--divide-by", "4", "--scaling", "none"],
        ["--divide-by", "4", "--scaling", "standardize"],
        ["--label-column", "0", "--data", "digits"],
        ["--labels", "tiny.csv"],
        ["--hidden", "none", "--dropout", "0.1"],
        ["--hidden", "none", "--activation", "tanh"],
    ],
)
def test_flags_without_effect_are_refused(tiny: Path, flags: List[str]) -> None:
    argv = ["train", "--data", "tiny.csv", "--out", "m.json", "--epochs", "1", *flags]
    line = _one_line(_purenn(argv, tiny.parent), 2)
    assert flags[-2] in line or flags[0] in line
    assert not (tiny.parent / "m.json").exists()


def test_a_relabel_of_a_label_the_data_does_not_have_is_refused(tiny: Path) -> None:
    argv = ["train", "--data", "tiny.csv", "--out", "m.json", "--epochs", "1", "--relabel", "11=7"]
    line = _one_line(_purenn(argv, tiny.parent), 2)
    assert "relabel 11=7" in line and "no label 11" in line
    assert not (tiny.parent / "m.json").exists()


def test_a_network_too_large_for_a_model_file_or_memory_is_refused_before_training(tiny: Path) -> None:
    for hidden in ("4000000", "3000,3000"):
        line = _one_line(_purenn(["train", "--data", "tiny.csv", "--hidden", hidden], tiny.parent), 2)
        assert "--hidden" in line and "weights" in line


def test_evaluate_refuses_data_that_changed_since_training_and_works_from_elsewhere(
    tiny: Path, tmp_path_factory: Any
) -> None:
    cwd = tiny.parent
    assert _purenn(["train", "--data", "tiny.csv", "--out", "m.json", *TINY], cwd).returncode == 0
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    completed = _purenn(["evaluate", str(cwd / "m.json")], elsewhere)
    assert completed.returncode == 0, completed.stderr
    assert "test split of " + str(tiny) in completed.stdout
    tiny.write_text(tiny.read_text().replace("1,1,1,1,1", "0,1,1,1,1", 1))
    line = _one_line(_purenn(["evaluate", "m.json"], cwd), 2)
    assert "has changed since" in line


@pytest.mark.slow
def test_a_model_with_fields_of_the_wrong_type_is_one_line(tiny: Path) -> None:
    cwd = tiny.parent
    assert _purenn(["train", "--data", "tiny.csv", "--out", "m.json", *TINY], cwd).returncode == 0
    good = json.loads((cwd / "m.json").read_text())
    for field, value in [
        ("settings", []),
        ("settings", "relu"),
        ("split", [1]),
        ("history", {"a": 1}),
        ("data", 3),
        ("data_identity", {"bytes": "x", "sha256": "0"}),
    ]:
        bad = json.loads(json.dumps(good))
        bad["training"][field] = value
        (cwd / "bad.json").write_text(json.dumps(bad))
        for argv in (["evaluate", "bad.json"], ["predict", "bad.json", "--pixels", "1 2 3 4"]):
            assert f'"training.{field}' in _one_line(_purenn(argv, cwd), 2)
    bad = json.loads(json.dumps(good))
    bad["training"]["settings"]["decision"] = 7
    (cwd / "bad.json").write_text(json.dumps(bad))
    assert "training.settings" in _one_line(_purenn(["evaluate", "bad.json"], cwd), 2)


@pytest.mark.slow
def test_gradcheck_verdicts_are_honest() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def gradcheck(*flags: str) -> "subprocess.CompletedProcess[str]":
        argv = [sys.executable, "-m", "purenn", "gradcheck", *flags]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)

    for seed in ("0", "2", "4", "5"):  # seeds whose probes crossed the kink: FAILED before
        relu = gradcheck("--activation", "relu", "--seed", seed, "--samples", "20")
        assert relu.returncode == 0 and "(ok:" in relu.stdout, relu.stdout
    nan = gradcheck("--l2", "1e308")  # reported "0 (ok)" before
    assert nan.returncode == 1 and "nan (undetermined" in nan.stdout, nan.stdout


# Ctrl-C at any moment: one line and status 130 (or, before Python's own handler is in place,
# death by the signal itself, with nothing written: the shell shows 130 for both). The child
# runs with -S: the site module (and an editable install's import hooks) run before any purenn
# code, and Ctrl-C there is Python's to report; PYTHONPATH finds purenn without them. So is a
# traceback none of whose frames is in purenn (runpy and importlib, starting `-m`).


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 1.0])
def test_ctrl_c_at_any_moment_is_one_line_and_status_130(tmp_path: Path, delay: float) -> None:
    import signal
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-S",
            "-m",
            "purenn",
            "train",
            "--epochs",
            "50",
            "--hidden",
            "32",
            "--out",
            "m.json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=120)
    frames = [line for line in stderr.splitlines() if line.strip().startswith("File ")]
    if frames and not any("purenn" in frame for frame in frames):
        return  # Python's own start-up (runpy, importlib) had not reached purenn's code yet
    if "Fatal Python error" in stderr and "<no Python frame>" in stderr:
        return  # earlier still: the interpreter's own initialisation (seen once at 0 s on 3.13)
    assert "Traceback" not in stderr, stderr
    if child.returncode == 0 and platform.python_implementation() == "PyPy":
        # PyPy drops a SIGINT that arrives in its first ~10 ms, before it handles signals at all
        # (measured: sent at 0 and 10 ms, the training ran to the end): then the promised file.
        assert (tmp_path / "m.json").is_file() and stderr == "", stderr
        return
    if child.returncode == -signal.SIGINT:
        assert stderr == ""
    else:
        assert child.returncode == 130, stderr
        assert stderr.splitlines() == [stderr.strip()] and stderr.strip().endswith("interrupted"), stderr
    assert not (tmp_path / "m.json").exists()


_CAUGHT_IN_A_STRING_EXEC = """
import sys
import purenn.__main__
import purenn.cli


def main(argv=None):
    try:
        exec("raise KeyboardInterrupt")  # as a namedtuple or dataclass definition may, while importing
    except KeyboardInterrupt:
        return purenn.cli.interrupted()


if sys.argv[1:] == ["plain"]:
    main()
    sys.exit(130)
purenn.cli.main = main
purenn.__main__.run()
"""


def test_ctrl_c_caught_inside_a_string_exec_still_exits_130(tmp_path: Path) -> None:
    """CPython under `-m` kills itself with SIGINT at exit after a KeyboardInterrupt ended a string
    exec, caught or not (the plain `sys.exit(130)` shows it); purenn's exit gives 130 all the same."""
    (tmp_path / "interrupt_in_exec.py").write_text(_CAUGHT_IN_A_STRING_EXEC)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}

    def run(*extra: str) -> "subprocess.CompletedProcess[str]":
        command = [sys.executable, "-m", "interrupt_in_exec", *extra]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    through_purenn = run()
    assert (through_purenn.returncode, through_purenn.stderr) == (130, "purenn: interrupted\n")
    if platform.python_implementation() == "CPython":
        import signal

        assert run("plain").returncode == -signal.SIGINT  # what purenn's exit has to undo


# Standard streams closed (`>&-`, `2>&-`, `<&-`) or full (`2>/dev/full`): the same statuses, no
# traceback, no message on the wrong stream (found by the audit of issue 12).


def _shell(line: str, cwd: Path) -> "subprocess.CompletedProcess[str]":
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"exec {sys.executable} -m purenn {line}"
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_closed_standard_output_is_a_reader_gone(tiny: Path) -> None:
    version = _shell("--version 1>&-", tiny.parent)
    assert (version.returncode, version.stderr) == (0, ""), version.stderr
    trained = _shell("train --data tiny.csv --out m.json --epochs 1 --hidden 4 --quiet 1>&-", tiny.parent)
    assert (trained.returncode, trained.stderr) == (0, ""), trained.stderr
    load_model(tiny.parent / "m.json")


def test_closed_or_full_standard_error_keeps_the_status_and_stdout_clean(tiny: Path) -> None:
    closed = _shell("evaluate nosuch.json 2>&-", tiny.parent)
    assert (closed.returncode, closed.stdout) == (2, ""), closed.stdout
    for line in ("evaluate nosuch.json 2>/dev/full", "evaluate nosuch.json >/dev/full 2>/dev/full"):
        assert _shell(line, tiny.parent).returncode == 2, line


def test_closed_standard_input_as_data_is_one_line(tiny: Path) -> None:
    completed = _shell("train --data - --out m.json --epochs 1 --hidden 4 --quiet 0<&-", tiny.parent)
    assert "standard input is closed" in _one_line(completed, 2)
    assert not (tiny.parent / "m.json").exists()
