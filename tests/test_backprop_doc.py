"""docs/backprop.md cannot go stale: its quoted lines are where it says, its numbers are the engine's."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from purenn.explain import worked_step
from purenn.gradcheck import check_gradients
from purenn.network import backpropagate, forward_pass, gradients, loss

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "backprop.md").read_text(encoding="utf-8")

# `function`, [purenn/file.py:N](../purenn/file.py#LN): `quoted line`
CITATION = re.compile(
    r"`(?P<function>[\w.]+)`, \[purenn/(?P<file>\w+)\.py:(?P<line>\d+)\]"
    r"\(\.\./purenn/(?P<file2>\w+)\.py#L(?P<anchor>\d+)\): `(?P<code>[^`]+)`"
)


def _citations() -> List[Tuple[str, str, int, str]]:
    found = []
    for match in CITATION.finditer(DOC):
        assert match["file"] == match["file2"] and match["line"] == match["anchor"], match.group(0)
        found.append((match["function"], match["file"], int(match["line"]), match["code"]))
    return found


def _function_lines(path: Path) -> Dict[str, Tuple[int, int]]:
    """'name' or 'Class.name' -> (first line, last line) of every function in the file."""
    spans: Dict[str, Tuple[int, int]] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            spans[node.name] = (node.lineno, node.end_lineno or node.lineno)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    spans[f"{node.name}.{item.name}"] = (item.lineno, item.end_lineno or item.lineno)
    return spans


def test_the_document_cites_many_lines() -> None:
    cited = _citations()
    assert len(cited) >= 30
    assert {file for _, file, _, _ in cited} == {"network", "activations", "losses"}


@pytest.mark.parametrize("function, file, line, code", _citations())
def test_each_quoted_line_is_where_the_document_says(function: str, file: str, line: int, code: str) -> None:
    path = ROOT / "purenn" / f"{file}.py"
    lines = path.read_text(encoding="utf-8").splitlines()
    now = [number for number, text in enumerate(lines, 1) if text.strip() == code]
    assert now, f"docs/backprop.md quotes `{code}` from purenn/{file}.py, which no longer has that line"
    assert lines[line - 1].strip() == code, f"docs/backprop.md: `{code}` is now at purenn/{file}.py:{now}"
    first, last = _function_lines(path)[function]
    assert first <= line <= last, f"docs/backprop.md: purenn/{file}.py:{line} is not in {function}"


def _worked_example() -> Dict[str, List[float]]:
    block = DOC.split("<!-- worked example")[1].split("```text\n")[1].split("```")[0]
    values: Dict[str, List[float]] = {}
    for row in block.strip().splitlines():
        name, _, value = row.partition(" = ")
        numbers = [float(part) for part in value.strip("[]").split(",")]
        values[name] = numbers
    return values


def test_the_worked_example_is_what_the_engine_computes() -> None:
    shown = _worked_example()
    network = [[shown["w[0][0]"], shown["w[0][1]"]], [shown["w[1][0]"]]]
    x, y, rate = shown["x"], shown["y"], shown["rate"][0]
    computed: Dict[str, List[float]] = {}
    run = forward_pass(network, x, "sigmoid")
    for layer in range(2):
        computed[f"z[{layer}]"] = run.sums[layer]
        computed[f"a[{layer}]"] = run.outputs[layer]
    computed["C"] = [loss(network, x, y)]
    grads = gradients(network, x, y)
    for layer, layer_grads in enumerate(grads):
        computed[f"delta[{layer}]"] = [neuron[-1] for neuron in layer_grads]  # dC/dw_j,bias = delta_j
        for j, neuron in enumerate(layer_grads):
            computed[f"dC/dw[{layer}][{j}]"] = neuron
    computed["dC/dh[1]"] = [network[1][0][k] * computed["delta[1]"][0] for k in range(2)]
    stepped = copy.deepcopy(network)
    backpropagate(stepped, x, y, rate)
    for layer, layer_weights in enumerate(stepped):
        for j, neuron in enumerate(layer_weights):
            computed[f"new w[{layer}][{j}]"] = neuron
    inputs = {"x", "y", "rate", "w[0][0]", "w[0][1]", "w[1][0]"}
    assert set(shown) - inputs == set(computed), set(shown) ^ set(computed)
    for name, values in computed.items():
        assert shown[name] == pytest.approx(values, rel=5e-6, abs=1e-12), name  # 6 significant digits
    assert check_gradients(network, x, y) < 1e-12


def test_the_worked_example_is_what_purenn_explain_draws() -> None:
    """The document says `purenn explain` (2-2-1, sigmoid, squared error, seed 0) draws this sample."""
    shown = _worked_example()
    step = worked_step([2, 2, 1], ["sigmoid", "sigmoid"], "squared_error", 0, shown["rate"][0], 0.0)
    assert "`purenn explain` (2-2-1, sigmoid layers, squared error, seed 0, rate 0.5)" in DOC
    assert step["network"] == [[shown["w[0][0]"], shown["w[0][1]"]], [shown["w[1][0]"]]]
    assert (step["x"], step["target"]) == (shown["x"], shown["y"])
