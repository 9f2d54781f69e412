"""Model files: a trained network and all it needs to be used again, saved as JSON (never pickle).

- Model: the network, one activation name per layer, the loss, the input scaling, the class labels
  and the training settings and results.
- model_to_dict, model_from_dict: a Model as the dict of the file format, and back; both validate.
- save_model: write a model file atomically: the old file stays whole if anything fails.
- load_model: read a model file, refusing anything malformed or hostile with a ModelError.
- check_size: refuse, before training, a network too large for a model file.
- FORMAT_NAME, FORMAT_VERSION, MAX_FILE_BYTES, MAX_LAYERS, MAX_WEIGHTS: the format and its limits.

The file format, version 1, is one JSON object:

    {"format": "purenn-model", "version": 1,
     "layers": [{"activation": "relu", "weights": [[w_1, ..., w_n, bias], ...]}, ...],
     "loss": "cross_entropy",
     "scaling": {"kind": "divide", "by": 16.0},
     "labels": [0, 1, ...],
     "training": {...}}

Every neuron of layer l has (neurons of layer l-1) + 1 weights, the bias last; layer 0's neurons
have (inputs) + 1. The last layer has one neuron per label. "training" is optional and free-form
(any JSON object). Numbers must be finite: NaN and Infinity are not JSON and are refused.

Loading trusts nothing: every field is checked, and each error names the file and the field, as in
``model.json, field "layers[1].weights[3]": expected 33 numbers, found 32``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, NoReturn, Optional, Sequence, Tuple, Union

from .activations import ACTIVATIONS
from .errors import ModelError, PurennError
from .files import check_regular, read_at_most, write_atomically
from .losses import LOSSES
from .network import Network

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_LAYERS",
    "MAX_WEIGHTS",
    "Model",
    "check_size",
    "load_model",
    "model_from_dict",
    "model_to_dict",
    "save_model",
]

Label = Union[int, str]
PathLike = Union[str, "os.PathLike[str]"]

FORMAT_NAME = "purenn-model"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 200_000_000  # load_model's default size limit
MAX_LAYERS = 1000
MAX_WEIGHTS = 10_000_000

_WORST_BYTES_PER_WEIGHT = 26  # "-1.2345678901234567e-308, ": the longest a weight's text gets

_REQUIRED_FIELDS = ("format", "version", "layers", "loss", "scaling", "labels")
_OPTIONAL_FIELDS = ("training",)
_SCALING_FIELDS = {
    "none": (),
    "divide": ("by",),
    "standardize": ("mean", "std"),
    "global-variance": ("mean", "variance"),
}
_MAX_TRAINING_DEPTH = 32  # nesting of lists and objects inside "training"


@dataclass
class Model:
    """A network and what the weights alone cannot say: how to run it and what its outputs mean.

    network: layers of neurons of weights, bias last. activations: one name per layer (see
    purenn.activations). loss: the name of the loss it was trained with (see purenn.losses).
    scaling: how inputs are scaled before the first layer, e.g. {"kind": "divide", "by": 16.0}.
    labels: the class of each output, in output order. training: settings and results, JSON-able.
    """

    network: Network
    activations: List[str]
    loss: str
    scaling: Dict[str, Any]
    labels: List[Label]
    training: Dict[str, Any] = field(default_factory=dict)


# Describing what was found -----------------------------------------------------------------------


def _shorten(text: str, limit: int = 40) -> str:
    """Return text, cut to limit characters with "..." if it is longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: object) -> str:
    """Describe a value in JSON's words, short enough for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a huge integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _shorten(json.dumps(value))
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    return f"a Python {type(value).__name__}"


def _fail(source: str, path: str, problem: str) -> NoReturn:
    """Raise ModelError saying which file and which field is wrong, and how."""
    raise ModelError(f'{source}, field "{path}": {problem}')


# Checking the fields -----------------------------------------------------------------------------


def _check_fields(
    data: Dict[Any, Any], required: Sequence[str], optional: Sequence[str], source: str, path: str
) -> None:
    """Check an object has every required field and no field it should not have."""
    for name in required:
        if name not in data:
            _fail(source, f"{path}{name}", "missing")
    for name in data:
        if name not in required and name not in optional:
            expected = ", ".join([*required, *optional])
            _fail(source, f"{path}{name}", f"unknown field (expected {expected})")


def _check_format(data: Dict[Any, Any], source: str) -> None:
    """Check the format name and version, before anything else: a newer file may differ in all."""
    if "format" not in data:
        _fail(source, "format", "missing (is this a purenn model file?)")
    if data["format"] != FORMAT_NAME:
        _fail(source, "format", f'expected "{FORMAT_NAME}", found {_describe(data["format"])}')
    if "version" not in data:
        _fail(source, "version", "missing")
    version = data["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        _fail(source, "version", f"expected an integer, found {_describe(version)}")
    if version > FORMAT_VERSION:
        raise ModelError(
            f"{source}: format version {_describe(version)} is newer than this purenn reads "
            f"({FORMAT_VERSION})"
        )
    if version != FORMAT_VERSION:
        _fail(source, "version", f"expected {FORMAT_VERSION}, found {version}")


def _finite_number(value: object, source: str, path: str, *, positive: bool = False) -> float:
    """Return value as a float if it is a finite number (and positive, if asked); else fail.

    bool is not a number here, though Python counts it as an int.
    """
    wanted = "a positive finite number" if positive else "a finite number"
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        _fail(source, path, f"expected {wanted}, found {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        _fail(source, path, f"expected {wanted}, found {_describe(value)}")
    if not math.isfinite(number) or (positive and not number > 0.0):
        _fail(source, path, f"expected {wanted}, found {_describe(value)}")
    return number


def _numbers(
    values: object, count: int, source: str, path: str, *, what: str = "", positive: bool = False
) -> List[float]:
    """Return a list of exactly count finite numbers as floats; what says what count counts."""
    if not isinstance(values, list):
        _fail(source, path, f"expected an array of {count} numbers, found {_describe(values)}")
    if len(values) != count:
        _fail(source, path, f"expected {count} numbers{what}, found {len(values)}")
    numbers = []
    for index, value in enumerate(values):
        if type(value) is float and math.isfinite(value) and not positive:  # the common case
            numbers.append(value)
        else:
            numbers.append(_finite_number(value, source, f"{path}[{index}]", positive=positive))
    return numbers


def _known_name(value: object, known: Iterable[str], what: str, source: str, path: str) -> str:
    """Return value if it is one of the known names (of an activation, a loss...); else fail."""
    if not isinstance(value, str):
        _fail(source, path, f"expected a name, found {_describe(value)}")
    names = sorted(known)
    if value not in names:
        _fail(source, path, f"unknown {what} {_describe(value)} (known: {', '.join(names)})")
    return value


def _layer_width(weights: object, fan_in: Optional[int], source: str, path: str) -> int:
    """Check a layer's weights are a non-empty array; return the weights per neuron it needs.

    fan_in is the width of the layer below, or None for the first layer, whose first neuron says
    how many inputs the network has.
    """
    if not isinstance(weights, list) or not weights:
        _fail(source, path, f"expected a non-empty array of neurons, found {_describe(weights)}")
    if fan_in is not None:
        return fan_in + 1
    first = weights[0]
    if not isinstance(first, list):
        _fail(source, f"{path}[0]", f"expected an array of numbers, found {_describe(first)}")
    if len(first) < 2:
        _fail(
            source,
            f"{path}[0]",
            f"expected at least 2 numbers (weights, then bias), found {len(first)}",
        )
    return len(first)


def _layers(value: object, source: str) -> Tuple[Network, List[str]]:
    """Return the network and the activations of the "layers" field, every weight checked."""
    if not isinstance(value, list) or not value:
        _fail(source, "layers", f"expected a non-empty array of layers, found {_describe(value)}")
    if len(value) > MAX_LAYERS:
        _fail(source, "layers", f"at most {MAX_LAYERS} layers are allowed, found {len(value)}")
    network: Network = []
    activations: List[str] = []
    total = 0
    for index, layer in enumerate(value):
        path = f"layers[{index}]"
        if not isinstance(layer, dict):
            _fail(source, path, f"expected an object, found {_describe(layer)}")
        _check_fields(layer, ("activation", "weights"), (), source, f"{path}.")
        name = _known_name(layer["activation"], ACTIVATIONS, "activation", source, f"{path}.activation")
        activations.append(name)
        weights = layer["weights"]
        width = _layer_width(weights, len(network[-1]) if network else None, source, f"{path}.weights")
        total += width * len(weights)
        if total > MAX_WEIGHTS:
            _fail(source, f"{path}.weights", f"more than {MAX_WEIGHTS} weights in the model")
        network.append(
            [
                _numbers(neuron, width, source, f"{path}.weights[{position}]")
                for position, neuron in enumerate(weights)
            ]
        )
    return network, activations


def _loss(value: object, output_activation: str, source: str, output_path: str) -> str:
    """Return the loss name if purenn knows it and it fits the output layer's activation."""
    name = _known_name(value, LOSSES, "loss", source, "loss")
    required = LOSSES[name].required_activation
    if required is not None and output_activation != required:
        _fail(
            source,
            "loss",
            f'"{name}" needs a {required} output layer, found "{output_activation}" in {output_path}',
        )
    return name


def _labels(value: object, outputs: int, source: str) -> List[Label]:
    """Return the labels if there is one per output, each a unique integer or string."""
    if not isinstance(value, list):
        _fail(source, "labels", f"expected an array of labels, found {_describe(value)}")
    if len(value) != outputs:
        _fail(source, "labels", f"expected {outputs} labels (one per output), found {len(value)}")
    seen: Dict[Label, int] = {}
    for index, label in enumerate(value):
        if not isinstance(label, (int, str)) or isinstance(label, bool):
            _fail(
                source,
                f"labels[{index}]",
                f"expected an integer or a string, found {_describe(label)}",
            )
        if label in seen:
            _fail(source, f"labels[{index}]", f"{_describe(label)} repeats labels[{seen[label]}]")
        seen[label] = index
    return list(value)


def _scaling(value: object, n_inputs: int, source: str) -> Dict[str, Any]:
    """Return the input scaling as a new dict, checked against the number of inputs.

    Kinds: {"kind": "none"}; {"kind": "divide", "by": b} with b finite and positive;
    {"kind": "standardize", "mean": [...], "std": [...]}, one finite number per input, std > 0;
    {"kind": "global-variance", "mean": m, "variance": v}, m finite and v finite and positive.
    (purenn.data.check_scaling checks the same rules, for scalings that come from data.)
    """
    if not isinstance(value, dict):
        _fail(source, "scaling", f"expected an object, found {_describe(value)}")
    if "kind" not in value:
        _fail(source, "scaling.kind", "missing")
    kind = value["kind"]
    if not isinstance(kind, str) or kind not in _SCALING_FIELDS:
        known = ", ".join(sorted(_SCALING_FIELDS))
        _fail(source, "scaling.kind", f"unknown scaling {_describe(kind)} (known: {known})")
    _check_fields(value, ("kind", *_SCALING_FIELDS[kind]), (), source, "scaling.")
    if kind == "divide":
        return {
            "kind": kind,
            "by": _finite_number(value["by"], source, "scaling.by", positive=True),
        }
    if kind == "standardize":
        per_input = " (one per input)"
        mean = _numbers(value["mean"], n_inputs, source, "scaling.mean", what=per_input)
        std = _numbers(value["std"], n_inputs, source, "scaling.std", what=per_input, positive=True)
        return {"kind": kind, "mean": mean, "std": std}
    if kind == "global-variance":
        return {
            "kind": kind,
            "mean": _finite_number(value["mean"], source, "scaling.mean"),
            "variance": _finite_number(value["variance"], source, "scaling.variance", positive=True),
        }
    return {"kind": kind}


def _json_copy(value: object, source: str, path: str, depth: int = 0) -> Any:
    """Return a copy of a JSON value, checking it is one: finite numbers, string keys, not too deep.

    Tuples become lists, as JSON would make them.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(value, int) else _finite_number(value, source, path)
    if depth >= _MAX_TRAINING_DEPTH:
        _fail(source, path, f"nested more than {_MAX_TRAINING_DEPTH} levels deep")
    if isinstance(value, (list, tuple)):
        return [_json_copy(item, source, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                _fail(source, path, f"expected string keys, found {_describe(key)}")
            copy[key] = _json_copy(item, source, f"{path}.{key}", depth + 1)
        return copy
    _fail(source, path, f"expected a JSON value, found {_describe(value)}")


def check_size(sizes: Sequence[int]) -> int:
    """Refuse, before training, a network of these layer sizes (inputs first) no file could hold.

    Returns its number of weights. Raises ModelError for more than MAX_LAYERS layers, more than
    MAX_WEIGHTS weights, or a file that could outgrow MAX_FILE_BYTES (at 26 bytes per weight,
    the longest a weight's JSON text gets), which load_model would then refuse.

    >>> check_size([64, 32, 10])
    2410
    >>> check_size([64, 100000, 100000, 10])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    purenn.errors.ModelError: a network of 64-100000-100000-10 has ... weights; a model file holds ...
    """
    layers = len(sizes) - 1
    weights = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    shape = "-".join(map(str, sizes))
    if layers > MAX_LAYERS:
        raise ModelError(
            f"a network of {layers} layers cannot be saved: a model file holds at most {MAX_LAYERS}"
        )
    if weights > MAX_WEIGHTS:
        raise ModelError(
            f"a network of {shape} has {weights} weights; a model file holds at most {MAX_WEIGHTS}"
        )
    if weights * _WORST_BYTES_PER_WEIGHT > MAX_FILE_BYTES:
        raise ModelError(
            f"a network of {shape} has {weights} weights: its file could outgrow the "
            f"{MAX_FILE_BYTES} bytes load_model reads (at most {MAX_FILE_BYTES // _WORST_BYTES_PER_WEIGHT})"
        )
    return weights


# The training record: free-form, but every field purenn reads back is checked ----------------

_SPLIT_KINDS = ("none", "random", "sequential", "stratified")  # none: trained on every row


def _string(value: object, source: str, path: str, *, optional: bool = False) -> None:
    """Fail unless value is a string (or null, if optional)."""
    if not (isinstance(value, str) or (optional and value is None)):
        wanted = "a string or null" if optional else "a string"
        _fail(source, path, f"expected {wanted}, found {_describe(value)}")


def _integer(value: object, source: str, path: str, *, minimum: Optional[int] = None) -> None:
    """Fail unless value is an integer (not a bool), at least minimum if given."""
    if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
        wanted = "an integer" if minimum is None else f"an integer >= {minimum}"
        _fail(source, path, f"expected {wanted}, found {_describe(value)}")


def _bounded(
    value: object, source: str, path: str, low: float, high: float, *, optional: bool = False
) -> None:
    """Fail unless value is a finite number in [low, high] (or null, if optional)."""
    if optional and value is None:
        return
    number = _finite_number(value, source, path)
    if not low <= number <= high:
        _fail(source, path, f"expected a number in [{low:g}, {high:g}], found {_describe(value)}")


def _object(value: object, source: str, path: str) -> Dict[str, Any]:
    """Return value if it is an object; else fail."""
    if not isinstance(value, dict):
        _fail(source, path, f"expected an object, found {_describe(value)}")
    return value


def _identity_field(value: object, source: str, path: str) -> None:
    """null, or {"bytes": n >= 0, "sha256": 64 hex digits}: what identifies a data file."""
    if value is None:
        return
    identity = _object(value, source, path)
    _check_fields(identity, ("bytes", "sha256"), (), source, f"{path}.")
    _integer(identity["bytes"], source, f"{path}.bytes", minimum=0)
    digest = identity["sha256"]
    if not (isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
        _fail(source, f"{path}.sha256", f"expected 64 hexadecimal digits, found {_describe(digest)}")


def _split_field(value: object, source: str) -> None:
    """{"kind": a split, "test_fraction": in (0, 1) (0 for "none"), "seed": an integer}."""
    split = _object(value, source, "training.split")
    _check_fields(split, ("kind", "test_fraction", "seed"), (), source, "training.split.")
    _known_name(split["kind"], _SPLIT_KINDS, "split", source, "training.split.kind")
    fraction = _finite_number(split["test_fraction"], source, "training.split.test_fraction")
    if split["kind"] == "none":
        if fraction != 0.0:
            _fail(source, "training.split.test_fraction", f"expected 0 for split none, found {fraction!r}")
    elif not 0.0 < fraction < 1.0:
        _fail(source, "training.split.test_fraction", f"expected a fraction in (0, 1), found {fraction!r}")
    _integer(split["seed"], source, "training.split.seed")


def _history_field(value: object, source: str) -> None:
    """An array of per-epoch objects; the fields of train.History they have are checked."""
    if not isinstance(value, list):
        _fail(source, "training.history", f"expected an array, found {_describe(value)}")
    for index, item in enumerate(value):
        path = f"training.history[{index}]"
        record = _object(item, source, path)
        if "epoch" in record:
            _integer(record["epoch"], source, f"{path}.epoch", minimum=1)
        if "loss" in record:
            _finite_number(record["loss"], source, f"{path}.loss")
        for name in ("train_accuracy", "validation_accuracy"):
            _bounded(record.get(name), source, f"{path}.{name}", 0.0, 1.0, optional=True)
        if "seconds" in record:
            _bounded(record["seconds"], source, f"{path}.seconds", 0.0, math.inf)


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
        _object(training["settings"], source, "training.settings")
    for name in ("preset", "data"):
        if name in training:
            _string(training[name], source, f"training.{name}")
    if "labels_file" in training:
        _string(training["labels_file"], source, "training.labels_file", optional=True)
    column = training.get("label_column", -1)
    if not isinstance(column, (str, int)) or isinstance(column, bool):
        _fail(source, "training.label_column", f"expected a string or an integer, found {_describe(column)}")
    for name in ("data_identity", "labels_identity"):
        _identity_field(training.get(name), source, f"training.{name}")
    if "split" in training:
        _split_field(training["split"], source)
    for name in ("test_accuracy", "train_accuracy"):
        if name in training:
            _bounded(training[name], source, f"training.{name}", 0.0, 1.0)
    if "data_options" in training:
        _data_options_field(training["data_options"], source)
    if "seconds" in training:
        _bounded(training["seconds"], source, "training.seconds", 0.0, math.inf)
    if "history" in training:
        _history_field(training["history"], source)


def _data_options_field(options: object, source: str) -> None:
    """Check "training.data_options", the MAT-file variables, renamed labels and image order."""
    path = "training.data_options"
    _object(options, source, path)
    assert isinstance(options, dict)
    for name, value in options.items():
        where = f"{path}.{name}"
        if name in ("inputs_variable", "labels_variable"):
            _string(value, source, where)
        elif name == "image_order":
            if value not in ("row-major", "column-major"):
                _fail(source, where, f'expected "row-major" or "column-major", found {_describe(value)}')
        elif name == "relabel":
            pairs_ok = isinstance(value, list) and all(
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(label, (int, str)) and not isinstance(label, bool) for label in pair)
                for pair in value
            )
            if not pairs_ok:
                _fail(source, where, f"expected an array of [old, new] label pairs, found {_describe(value)}")
        else:
            _fail(
                source,
                where,
                "unknown field (expected inputs_variable, labels_variable, relabel, image_order)",
            )


# Dicts -----------------------------------------------------------------------------------------


def model_from_dict(data: object, *, source: str = "<model>") -> Model:
    """Return the Model a dict of the file format describes, after checking every field.

    The dict is not changed and the Model shares no lists with it; weights and scaling numbers
    become floats. Raises ModelError naming source and the field for anything wrong: a missing,
    unknown or mistyped field, a non-finite number, neurons of the wrong length, an unknown
    activation or loss, a loss that does not fit the output activation, labels that are not one
    per output or repeat, a scaling that does not fit the inputs, or more than MAX_LAYERS layers or
    MAX_WEIGHTS weights. A newer format version is refused first.

    >>> data = {"format": "purenn-model", "version": 1,
    ...         "layers": [{"activation": "sigmoid", "weights": [[0.5, -1, 0.25]]}],
    ...         "loss": "binary_cross_entropy", "scaling": {"kind": "none"}, "labels": ["yes"]}
    >>> model_from_dict(data).network
    [[[0.5, -1.0, 0.25]]]
    >>> data["layers"][0]["weights"][0][1] = True
    >>> model_from_dict(data, source="model.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    purenn.errors.ModelError: model.json, field "layers[0].weights[0][1]": ... found true
    """
    if not isinstance(data, dict):
        raise ModelError(f"{source}: expected a JSON object at the top level, found {_describe(data)}")
    _check_format(data, source)
    _check_fields(data, _REQUIRED_FIELDS, _OPTIONAL_FIELDS, source, "")
    network, activations = _layers(data["layers"], source)
    output_path = f"layers[{len(network) - 1}].activation"
    loss = _loss(data["loss"], activations[-1], source, output_path)
    labels = _labels(data["labels"], len(network[-1]), source)
    scaling = _scaling(data["scaling"], len(network[0][0]) - 1, source)
    training = data.get("training", {})
    if not isinstance(training, dict):
        _fail(source, "training", f"expected an object, found {_describe(training)}")
    training = _json_copy(training, source, "training")
    _check_training(training, source)
    return Model(network, activations, loss, scaling, labels, training)


def _as_dict(model: Model, source: str) -> Dict[str, Any]:
    """Return the model in the layout of the file format, sharing its lists (few checks)."""
    network, activations = model.network, model.activations
    if not isinstance(network, list) or not isinstance(activations, list):
        raise ModelError(f"{source}: a Model's network and activations must be lists")
    if len(network) != len(activations):
        raise ModelError(
            f"{source}: a Model needs one activation per layer: {len(network)} layers, "
            f"{len(activations)} activations"
        )
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "layers": [
            {"activation": activation, "weights": weights}
            for activation, weights in zip(activations, network)
        ],
        "loss": model.loss,
        "scaling": model.scaling,
        "labels": model.labels,
        "training": model.training,
    }


def _checked_dict(model: Model, source: str) -> Dict[str, Any]:
    """Return model_to_dict(model), with errors naming source."""
    return _as_dict(model_from_dict(_as_dict(model, source), source=source), source)


def model_to_dict(model: Model) -> Dict[str, Any]:
    """Return the model as a dict of the file format, new lists throughout, after checking it.

    Raises ModelError for anything model_from_dict would refuse (field names are the file's).

    >>> model = Model([[[2.0, 0.5]]], ["identity"], "squared_error", {"kind": "none"}, ["y"])
    >>> model_to_dict(model)["layers"]
    [{'activation': 'identity', 'weights': [[2.0, 0.5]]}]
    >>> model_from_dict(model_to_dict(model)) == model
    True
    """
    return _checked_dict(model, "<model>")


# Files -----------------------------------------------------------------------------------------


def _to_json(data: Dict[str, Any]) -> str:
    """Return the model dict as JSON text: a line per field, and a line per neuron in "layers".

    Raises ValueError for a non-finite float and TypeError for a value JSON cannot hold.
    """

    def dumps(value: object) -> str:
        return json.dumps(value, allow_nan=False)

    def layer_text(layer: Dict[str, Any]) -> str:
        neurons = ",\n".join("      " + dumps(neuron) for neuron in layer["weights"])
        return f'    {{"activation": {dumps(layer["activation"])}, "weights": [\n{neurons}\n    ]}}'

    fields = []
    for name, value in data.items():
        if name == "layers":
            layers = ",\n".join(layer_text(layer) for layer in value)
            fields.append(f'  "layers": [\n{layers}\n  ]')
        else:
            fields.append(f"  {dumps(name)}: {dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _write_atomically(path: str, content: bytes, source: str) -> None:
    """files.write_atomically, its errors turned into ModelError (an OSError's naming source)."""
    try:
        write_atomically(path, content)
    except ModelError:
        raise
    except PurennError as error:  # a directory, a device, a FIFO: never replaced
        raise ModelError(str(error)) from None
    except OSError as error:
        raise ModelError(f"{source}: cannot write: {error.strerror or error}") from error


def save_model(model: Model, path: PathLike) -> None:
    """Write the model to path as JSON, atomically: a reader sees the old file or the new, whole.

    The model is checked (as model_from_dict checks) and turned into JSON before the disk is
    touched, so a non-finite weight or a training value JSON cannot hold raises ModelError and
    leaves any existing file as it was. So does a failure while writing (a full disk, a missing
    directory): the temporary file is removed and path is untouched.

    >>> import os, tempfile
    >>> model = Model([[[2.0, 0.5]]], ["identity"], "squared_error", {"kind": "none"}, ["y"])
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "model.json")
    ...     save_model(model, path)
    ...     load_model(path) == model
    True
    >>> model.network[0][0][0] = float("nan")
    >>> save_model(model, "model.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    purenn.errors.ModelError: model.json, field "layers[0].weights[0][0]": ... found nan
    """
    source = os.fspath(path)
    data = _checked_dict(model, source)
    try:
        text = _to_json(data)
    except (TypeError, ValueError) as error:  # e.g. an int too long to print: checks cannot say
        raise ModelError(f"{source}: cannot write as JSON: {error}") from error
    _write_atomically(source, text.encode("utf-8"), source)


def _read_text(path: PathLike, max_bytes: int) -> str:
    """Return the text of the file at path, UTF-8 (a leading byte-order mark is skipped)."""
    source = os.fspath(path)
    try:
        check_regular(path)
    except PurennError as error:
        raise ModelError(f"{source}: cannot read: {error}") from None
    try:
        with open(path, "rb") as file:
            content = read_at_most(file, max_bytes + 1)
    except OSError as error:
        raise ModelError(f"{source}: cannot read: {error.strerror or error}") from error
    if len(content) > max_bytes:
        raise ModelError(f"{source}: the file is larger than the limit of {max_bytes} bytes")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = content[error.start]
        raise ModelError(f"{source}: not UTF-8 text (byte 0x{bad:02x} at offset {error.start})") from None


def _parse_json(text: str, source: str) -> object:
    """Return the value the JSON text holds; refuse NaN, Infinity, repeated keys, deep nesting."""

    def refuse_constant(name: str) -> NoReturn:
        raise ModelError(f"{source}: invalid JSON: {name} is not a number JSON allows")

    def unique_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
        result: Dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ModelError(f"{source}: invalid JSON: the key {_describe(key)} appears twice")
            result[key] = value
        return result

    if not text.strip():
        raise ModelError(f"{source}: the file is empty")
    try:
        return json.loads(text, parse_constant=refuse_constant, object_pairs_hook=unique_keys)
    except ModelError:
        raise
    except json.JSONDecodeError as error:
        raise ModelError(
            f"{source}, line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise ModelError(f"{source}: invalid JSON: arrays or objects nested too deeply") from None
    except ValueError as error:  # e.g. an integer of more digits than int() converts
        raise ModelError(f"{source}: invalid JSON: {error}") from None


def load_model(path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> Model:
    """Read a model file written by save_model, checking every field (see model_from_dict).

    Raises ModelError naming the file for a file that is missing, unreadable, a directory, larger
    than max_bytes, not UTF-8, not JSON (with line and column), or not a valid model (with the
    field). "training" is checked where purenn reads it back (see _check_training).

    >>> load_model("no/such/model.json")
    Traceback (most recent call last):
      ...
    purenn.errors.ModelError: no/such/model.json: cannot read: No such file or directory
    """
    source = os.fspath(path)
    data = _parse_json(_read_text(path, max_bytes), source)
    return model_from_dict(data, source=source)
