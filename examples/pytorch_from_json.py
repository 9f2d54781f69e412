"""Load a purenn model file into PyTorch's nn.Sequential, and check it agrees with purenn.

    pip install torch          # not a purenn dependency
    purenn train --out model.json
    python examples/pytorch_from_json.py model.json [--float32]

The model file is plain JSON (docs/model-format.md): each layer's "weights" is an [out, in + 1]
matrix whose last column is the bias, so it splits straight into torch.nn.Linear's `weight`
([out, in]) and `bias` ([out]). The input scaling becomes a first module, the activations
nn.ReLU / nn.Tanh / nn.Sigmoid / nn.Softmax(dim=1) (nothing for identity). Only `json` and `torch`
build the network; purenn is imported afterwards, to compare the outputs on the 1797 vendored digits.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "identity": None}


class Scaling(nn.Module):
    """(x - shift) / divisor: purenn's "none", "divide", "standardize" and "global-variance" scalings."""

    def __init__(self, shift: torch.Tensor, divisor: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("shift", shift)
        self.register_buffer("divisor", divisor)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.shift) / self.divisor


def scaling_module(scaling: Dict[str, Any], dtype: torch.dtype) -> Scaling:
    kind = scaling["kind"]
    if kind == "none":
        return Scaling(torch.tensor(0.0, dtype=dtype), torch.tensor(1.0, dtype=dtype))
    if kind == "divide":
        return Scaling(torch.tensor(0.0, dtype=dtype), torch.tensor(scaling["by"], dtype=dtype))
    if kind == "standardize":
        return Scaling(torch.tensor(scaling["mean"], dtype=dtype), torch.tensor(scaling["std"], dtype=dtype))
    if kind == "global-variance":  # one mean and one variance over every input value
        mean, variance = scaling["mean"], scaling["variance"]
        return Scaling(torch.tensor(mean, dtype=dtype), torch.tensor(variance, dtype=dtype))
    raise ValueError(f"unknown scaling kind {kind!r}")


def linear_from_weights(weights: List[List[float]], dtype: torch.dtype) -> nn.Linear:
    """nn.Linear from purenn's [out, in + 1] matrix: the last column is the bias."""
    matrix = torch.tensor(weights, dtype=dtype)
    layer = nn.Linear(matrix.shape[1] - 1, matrix.shape[0], dtype=dtype)
    with torch.no_grad():
        layer.weight.copy_(matrix[:, :-1])
        layer.bias.copy_(matrix[:, -1])
    return layer


def sequential_from_json(path: str, dtype: torch.dtype = torch.float64) -> nn.Sequential:
    """The model file at path as nn.Sequential(scaling, Linear, activation, Linear, ...)."""
    with open(path, encoding="utf-8-sig") as file:
        data = json.load(file)
    if data.get("format") != "purenn-model" or data.get("version") != 1:
        raise ValueError(f"{path}: not a purenn model file of format version 1")
    modules: List[nn.Module] = [scaling_module(data["scaling"], dtype)]
    for layer in data["layers"]:
        modules.append(linear_from_weights(layer["weights"], dtype))
        activation = layer["activation"]
        if activation == "softmax":
            modules.append(nn.Softmax(dim=1))
        elif ACTIVATIONS[activation] is not None:
            modules.append(ACTIVATIONS[activation]())
    return nn.Sequential(*modules).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a purenn model file")
    parser.add_argument(
        "--float32", action="store_true", help="build the network in float32 (default float64)"
    )
    options = parser.parse_args()
    dtype = torch.float32 if options.float32 else torch.float64
    network = sequential_from_json(options.model, dtype)
    print(network)

    from purenn import Classifier
    from purenn.data import load_digits
    from purenn.model import load_model

    inputs, _ = load_digits()
    with torch.no_grad():
        torch_outputs = network(torch.tensor(inputs, dtype=dtype)).double()
    classifier = Classifier.from_model(load_model(options.model))
    purenn_outputs = torch.tensor(classifier.predict_proba(inputs), dtype=torch.float64)
    worst = (torch_outputs - purenn_outputs).abs().max().item()
    same = int((torch_outputs.argmax(dim=1) == purenn_outputs.argmax(dim=1)).sum())
    print(f"max abs difference from purenn on {len(inputs)} digits: {worst:.3g} ({str(dtype)[6:]})")
    print(f"same class (largest output): {same}/{len(inputs)}")


if __name__ == "__main__":
    main()
