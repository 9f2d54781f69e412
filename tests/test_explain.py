"""`purenn explain`: every number it prints is the engine's, and every formula is the docstrings'."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

import purenn.activations
import purenn.losses
import purenn.network
from purenn.cli import main
from purenn.errors import PurennError
from purenn.explain import DERIVATIVES, FORMULAS, MAX_L2, MAX_RATE, format_step, worked_step
from purenn.network import backpropagate, forward_pass, gradients, loss

SETUPS = [
    ([2, 2, 1], ["sigmoid", "sigmoid"], "squared_error", 0, 0.5, 0.0),
    ([2, 3, 2], ["tanh", "softmax"], "cross_entropy", 1, 0.1, 0.1),
    ([3, 2, 2, 2], ["relu", "tanh", "sigmoid"], "binary_cross_entropy", 2, 1.0, 0.0),
    ([2, 3, 2], ["softmax", "identity"], "squared_error", 3, 0.25, 0.01),
]


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _engine_arguments(step: Dict[str, Any]) -> List[Any]:
    return [step["network"], step["x"], step["target"], step["activations"], step["loss"]]


@pytest.mark.parametrize("sizes, activations, loss_name, seed, rate, l2", SETUPS)
def test_every_number_is_the_engines(
    sizes: List[int], activations: List[str], loss_name: str, seed: int, rate: float, l2: float
) -> None:
    step = worked_step(sizes, activations, loss_name, seed, rate, l2)
    arguments = _engine_arguments(step)
    run = forward_pass(step["network"], step["x"], activations)
    assert [layer["h"] for layer in step["layers"]] == run.inputs
    assert [layer["z"] for layer in step["layers"]] == run.sums
    assert [layer["a"] for layer in step["layers"]] == run.outputs
    assert step["loss_value"] == pytest.approx(loss(*arguments, l2=l2), rel=1e-12)
    engine = gradients(*arguments, l2=l2)
    for mine, theirs in zip(step["gradients"], engine):
        for neuron, neuron_engine in zip(mine, theirs):
            assert neuron == pytest.approx(neuron_engine, rel=1e-12, abs=1e-15)
        # dC/dw_j,bias = delta_j: the engine's bias gradients are explain's deltas
    deltas_from_engine = [[neuron[-1] for neuron in layer] for layer in engine]
    for mine, theirs in zip(step["deltas"], deltas_from_engine):
        assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-15)
    stepped = copy.deepcopy(step["network"])
    backpropagate(stepped, step["x"], step["target"], rate, activations, loss_name, l2=l2)
    for mine, theirs in zip(step["updated"], stepped):
        for neuron, neuron_engine in zip(mine, theirs):
            assert neuron == pytest.approx(neuron_engine, rel=1e-12, abs=1e-15)
    assert step["check"]["agrees"] and step["check"]["worst_relative_error"] <= 1e-6


@pytest.mark.parametrize("sizes, activations, loss_name, seed, rate, l2", SETUPS)
def test_the_text_shows_every_number(
    sizes: List[int], activations: List[str], loss_name: str, seed: int, rate: float, l2: float
) -> None:
    step = worked_step(sizes, activations, loss_name, seed, rate, l2)
    text = format_step(step)
    shown = {float(number) for number in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)}
    wanted: List[float] = [step["loss_value"]]
    for layer in step["layers"]:
        wanted += layer["z"] + layer["a"]
    for values in step["deltas"] + step["errors_below"]:
        wanted += values
    for network in (step["gradients"], step["updated"], step["network"]):
        wanted += [w for layer in network for neuron in layer for w in neuron]
    for value in wanted:
        assert float(f"{value:.6g}") in shown, value
    assert re.search(r"check: .*: worst relative error \S+ over \d+ weights: backpropagation agrees", text)


def test_the_formulas_are_the_docstrings() -> None:
    documented = _squeezed(" ".join(m.__doc__ or "" for m in (purenn.network, purenn.losses)))
    for name, formula in FORMULAS.items():
        assert _squeezed(formula) in documented, name
    for name, derivative in DERIVATIVES.items():
        assert re.search(rf"{name}\s.*f'\(z\) = {re.escape(derivative)}", purenn.activations.__doc__ or "")


def test_the_command_prints_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--seed", "4"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(
        "One step of gradient descent on a 2-2-1 network (sigmoid, sigmoid; squared_error)"
    )
    assert text.count("[z_j = sum_k w_jk * h_k + w_j,bias]") == 3
    assert main(["explain", "--seed", "4", "--json"]) == 0
    step = json.loads(capsys.readouterr().out)
    assert step == json.loads(
        json.dumps(worked_step([2, 2, 1], ["sigmoid", "sigmoid"], "squared_error", 4, 0.5, 0.0))
    )
    assert main(["explain", "--sizes", "2,3,3", "--activation", "relu", "--loss", "cross_entropy"]) == 0
    assert "(relu, softmax; cross_entropy)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--sizes", "2"], "--sizes '2': explain works a tiny network by hand: 2 to 5 sizes of 1 to 8 units"),
        (["--sizes", "2,x"], "--sizes '2,x': expected layer sizes like 2,2,1"),
        (["--sizes", "40,2"], "explain works a tiny network by hand"),
        (["--activation", "swish"], "unknown activation 'swish'"),
        (["--activation", "relu,relu,relu"], "give one name, or one per layer (2)"),
        (["--activation", "relu,relu", "--loss", "cross_entropy"], "needs a softmax output layer"),
        (["--sizes", "0,2"], "explain works a tiny network by hand"),
        (["--sizes", "2,0,1"], "explain works a tiny network by hand"),
        (["--sizes", "99999999999999999999999,2"], "explain works a tiny network by hand"),
        (["--sizes", "2,2,2,2,2,2"], "2 to 5 sizes of 1 to 8 units"),
        (["--sizes=-2,1"], "explain works a tiny network by hand"),
        (["--l2", "-1"], "argument --l2: expected a number >= 0, got '-1'"),
        (["--l2", "nan"], "argument --l2: expected a finite number, got 'nan'"),
        (["--l2", "11"], "l2 must be at most 10 here (explain checks itself), got 11.0"),
        (["--l2", "1e308"], "l2 must be at most 10 here"),
        (["--rate", "nan"], "argument --rate: expected a finite number, got 'nan'"),
        (["--rate", "-1"], "argument --rate: expected a number > 0, got '-1'"),
        (["--rate", "0"], "argument --rate: expected a number > 0, got '0'"),
        (["--rate", "1e308"], "the learning rate must be a number in (0, 100], got 1e+308"),
        (["--seed", "1.5"], "argument --seed: invalid int value: '1.5'"),
    ],
)
def test_bad_options_get_one_line(
    capsys: pytest.CaptureFixture[str], arguments: List[str], message: str
) -> None:
    try:
        status = main(["explain", *arguments])
    except SystemExit as stop:  # argparse's own usage errors
        status = stop.code
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("purenn explain: error: ")
    assert message in captured.err


@pytest.mark.parametrize("loss_name", ["squared_error", "cross_entropy", "binary_cross_entropy"])
@pytest.mark.parametrize("seed", range(4))
def test_the_self_check_holds_at_the_largest_rate_and_l2(loss_name: str, seed: int) -> None:
    """At MAX_L2 central differences still resolve every gradient (at 1e5 they did not: "DISAGREES")."""
    output = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(loss_name, "identity")
    step = worked_step([3, 4, 3, 2], ["tanh", "sigmoid", output], loss_name, seed, MAX_RATE, MAX_L2)
    assert step["check"]["agrees"], step["check"]
    assert all(math.isfinite(w) for layer in step["updated"] for neuron in layer for w in neuron)


def test_the_library_refuses_what_the_command_refuses() -> None:
    for rate, l2 in ((0.0, 0.0), (-0.5, 0.0), (MAX_RATE * 2, 0.0), (math.nan, 0.0), (0.5, MAX_L2 * 2)):
        with pytest.raises(PurennError):
            worked_step([2, 2, 1], ["sigmoid", "sigmoid"], "squared_error", 0, rate, l2)


def test_the_readmes_excerpt_is_what_explain_prints() -> None:
    """README's `purenn explain` excerpt: each shown line, in order, is a line of the default step."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("and checks itself against central\ndifferences:\n\n```text\n")[1].split("```")[0]

    # The check's worst error is rounding, and rounding differs between interpreters (3.12's sums
    # are not 3.11's): the README's figure stands for any figure there.
    def any_error(line: str) -> str:
        return re.sub(r"worst relative error \S+ over", "worst relative error E over", line)

    shown = [any_error(line) for line in block.splitlines() if line != "..."]
    printed = format_step(worked_step([2, 2, 1], ["sigmoid", "sigmoid"], "squared_error", 0, 0.5, 0.0))
    lines = [any_error(line) for line in printed.splitlines()]
    positions = [lines.index(line) if line in lines else -1 for line in shown]
    assert -1 not in positions, [line for line, at in zip(shown, positions) if at == -1]
    assert positions == sorted(positions) and len(shown) >= 5
