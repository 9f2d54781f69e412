"""The README's library examples run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
OPTIONAL = ("sklearn", "numpy", "pandas")


def _blocks() -> List[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def _needs_optional(block: str) -> bool:
    return any(re.search(rf"^\s*(import|from) {name}\b", block, flags=re.M) for name in OPTIONAL)


def _run(block: str) -> None:
    exec(compile(block, str(README), "exec"), {"__name__": "readme_example"})


def test_the_library_example_runs() -> None:
    blocks = [block for block in _blocks() if not _needs_optional(block)]
    assert blocks, "the README has no Python example"
    for block in blocks:
        _run(block)


def test_the_scikit_learn_example_runs() -> None:
    """The examples with scikit-learn, NumPy or pandas: only where they are installed."""
    blocks = [block for block in _blocks() if _needs_optional(block)]
    assert blocks, "the README has no scikit-learn example"
    for name in OPTIONAL:
        pytest.importorskip(name)
    for block in blocks:
        _run(block)
