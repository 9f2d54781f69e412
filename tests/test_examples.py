"""The scripts in examples/ run from a clone and do what their docstrings say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

pytestmark = pytest.mark.slow  # each runs an example script in a subprocess


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


def _pytest_on_the_student_example(tmp_path: Path, *options: str) -> "subprocess.CompletedProcess[str]":
    """pytest on examples/test_student_backprop.py, from a scratch directory, seeded."""
    argv = [
        sys.executable,
        "-m",
        "pytest",
        str(EXAMPLES / "test_student_backprop.py"),
        "-p",
        "no:cacheprovider",
    ]
    argv += ["--hypothesis-seed=0", *options]
    return subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_the_student_example_proves_the_textbook_and_catches_the_bug(tmp_path: Path) -> None:
    """As it is: the right backprop passes, the buggy copy fails as expected (strict xfail)."""
    done = _pytest_on_the_student_example(tmp_path, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b1 passed, 1 xfailed\b", done.stdout), done.stdout


def test_the_student_examples_bug_is_named_in_its_failure(tmp_path: Path) -> None:
    """With --runxfail the buggy copy's failure shows: the hidden layer is named, and the cause."""
    done = _pytest_on_the_student_example(tmp_path, "--runxfail")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"\b1 failed, 1 passed\b", done.stdout), done.stdout
    assert "FAILED" in done.stdout and "test_the_copy_with_the_classic_bug_is_caught" in done.stdout
    assert "weights differ from central differences of purenn's loss (tolerance 1e-06)" in done.stdout
    assert re.search(r"worst: layer 0, neuron \d+, weight \d+", done.stdout), done.stdout
    assert "hint: only layer 0 is wrong and the layers above are right" in done.stdout
    assert "use layer 1's weights from before the update" in done.stdout
    assert "Falsifying example" in done.stdout or "Failing test case" in done.stdout


SLOW_MACHINE = """
import time
import hypothesis
import purenn.gradient_match

hypothesis.settings.register_profile("few", max_examples=3)
hypothesis.settings.load_profile("few")
_numerical_gradients = purenn.gradient_match.numerical_gradients


def numerical_gradients(*arguments, **options):
    time.sleep(0.3)  # a busy machine: every example takes longer than Hypothesis's 200 ms deadline
    return _numerical_gradients(*arguments, **options)


purenn.gradient_match.numerical_gradients = numerical_gradients
"""


def test_the_student_example_passes_on_a_busy_machine(tmp_path: Path) -> None:
    """Hypothesis's default deadline would fail the right backprop when examples run slowly."""
    (tmp_path / "slow_machine.py").write_text(SLOW_MACHINE, encoding="utf-8")
    argv = [sys.executable, "-m", "pytest", str(EXAMPLES / "test_student_backprop.py"), "-p", "slow_machine"]
    argv += ["-p", "no:cacheprovider", "-q", "-k", "textbook", "--hypothesis-seed=0"]
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(argv, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b1 passed, 1 deselected\b", done.stdout), done.stdout


def _readme_counterexample() -> List[str]:
    """The E lines of the README's block after the --runxfail command."""
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("--runxfail --hypothesis-seed=0` shows the shrunk")[1].split("```text\n")[1]
    return block.split("```")[0].strip().splitlines()


def test_the_readme_shows_the_counterexample_running_it_shows(tmp_path: Path) -> None:
    """README's shrunk counterexample and hints are, line for line, what --runxfail prints now."""
    done = _pytest_on_the_student_example(tmp_path, "--runxfail")
    # Hypothesis 6.141 (what CPython 3.9 and PyPy install) prints "Falsifying example:" where 6.170
    # prints "Failing test case:", the README's wording.
    stdout = done.stdout.replace("Falsifying example: ", "Failing test case: ")
    printed = [line.rstrip() for line in stdout.splitlines()]
    shown = _readme_counterexample()
    assert len(shown) >= 5 and all(line.startswith("E   ") for line in shown), shown
    start = printed.index(shown[0]) if shown[0] in printed else -1
    assert start >= 0, f"README's first line {shown[0]!r} is not in the output:\n{done.stdout}"
    assert printed[start : start + len(shown)] == shown, done.stdout


def test_pytorch_loads_the_json_and_agrees_with_purenn(tmp_path: Path) -> None:
    """The model file in torch.nn.Sequential: float64 outputs equal purenn's to rounding (needs torch)."""
    pytest.importorskip("torch")
    from purenn.cli import main

    model = tmp_path / "model.json"
    flags = ["--hidden", "16,8", "--scaling", "standardize", "--activation", "tanh", "--epochs", "2"]
    assert main(["train", *flags, "--quiet", "--out", str(model)]) == 0
    output = _run("pytorch_from_json.py", str(model))
    assert "Linear(in_features=16, out_features=8, bias=True)" in output and "Tanh()" in output
    worst = float(output.split("max abs difference from purenn on 1797 digits: ")[1].split()[0])
    assert worst < 1e-12 and "same class (largest output): 1797/1797" in output


@pytest.mark.parametrize(
    "flags",
    [
        [
            "--scaling",
            "global-variance",
            "--hidden",
            "16",
            "--activation",
            "sigmoid",
            "--output-activation",
            "identity",
        ]
        + ["--loss", "squared_error"],
        ["--scaling", "none", "--hidden", "", "--loss", "squared_error", "--output-activation", "sigmoid"],
    ],
    ids=["global-variance-sigmoid-identity", "none-no-hidden-sigmoid"],
)
def test_pytorch_loads_every_scaling_and_activation(tmp_path: Path, flags: List[str]) -> None:
    """The other scalings and output activations, in float64 and float32 (needs torch)."""
    pytest.importorskip("torch")
    from purenn.cli import main

    model = tmp_path / "model.json"
    assert main(["train", *flags, "--epochs", "1", "--quiet", "--out", str(model)]) == 0
    for precision, bound in (([], 1e-12), (["--float32"], 1e-5)):
        output = _run("pytorch_from_json.py", str(model), *precision)
        worst = float(output.split("max abs difference from purenn on 1797 digits: ")[1].split()[0])
        assert worst < bound, output
