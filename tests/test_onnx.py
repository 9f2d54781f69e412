"""`purenn export --onnx`: the graph decoded back by a tiny protobuf reader, and run by onnxruntime.

The pure-standard-library half decodes the bytes with the reader below (protobuf's wire format:
varint keys, varints, length-delimited fields), checks every field the exporter writes, and runs
the graph with a small interpreter of its six operators, which must give purenn's outputs. The
other half, skipped without the `integration` extra, asks onnx.checker and onnxruntime.
"""

from __future__ import annotations

import json
import math
import os
import random
import struct
from typing import Any, Dict, List, Tuple, Union

import pytest

from purenn.cli import main
from purenn.data import load_digits
from purenn.errors import ModelError
from purenn.estimator import Classifier
from purenn.model import Model, save_model
from purenn.network import make_network
from purenn.onnx import IR_VERSION, OPSET_VERSION, model_to_onnx, save_onnx

Fields = Dict[int, List[Union[int, bytes]]]
Rows = List[List[float]]

DIGITS, LABELS = load_digits()

# (hidden activations, output activation, loss, scaling): every activation and every scaling.
CASES = [
    (["relu"], "softmax", "cross_entropy", {"kind": "divide", "by": 16.0}),
    (["tanh", "sigmoid"], "softmax", "cross_entropy", "standardize"),
    (["sigmoid"], "sigmoid", "binary_cross_entropy", {"kind": "none"}),
    (["identity", "softmax"], "identity", "squared_error", {"kind": "divide", "by": 100.0}),
    ([], "softmax", "cross_entropy", "standardize"),
    (["relu"], "identity", "squared_error", {"kind": "global-variance", "mean": 4.88, "variance": 36.2}),
]


def _standardize() -> Dict[str, Any]:
    columns = list(zip(*DIGITS))
    mean = [sum(column) / len(column) for column in columns]
    std = [
        math.sqrt(sum((x - m) ** 2 for x in column) / len(column)) or 1.0 for column, m in zip(columns, mean)
    ]
    return {"kind": "standardize", "mean": mean, "std": std}


def _model(case: Tuple[Any, ...], seed: int = 0) -> Model:
    """A model with random weights (He's scale): what the export computes does not need training."""
    hidden, output, loss, scaling = case
    sizes = [64, *([24] * len(hidden)), 10]
    network = make_network(sizes, random.Random(seed), init="he")
    scaling = _standardize() if scaling == "standardize" else scaling
    return Model(network, [*hidden, output], loss, scaling, list(range(10)))


def _purenn_outputs(model: Model) -> Rows:
    return Classifier.from_model(model).predict_proba(DIGITS)


# A tiny protobuf reader ------------------------------------------------------------------------


def _varint(data: bytes, position: int) -> Tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (value - (1 << 64) if value >= 1 << 63 else value), position


def _fields(data: bytes) -> Fields:
    """Every field of one message: number -> values (ints for varints, bytes otherwise)."""
    fields: Fields = {}
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        value: Union[int, bytes]
        if wire_type == 0:
            value, position = _varint(data, position)
        elif wire_type == 2:
            length, position = _varint(data, position)
            value = data[position : position + length]
            assert len(value) == length, "a length-delimited field runs past the end"
            position += length
        else:
            raise AssertionError(f"unexpected wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    assert position == len(data)
    return fields


def _text(value: Union[int, bytes]) -> str:
    assert isinstance(value, bytes)
    return value.decode("utf-8")


def _message(value: Union[int, bytes]) -> Fields:
    assert isinstance(value, bytes)
    return _fields(value)


def _tensor(value: Union[int, bytes]) -> Tuple[str, List[int], List[float]]:
    fields = _message(value)
    dims = [int(size) for size in fields.get(1, [])]
    (data_type,) = fields[2]
    code = {1: "f", 11: "d"}[int(data_type)]
    raw = fields[9][0]
    assert isinstance(raw, bytes)
    values = list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))
    assert len(values) == math.prod(dims)
    return _text(fields[8][0]), dims, values


def _value_info(value: Union[int, bytes]) -> Tuple[str, int, List[Union[int, str]]]:
    fields = _message(value)
    tensor_type = _message(_message(fields[2][0])[1][0])
    dims: List[Union[int, str]] = []
    for dim in _message(tensor_type[2][0]).get(1, []):
        dim_fields = _message(dim)
        dims.append(int(dim_fields[1][0]) if 1 in dim_fields else _text(dim_fields[2][0]))
    return _text(fields[1][0]), int(tensor_type[1][0]), dims


def _node(value: Union[int, bytes]) -> Tuple[str, List[str], str, Dict[str, int]]:
    fields = _message(value)
    attributes = {}
    for attribute in fields.get(5, []):
        attribute_fields = _message(attribute)
        assert attribute_fields[20] == [2], "only INT attributes are written"
        attributes[_text(attribute_fields[1][0])] = int(attribute_fields[3][0])
    (output,) = fields[2]
    return _text(fields[4][0]), [_text(name) for name in fields[1]], _text(output), attributes


# A tiny interpreter of the graph -----------------------------------------------------------


def _broadcast(op: Any, rows: Rows, constant: Tuple[List[int], List[float]]) -> Rows:
    dims, values = constant
    if not dims:
        return [[op(x, values[0]) for x in row] for row in rows]
    assert dims == [len(rows[0])]
    return [[op(x, c) for x, c in zip(row, values)] for row in rows]


def _gemm(rows: Rows, weights: Tuple[List[int], List[float]], biases: Tuple[List[int], List[float]]) -> Rows:
    (out, fan_in), flat = weights
    matrix = [flat[j * fan_in : (j + 1) * fan_in] for j in range(out)]
    return [
        [math.fsum(w * x for w, x in zip(neuron, row)) + b for neuron, b in zip(matrix, biases[1])]
        for row in rows
    ]


def _softmax(row: List[float]) -> List[float]:
    top = max(row)
    exps = [math.exp(z - top) for z in row]
    return [e / math.fsum(exps) for e in exps]


ELEMENTWISE = {
    "Relu": lambda z: max(z, 0.0),
    "Tanh": math.tanh,
    "Sigmoid": lambda z: 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)),
}


def _run_graph(graph: Fields, inputs: Rows) -> Rows:
    constants = {name: (dims, values) for name, dims, values in map(_tensor, graph[5])}
    values: Dict[str, Rows] = {"input": inputs}
    for op_type, node_inputs, output, attributes in map(_node, graph[1]):
        rows = values[node_inputs[0]]
        if op_type == "Sub":
            values[output] = _broadcast(lambda x, c: x - c, rows, constants[node_inputs[1]])
        elif op_type == "Div":
            values[output] = _broadcast(lambda x, c: x / c, rows, constants[node_inputs[1]])
        elif op_type == "Gemm":
            assert attributes == {"transB": 1}
            values[output] = _gemm(rows, constants[node_inputs[1]], constants[node_inputs[2]])
        elif op_type == "Softmax":
            assert attributes == {"axis": 1}
            values[output] = [_softmax(row) for row in rows]
        else:
            values[output] = [[ELEMENTWISE[op_type](z) for z in row] for row in rows]
    return values["outputs"]


# The pure-Python tests ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join([*case[0], case[1]]))
def test_the_decoded_graph_computes_purenns_outputs(case: Tuple[Any, ...]) -> None:
    model = _model(case)
    decoded = _fields(model_to_onnx(model, dtype="float64"))
    graph = _message(decoded[7][0])
    outputs = _run_graph(graph, DIGITS)
    expected = _purenn_outputs(model)
    worst = max(abs(a - b) for row, other in zip(outputs, expected) for a, b in zip(row, other))
    assert worst < 1e-12


def test_the_model_fields_are_those_onnx_needs() -> None:
    model = _model(CASES[1])
    decoded = _fields(model_to_onnx(model))
    assert decoded[1] == [IR_VERSION]
    assert [_text(decoded[2][0]), _text(decoded[3][0])] == ["purenn", __import__("purenn").__version__]
    opset = _message(decoded[8][0])
    assert opset[1] == [b""] and opset[2] == [OPSET_VERSION]
    metadata = {_text(_message(e)[1][0]): _text(_message(e)[2][0]) for e in decoded[14]}
    assert json.loads(metadata["labels"]) == list(range(10))
    graph = _message(decoded[7][0])
    assert [_value_info(v) for v in graph[11]] == [("input", 11, ["N", 64])]  # 11: DOUBLE, the default
    assert [_value_info(v) for v in graph[12]] == [("outputs", 11, ["N", 10])]
    ops = [_node(node)[0] for node in graph[1]]
    assert ops == ["Sub", "Div", "Gemm", "Tanh", "Gemm", "Sigmoid", "Gemm", "Softmax"]


def test_float32_tensors_hold_the_weights_rounded_to_float32() -> None:
    model = _model(CASES[0])
    graph = _message(_fields(model_to_onnx(model, dtype="float32"))[7][0])
    constants = {name: values for name, _, values in map(_tensor, graph[5])}
    rounded = [struct.unpack("<f", struct.pack("<f", w))[0] for w in model.network[0][3][:-1]]
    assert constants["layer0_weights"][3 * 64 : 4 * 64] == rounded
    assert constants["layer0_biases"][3] == struct.unpack("<f", struct.pack("<f", model.network[0][3][-1]))[0]


def test_export_refuses_what_it_cannot_say() -> None:
    model = _model(CASES[0])
    with pytest.raises(ModelError, match="dtype"):
        model_to_onnx(model, dtype="float16")
    model.network[0][0][0] = float("nan")
    with pytest.raises(ModelError, match="layers"):
        model_to_onnx(model)


def test_the_command_writes_the_file_and_never_over_the_model(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    model_path, onnx_path = str(tmp_path / "model.json"), str(tmp_path / "model.onnx")
    save_model(_model(CASES[0]), model_path)
    assert main(["export", model_path, "--onnx", onnx_path]) == 0
    assert "64-24-10 (relu, softmax), float64" in capsys.readouterr().out
    with open(onnx_path, "rb") as file:
        assert file.read() == model_to_onnx(_model(CASES[0]), dtype="float64")
    before = os.path.getsize(model_path)
    assert main(["export", model_path, "--onnx", model_path]) == 2
    assert "is the same file as MODEL" in capsys.readouterr().err
    assert os.path.getsize(model_path) == before
    assert main(["export", model_path, "--onnx", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.json"), "--onnx", onnx_path]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["export", model_path, "--onnx", str(tmp_path / "no" / "such.onnx")]) == 2
    assert "does not exist" in capsys.readouterr().err


# onnx and onnxruntime (the `integration` extra) ---------------------------------------------------


@pytest.mark.parametrize("dtype, bound", [("float32", 1e-6), ("float64", 1e-12)])
@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join([*case[0], case[1]]))
def test_onnxruntime_agrees_with_purenn_on_the_1797_digits(
    tmp_path: Any, case: Tuple[Any, ...], dtype: str, bound: float
) -> None:
    onnx = pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    numpy = pytest.importorskip("numpy")
    model = _model(case)
    path = str(tmp_path / "model.onnx")
    save_onnx(model, path, dtype=dtype)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (outputs,) = session.run(None, {"input": numpy.array(DIGITS, dtype=dtype)})
    worst = float(numpy.abs(outputs - numpy.array(_purenn_outputs(model))).max())
    print(f"onnxruntime {dtype} {'-'.join([*case[0], case[1]])}: max abs difference {worst:.3g}")
    assert worst <= bound


def test_onnxruntime_agrees_with_a_trained_default_model(tmp_path: Any) -> None:
    onnx = pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    numpy = pytest.importorskip("numpy")
    classifier = Classifier(hidden=(256,), epochs=2, seed=0).fit(DIGITS[:600], LABELS[:600])
    path = str(tmp_path / "model.onnx")
    expected = numpy.array(classifier.predict_proba(DIGITS))
    for dtype, bound in (("float64", 1e-12), ("float32", 1e-5)):  # float32 rounds weights and sums
        save_onnx(classifier.to_model(), path, dtype=dtype)
        onnx.checker.check_model(onnx.load(path), full_check=True)
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        (outputs,) = session.run(None, {"input": numpy.array(DIGITS, dtype=dtype)})
        worst = float(numpy.abs(outputs - expected).max())
        print(f"onnxruntime {dtype}, 64-256-10 trained 2 epochs: max abs difference {worst:.3g}")
        assert worst <= bound
    assert list(outputs.argmax(axis=1)) == [classifier.classes_.index(p) for p in classifier.predict(DIGITS)]


def test_export_to_standard_output(tmp_path: Any) -> None:
    import subprocess
    import sys

    model_path = str(tmp_path / "model.json")
    save_model(_model(CASES[1]), model_path)
    done = subprocess.run(
        [sys.executable, "-m", "purenn", "export", model_path, "--onnx", "-", "--dtype", "float64"],
        capture_output=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout == model_to_onnx(_model(CASES[1]), dtype="float64")
