"""Tests for purenn.splits' registry: one list of split kinds, which every user of a kind reads.

(The splits themselves, one-hot and the classes are tested in test_data.py.)
"""

from __future__ import annotations

import argparse
import random
import re
from typing import Any, Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.cli import _parser
from purenn.errors import ModelError, PurennError
from purenn.model import model_from_dict
from purenn.presets import PRESETS
from purenn.splits import SPLITS, random_split, sequential_split, split, stratified_split


def _train_options() -> Dict[str, Any]:
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action for action in commands.choices["train"]._actions}


def test_the_cli_offers_exactly_the_registered_splits_in_their_order() -> None:
    assert (
        list(_train_options()["split"].choices)
        == list(SPLITS)
        == ["stratified", "random", "sequential", "none"]
    )


def test_every_preset_names_a_registered_split() -> None:
    for name, preset in PRESETS.items():
        assert preset.split in SPLITS, name
        assert (preset.test_fraction == 0.0) == (preset.split == "none"), name


def test_the_default_test_fractions() -> None:
    assert {kind: entry.test_fraction for kind, entry in SPLITS.items()} == {
        "stratified": 0.25,
        "random": 0.25,
        "sequential": 0.3,
        "none": 0.0,
    }


@given(
    labels=st.lists(st.integers(0, 3), min_size=8, max_size=60),
    fraction=st.floats(0.2, 0.8),
    seed=st.integers(0, 2**32),
)
def test_split_by_name_is_the_named_split(labels: List[int], fraction: float, seed: int) -> None:
    expected = {
        "stratified": lambda: stratified_split(labels, fraction, random.Random(seed)),
        "random": lambda: random_split(len(labels), fraction, random.Random(seed)),
        "sequential": lambda: sequential_split(len(labels), 1.0 - fraction),
    }
    for kind, made in expected.items():
        try:
            wanted = made()
        except PurennError as error:  # a side left empty: split says the same
            with pytest.raises(type(error), match=re.escape(str(error))):
                split(kind, labels, fraction, random.Random(seed))
            continue
        assert split(kind, labels, fraction, random.Random(seed)) == wanted
    assert split("none", labels, 0.0, random.Random(seed)) == (list(range(len(labels))), [])


def test_an_unknown_split_names_the_known_ones() -> None:
    with pytest.raises(
        PurennError, match=r"^unknown split 'halves'; known: stratified, random, sequential, none$"
    ):
        split("halves", [0, 1], 0.5, random.Random(0))
    with pytest.raises(PurennError, match="split none keeps no test set"):
        split("none", [0, 1], 0.5, random.Random(0))


@pytest.mark.parametrize("kind", [*SPLITS, "halves"])
def test_a_model_file_records_a_registered_split_only(kind: str) -> None:
    data = {
        "format": "purenn-model",
        "version": 1,
        "layers": [{"activation": "sigmoid", "weights": [[0.5, 0.25]]}],
        "loss": "binary_cross_entropy",
        "scaling": {"kind": "none"},
        "labels": ["yes"],
        "training": {"split": {"kind": kind, "test_fraction": 0.0 if kind == "none" else 0.25, "seed": 0}},
    }
    if kind in SPLITS:
        assert model_from_dict(data).training["split"]["kind"] == kind
        return
    known = ", ".join(sorted(SPLITS))
    with pytest.raises(ModelError, match=rf'unknown split "halves" \(known: {known}\)'):
        model_from_dict(data)
