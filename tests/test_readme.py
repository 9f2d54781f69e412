"""The README's library examples and its shell commands run as written."""

from __future__ import annotations

import linecache
import os
import re
from pathlib import Path
from typing import Any, List

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
OPTIONAL = ("sklearn", "numpy", "pandas")


def _blocks() -> List[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def _needs_optional(block: str) -> bool:
    return any(re.search(rf"^\s*(import|from) {name}\b", block, flags=re.M) for name in OPTIONAL)


def _run(block: str) -> None:
    """Run one ```python block, under a name of its own whose lines linecache holds: inspect (and so
    Hypothesis, and tracebacks) read the block itself, not README.md's lines at the block's offsets."""
    name = f"<README.md: the block starting {block.splitlines()[0][:40]!r}>"
    linecache.cache[name] = (len(block), None, block.splitlines(keepends=True), name)
    exec(compile(block, name, "exec"), {"__name__": "readme_example"})


@pytest.mark.slow
def test_the_library_example_runs() -> None:
    blocks = [block for block in _blocks() if not _needs_optional(block)]
    assert blocks, "the README has no Python example"
    for block in blocks:
        _run(block)


@pytest.mark.slow
def test_the_scikit_learn_example_runs() -> None:
    """The examples with scikit-learn, NumPy or pandas: only where they are installed."""
    blocks = [block for block in _blocks() if _needs_optional(block)]
    assert blocks, "the README has no scikit-learn example"
    for name in OPTIONAL:
        pytest.importorskip(name)
    for block in blocks:
        _run(block)


# -- the shell commands ---------------------------------------------------------------------------

SPEED_UP = ["--epochs", "1", "--hidden", "8"]  # appended to `purenn train`: the last value wins


# The sections whose commands run in order from an empty directory. Others are parsed only: "Draw a
# digit" starts a server that runs until stopped (tests/test_serve*.py run it for real) and reads a PNG of
# your own; the set-up block installs the package.
RUN_SECTIONS = ("The command line", "The model outside purenn")


def _shell_lines(sections: "tuple[str, ...]" = ()) -> "list[list[str]]":
    """Every command line of the README's ```sh blocks (in the given ## sections, or all), split as a
    POSIX shell would, comments out."""
    import shlex

    text = README.read_text(encoding="utf-8")
    if sections:
        parts = re.split(r"^## ", text, flags=re.M)
        chosen = [part for part in parts if part.split("\n", 1)[0].strip() in sections]
        assert len(chosen) == len(sections), "a section of RUN_SECTIONS is missing from the README"
        text = "\n".join(chosen)
    blocks = re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, flags=re.S | re.M)
    assert blocks, "the README has no shell example"
    lines = []
    for block in blocks:
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(words)
    return lines


def test_every_purenn_command_of_the_readme_parses() -> None:
    from purenn.cli import _join_negative_values, _parser

    commands = [words for words in _shell_lines() if words[0] == "purenn"]
    assert len(commands) >= 10
    for words in commands:
        try:
            args = _parser().parse_args(_join_negative_values(words[1:]))
        except SystemExit:
            raise AssertionError(f"the README's `{' '.join(words)}` does not parse") from None
        assert args.command


@pytest.mark.slow
def test_the_readmes_shell_commands_run(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    """Each `purenn ...` and `python -c ...` line of RUN_SECTIONS runs, in order, in one empty directory.

    Trainings run 1 epoch of 8 hidden units (SPEED_UP) so that the test takes seconds; every other
    command runs as written. `python -m pip` / `python -m pytest` lines (set-up) are not run here.
    """
    import subprocess
    import sys

    from purenn.cli import main

    monkeypatch.chdir(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(README.parent)}
    ran = 0
    for words in _shell_lines(RUN_SECTIONS):
        if words[0] == "purenn":
            extra = SPEED_UP if words[1] == "train" else []
            status = main(words[1:] + extra)
            captured = capsys.readouterr()
            assert status == 0, (words, captured.err)
            ran += 1
        elif words[:2] == ["python", "-c"]:
            if "onnxruntime" in words[2] and not _importable("onnxruntime", "numpy"):
                continue
            done = subprocess.run(
                [sys.executable, *words[1:]], capture_output=True, text=True, env=environment, timeout=120
            )
            assert done.returncode == 0, (words, done.stderr)
            ran += 1
    assert ran >= 12
    assert (tmp_path / "predictions.csv").read_text().count("\n") == 1798
    assert (tmp_path / "model.onnx").stat().st_size > 1000


def _importable(*names: str) -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in names)
