"""`purenn gradcheck`: backpropagation against central differences on a small random network.

- run: the command: a network of --sizes drawn from --seed, --samples random samples each
  checked (gradcheck.verdict), the worst relative error and its verdict printed; exit status 1
  unless every sample is "ok".
"""

from __future__ import annotations

import argparse
import math
import random
from typing import List, Tuple

from .. import preflight
from ..activations import get_activation
from ..errors import PurennError
from ..gradcheck import RELU_MARGIN, activations_for, push_relus_off_the_kink, verdict
from ..network import Network, make_network
from ..settings import Settings

__all__ = ["run"]


def _gradcheck_sample(
    network: Network, rng: random.Random, sizes: List[int], activations: List[str], args: argparse.Namespace
) -> Tuple[float, str, int]:
    """One random sample checked: (worst relative error, verdict, ReLU biases moved off the kink)."""
    x = [rng.uniform(-1.0, 1.0) for _ in range(sizes[0])]
    hot = rng.randrange(sizes[-1])
    target = [1.0 if i == hot else 0.0 for i in range(sizes[-1])]
    probed = [[list(neuron) for neuron in layer] for layer in network]
    moved = push_relus_off_the_kink(probed, x, activations)
    error, said = verdict(probed, x, target, activations, args.loss, l2=args.l2)
    return error, said, moved


def run(args: argparse.Namespace) -> int:
    """`purenn gradcheck`."""
    sizes = list(args.sizes)
    if len(sizes) < 2:
        raise PurennError("--sizes needs at least an input and an output size, e.g. 6,3")
    preflight.check_network_fits(sizes, "--sizes")
    if args.activation is not None and len(sizes) == 2:
        preflight.refuse_unused_flags(
            {"--activation": f"--sizes {','.join(map(str, sizes))} has no hidden layer"}
        )
    hidden_activation = args.activation or "tanh"
    try:
        get_activation(hidden_activation)
    except PurennError as error:
        raise PurennError(f"--activation: {error}") from None
    rng = random.Random(args.seed)
    network = make_network(sizes, rng, init="uniform", low=-1.0, high=1.0)
    activations = activations_for(args.loss, hidden_activation, len(sizes) - 2)
    output = activations[-1]
    Settings(
        hidden=tuple(sizes[1:-1]), activation=hidden_activation, output_activation=output, loss=args.loss
    ).check()
    results = [_gradcheck_sample(network, rng, sizes, activations, args) for _ in range(args.samples)]
    errors = [error for error, _, _ in results]
    worst = math.nan if any(math.isnan(e) for e in errors) else max(errors)
    verdicts = [said for _, said, _ in results]
    final = "FAILED" if "FAILED" in verdicts else next((v for v in verdicts if v != "ok"), "ok")
    moved = sum(count for _, _, count in results)
    weights = sum(len(neuron) for layer in network for neuron in layer)
    print(
        f"network {'-'.join(map(str, sizes))} ({', '.join(activations)}; {args.loss}, l2 {args.l2}): "
        f"{weights} weights, {args.samples} samples"
    )
    if moved:
        print(
            f"moved {moved} ReLU sums at least {RELU_MARGIN} away from 0 (by their biases): "
            "at 0 the loss has no derivative to check"
        )
    print(f"worst relative error: {worst:.3g} ({final}: the bound is 1e-6)")
    return 0 if final == "ok" else 1
