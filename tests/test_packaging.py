"""Packaging: the license, the data's attribution, py.typed, and an sdist that carries its tests.

The build test needs the `build` package (the `integration` extra) and setuptools from the package
index, which `build` fetches into its isolated environment; skipped without `build`.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_license_is_mit_and_the_data_keeps_its_own() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "CC BY 4.0" in text
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '\nlicense = "MIT"\n' in pyproject and "License ::" not in pyproject  # PEP 639: one or the other
    assert 'license-files = ["LICENSE", "purenn/_data/README.md"]' in pyproject
    assert 'requires = ["setuptools>=77"]' in pyproject
    assert (ROOT / "purenn" / "py.typed").is_file()


def test_no_file_in_the_package_is_a_link() -> None:
    links = [str(path) for path in (ROOT / "purenn").rglob("*") if path.is_symlink()]
    assert not links


@pytest.fixture(scope="module")
def built(tmp_path_factory: Any) -> Path:
    # build's own __main__, not a setuptools build/ folder in the working directory (a namespace package)
    if importlib.util.find_spec("build") is None or importlib.util.find_spec("build.__main__") is None:
        pytest.skip("the build package is not installed (it comes with the integration extra)")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 and "Could not find a version that satisfies" in done.stdout + done.stderr:
        pytest.skip("setuptools>=77 cannot be fetched from the package index here")
    assert done.returncode == 0, done.stdout + done.stderr
    log = done.stdout + done.stderr
    assert (
        "Deprecat" not in log and "SetuptoolsWarning" not in log and "Package would be ignored" not in log
    ), log
    return out


@pytest.mark.slow
def test_the_sdist_carries_what_its_tests_need(built: Path) -> None:
    (sdist,) = built.glob("purenn-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {
            member.name.split("/", 1)[1]: member for member in archive.getmembers() if "/" in member.name
        }
    for name in (
        "LICENSE",
        "README.md",
        "MANIFEST.in",
        "tests/conftest.py",
        "tests/strategies.py",
        "tests/test_readme.py",
        "examples/pytorch_from_json.py",
        "bench/floor.py",
        "docs/model-format.md",
        "docs/test-predictions.png",
        "purenn/py.typed",
        "purenn/_data/digits.csv",
        "purenn/_data/README.md",
    ):
        assert name in members, name
    assert not [name for name, member in members.items() if member.issym() or name.endswith(".pyc")]


@pytest.mark.slow
def test_the_wheel_carries_the_data_its_card_and_the_license_metadata(built: Path) -> None:
    (wheel,) = built.glob("purenn-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {"purenn/_data/digits.csv", "purenn/_data/README.md", "purenn/py.typed", "purenn/onnx.py"} <= names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert "License-Expression: MIT" in metadata
    assert "Classifier: Programming Language :: Python :: 3.13" in metadata
    assert "Classifier: Operating System :: OS Independent" in metadata
    assert os.path.basename(str(wheel)).endswith("-py3-none-any.whl")


@pytest.mark.slow
def test_the_unpacked_sdist_runs_its_own_tests(built: Path, tmp_path: Path) -> None:
    """pytest inside the unpacked sdist, on its own purenn: conftest.py, strategies.py and the data load."""
    (sdist,) = built.glob("purenn-*.tar.gz")
    with tarfile.open(sdist) as archive:
        if sys.version_info >= (3, 12):
            archive.extractall(tmp_path, filter="data")
        else:
            archive.extractall(tmp_path)
    (unpacked,) = tmp_path.glob("purenn-*")
    env = {**os.environ, "PYTHONPATH": str(unpacked), "HYPOTHESIS_PROFILE": "ci"}
    done = subprocess.run(
        [sys.executable, "-c", "import purenn; print(purenn.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=unpacked,
    )
    assert done.stdout.startswith(str(unpacked)), done.stdout + done.stderr
    files = ["tests/test_vectors.py", "tests/test_activations.py", "tests/test_packaging.py"]
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *files]
    done = subprocess.run(argv, cwd=unpacked, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0 and " passed" in done.stdout and "error" not in done.stdout, done.stdout
