"""The scripts in examples/ run from a clone and do what their docstrings say."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(script: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *arguments], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def _percent(text: str, pattern: str) -> float:
    match = re.search(pattern + r" ([0-9.]+)%", text)
    assert match, (pattern, text)
    return float(match.group(1))


def test_classify_digits_saves_loads_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    output = _run("classify_digits.py", "--epochs", "5", "--out", str(out))
    assert out.exists() and f"saved to and loaded from {out}" in output
    assert _percent(output, "test accuracy:") > 90.0
    assert "precision" in output and output.count("\n  ") >= 10  # the report and ten matrix rows


def test_sgd_by_hand_checks_gradients_and_learns() -> None:
    output = _run("sgd_by_hand.py")
    worst = float(output.split("worst relative error: ")[1].split()[0])
    assert worst < 1e-6
    accuracies = [float(a) for a in re.findall(r"test accuracy ([0-9.]+)%", output)]
    assert len(accuracies) == 10 and accuracies[-1] > 80.0 and accuracies[-1] > accuracies[0]
