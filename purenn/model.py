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
``model.json, field "layers[1].weights[3]": expected 33 numbers, found 32``. The words of those
errors are purenn.json_fields'; the rules of "scaling" are purenn.scaling's (read_scaling), those
of "training" purenn.training_record's.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, NoReturn, Optional, Sequence, Tuple

from .activations import ACTIVATIONS
from .errors import ModelError, PurennError
from .files import PathLike, check_regular, read_at_most, write_atomically
from .json_fields import (
    check_fields,
    describe,
    fail,
    finite_numbers,
    known_name,
    not_a_number,
    unknown_name,
    wrong_array,
)
from .losses import LOSSES
from .network import Network
from .scaling import SCALING_KINDS, Complaints, read_scaling
from .training_record import read_training
from .vectors import Label

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


FORMAT_NAME = "purenn-model"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 200_000_000  # load_model's default size limit
MAX_LAYERS = 1000
MAX_WEIGHTS = 10_000_000

_WORST_BYTES_PER_WEIGHT = 26  # "-1.2345678901234567e-308, ": the longest a weight's text gets

_REQUIRED_FIELDS = ("format", "version", "layers", "loss", "scaling", "labels")
_OPTIONAL_FIELDS = ("training",)


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


# Checking the fields -----------------------------------------------------------------------------


def _check_format(data: Dict[Any, Any], source: str) -> None:
    """Check the format name and version, before anything else: a newer file may differ in all."""
    if "format" not in data:
        fail(source, "format", "missing (is this a purenn model file?)")
    if data["format"] != FORMAT_NAME:
        fail(source, "format", f'expected "{FORMAT_NAME}", found {describe(data["format"])}')
    if "version" not in data:
        fail(source, "version", "missing")
    version = data["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        fail(source, "version", f"expected an integer, found {describe(version)}")
    if version > FORMAT_VERSION:
        raise ModelError(
            f"{source}: format version {describe(version)} is newer than this purenn reads ({FORMAT_VERSION})"
        )
    if version != FORMAT_VERSION:
        fail(source, "version", f"expected {FORMAT_VERSION}, found {version}")


def _layer_width(weights: object, fan_in: Optional[int], source: str, path: str) -> int:
    """Check a layer's weights are a non-empty array; return the weights per neuron it needs.

    fan_in is the width of the layer below, or None for the first layer, whose first neuron says
    how many inputs the network has.
    """
    if not isinstance(weights, list) or not weights:
        fail(source, path, f"expected a non-empty array of neurons, found {describe(weights)}")
    if fan_in is not None:
        return fan_in + 1
    first = weights[0]
    if not isinstance(first, list):
        fail(source, f"{path}[0]", f"expected an array of numbers, found {describe(first)}")
    if len(first) < 2:
        fail(
            source,
            f"{path}[0]",
            f"expected at least 2 numbers (weights, then bias), found {len(first)}",
        )
    return len(first)


def _layers(value: object, source: str) -> Tuple[Network, List[str]]:
    """Return the network and the activations of the "layers" field, every weight checked."""
    if not isinstance(value, list) or not value:
        fail(source, "layers", f"expected a non-empty array of layers, found {describe(value)}")
    if len(value) > MAX_LAYERS:
        fail(source, "layers", f"at most {MAX_LAYERS} layers are allowed, found {len(value)}")
    network: Network = []
    activations: List[str] = []
    total = 0
    for index, layer in enumerate(value):
        path = f"layers[{index}]"
        if not isinstance(layer, dict):
            fail(source, path, f"expected an object, found {describe(layer)}")
        check_fields(layer, ("activation", "weights"), (), source, f"{path}.")
        name = known_name(layer["activation"], ACTIVATIONS, "activation", source, f"{path}.activation")
        activations.append(name)
        weights = layer["weights"]
        width = _layer_width(weights, len(network[-1]) if network else None, source, f"{path}.weights")
        total += width * len(weights)
        if total > MAX_WEIGHTS:
            fail(source, f"{path}.weights", f"more than {MAX_WEIGHTS} weights in the model")
        network.append(
            [
                finite_numbers(neuron, width, source, f"{path}.weights[{position}]")
                for position, neuron in enumerate(weights)
            ]
        )
    return network, activations


def _loss(value: object, output_activation: str, source: str, output_path: str) -> str:
    """Return the loss name if purenn knows it and it fits the output layer's activation."""
    name = known_name(value, LOSSES, "loss", source, "loss")
    required = LOSSES[name].required_activation
    if required is not None and output_activation != required:
        fail(
            source,
            "loss",
            f'"{name}" needs a {required} output layer, found "{output_activation}" in {output_path}',
        )
    return name


def _labels(value: object, outputs: int, source: str) -> List[Label]:
    """Return the labels if there is one per output, each a unique integer or string."""
    if not isinstance(value, list):
        fail(source, "labels", f"expected an array of labels, found {describe(value)}")
    if len(value) != outputs:
        fail(source, "labels", f"expected {outputs} labels (one per output), found {len(value)}")
    seen: Dict[Label, int] = {}
    for index, label in enumerate(value):
        if not isinstance(label, (int, str)) or isinstance(label, bool):
            fail(
                source,
                f"labels[{index}]",
                f"expected an integer or a string, found {describe(label)}",
            )
        if label in seen:
            fail(source, f"labels[{index}]", f"{describe(label)} repeats labels[{seen[label]}]")
        seen[label] = index
    return list(value)


class _ScalingComplaints(Complaints):
    """What is wrong with a model file's "scaling", in the file's words (the rules: purenn.scaling)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def not_an_object(self, value: object) -> NoReturn:
        fail(self.source, "scaling", f"expected an object, found {describe(value)}")

    def unknown_kind(self, scaling: Dict[Any, Any]) -> NoReturn:
        if "kind" not in scaling:
            fail(self.source, "scaling.kind", "missing")
        unknown_name(scaling["kind"], SCALING_KINDS, "scaling", self.source, "scaling.kind")

    def wrong_keys(self, scaling: Dict[Any, Any], expected: Sequence[str]) -> NoReturn:
        check_fields(scaling, expected, (), self.source, "scaling.")
        raise AssertionError("unreachable: read_scaling found keys check_fields accepts")  # pragma: no cover

    def not_numbers(self, key: str, width: int, value: object) -> NoReturn:
        wrong_array(value, width, self.source, f"scaling.{key}", what=" (one per input)")

    def bad_number(self, key: str, value: object, positive: bool) -> NoReturn:
        not_a_number(value, self.source, f"scaling.{key}", positive=positive)


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
        raise ModelError(f"{source}: expected a JSON object at the top level, found {describe(data)}")
    _check_format(data, source)
    check_fields(data, _REQUIRED_FIELDS, _OPTIONAL_FIELDS, source, "")
    network, activations = _layers(data["layers"], source)
    output_path = f"layers[{len(network) - 1}].activation"
    loss = _loss(data["loss"], activations[-1], source, output_path)
    labels = _labels(data["labels"], len(network[-1]), source)
    scaling = read_scaling(data["scaling"], len(network[0][0]) - 1, _ScalingComplaints(source))
    training = read_training(data.get("training", {}), source)
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
                raise ModelError(f"{source}: invalid JSON: the key {describe(key)} appears twice")
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
    field). "training" is checked where purenn reads it back (see purenn.training_record).

    >>> load_model("no/such/model.json")
    Traceback (most recent call last):
      ...
    purenn.errors.ModelError: no/such/model.json: cannot read: No such file or directory
    """
    source = os.fspath(path)
    data = _parse_json(_read_text(path, max_bytes), source)
    return model_from_dict(data, source=source)
