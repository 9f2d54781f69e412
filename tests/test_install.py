"""The wheel, installed alone into a fresh virtual environment, works with nothing else.

The wheel is built with `pip wheel --no-deps` and installed offline (`--no-index --no-deps`) into a
plain venv (no system site-packages): if purenn needed any package beyond the standard library,
or forgot a file such as the vendored digits, the commands below would fail. They run from a
directory outside the repository, so the checkout cannot stand in for the installed package.

Building needs setuptools, which pip fetches from the package index into its isolated build
environment (as `pip install` of the project does); installing is offline. Skipped, with the
reason, only where this interpreter cannot make a venv with pip, or pip cannot get setuptools:
CI has both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, List

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a new venv

# Run inside the venv: import purenn, train, then list every module that is neither the standard
# library nor purenn. The standard library is sys.stdlib_module_names where there is one (3.10+),
# and otherwise a module built in, frozen, made by the interpreter itself (no file: PyPy's
# zipimport), or loaded from the interpreter's stdlib directory, not from site-packages. The only
# others allowed are the venv's own start-up hooks, which Python's `site` imports before any of
# our code runs and which purenn never imports: setuptools' `_distutils_hack` (a .pth file a
# venv may carry), `sitecustomize` and `usercustomize`, and `__main__`, this script itself.
SCRIPT = textwrap.dedent(
    """
    import os
    import sys
    import sysconfig

    import purenn
    from purenn.data import load_digits
    from purenn.estimator import Classifier

    inputs, labels = load_digits()
    model = Classifier(hidden=(8,), epochs=1, seed=0).fit(inputs[:300], labels[:300])
    assert len(model.predict(inputs[:5])) == 5
    assert os.path.realpath(purenn.__file__).startswith(os.path.realpath(sys.prefix)), purenn.__file__

    paths = sysconfig.get_paths()
    stdlib = [os.path.realpath(paths[key]) + os.sep for key in ("stdlib", "platstdlib")]
    site = [os.path.realpath(paths[key]) + os.sep for key in ("purelib", "platlib")]

    def is_stdlib(name, module):
        if name in getattr(sys, "stdlib_module_names", ()) or name in sys.builtin_module_names:
            return True
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
        if origin in ("built-in", "frozen"):
            return True
        if not origin:  # made inside the interpreter (PyPy's zipimport), unless a namespace package
            return not getattr(module, "__path__", None)
        origin = os.path.realpath(origin)
        in_site = any(origin.startswith(path) for path in site)
        return not in_site and any(origin.startswith(path) for path in stdlib)

    site_hooks = {"__main__", "_distutils_hack", "sitecustomize", "usercustomize"}
    others = sorted(
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] not in site_hooks | {"purenn"}
        and not is_stdlib(name.split(".")[0], sys.modules.get(name.split(".")[0], module))
    )
    assert not others, others
    print("only the standard library")

    # purenn.testing is the one module that needs more (Hypothesis): never imported by the
    # rest, and without Hypothesis its import says what to install, in one line.
    assert "purenn.testing" not in sys.modules
    try:
        import purenn.testing
    except ImportError as error:
        assert str(error) == "purenn.testing needs Hypothesis: pip install purenn[testing]", error
    else:
        raise AssertionError("purenn.testing imported without Hypothesis")
    print("purenn.testing asks for Hypothesis")
    """
)


def _run(argv: List[str], cwd: Path, **kwargs: Any) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONNOUSERSITE="1")
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kwargs)


_NO_BUILD_TOOLS = ("No module named pip", "No matching distribution found for setuptools")


def _copy_project(target: Path) -> Path:
    """Copy what the wheel is built from, so that building leaves nothing in the checkout."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "purenn", target / "purenn", ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="module")
def venv(tmp_path_factory: Any) -> Path:
    """A fresh venv with only the purenn wheel installed into it; return its bin directory."""
    base = tmp_path_factory.mktemp("install")
    made = _run([sys.executable, "-m", "venv", str(base / "venv")], base)
    if made.returncode != 0:
        pytest.skip(f"cannot make a venv with pip on this interpreter: {made.stderr.strip()[-300:]}")
    bin_dir = base / "venv" / ("Scripts" if os.name == "nt" else "bin")
    source, wheels = _copy_project(base / "source"), base / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(wheels)],
        base,
    )
    # pip builds in an isolated environment, with setuptools (the build backend) from the package
    # index: no pip, or no index to reach, is the interpreter's or the machine's lack, not ours.
    if built.returncode != 0 and any(sign in built.stderr for sign in _NO_BUILD_TOOLS):
        pytest.skip(f"pip cannot build a wheel here: {built.stderr.strip()[-300:]}")
    assert built.returncode == 0, f"building the wheel failed:\n{built.stdout}\n{built.stderr}"
    (wheel,) = wheels.glob("purenn-*.whl")
    installed = _run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)], base
    )
    assert installed.returncode == 0, installed.stderr
    return bin_dir


def test_the_installed_command_trains_on_the_vendored_digits(venv: Path, tmp_path: Path) -> None:
    trained = _run(
        [str(venv / "purenn"), "train", "--epochs", "1", "--hidden", "8", "--out", "m.json"], tmp_path
    )
    assert trained.returncode == 0, trained.stderr
    assert "test accuracy" in trained.stdout
    assert (tmp_path / "m.json").is_file()
    evaluated = _run([str(venv / "purenn"), "evaluate", "m.json"], tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert "accuracy" in evaluated.stdout


def test_the_installed_package_imports_only_the_standard_library(venv: Path, tmp_path: Path) -> None:
    checked = _run([str(venv / "python"), "-c", SCRIPT], tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "only the standard library" in checked.stdout
    assert "purenn.testing asks for Hypothesis" in checked.stdout
