"""Tests of purenn.model: JSON model files that round-trip exactly and refuse anything malformed."""

from __future__ import annotations

import copy
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import purenn.model
from purenn.errors import ModelError
from purenn.model import (
    FORMAT_VERSION,
    MAX_LAYERS,
    MAX_WEIGHTS,
    Model,
    check_size,
    load_model,
    model_from_dict,
    model_to_dict,
    save_model,
)

# A small valid model: 2 inputs, 3 relu units, 2 softmax outputs. --------------------------------

NETWORK = [
    [[0.5, -0.25, 0.125], [1.0, 2.0, -3.0], [0.0, -0.0, 1e-300]],
    [[0.1, 0.2, 0.3, 0.4], [-0.1, -0.2, -0.3, -0.4]],
]


def valid_model() -> Model:
    """Return a fresh small valid model."""
    return Model(
        network=copy.deepcopy(NETWORK),
        activations=["relu", "softmax"],
        loss="cross_entropy",
        scaling={"kind": "standardize", "mean": [1.5, -2.0], "std": [0.5, 3.0]},
        labels=["cat", 7],
        training={"epochs": 3, "history": [{"loss": 0.5}, {"loss": 0.25}], "note": None},
    )


def valid_dict() -> Dict[str, Any]:
    """Return a fresh dict of the file format, as a model file holds it."""
    return {
        "format": "purenn-model",
        "version": 1,
        "layers": [
            {"activation": "relu", "weights": copy.deepcopy(NETWORK[0])},
            {"activation": "softmax", "weights": copy.deepcopy(NETWORK[1])},
        ],
        "loss": "cross_entropy",
        "scaling": {"kind": "standardize", "mean": [1.5, -2.0], "std": [0.5, 3.0]},
        "labels": ["cat", 7],
        "training": {"epochs": 3, "history": [{"loss": 0.5}, {"loss": 0.25}], "note": None},
    }


def bits(network: List[List[List[float]]]) -> List[bytes]:
    """Return every weight's 8 bytes, so -0.0 and 0.0 (or any rounding) differ."""
    return [struct.pack("<d", w) for layer in network for neuron in layer for w in neuron]


def error_of(data: object) -> str:
    """Return the message of the ModelError model_from_dict raises for data."""
    with pytest.raises(ModelError) as info:
        model_from_dict(data, source="model.json")
    return str(info.value)


@pytest.fixture
def directory() -> Iterator[Path]:
    """A fresh empty directory (a TemporaryDirectory, so Hypothesis tests can make their own)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


# Round trips -----------------------------------------------------------------------------------


def test_save_then_load_gives_the_same_model(directory: Path) -> None:
    path = directory / "model.json"
    model = valid_model()
    save_model(model, path)
    loaded = load_model(path)
    assert loaded == model
    assert bits(loaded.network) == bits(model.network)
    assert os.listdir(directory) == ["model.json"]


def test_the_file_is_json_with_one_line_per_neuron(directory: Path) -> None:
    path = directory / "model.json"
    save_model(valid_model(), path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == valid_dict()
    assert "      [0.5, -0.25, 0.125],\n      [1.0, 2.0, -3.0],\n" in text
    assert text.startswith('{\n  "format": "purenn-model",\n  "version": 1,\n  "layers": [\n')
    assert text.endswith(
        '  "training": {"epochs": 3, "history": [{"loss": 0.5}, {"loss": 0.25}], "note": null}\n}\n'
    )


def test_a_global_variance_scaling_round_trips(directory: Path) -> None:
    path = directory / "model.json"
    model = valid_model()
    model.scaling = {"kind": "global-variance", "mean": 4.884164579855314, "variance": 36.2014071916292}
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.scaling == model.scaling and isinstance(loaded.scaling["variance"], float)
    assert model_from_dict({**valid_dict(), "scaling": {"kind": "global-variance", "mean": 5, "variance": 2}})


def test_model_to_dict_and_back() -> None:
    model = valid_model()
    data = model_to_dict(model)
    assert data == valid_dict()
    assert model_from_dict(data) == model
    data["layers"][0]["weights"][0][0] = 99.0  # the dict shares no lists with the model
    assert model.network[0][0][0] == 0.5


def test_model_from_dict_copies_and_turns_numbers_into_floats() -> None:
    data = valid_dict()
    data["layers"][0]["weights"][0] = [1, -2, 3]
    data["scaling"] = {"kind": "divide", "by": 16}
    model = model_from_dict(data)
    assert model.network[0][0] == [1.0, -2.0, 3.0]
    assert all(type(w) is float for w in model.network[0][0])
    assert model.scaling == {"kind": "divide", "by": 16.0}
    assert type(model.scaling["by"]) is float
    model.training["history"].append("changed")
    assert data["training"]["history"] == [{"loss": 0.5}, {"loss": 0.25}]


def test_training_is_optional_and_tuples_become_lists() -> None:
    data = valid_dict()
    del data["training"]
    assert model_from_dict(data).training == {}
    model = valid_model()
    model.training = {"sizes": (2, 3, 2)}
    assert model_to_dict(model)["training"] == {"sizes": [2, 3, 2]}


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def models(draw: st.DrawFn) -> Model:
    """A random valid model: random layer sizes, any finite weights, sigmoid units."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    network = [
        [draw(st.lists(finite_floats, min_size=fan_in + 1, max_size=fan_in + 1)) for _ in range(width)]
        for fan_in, width in zip(sizes, sizes[1:])
    ]
    labels = draw(st.lists(st.integers() | st.text(), min_size=sizes[-1], max_size=sizes[-1], unique=True))
    divide_by = draw(st.floats(min_value=5e-324, allow_infinity=False))
    return Model(
        network,
        ["sigmoid"] * len(network),
        "binary_cross_entropy",
        {"kind": "divide", "by": divide_by},
        labels,
        {"seed": draw(st.integers())},
    )


@given(models())
@example(
    Model(
        [[[5e-324, -5e-324, 1.7976931348623157e308, -0.0]]],
        ["identity"],
        "squared_error",
        {"kind": "none"},
        [0],
        {},
    )
)
@example(
    Model(
        [[[2.2250738585072014e-308, 1.7e308, 0.1]]],
        ["tanh"],
        "squared_error",
        {"kind": "divide", "by": 1e-310},
        ["\ud800 é"],
        {"x": [1e308, -5e-324]},
    )
)
@settings(max_examples=30, deadline=None)
def test_any_finite_model_round_trips_bit_for_bit(model: Model) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = os.path.join(name, "model.json")
        save_model(model, path)
        loaded = load_model(path)
    assert loaded == model
    assert bits(loaded.network) == bits(model.network)
    assert struct.pack("<d", loaded.scaling.get("by", 1.0)) == struct.pack("<d", model.scaling.get("by", 1.0))


# Saving: refusals and atomicity ------------------------------------------------------------------


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_save_refuses_non_finite_weights_before_touching_the_disk(directory: Path, bad: float) -> None:
    path = directory / "model.json"
    save_model(valid_model(), path)
    old = path.read_bytes()
    model = valid_model()
    model.network[1][0][2] = bad
    with pytest.raises(ModelError) as info:
        save_model(model, path)
    assert str(info.value) == (
        f'{path}, field "layers[1].weights[0][2]": expected a finite number, found {bad!r}'
    )
    assert path.read_bytes() == old
    assert os.listdir(directory) == ["model.json"]


@pytest.mark.parametrize(
    ("training", "message"),
    [
        ({"loss": float("nan")}, 'field "training.loss": expected a finite number, found nan'),
        ({"kinds": {1, 2}}, 'field "training.kinds": expected a JSON value, found a Python set'),
        ({3: "three"}, 'field "training": expected string keys, found 3'),
    ],
)
def test_save_refuses_training_json_cannot_hold(
    directory: Path, training: Dict[Any, Any], message: str
) -> None:
    model = valid_model()
    model.training = training
    with pytest.raises(ModelError, match=message):
        save_model(model, directory / "model.json")
    assert os.listdir(directory) == []


def test_save_refuses_a_model_whose_activations_do_not_match_its_layers(directory: Path) -> None:
    path = directory / "model.json"
    model = valid_model()
    model.activations = ["relu"]
    with pytest.raises(ModelError) as info:
        save_model(model, path)
    assert str(info.value) == f"{path}: a Model needs one activation per layer: 2 layers, 1 activations"
    model.network = "weights"  # type: ignore[assignment]
    with pytest.raises(ModelError) as info:
        model_to_dict(model)
    assert str(info.value) == "<model>: a Model's network and activations must be lists"
    assert os.listdir(directory) == []


def fail_with(error: BaseException) -> Callable[..., None]:
    """Return a function that raises error, to stand in for a step of writing."""

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("step", "error", "raised"),
    [
        ("replace", OSError(28, "No space left on device"), ModelError),
        ("replace", KeyboardInterrupt(), KeyboardInterrupt),
        ("fsync", OSError(5, "Input/output error"), ModelError),
        ("fsync", RuntimeError("power cut"), RuntimeError),
    ],
)
def test_a_failed_save_leaves_the_old_file_whole_and_no_temporary_file(
    directory: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    error: BaseException,
    raised: type,
) -> None:
    path = directory / "model.json"
    old_model = valid_model()
    save_model(old_model, path)
    old = path.read_bytes()
    new_model = valid_model()
    new_model.network[0][0][0] = 42.0
    monkeypatch.setattr(os, step, fail_with(error))
    with pytest.raises(raised):
        save_model(new_model, path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert load_model(path) == old_model
    assert os.listdir(directory) == ["model.json"]


def test_the_temporary_file_is_written_whole_before_it_replaces_the_old(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = directory / "model.json"
    save_model(valid_model(), path)
    seen = []
    real_replace = os.replace

    def replace_and_look(source: str, target: str) -> None:
        seen.append((os.path.dirname(source), load_model(source), load_model(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_and_look)
    new_model = valid_model()
    new_model.labels = ["dog", 8]
    save_model(new_model, str(path))
    [(temporary_directory, temporary_model, old_model)] = seen
    assert temporary_directory == str(directory)  # same directory: the rename is atomic
    assert temporary_model == new_model
    assert old_model == valid_model()
    assert load_model(path) == new_model


def test_save_into_a_missing_directory_is_a_model_error(directory: Path) -> None:
    path = directory / "missing" / "model.json"
    with pytest.raises(ModelError) as info:
        save_model(valid_model(), path)
    assert str(info.value) == f"{path}: cannot write: No such file or directory"


def test_save_onto_a_directory_is_a_model_error_and_leaves_no_temporary_file(
    directory: Path,
) -> None:
    path = directory / "model.json"
    path.mkdir()
    with pytest.raises(ModelError) as info:
        save_model(valid_model(), path)
    assert str(info.value) == f"{path} is a directory, not a regular file; give a file name"
    assert os.listdir(directory) == ["model.json"]
    assert os.listdir(path) == []


# Loading: files that are not model files --------------------------------------------------------


def write(directory: Path, content: bytes) -> Path:
    """Write content to model.json in directory; return its path."""
    path = directory / "model.json"
    path.write_bytes(content)
    return path


def load_error(path: Path, **kwargs: int) -> str:
    """Return the message of the ModelError load_model raises for path, with the path as 'P'."""
    with pytest.raises(ModelError) as info:
        load_model(path, **kwargs)
    return str(info.value).replace(str(path), "P")


def test_missing_file_and_directory(directory: Path) -> None:
    assert load_error(directory / "nope.json") == "P: cannot read: No such file or directory"
    assert load_error(directory) == "P: cannot read: Is a directory"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_unreadable_file(directory: Path) -> None:
    path = write(directory, json.dumps(valid_dict()).encode())
    path.chmod(0)
    assert load_error(path) == "P: cannot read: Permission denied"


def test_a_read_error_is_a_model_error(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(directory, json.dumps(valid_dict()).encode())
    denied = fail_with(PermissionError(13, "Permission denied"))
    monkeypatch.setattr(purenn.model, "open", denied, raising=False)  # shadows the builtin
    assert load_error(path) == "P: cannot read: Permission denied"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "P: the file is empty"),
        (b" \n\t\n", "P: the file is empty"),
        (b'{"format": "purenn-\xff"}', "P: not UTF-8 text (byte 0xff at offset 19)"),
        (b"\xfe\xff\x00{", "P: not UTF-8 text (byte 0xfe at offset 0)"),
        (
            b'{"format":\n  "purenn-model",\n  "version" 1}',
            "P, line 3, column 13: invalid JSON: Expecting ':' delimiter",
        ),
        (
            b'{"format": "purenn-model"',
            "P, line 1, column 26: invalid JSON: Expecting ',' delimiter",
        ),
        (b"[" * 100_000, "P: invalid JSON: arrays or objects nested too deeply"),
        (b'{"a": ' * 100_000, "P: invalid JSON: arrays or objects nested too deeply"),
        (b"NaN", "P: invalid JSON: NaN is not a number JSON allows"),
        (b'{"x": [Infinity]}', "P: invalid JSON: Infinity is not a number JSON allows"),
        (b'{"x": -Infinity}', "P: invalid JSON: -Infinity is not a number JSON allows"),
        (
            b'{"format": "purenn-model", "format": "x"}',
            'P: invalid JSON: the key "format" appears twice',
        ),
        (b'"hello"', 'P: expected a JSON object at the top level, found "hello"'),
        (b"[1, 2]", "P: expected a JSON object at the top level, found an array"),
        (b"12", "P: expected a JSON object at the top level, found 12"),
        (b"null", "P: expected a JSON object at the top level, found null"),
        (b"{}", 'P, field "format": missing (is this a purenn model file?)'),
    ],
)
def test_files_that_are_not_model_files(directory: Path, content: bytes, message: str) -> None:
    assert load_error(write(directory, content)) == message


def test_an_integer_too_long_for_int_is_a_model_error(directory: Path) -> None:
    data = json.dumps(valid_dict()).replace("0.125", "1" * 5000)
    message = load_error(write(directory, data.encode()))
    assert message.startswith("P")  # "invalid JSON" where int() limits digits, else "huge integer"


@pytest.mark.parametrize(
    ("literal", "found"),
    [("1e400", "inf"), ("-1e400", "-inf"), ("1" + "0" * 400, "a huge integer")],
)
def test_numbers_beyond_float_are_refused(directory: Path, literal: str, found: str) -> None:
    data = json.dumps(valid_dict()).replace("0.125", literal, 1)
    assert load_error(write(directory, data.encode())) == (
        f'P, field "layers[0].weights[0][2]": expected a finite number, found {found}'
    )


def test_a_byte_order_mark_is_skipped(directory: Path) -> None:
    path = write(directory, b"\xef\xbb\xbf" + json.dumps(valid_dict()).encode())
    assert load_model(path) == valid_model()


def test_size_limit(directory: Path) -> None:
    path = write(directory, json.dumps(valid_dict()).encode())
    size = path.stat().st_size
    assert load_model(path, max_bytes=size) == valid_model()
    assert load_error(path, max_bytes=size - 1) == (
        f"P: the file is larger than the limit of {size - 1} bytes"
    )


# Loading: every field checked --------------------------------------------------------------------


def changed(change: Callable[[Dict[str, Any]], object]) -> Dict[str, Any]:
    """Return a valid dict after change(dict) altered it."""
    data = valid_dict()
    change(data)
    return data


def put(keys: List[Any], value: object) -> Callable[[Dict[str, Any]], None]:
    """Return a change that sets data[k1][k2]...[kn] = value."""

    def change(data: Dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def remove(*keys: Any) -> Callable[[Dict[str, Any]], None]:
    """Return a change that deletes data[k1]...[kn]."""

    def change(data: Dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


LAYER_1 = ["layers", 1, "weights"]

INVALID = [
    # format and version
    (remove("format"), 'field "format": missing (is this a purenn model file?)'),
    (put(["format"], "purenn"), 'field "format": expected "purenn-model", found "purenn"'),
    (put(["format"], None), 'field "format": expected "purenn-model", found null'),
    (remove("version"), 'field "version": missing'),
    (put(["version"], "1"), 'field "version": expected an integer, found "1"'),
    (put(["version"], True), 'field "version": expected an integer, found true'),
    (put(["version"], 1.0), 'field "version": expected an integer, found 1.0'),
    (put(["version"], 0), 'field "version": expected 1, found 0'),
    # the fields themselves
    (
        put(["extra"], 1),
        'field "extra": unknown field (expected format, version, layers, loss, scaling, labels, training)',
    ),
    (remove("layers"), 'field "layers": missing'),
    (remove("loss"), 'field "loss": missing'),
    (remove("scaling"), 'field "scaling": missing'),
    (remove("labels"), 'field "labels": missing'),
    # layers
    (
        put(["layers"], []),
        'field "layers": expected a non-empty array of layers, found an empty array',
    ),
    (
        put(["layers"], {"0": 1}),
        'field "layers": expected a non-empty array of layers, found an object',
    ),
    (put(["layers", 0], [[1.0, 2.0]]), 'field "layers[0]": expected an object, found an array'),
    (remove("layers", 0, "activation"), 'field "layers[0].activation": missing'),
    (remove("layers", 1, "weights"), 'field "layers[1].weights": missing'),
    (
        put(["layers", 0, "bias"], 0),
        'field "layers[0].bias": unknown field (expected activation, weights)',
    ),
    (
        put(["layers", 0, "activation"], "swish"),
        'field "layers[0].activation": unknown activation '
        '"swish" (known: identity, relu, sigmoid, softmax, tanh)',
    ),
    (
        put(["layers", 0, "activation"], 1),
        'field "layers[0].activation": expected a name, found 1',
    ),
    (
        put(LAYER_1, []),
        'field "layers[1].weights": expected a non-empty array of neurons, found an empty array',
    ),
    (
        put(LAYER_1, "0.5"),
        'field "layers[1].weights": expected a non-empty array of neurons, found "0.5"',
    ),
    (
        put(["layers", 0, "weights"], [[0.5]]),
        'field "layers[0].weights[0]": expected at least 2 numbers (weights, then bias), found 1',
    ),
    (
        put(["layers", 0, "weights"], [0.5, 1.0]),
        'field "layers[0].weights[0]": expected an array of numbers, found 0.5',
    ),
    (
        put(["layers", 0, "weights", 2], [1.0, 2.0]),
        'field "layers[0].weights[2]": expected 3 numbers, found 2',
    ),
    (put(LAYER_1 + [1], [0.0] * 5), 'field "layers[1].weights[1]": expected 4 numbers, found 5'),
    (
        put(LAYER_1 + [1], None),
        'field "layers[1].weights[1]": expected an array of 4 numbers, found null',
    ),
    (
        put(LAYER_1 + [1, 3], True),
        'field "layers[1].weights[1][3]": expected a finite number, found true',
    ),
    (
        put(LAYER_1 + [1, 0], "1"),
        'field "layers[1].weights[1][0]": expected a finite number, found "1"',
    ),
    (
        put(LAYER_1 + [0, 1], None),
        'field "layers[1].weights[0][1]": expected a finite number, found null',
    ),
    (
        put(LAYER_1 + [0, 1], [1.0]),
        'field "layers[1].weights[0][1]": expected a finite number, found an array',
    ),
    (
        put(LAYER_1 + [0, 1], float("nan")),
        'field "layers[1].weights[0][1]": expected a finite number, found nan',
    ),
    # loss
    (
        put(["loss"], "mse"),
        'field "loss": unknown loss "mse" (known: binary_cross_entropy, cross_entropy, squared_error)',
    ),
    (put(["loss"], ["cross_entropy"]), 'field "loss": expected a name, found an array'),
    (
        put(["layers", 1, "activation"], "sigmoid"),
        'field "loss": "cross_entropy" needs a softmax output layer, found "sigmoid" in layers[1].activation',
    ),
    (
        put(["loss"], "binary_cross_entropy"),
        'field "loss": "binary_cross_entropy" needs a sigmoid '
        'output layer, found "softmax" in layers[1].activation',
    ),
    # labels
    (put(["labels"], "ab"), 'field "labels": expected an array of labels, found "ab"'),
    (
        put(["labels"], ["a", "b", "c"]),
        'field "labels": expected 2 labels (one per output), found 3',
    ),
    (put(["labels", 1], False), 'field "labels[1]": expected an integer or a string, found false'),
    (put(["labels", 1], 1.5), 'field "labels[1]": expected an integer or a string, found 1.5'),
    (put(["labels", 0], None), 'field "labels[0]": expected an integer or a string, found null'),
    (put(["labels"], [3, 3]), 'field "labels[1]": 3 repeats labels[0]'),
    # scaling
    (put(["scaling"], "divide"), 'field "scaling": expected an object, found "divide"'),
    (remove("scaling", "kind"), 'field "scaling.kind": missing'),
    (
        put(["scaling", "kind"], "minmax"),
        'field "scaling.kind": unknown scaling "minmax" (known: divide, global-variance, none, standardize)',
    ),
    (
        put(["scaling"], {"kind": "none", "by": 2}),
        'field "scaling.by": unknown field (expected kind)',
    ),
    (put(["scaling"], {"kind": "divide"}), 'field "scaling.by": missing'),
    (
        put(["scaling"], {"kind": "divide", "by": 0}),
        'field "scaling.by": expected a positive finite number, found 0',
    ),
    (
        put(["scaling"], {"kind": "divide", "by": -16.0}),
        'field "scaling.by": expected a positive finite number, found -16.0',
    ),
    (
        put(["scaling"], {"kind": "divide", "by": "16"}),
        'field "scaling.by": expected a positive finite number, found "16"',
    ),
    (
        put(["scaling", "mean"], [0.0]),
        'field "scaling.mean": expected 2 numbers (one per input), found 1',
    ),
    (
        put(["scaling", "std"], None),
        'field "scaling.std": expected an array of 2 numbers, found null',
    ),
    (
        put(["scaling", "std", 1], 0.0),
        'field "scaling.std[1]": expected a positive finite number, found 0.0',
    ),
    (
        put(["scaling", "mean", 0], True),
        'field "scaling.mean[0]": expected a finite number, found true',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": 4.8}),
        'field "scaling.variance": missing',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": 4.8, "variance": 36.0, "std": [1, 1]}),
        'field "scaling.std": unknown field (expected kind, mean, variance)',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": [4.8], "variance": 36.0}),
        'field "scaling.mean": expected a finite number, found an array',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": 4.8, "variance": 0}),
        'field "scaling.variance": expected a positive finite number, found 0',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": 4.8, "variance": -36.0}),
        'field "scaling.variance": expected a positive finite number, found -36.0',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": "4.8", "variance": 36.0}),
        'field "scaling.mean": expected a finite number, found "4.8"',
    ),
    (
        put(["scaling"], {"kind": "global-variance", "mean": 4.8, "variance": False}),
        'field "scaling.variance": expected a positive finite number, found false',
    ),
    # training
    (put(["training"], [1, 2]), 'field "training": expected an object, found an array'),
    (
        put(["training", "history", 1, "loss"], float("inf")),
        'field "training.history[1].loss": expected a finite number, found inf',
    ),
    (
        put(["training", "deep"], json.loads("[" * 40 + "]" * 40)),
        'field "training.deep' + "[0]" * 31 + '": nested more than 32 levels deep',
    ),
]


@pytest.mark.parametrize(("change", "message"), INVALID)
def test_every_field_is_checked(change: Callable[[Dict[str, Any]], None], message: str) -> None:
    assert error_of(changed(change)) == f"model.json, {message}"


def test_the_message_for_a_short_neuron_names_its_place(directory: Path) -> None:
    data = valid_dict()
    data["layers"] = [
        {"activation": "relu", "weights": [[0.0] * 65 for _ in range(32)]},
        {"activation": "softmax", "weights": [[0.0] * 33 for _ in range(2)]},
    ]
    data["layers"][1]["weights"][1] = [0.0] * 32
    data["scaling"] = {"kind": "divide", "by": 16.0}
    path = write(directory, json.dumps(data).encode())
    assert load_error(path) == 'P, field "layers[1].weights[1]": expected 33 numbers, found 32'


def test_a_newer_format_version_is_refused_before_anything_else(directory: Path) -> None:
    data = {"format": "purenn-model", "version": FORMAT_VERSION + 1, "anything": "new"}
    path = directory / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_model(str(path))
    assert str(info.value) == f"{path}: format version 2 is newer than this purenn reads (1)"


def test_a_huge_version_number_is_newer() -> None:
    data = valid_dict()
    data["version"] = 10**5000  # more digits than str() converts on Python 3.11+
    assert error_of(data) == "model.json: format version a huge integer is newer than this purenn reads (1)"


def test_too_many_layers() -> None:
    data = valid_dict()
    data["layers"] = [{"activation": "identity", "weights": [[1.0, 0.0]]}] * (MAX_LAYERS + 1)
    data["loss"], data["labels"], data["scaling"] = "squared_error", [0], {"kind": "none"}
    assert (
        error_of(data) == f'model.json, field "layers": at most {MAX_LAYERS} layers are allowed, found 1001'
    )
    data["layers"] = data["layers"][:MAX_LAYERS]
    assert len(model_from_dict(data).network) == MAX_LAYERS


def test_too_many_weights() -> None:
    data = valid_dict()
    data["layers"][0]["weights"] = [[0.0] * (MAX_WEIGHTS + 1)]  # one neuron is enough
    assert error_of(data) == (
        f'model.json, field "layers[0].weights": more than {MAX_WEIGHTS} weights in the model'
    )


def test_the_weight_limit_counts_every_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(purenn.model, "MAX_WEIGHTS", 17)  # the model has 9 + 8 weights
    assert model_from_dict(valid_dict()).network == NETWORK
    monkeypatch.setattr(purenn.model, "MAX_WEIGHTS", 16)
    assert (
        error_of(valid_dict()) == 'model.json, field "layers[1].weights": more than 16 weights in the model'
    )


def test_other_python_values_in_a_dict() -> None:
    data = valid_dict()
    data["layers"][0]["weights"][1] = (0.5, -0.25, 0.125)
    assert error_of(data) == (
        'model.json, field "layers[0].weights[1]": expected an array of 3 numbers, found a Python tuple'
    )
    assert error_of(None) == "model.json: expected a JSON object at the top level, found null"
    assert model_from_dict(valid_dict()).labels == ["cat", 7]


# Hostile files: nothing but a Model or a ModelError ---------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
PLACES = [
    ["format"],
    ["version"],
    ["layers"],
    ["layers", 0],
    ["layers", 1, "activation"],
    ["layers", 1, "weights"],
    LAYER_1 + [0],
    LAYER_1 + [0, 2],
    ["loss"],
    ["scaling"],
    ["scaling", "kind"],
    ["scaling", "mean"],
    ["scaling", "std", 0],
    ["labels"],
    ["labels", 1],
    ["training"],
    ["training", "history"],
    ["new"],
]


@given(st.sampled_from(PLACES), json_values)
@settings(max_examples=300, deadline=None)
def test_any_value_in_any_field_gives_a_model_or_a_model_error(place: List[Any], value: object) -> None:
    data = changed(put(place, value))
    try:
        model = model_from_dict(data, source="model.json")
    except ModelError as error:
        assert str(error).startswith("model.json")
        assert "\n" not in str(error)
    else:
        assert model_from_dict(model_to_dict(model)) == model


VALID_BYTES = (json.dumps(valid_dict(), indent=1) + "\n").encode()


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """A valid model file, truncated, with a byte changed, or with a slice deleted or repeated."""
    content = VALID_BYTES
    start = draw(st.integers(0, len(content) - 1))
    end = draw(st.integers(start, min(len(content), start + 40)))
    how = draw(st.sampled_from(["truncate", "flip", "set", "delete", "repeat"]))
    if how == "truncate":
        return content[:start]
    if how == "flip":
        return (
            content[:start] + bytes([content[start] ^ (1 << draw(st.integers(0, 7)))]) + content[start + 1 :]
        )
    if how == "set":
        return content[:start] + bytes([draw(st.integers(0, 255))]) + content[start + 1 :]
    if how == "delete":
        return content[:start] + content[end:]
    return content[:end] + content[start:]


@given(mutations())
@settings(max_examples=300, deadline=None)
def test_a_damaged_file_gives_a_model_or_a_model_error(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = os.path.join(name, "model.json")
        with open(path, "wb") as file:
            file.write(content)
        try:
            model = load_model(path)
        except ModelError as error:
            assert str(error).startswith(path)
        else:
            assert model == model_from_dict(model_to_dict(model))


# Every field of "training" that purenn reads back is checked (issue 12) -------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("settings", []),
        ("settings", "relu"),
        ("split", [1]),
        ("split", {"kind": "odd", "test_fraction": 0.25, "seed": 0}),
        ("split", {"kind": "random", "test_fraction": 2, "seed": 0}),
        ("split", {"kind": "random", "test_fraction": 0.25, "seed": "0"}),
        ("history", {"loss": 1}),
        ("history", [{"loss": "low"}]),
        ("history", [{"epoch": 0}]),
        ("history", [{"train_accuracy": 2.0}]),
        ("data", 3),
        ("labels_file", []),
        ("label_column", True),
        ("data_identity", {"bytes": "x", "sha256": "0" * 64}),
        ("data_identity", {"bytes": 1, "sha256": "not hex"}),
        ("test_accuracy", -0.5),
        ("seconds", "long"),
    ],
)
def test_a_training_field_of_the_wrong_type_is_a_model_error(field: str, value: Any) -> None:
    data = model_to_dict(valid_model())
    data["training"] = {field: value}
    with pytest.raises(ModelError, match=f'field "training.{field}'):
        model_from_dict(data, source="m.json")


def test_check_size_refuses_what_no_model_file_holds() -> None:
    assert check_size([2, 3, 1]) == 13
    for sizes in ([1] * (MAX_LAYERS + 2), [64, 200_000, 10], [4, 3000, 3000, 2]):
        with pytest.raises(ModelError):
            check_size(sizes)
