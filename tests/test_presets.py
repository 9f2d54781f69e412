"""The recipes: each preset is the configuration its tutorial describes, and each one trains."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any, Dict

import pytest

from purenn.cli import main
from purenn.data import load_digits
from purenn.errors import DivergenceError, PurennError
from purenn.estimator import Classifier
from purenn.model import load_model
from purenn.presets import PRESETS, get_preset
from purenn.scaling import fit_scaling
from purenn.splits import random_split, sequential_split, take


def _settings(name: str) -> Any:
    return Classifier(**get_preset(name).params).settings()


EXPECTED: Dict[str, Dict[str, Any]] = {
    "relu-dropout": dict(
        hidden=(200,),
        activation="relu",
        output_activation="identity",
        loss="squared_error",
        init="uniform",
        init_low=-1.0,
        init_high=1.0,
        draw_biases=False,
        train_biases=False,
        rate=0.01,
        momentum=0.0,
        dropout=0.5,
        dropout_order="mask-after-output",
        batch_size=1,
        epochs=200,
        loss_tolerance=0.05,
        decision="strict",
        l2=0.0,
    ),
    "tanh-softmax": dict(
        hidden=(200,),
        activation="tanh",
        output_activation="softmax",
        loss="squared_error",
        init="uniform",
        init_low=-1.0,
        init_high=1.0,
        draw_biases=False,
        rate=0.1,
        momentum=0.0,
        dropout=0.5,
        dropout_order="inverted",
        batch_size=1,
        epochs=200,
        loss_tolerance=0.005,
        decision="strict",
        train_biases=False,
    ),
    "sigmoid-rounds": dict(
        hidden=(10,),
        activation="sigmoid",
        output_activation="sigmoid",
        loss="squared_error",
        init="uniform",
        init_low=0.0,
        init_high=1.0,
        rate=1.0,
        batch_size=1,
        epochs=10,
        rounds=26,
        round_size=50,
        dropout=0.0,
        measure_train_accuracy=True,  # its code prints the training accuracy once an epoch
    ),
    "sigmoid-l2-fullbatch": dict(
        hidden=(25,),
        activation="sigmoid",
        output_activation="sigmoid",
        loss="binary_cross_entropy",
        init="glorot",
        draw_biases=True,
        l2=1.0,
        l2_over_samples=True,
        rate=0.8,
        batch_size=0,
        epochs=800,
        dropout=0.0,
    ),
    "sigmoid-sgd": dict(
        hidden=(40,),
        activation="sigmoid",
        output_activation="sigmoid",
        loss="squared_error",
        init="uniform",
        init_low=-0.5,
        init_high=0.5,
        rate=0.7,
        batch_size=1,
        epochs=90,
        momentum=0.0,
        dropout=0.0,
    ),
}

SPLITS = {
    "relu-dropout": ("random", 450 / 1797, "global-variance", None),
    "tanh-softmax": ("random", 450 / 1797, "standardize", None),
    "sigmoid-rounds": ("sequential", 540 / 1797, "divide", 128.0),
    "sigmoid-l2-fullbatch": ("stratified", 0.25, "divide", 16.0),
    "sigmoid-sgd": ("random", 797 / 1797, "divide", 100.0),
}

# (fits the scaling on all rows before the split, divides the epoch's loss by all rows)
ALL_ROWS = {
    "relu-dropout": (True, True),
    "tanh-softmax": (False, True),
    "sigmoid-rounds": (False, False),
    "sigmoid-l2-fullbatch": (False, False),
    "sigmoid-sgd": (False, False),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recipe_configuration(name: str) -> None:
    settings = _settings(name)
    for field, value in EXPECTED[name].items():
        assert getattr(settings, field) == value, field
    assert settings.schedule == "constant"
    preset = get_preset(name)
    split, fraction, scaling, divide_by = SPLITS[name]
    assert (preset.split, preset.test_fraction) == (split, fraction)
    assert preset.params["scaling"] == scaling and preset.params.get("divide_by") == divide_by
    assert (preset.scaling_on_all_rows, preset.loss_over_all_rows) == ALL_ROWS[name]
    assert preset.reported and preset.description


@pytest.mark.parametrize(
    "name, train_rows, test_rows",
    [
        ("relu-dropout", 1347, 450),  # sklearn's train_test_split: ceil(0.25 * 1797) test rows
        ("tanh-softmax", 1347, 450),
        ("sigmoid-rounds", 1257, 540),  # int(len(images) * 0.7) training rows
        ("sigmoid-sgd", 1000, 797),  # perm[:1000] and perm[1000:]
    ],
)
def test_the_split_sizes_are_the_tutorials(name: str, train_rows: int, test_rows: int) -> None:
    preset = get_preset(name)
    if preset.split == "sequential":
        train, test = sequential_split(1797, 1.0 - preset.test_fraction)
    else:
        train, test = random_split(1797, preset.test_fraction, random.Random(0))
    assert (len(train), len(test)) == (train_rows, test_rows)


def test_the_tutorial_tolerances_are_halved_for_halved_squared_error() -> None:
    """000 and 001 stop when sum over the epoch of sum_j (a_j - y_j)**2 / 1797 < 0.1 (0.01);
    purenn's squared error is half of sum_j (a_j - y_j)**2, so its tolerance is half of theirs."""
    assert get_preset("relu-dropout").params["loss_tolerance"] == 0.1 / 2
    assert get_preset("tanh-softmax").params["loss_tolerance"] == 0.01 / 2


def test_sigmoid_rounds_takes_26_rounds_of_50_as_one_epoch() -> None:
    """one_epoch = math.ceil(len(images_train) / batch_size) = ceil(1257 / 50) rounds."""
    assert get_preset("sigmoid-rounds").params["rounds"] == math.ceil(1257 / 50)


def test_sigmoid_sgd_keeps_1000_training_samples() -> None:
    test = round(1797 * get_preset("sigmoid-sgd").test_fraction)
    assert (1797 - test, test) == (1000, 797)


def test_l2_over_samples_divides_lambda_by_m() -> None:
    """lambda / (2m) * sum w**2 as a cost: the per-step L2 gradient is (lambda / m) * w."""
    assert _settings("sigmoid-l2-fullbatch").l2_over_samples


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_trains(name: str) -> None:
    inputs, labels = load_digits()
    params = {**get_preset(name).params, "epochs": 1}
    classifier = Classifier(**params).fit(inputs[:120], labels[:120])
    assert len(classifier.history_) == 1
    assert math.isfinite(classifier.history_[0].loss)


def test_the_relu_dropout_recipe_trains_with_the_tutorials_scaling_and_order() -> None:
    """With standardised inputs (up to ~2: outputs in the tens) the recipe blows up in epoch 1;
    with the tutorial's (x - mean) / variance (inputs in about [-0.13, 0.3]) and its dropout
    order it learns: the loss falls and stays finite."""
    inputs, labels = load_digits()
    params = {**get_preset("relu-dropout").params, "epochs": 2}
    classifier = Classifier(**params).fit(inputs[:200], labels[:200])
    losses = [record.loss for record in classifier.history_]
    assert all(math.isfinite(loss) for loss in losses) and losses[-1] < losses[0]
    assert classifier.scaling_["kind"] == "global-variance"
    with pytest.raises(DivergenceError, match="training diverged in epoch 1"):
        Classifier(**{**params, "scaling": "standardize"}).fit(inputs[:200], labels[:200])


def test_the_cli_fits_the_relu_dropout_scaling_on_all_rows(tmp_path: Path) -> None:
    """The tutorial scales X, then splits: the model's scaling is fitted on all 1797 rows, and the
    stopping rule divides by 1797."""
    out = tmp_path / "m.json"
    argv = ["train", "--preset", "relu-dropout", "--hidden", "3", "--epochs", "1", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    model = load_model(out)
    inputs, _ = load_digits()
    assert model.scaling == fit_scaling(inputs, "global-variance")
    assert model.training["settings"]["loss_tolerance_divisor"] == 1797
    assert model.training["settings"]["dropout_order"] == "mask-after-output"
    assert model.training["scaling_fitted_on"] == "all rows"
    assert main([*argv, "--fit-scaling-on", "train", "--out", str(out)]) == 0
    train_rows, _ = random_split(1797, 450 / 1797, random.Random(0))
    assert load_model(out).scaling == fit_scaling(take(inputs, train_rows), "global-variance")


def test_unknown_preset() -> None:
    with pytest.raises(PurennError, match="unknown preset 'lenet'; known: default"):
        get_preset("lenet")
