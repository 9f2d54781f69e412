"""The command line as a real program: `python -m purenn` in a subprocess, given bad input.

Every case must end with exit status 2 and exactly one line on stderr, never a traceback. The
in-process tests in test_cli.py check the messages; these check what a shell user sees: the
interpreter's own exit, argparse's exit and purenn's, with nothing caught by a test harness.

Running as root, chmod 000 does not stop a read, so an "unreadable" file is a path that goes
through a regular file (`file/x`): the operating system refuses it (ENOTDIR) for any user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from purenn.cli import main

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
