"""`purenn explain`: one training step of a tiny network, worked the way a textbook works it.

    purenn explain [--sizes 2,2,1] [--activation sigmoid] [--loss squared_error] [--seed 0]
                   [--rate 0.5] [--l2 0] [--json]

Every z, a, delta, dC/dw and updated weight is printed with the formula of network.py's (or
losses.py's) docstring it evaluates, and the numbers that go in. Weights and inputs are drawn from
the seed and rounded to two decimals, so a learner can redo each line by hand. At the end the
gradients are checked against central differences (purenn.gradcheck) and the verdict printed.
The network is tiny (2 to 5 layer sizes of 1 to 8 units), the rate in (0, 100] and lambda in
[0, 10]: anything else is a PurennError (exit status 2), as is a bad flag.

- worked_step: the step as a dict (what --json prints): the sample, the network, every layer's
  input h, sums z and outputs a, the loss, every layer's delta and dC/dh, dC/dw, the updated
  network and the check.
- format_step: the same as text.
- add_parser, run: the subcommand, registered in cli.py.

The step is computed here formula by formula (dot products, the activations' f and f', the loss's
output delta), not by calling network.loss_and_gradients, so that the engine can be tested
against it: tests/test_explain.py compares every number with purenn.network.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from typing import Any, Dict, List, Sequence

from .activations import Activation, ElementwiseActivation
from .commands import arguments
from .errors import PurennError
from .gradcheck import numerical_gradients, push_relus_off_the_kink, relative_error
from .losses import LOSSES, get_loss, l2_penalty
from .network import Network, check_l2, make_network, resolve_activations, resolve_loss
from .vectors import Vector, dot

__all__ = ["FORMULAS", "add_parser", "format_step", "run", "worked_step"]

# The formulas, as network.py's and losses.py's docstrings write them (a test checks they do).
FORMULAS = {
    "z": "z_j   = sum_k w_jk * h_k + w_j,bias",
    "a": "a_j   = f(z_j)",
    "grad": "dC/dw_jk       = delta_j * h_k",
    "grad_bias": "dC/dw_j,bias = delta_j",
    "errors": "dC/dh_k        = sum_j delta_j * w_jk",
    "delta_below": "delta_below_k  = f'(z_k) * m_k * dC/dh_k",
    "l2": "every weight except the biases gets lambda * w_jk added",
    "update": "w <- w - rate * dC/dw",
    "squared_error": "C = 1/2 * sum_i (a_i - y_i)**2",
    "cross_entropy": "C = -sum_i y_i * log(softmax(z)_i)",
    "binary_cross_entropy": "C = -sum_i [y_i log(s_i) + (1 - y_i) log(1 - s_i)], s = sigmoid(z)",
    "delta_squared_error": "dC/da_j = a_j - y_j, then the activation's backward",
    "delta_cross_entropy": "dC/dz_j = a_j * sum_i(y_i) - y_j",
    "delta_binary_cross_entropy": "dC/dz_j = sigmoid(z_j) - y_j",
}

# f'(z) from the output a, as activations.py's docstring writes it.
DERIVATIVES = {"sigmoid": "a * (1 - a)", "tanh": "1 - a**2", "relu": "1 if a > 0 else 0", "identity": "1"}

MAX_UNITS = 8
MAX_LAYERS = 4
CHECK_BOUND = 1e-6
# The largest learning rate and L2 strength explain takes. The rate only scales the update; an L2
# strength much above 10 makes the loss so large next to the biases' gradients that central
# differences can no longer resolve them (with lambda = 300 the check failed for right gradients).
MAX_RATE = 100.0
MAX_L2 = 10.0


def _sizes(text: str) -> List[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise PurennError(f"--sizes {text!r}: expected layer sizes like 2,2,1 (inputs first)") from None
    if not 2 <= len(sizes) <= MAX_LAYERS + 1 or not all(1 <= size <= MAX_UNITS for size in sizes):
        raise PurennError(
            f"--sizes {text!r}: explain works a tiny network by hand: 2 to {MAX_LAYERS + 1} sizes of 1 to "
            f"{MAX_UNITS} units"
        )
    return sizes


def _activations(text: str, layers: int, loss_name: str) -> List[str]:
    """One name for every layer (the output's replaced by the one the loss needs), or one per layer."""
    names = text.split(",")
    if len(names) == 1:
        required = get_loss(loss_name).required_activation  # softmax, sigmoid, or None: any
        return names * (layers - 1) + [required or names[0]]
    if len(names) != layers:
        raise PurennError(f"--activation {text!r}: give one name, or one per layer ({layers})")
    return names


def _round(values: Sequence[float]) -> List[float]:
    return [round(value, 2) for value in values]


def _sample(sizes: Sequence[int], loss_name: str, rng: random.Random) -> List[List[float]]:
    x = _round([rng.uniform(0.0, 1.0) for _ in range(sizes[0])])
    if loss_name == "cross_entropy":
        hot = rng.randrange(sizes[-1])
        return [x, [1.0 if i == hot else 0.0 for i in range(sizes[-1])]]
    if loss_name == "binary_cross_entropy":
        return [x, [float(rng.random() < 0.5) for _ in range(sizes[-1])]]
    return [x, _round([rng.uniform(0.0, 1.0) for _ in range(sizes[-1])])]


def _backward(activation: Activation, outputs: Vector, errors: Vector) -> Vector:
    """delta = f'(z) * dC/dh for an elementwise f; softmax's Jacobian otherwise."""
    return activation.backward(outputs, errors)


def worked_step(
    sizes: Sequence[int], activations: Sequence[str], loss_name: str, seed: int, rate: float, l2: float
) -> Dict[str, Any]:
    """One step of gradient descent on one sample, every quantity kept (see the module docstring)."""
    check_l2(l2)
    if not (math.isfinite(rate) and 0.0 < rate <= MAX_RATE):
        raise PurennError(f"the learning rate must be a number in (0, {MAX_RATE:g}], got {rate!r}")
    if l2 > MAX_L2:
        raise PurennError(f"l2 must be at most {MAX_L2:g} here (explain checks itself), got {l2!r}")
    rng = random.Random(seed)
    network: Network = [
        [_round(neuron) for neuron in layer] for layer in make_network(sizes, rng, init="uniform")
    ]
    x, target = _sample(sizes, loss_name, rng)
    functions = resolve_activations(network, list(activations))
    chosen = resolve_loss(loss_name, functions[-1])
    push_relus_off_the_kink(network, x, list(activations))
    network = [[_round(neuron) for neuron in layer] for layer in network]

    inputs, sums, outputs = [], [], []
    h = list(x)
    for layer, function in zip(network, functions):
        z = [dot(neuron, h + [1.0]) for neuron in layer]
        inputs.append(h)
        sums.append(z)
        outputs.append(function.forward(z))
        h = outputs[-1]
    value = chosen.value(sums[-1], outputs[-1], target) + l2_penalty(network, l2)

    last = len(network) - 1
    deltas: List[Vector] = [[] for _ in network]
    errors: List[Vector] = [[] for _ in network]
    grads: Network = [[] for _ in network]
    deltas[last] = chosen.output_delta(functions[-1], sums[-1], outputs[-1], target)
    for index in range(last, -1, -1):
        grads[index] = [
            [
                delta * h_k + (l2 * w if k < len(neuron) - 1 else 0.0)
                for k, (h_k, w) in enumerate(zip(inputs[index] + [1.0], neuron))
            ]
            for delta, neuron in zip(deltas[index], network[index])
        ]
        if index > 0:
            layer = network[index]
            errors[index] = [
                dot(deltas[index], [neuron[k] for neuron in layer]) for k in range(len(layer[0]) - 1)
            ]
            deltas[index - 1] = _backward(functions[index - 1], outputs[index - 1], errors[index])
    updated = [
        [
            [w - rate * g for w, g in zip(neuron, neuron_grads)]
            for neuron, neuron_grads in zip(layer, layer_grads)
        ]
        for layer, layer_grads in zip(network, grads)
    ]
    numeric = numerical_gradients(network, x, target, list(activations), loss_name, l2=l2)
    worst = relative_error(grads, numeric)
    return {
        "sizes": list(sizes),
        "activations": list(activations),
        "loss": loss_name,
        "seed": seed,
        "rate": rate,
        "l2": l2,
        "x": x,
        "target": target,
        "network": network,
        "layers": [{"h": h, "z": z, "a": a} for h, z, a in zip(inputs, sums, outputs)],
        "loss_value": value,
        "deltas": deltas,
        "errors_below": errors,
        "gradients": grads,
        "updated": updated,
        "check": {
            "method": "central differences, order 6, h = 5e-3 (purenn.gradcheck)",
            "worst_relative_error": worst,
            "bound": CHECK_BOUND,
            "agrees": worst <= CHECK_BOUND,
        },
    }


def _n(value: float) -> str:
    return f"{value:.6g}"


def _terms(weights: Sequence[float], values: Sequence[float]) -> str:
    return " + ".join(f"({_n(w)})({_n(v)})" for w, v in zip(weights, values))


def _forward_lines(step: Dict[str, Any], functions: List[Activation]) -> List[str]:
    lines = ["forward"]
    for index, (layer, run, function) in enumerate(zip(step["network"], step["layers"], functions)):
        lines.append(
            f"  layer {index}: h = {'x' if index == 0 else f'a of layer {index - 1}'} = {_vector(run['h'])}"
        )
        for j, (neuron, z, a) in enumerate(zip(layer, run["z"], run["a"])):
            lines.append(
                f"    z_{j} = {_terms(neuron[:-1], run['h'])} + ({_n(neuron[-1])}) = {_n(z)}"
                f"    [{_label('z')}]"
            )
            applied = f"softmax(z)_{j}" if function.name == "softmax" else f"{function.name}(z_{j})"
            lines.append(f"    a_{j} = {applied} = {_n(a)}    [{_label('a')}]")
    return lines


def _vector(values: Sequence[float]) -> str:
    return "[" + ", ".join(map(_n, values)) + "]"


def _label(name: str) -> str:
    """A formula as the docstrings write it, its alignment spaces squeezed."""
    return " ".join(FORMULAS[name].split())


def _output_delta_lines(step: Dict[str, Any], function: Activation) -> List[str]:
    """delta_j of the output layer, with the numbers that go into it."""
    last = step["layers"][-1]
    lines = []
    for j, (delta, a, y) in enumerate(zip(step["deltas"][-1], last["a"], step["target"])):
        if step["loss"] == "cross_entropy":
            worked = f"({_n(a)})({_n(sum(step['target']))}) - {_n(y)}"
        elif step["loss"] == "binary_cross_entropy" or not isinstance(function, ElementwiseActivation):
            worked = f"{_n(a)} - {_n(y)}" + ("" if step["loss"] != "squared_error" else ", through softmax")
        else:
            slope = function.derivative_from_output(a)
            worked = f"({_n(a)} - {_n(y)}) * f'(z_{j}) = ({_n(a - y)})({_n(slope)})"
        lines.append(f"    delta_{j} = {worked} = {_n(delta)}")
    return lines


def _backward_lines(step: Dict[str, Any], functions: List[Activation]) -> List[str]:
    network, last = step["network"], len(step["network"]) - 1
    loss_name = step["loss"]
    lines = ["backward"]
    for index in range(last, -1, -1):
        function = functions[index]
        a_values = step["layers"][index]["a"]
        if index == last:
            lines.append(f"  layer {index} (output): delta_j = dC/dz_j    [{_label('delta_' + loss_name)}]")
            lines += _output_delta_lines(step, function)
        else:
            label = _label("delta_below") + ", m_k = 1 (no dropout)"
            lines.append(f"  layer {index}: delta_k = f'(z_k) * dC/dh_k    [{label}]")
            for k, (delta, a, e) in enumerate(
                zip(step["deltas"][index], a_values, step["errors_below"][index + 1])
            ):
                if isinstance(function, ElementwiseActivation):
                    slope = function.derivative_from_output(a)
                    lines.append(
                        f"    delta_{k} = f'(z_{k}) * dC/dh_{k} = ({_n(slope)})({_n(e)}) = {_n(delta)}"
                        f"    [{function.name}: f' = {DERIVATIVES[function.name]}]"
                    )
                else:
                    lines.append(
                        f"    delta_{k} = {_n(delta)}    [softmax: a_k * (dC/dh_k - sum_i dC/dh_i * a_i)]"
                    )
        h = step["layers"][index]["h"] + [1.0]
        for j, (neuron, neuron_grads, delta) in enumerate(
            zip(network[index], step["gradients"][index], step["deltas"][index])
        ):
            for k, g in enumerate(neuron_grads):
                if k == len(neuron) - 1:
                    lines.append(f"    dC/dw_{j},bias = delta_{j} = {_n(g)}    [{_label('grad_bias')}]")
                    continue
                penalty = f" + ({_n(step['l2'])})({_n(neuron[k])})" if step["l2"] else ""
                label = _label("grad") + ("; + lambda * w_jk" if step["l2"] else "")
                lines.append(f"    dC/dw_{j},{k} = ({_n(delta)})({_n(h[k])}){penalty} = {_n(g)}    [{label}]")
        if index > 0:
            for k, e in enumerate(step["errors_below"][index]):
                column = [neuron[k] for neuron in network[index]]
                lines.append(
                    f"    dC/dh_{k} = {_terms(step['deltas'][index], column)} = {_n(e)}"
                    f"    [{_label('errors')}]"
                )
    return lines


def format_step(step: Dict[str, Any]) -> str:
    """The worked step as text, one number per line with the formula it evaluates."""
    functions = resolve_activations(step["network"], step["activations"])
    sizes = "-".join(map(str, step["sizes"]))
    lines = [
        f"One step of gradient descent on a {sizes} network "
        f"({', '.join(step['activations'])}; {step['loss']}), "
        f"rate {step['rate']}, l2 {step['l2']}, seed {step['seed']}.",
        "Layers, neurons and weights count from 0; each neuron's weights end with its bias.",
        "The formulas in [ ] are those of purenn/network.py's and purenn/losses.py's docstrings.",
        f"sample: x = {_vector(step['x'])}, y = {_vector(step['target'])}",
        "weights",
    ]
    for index, layer in enumerate(step["network"]):
        for j, neuron in enumerate(layer):
            lines.append(f"  layer {index}, neuron {j}: w = {_vector(neuron)}")
    lines += _forward_lines(step, functions)
    penalty = f" + lambda/2 * sum w**2 (lambda = {step['l2']}, biases left out)" if step["l2"] else ""
    lines.append(f"loss: C = {_n(step['loss_value'])}    [{_label(step['loss'])}{penalty}]")
    lines += _backward_lines(step, functions)
    lines.append(f"update: rate = {step['rate']}    [{_label('update')}]")
    for index, (layer, layer_grads, new_layer) in enumerate(
        zip(step["network"], step["gradients"], step["updated"])
    ):
        for j, (neuron, neuron_grads, new) in enumerate(zip(layer, layer_grads, new_layer)):
            for k, (w, g, w_new) in enumerate(zip(neuron, neuron_grads, new)):
                name = "bias" if k == len(neuron) - 1 else str(k)
                lines.append(
                    f"  layer {index}: w_{j},{name} = {_n(w)} - {step['rate']} * ({_n(g)}) = {_n(w_new)}"
                )
    check = step["check"]
    verdict = "backpropagation agrees" if check["agrees"] else "backpropagation DISAGREES"
    lines.append(
        f"check: {check['method']}: worst relative error {check['worst_relative_error']:.2g} over "
        f"{sum(len(n) for layer in step['network'] for n in layer)} weights: {verdict} "
        f"(bound {check['bound']:g})"
    )
    return "\n".join(lines)


def add_parser(commands: Any) -> None:
    """Register `purenn explain` on the CLI's subcommands."""
    explain = commands.add_parser(
        "explain",
        help="one training step of a tiny network, worked line by line",
        description="Print one step of gradient descent the way a textbook works it, checked against "
        "central differences.",
    )
    explain.add_argument("--sizes", default="2,2,1", help="layer sizes, inputs first")
    explain.add_argument(
        "--activation",
        default="sigmoid",
        help="one for every layer (the loss may fix the output's), or one per layer",
    )
    explain.add_argument(
        "--loss",
        default="squared_error",
        choices=list(LOSSES),
        help="the loss of the step",
    )
    explain.add_argument("--seed", type=int, default=0, help="seed of the weights and the sample")
    explain.add_argument(
        "--rate", type=arguments.positive_number, default=0.5, help=f"learning rate, at most {MAX_RATE:g}"
    )
    explain.add_argument(
        "--l2",
        type=arguments.non_negative_number,
        default=0.0,
        help=f"L2 strength lambda, at most {MAX_L2:g}",
    )
    explain.add_argument("--json", action="store_true", help="print the step as JSON, for tools")


def run(args: argparse.Namespace) -> int:
    """Print the worked step; exit 1 if backpropagation disagreed with central differences."""
    sizes = _sizes(args.sizes)
    activations = _activations(args.activation, len(sizes) - 1, args.loss)
    step = worked_step(sizes, activations, args.loss, args.seed, args.rate, args.l2)
    print(json.dumps(step, indent=1) if args.json else format_step(step))
    return 0 if step["check"]["agrees"] else 1
