"""Named training recipes: purenn's default and the five classic tutorials' set-ups.

- PRESETS: name -> Preset (Classifier parameters, data split, and what the tutorial reported).
- get_preset: a preset by name, PurennError naming the known ones otherwise.

A preset's params are Classifier parameters: Settings' fields (purenn/settings.py) and the
estimator's own (scaling, ...); tests/test_settings.py checks each preset against them.

Each recipe does what a published from-scratch tutorial's own code does (the texts are in the
project's shared seeds; the README's "The classic recipes" lists what each tutorial reported,
what purenn measured, and every place where a recipe differs from its tutorial's code, and why).
Squared error here is C = 1/2 sum (a - y)**2, half the tutorials' sum (a - y)**2, so their
stopping tolerances are halved.
"""

from __future__ import annotations

from typing import Any, Dict, NamedTuple

from .errors import PurennError

__all__ = ["PRESETS", "Preset", "get_preset"]


class Preset(NamedTuple):
    """A recipe: Classifier parameters, how to split the data, and the tutorial's own figure.

    `scaling_on_all_rows`: the scaling is fitted on every row of the data, test rows too, before
    the split (the tutorials 000 and 001 scale X, then call train_test_split). `loss_over_all_rows`:
    the stopping rule divides the epoch's summed loss by the number of all rows (their
    ``err /= X.shape[0]``), not the training rows: the command line sets loss_tolerance_divisor.
    """

    params: Dict[str, Any]
    split: str  # "stratified", "random", "sequential" or "none" (train on every row)
    test_fraction: float
    description: str
    reported: str
    scaling_on_all_rows: bool = False
    loss_over_all_rows: bool = False


# What the tutorials all share: plain steps at a constant rate, no momentum, L2 or dropout.
_CLASSIC = {"schedule": "constant", "momentum": 0.0, "l2": 0.0, "dropout": 0.0, "batch_size": 1}

# The tutorials 000 and 001 hold out sklearn's train_test_split default, ceil(0.25 * 1797) = 450
# rows: round(1797 * 450/1797) = 450 with purenn's random split.
_SKLEARN_TEST_FRACTION = 450 / 1797

# Their stopping rule: err = sum over the epoch of sum_j (a_j - y_j)**2, divided by all 1797 rows.
# purenn's squared error is C = 1/2 sum_j (a_j - y_j)**2, so err < t is summed C / 1797 < t / 2.
_CLASSIC_RELU = {
    **_CLASSIC,
    "hidden": (200,),
    "activation": "relu",
    "output_activation": "identity",
    "loss": "squared_error",
    "init": "uniform",
    "init_low": -1.0,
    "init_high": 1.0,
    "draw_biases": False,
    "train_biases": False,
    "scaling": "global-variance",
    "rate": 0.01,
    "dropout": 0.5,
    "dropout_order": "mask-after-output",
    "epochs": 200,
    "loss_tolerance": 0.1 / 2,
    "decision": "strict",
}

PRESETS: Dict[str, Preset] = {
    "default": Preset(
        params={},
        split="stratified",
        test_fraction=0.25,
        description="purenn's default: see Settings and the README",
        reported="",
    ),
    # The default until it was made three times faster (issue 16): the same network and steps
    # for 60 epochs instead of 20, the training accuracy measured after every epoch.
    "long": Preset(
        params={"epochs": 60, "measure_train_accuracy": True},
        split="stratified",
        test_fraction=0.25,
        description="purenn's earlier default: the default's 64-256-10 network and steps for 60 epochs, "
        "the training accuracy measured after every epoch",
        reported="",
    ),
    # The quickest to 97% test accuracy that a search over widths, epochs, batch sizes, rates,
    # momentum and L2 found (issue 16; bench/time_to_accuracy.py --preset fast).
    "fast": Preset(
        params={
            "hidden": (36,),
            "epochs": 4,
            "rate": 0.2,
            "momentum": 0.85,
            "batch_size": 16,
            "dropout": 0.0,
            "l2": 0.0,
        },
        split="stratified",
        test_fraction=0.25,
        description="64-36-10 ReLU/softmax, no dropout or L2, minibatches of 16, momentum 0.85, "
        "rate 0.2 on a cosine schedule over 4 epochs: about 97% test accuracy in under a second",
        reported="",
    ),
    "relu-dropout": Preset(
        params=_CLASSIC_RELU,
        split="random",
        test_fraction=_SKLEARN_TEST_FRACTION,
        description="64-200-10, ReLU hidden, linear output, squared error, no biases, "
        "uniform [-1, 1], inputs (x - mean) / variance over all pixels of all rows, per-sample SGD "
        "rate 0.01, dropout 0.5 applied after the output (the tutorial's order), stop when the "
        "epoch's sum of (a - y)**2 over all rows falls under 0.1 or after 200 epochs, strict "
        "rounded decision",
        reported="91.6% correct (converged at iteration 94)",
        scaling_on_all_rows=True,
        loss_over_all_rows=True,
    ),
    "tanh-softmax": Preset(
        params={
            **_CLASSIC_RELU,
            "activation": "tanh",
            "output_activation": "softmax",
            "scaling": "standardize",
            "dropout_order": "inverted",
            "rate": 0.1,
            "loss_tolerance": 0.01 / 2,
        },
        split="random",
        test_fraction=_SKLEARN_TEST_FRACTION,
        description="as relu-dropout but tanh hidden, softmax output, exact gradients, standardised "
        "inputs, textbook dropout, rate 0.1, stop under 0.01",
        reported="95.3% (converged at iteration 11)",
        loss_over_all_rows=True,
    ),
    "sigmoid-rounds": Preset(
        params={
            **_CLASSIC,
            "hidden": (10,),
            "activation": "sigmoid",
            "output_activation": "sigmoid",
            "loss": "squared_error",
            "init": "uniform",
            "init_low": 0.0,
            "init_high": 1.0,
            "scaling": "divide",
            "divide_by": 128.0,
            "rate": 1.0,
            "epochs": 10,
            "rounds": 26,
            "round_size": 50,
            "measure_train_accuracy": True,  # the tutorial prints it once an epoch
        },
        split="sequential",
        test_fraction=540 / 1797,  # the tutorial's int(1797 * 0.7) = 1257 training rows
        description="64-10-10 sigmoid, squared error, every weight uniform in [0, 1), pixels/128, "
        "first 70% train, 10 epochs of 26 rounds of 50 random samples, per-sample steps at rate 1",
        reported="about 85%",
    ),
    "sigmoid-l2-fullbatch": Preset(
        params={
            **_CLASSIC,
            "hidden": (25,),
            "activation": "sigmoid",
            "output_activation": "sigmoid",
            "loss": "binary_cross_entropy",
            "init": "glorot",
            "draw_biases": True,
            "scaling": "divide",
            "divide_by": 16.0,
            "l2": 1.0,
            "l2_over_samples": True,
            "rate": 0.8,
            "batch_size": 0,
            "epochs": 800,
        },
        split="stratified",
        test_fraction=0.25,
        description="64-25-10 sigmoid, binary cross-entropy summed over outputs, L2 lambda 1 "
        "(cost lambda/2m sum w**2, biases excluded), uniform +-sqrt(6/(fan_in+fan_out)), "
        "full-batch gradient descent at rate 0.8 for 800 iterations",
        reported="about 95% (training accuracy)",
    ),
    "sigmoid-sgd": Preset(
        params={
            **_CLASSIC,
            "hidden": (40,),
            "activation": "sigmoid",
            "output_activation": "sigmoid",
            "loss": "squared_error",
            "init": "uniform",
            "init_low": -0.5,
            "init_high": 0.5,
            "scaling": "divide",
            "divide_by": 100.0,
            "rate": 0.7,
            "epochs": 90,
        },
        split="random",
        test_fraction=797 / 1797,
        description="64-40-10 sigmoid, squared error, uniform [-0.5, 0.5], pixels/100, "
        "1000 random training samples and 797 test, per-sample SGD at rate 0.7 for 90 epochs",
        reported="(not given)",
    ),
    "ng-ex4": Preset(
        params={
            **_CLASSIC,
            "hidden": (25,),
            "activation": "sigmoid",
            "output_activation": "sigmoid",
            "loss": "binary_cross_entropy",
            "init": "glorot",
            "draw_biases": True,
            "scaling": "none",
            "l2": 1.0,
            "l2_over_samples": True,
            "rate": 0.8,
            "batch_size": 0,
            "epochs": 800,
            "measure_train_accuracy": False,
        },
        split="none",
        test_fraction=0.0,
        description="Andrew Ng's ex4 on its own data (ex4data1.mat, 5000 20x20 images): 400-25-10 "
        "sigmoid, binary cross-entropy summed over outputs, L2 lambda 1 (cost lambda/2m sum w**2, "
        "biases excluded), every weight and bias uniform in +-sqrt(6)/sqrt(fan_in + fan_out), raw "
        "inputs, full-batch gradient descent at rate 0.8 for 800 iterations, trained on all rows",
        reported="about 95% (training accuracy)",
    ),
}


def get_preset(name: str) -> Preset:
    """Return the preset called `name`.

    >>> get_preset("sigmoid-sgd").params["hidden"]
    (40,)
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise PurennError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}") from None
