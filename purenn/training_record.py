"""The training record of a model file: free-form JSON, but every field purenn reads back is checked.

A model's "training" holds how it was trained (settings, preset, data, split, history...).
Readers must not need it to compute outputs, but purenn evaluate and train --resume read parts
of it back, so those parts are checked when the file is loaded.

- read_training: a copy of the record, checked to be JSON (finite numbers, string keys, at
  most 32 levels deep) and every field purenn reads back of the type it expects.

Each error names the file and the field, as in
``model.json, field "training.split.kind": unknown split "halves" (known: none, random, ...)``.

>>> read_training({"split": {"kind": "random", "test_fraction": 0.25, "seed": 0}}, "model.json")
{'split': {'kind': 'random', 'test_fraction': 0.25, 'seed': 0}}
>>> read_training({"seconds": -1}, "model.json")
Traceback (most recent call last):
  ...
purenn.errors.ModelError: model.json, field "training.seconds": expected a number in [0, inf], found -1
"""

from __future__ import annotations

import math
from typing import Any, Dict

from .json_fields import (
    bounded_field,
    check_fields,
    describe,
    fail,
    finite_number,
    integer_field,
    known_name,
    object_field,
    string_field,
)
from .splits import SPLITS

__all__ = ["read_training"]

_MAX_TRAINING_DEPTH = 32  # nesting of lists and objects inside "training"


def read_training(value: object, source: str) -> Dict[str, Any]:
    """Return a copy of a model's "training" record, after checking it (see _check_training)."""
    if not isinstance(value, dict):
        fail(source, "training", f"expected an object, found {describe(value)}")
    training: Dict[str, Any] = _json_copy(value, source, "training")
    _check_training(training, source)
    return training


def _json_copy(value: object, source: str, path: str, depth: int = 0) -> Any:
    """Return a copy of a JSON value, checking it is one: finite numbers, string keys, not too deep.

    Tuples become lists, as JSON would make them.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(value, int) else finite_number(value, source, path)
    if depth >= _MAX_TRAINING_DEPTH:
        fail(source, path, f"nested more than {_MAX_TRAINING_DEPTH} levels deep")
    if isinstance(value, (list, tuple)):
        return [_json_copy(item, source, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                fail(source, path, f"expected string keys, found {describe(key)}")
            copy[key] = _json_copy(item, source, f"{path}.{key}", depth + 1)
        return copy
    fail(source, path, f"expected a JSON value, found {describe(value)}")


def _identity_field(value: object, source: str, path: str) -> None:
    """null, or {"bytes": n >= 0, "sha256": 64 hex digits}: what identifies a data file."""
    if value is None:
        return
    identity = object_field(value, source, path)
    check_fields(identity, ("bytes", "sha256"), (), source, f"{path}.")
    integer_field(identity["bytes"], source, f"{path}.bytes", minimum=0)
    digest = identity["sha256"]
    if not (isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
        fail(source, f"{path}.sha256", f"expected 64 hexadecimal digits, found {describe(digest)}")


def _split_field(value: object, source: str) -> None:
    """{"kind": a split, "test_fraction": in (0, 1) (0 for "none"), "seed": an integer}."""
    split = object_field(value, source, "training.split")
    check_fields(split, ("kind", "test_fraction", "seed"), (), source, "training.split.")
    known_name(split["kind"], SPLITS, "split", source, "training.split.kind")
    fraction = finite_number(split["test_fraction"], source, "training.split.test_fraction")
    if split["kind"] == "none":
        if fraction != 0.0:
            fail(source, "training.split.test_fraction", f"expected 0 for split none, found {fraction!r}")
    elif not 0.0 < fraction < 1.0:
        fail(source, "training.split.test_fraction", f"expected a fraction in (0, 1), found {fraction!r}")
    integer_field(split["seed"], source, "training.split.seed")


def _history_field(value: object, source: str) -> None:
    """An array of per-epoch objects; the fields of train.History they have are checked."""
    if not isinstance(value, list):
        fail(source, "training.history", f"expected an array, found {describe(value)}")
    for index, item in enumerate(value):
        path = f"training.history[{index}]"
        record = object_field(item, source, path)
        if "epoch" in record:
            integer_field(record["epoch"], source, f"{path}.epoch", minimum=1)
        if "loss" in record:
            finite_number(record["loss"], source, f"{path}.loss")
        for name in ("train_accuracy", "validation_accuracy"):
            bounded_field(record.get(name), source, f"{path}.{name}", 0.0, 1.0, optional=True)
        if "seconds" in record:
            bounded_field(record["seconds"], source, f"{path}.seconds", 0.0, math.inf)


def _check_training(training: Dict[str, Any], source: str) -> None:
    """Check the type of every field of "training" that purenn reads back; others are free.

    settings (an object; its values are checked by estimator.Classifier.from_model), preset,
    data (strings), labels_file (a string or null), label_column (a string or an integer),
    data_identity and labels_identity (null or {"bytes", "sha256"}), split ({"kind",
    "test_fraction", "seed"}), test_accuracy and train_accuracy (in [0, 1]), data_options
    (inputs_variable, labels_variable: strings; relabel: [old, new] label pairs; image_order:
    "row-major" or "column-major"), seconds (>= 0), history (an array of
    {"epoch", "loss", "train_accuracy", "validation_accuracy", "seconds"}).
    """
    if "settings" in training:
        object_field(training["settings"], source, "training.settings")
    for name in ("preset", "data"):
        if name in training:
            string_field(training[name], source, f"training.{name}")
    if "labels_file" in training:
        string_field(training["labels_file"], source, "training.labels_file", optional=True)
    column = training.get("label_column", -1)
    if not isinstance(column, (str, int)) or isinstance(column, bool):
        fail(source, "training.label_column", f"expected a string or an integer, found {describe(column)}")
    for name in ("data_identity", "labels_identity"):
        _identity_field(training.get(name), source, f"training.{name}")
    if "split" in training:
        _split_field(training["split"], source)
    for name in ("test_accuracy", "train_accuracy"):
        if name in training:
            bounded_field(training[name], source, f"training.{name}", 0.0, 1.0)
    if "data_options" in training:
        _data_options_field(training["data_options"], source)
    if "seconds" in training:
        bounded_field(training["seconds"], source, "training.seconds", 0.0, math.inf)
    if "history" in training:
        _history_field(training["history"], source)


def _data_options_field(options: object, source: str) -> None:
    """Check "training.data_options", the MAT-file variables, renamed labels and image order."""
    path = "training.data_options"
    object_field(options, source, path)
    assert isinstance(options, dict)
    for name, value in options.items():
        where = f"{path}.{name}"
        if name in ("inputs_variable", "labels_variable"):
            string_field(value, source, where)
        elif name == "image_order":
            if value not in ("row-major", "column-major"):
                fail(source, where, f'expected "row-major" or "column-major", found {describe(value)}')
        elif name == "relabel":
            pairs_ok = isinstance(value, list) and all(
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(label, (int, str)) and not isinstance(label, bool) for label in pair)
                for pair in value
            )
            if not pairs_ok:
                fail(source, where, f"expected an array of [old, new] label pairs, found {describe(value)}")
        else:
            fail(
                source,
                where,
                "unknown field (expected inputs_variable, labels_variable, relabel, image_order)",
            )
