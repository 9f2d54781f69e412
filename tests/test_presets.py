"""The recipes: each preset is the configuration its tutorial describes, and each one trains."""

from __future__ import annotations

import math
from typing import Any, Dict

import pytest

from purenn.data import load_digits
from purenn.errors import DivergenceError, PurennError
from purenn.estimator import Classifier
from purenn.presets import PRESETS, get_preset


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
        batch_size=1,
        epochs=200,
        loss_tolerance=0.1,
        decision="strict",
        l2=0.0,
    ),
    "tanh-softmax": dict(
        hidden=(200,),
        activation="tanh",
        output_activation="softmax",
        loss="squared_error",
        rate=0.1,
        dropout=0.5,
        batch_size=1,
        loss_tolerance=0.01,
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
    "relu-dropout": ("random", 0.25, "standardize", None),
    "tanh-softmax": ("random", 0.25, "standardize", None),
    "sigmoid-rounds": ("sequential", 0.3, "divide", 128.0),
    "sigmoid-l2-fullbatch": ("stratified", 0.25, "divide", 16.0),
    "sigmoid-sgd": ("random", 797 / 1797, "divide", 100.0),
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
    assert preset.reported and preset.description


def test_sigmoid_sgd_keeps_1000_training_samples() -> None:
    test = round(1797 * get_preset("sigmoid-sgd").test_fraction)
    assert (1797 - test, test) == (1000, 797)


def test_l2_over_samples_divides_lambda_by_m() -> None:
    """lambda / (2m) * sum w**2 as a cost: the per-step L2 gradient is (lambda / m) * w."""
    assert _settings("sigmoid-l2-fullbatch").l2_over_samples


@pytest.mark.parametrize("name", sorted(set(PRESETS) - {"relu-dropout"}))
def test_every_preset_trains(name: str) -> None:
    inputs, labels = load_digits()
    params = {**get_preset(name).params, "epochs": 1}
    classifier = Classifier(**params).fit(inputs[:120], labels[:120])
    assert len(classifier.history_) == 1
    assert math.isfinite(classifier.history_[0].loss)


def test_the_literal_relu_dropout_recipe_diverges_and_says_so() -> None:
    """64-200-10 ReLU with weights in [-1, 1] on standardised pixels: the output error is in the
    tens, so even per-sample steps at rate 0.01 blow up (a NumPy version of the recipe does too).
    purenn stops with DivergenceError and keeps finite weights instead of returning NaN."""
    inputs, labels = load_digits()
    classifier = Classifier(**{**get_preset("relu-dropout").params, "epochs": 1})
    with pytest.raises(DivergenceError, match="training diverged in epoch 1"):
        classifier.fit(inputs[:200], labels[:200])


def test_unknown_preset() -> None:
    with pytest.raises(PurennError, match="unknown preset 'lenet'; known: default"):
        get_preset("lenet")
