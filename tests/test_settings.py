"""Settings is the one list of training parameters: the Classifier, the CLI and the presets agree with it.

And every list of names (initialisers, schedules, decisions, solvers, activations, losses) that the
CLI offers or an error message lists comes from its registry.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from typing import Dict, List

import pytest

from purenn import cli
from purenn.activations import ACTIVATIONS, get_activation
from purenn.errors import PurennError
from purenn.estimator import Classifier
from purenn.gradcheck import activations_for
from purenn.losses import LOSSES, get_loss
from purenn.metrics import DECISIONS
from purenn.network import INITIALISERS, make_network
from purenn.optimizers import SOLVERS
from purenn.presets import PRESETS
from purenn.scaling import SCALING_KINDS
from purenn.settings import DROPOUT_ORDERS, SCHEDULES, Settings, settings_of

# The Classifier's parameters that are not training settings: how X is scaled and split, the seed,
# and what fit does with an earlier fit and with its output.
ESTIMATOR_OWN = {"scaling", "divide_by", "validation_fraction", "seed", "warm_start", "verbose"}
# The training flags that are not Classifier parameters.
CLI_OWN = {"preset", "fit_scaling_on"}


def _train_parser() -> argparse.ArgumentParser:
    parser = cli._parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    train: argparse.ArgumentParser = commands.choices["train"]
    return train


def _training_flags() -> Dict[str, argparse.Action]:
    group = next(
        g for g in _train_parser()._action_groups if (g.title or "").startswith("network and training")
    )
    return {action.dest: action for action in group._group_actions}


def _signature_defaults() -> Dict[str, object]:
    parameters = inspect.signature(Classifier.__init__).parameters.values()
    return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


def test_the_classifier_parameters_are_the_settings_fields_and_its_own() -> None:
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert set(_signature_defaults()) == fields | ESTIMATOR_OWN
    assert not fields & ESTIMATOR_OWN
    assert set(Classifier().get_params()) == fields | ESTIMATOR_OWN


def test_the_classifier_defaults_are_the_settings_defaults() -> None:
    defaults = _signature_defaults()
    for field in dataclasses.fields(Settings):
        assert defaults[field.name] == field.default, field.name
    assert settings_of(Classifier().get_params()) == Settings()


def test_init_stores_every_parameter_unchanged() -> None:
    """scikit-learn's rule, which the explicit assignments in __init__ keep: a list beside the signature."""
    values = {name: object() for name in _signature_defaults()}
    classifier = Classifier(**values)  # type: ignore[arg-type]
    assert all(getattr(classifier, name) is value for name, value in values.items())


def test_every_training_flag_sets_the_classifier_parameter_of_its_dest() -> None:
    flags = _training_flags()
    params = set(Classifier().get_params())
    assert set(flags) - CLI_OWN <= params
    for dest, action in flags.items():
        if dest not in CLI_OWN:
            assert action.default is None, dest  # unset: the preset's value, or Settings' default
    assert flags["n_jobs"].option_strings == ["--jobs"]
    assert flags["measure_train_accuracy"].option_strings == ["--train-accuracy", "--no-train-accuracy"]


def test_given_params_are_the_flags_given_and_the_seed() -> None:
    args = _train_parser().parse_args(["--hidden", "8", "--jobs", "2", "--no-train-accuracy", "--seed", "4"])
    assert cli._given_params(args) == {
        "hidden": (8,),
        "n_jobs": 2,
        "measure_train_accuracy": False,
        "seed": 4,
    }


def test_the_cli_choices_and_help_lists_come_from_the_registries() -> None:
    flags = _training_flags()
    assert flags["init"].choices == list(INITIALISERS)
    assert flags["schedule"].choices == list(SCHEDULES)
    assert flags["decision"].choices == list(DECISIONS)
    assert flags["solver"].choices == list(SOLVERS)
    assert flags["dropout_order"].choices == list(DROPOUT_ORDERS)
    assert flags["scaling"].choices == list(SCALING_KINDS)
    # each ends with the default preset's value (cli._show_preset_defaults)
    assert flags["activation"].help == "hidden activation: " + ", ".join(ACTIVATIONS) + " (default: relu)"
    assert (
        flags["loss"].help == "cross_entropy, binary_cross_entropy or squared_error (default: cross_entropy)"
    )
    assert list(LOSSES) == ["cross_entropy", "binary_cross_entropy", "squared_error"]
    assert (
        flags["output_activation"].help
        == "output activation: softmax, sigmoid, identity, ... (default: softmax)"
    )


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_names_classifier_parameters_that_pass_the_checks(name: str) -> None:
    params = PRESETS[name].params
    assert set(params) <= set(Classifier().get_params())
    settings = Classifier(**params).settings()
    for key, value in params.items():
        if key in {field.name for field in dataclasses.fields(Settings)}:
            assert getattr(settings, key) == value, (name, key)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"init": "nope"}, "unknown initialiser 'nope'; known: glorot, he, uniform"),
        ({"schedule": "nope"}, "schedule must be 'constant' or 'cosine', got 'nope'"),
        ({"decision": "nope"}, "decision must be 'argmax' or 'strict', got 'nope'"),
        ({"solver": "nope"}, "solver must be 'sgd' or 'adam', got 'nope'"),
        (
            {"activation": "nope"},
            "activation: unknown activation 'nope'; known: identity, relu, sigmoid, softmax, tanh",
        ),
        ({"loss": "nope"}, "unknown loss 'nope'; known: binary_cross_entropy, cross_entropy, squared_error"),
        ({"dropout_order": "nope"}, "dropout_order must be one of inverted, mask-after-output, got 'nope'"),
    ],
)
def test_unknown_names_list_their_registry(change: Dict[str, str], message: str) -> None:
    with pytest.raises(PurennError) as caught:
        dataclasses.replace(Settings(), **change).check()
    assert str(caught.value) == message


def test_the_initialisers_the_network_makes_are_the_registry() -> None:
    import random

    for init in INITIALISERS:
        make_network([2, 2], random.Random(0), init=init)
    with pytest.raises(PurennError, match="known: " + ", ".join(INITIALISERS)):
        make_network([2, 2], random.Random(0), init="nope")


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_loss_pairs_with_an_output_activation_it_accepts(name: str) -> None:
    loss = get_loss(name)
    get_activation(loss.output_activation)
    assert loss.required_activation in (None, loss.output_activation)
    layers: List[str] = activations_for(name, "tanh", 1)
    assert layers == ["tanh", loss.output_activation]
    Settings(hidden=(3,), activation="tanh", output_activation=loss.output_activation, loss=name).check()
