"""ONNX export: a purenn model as an ONNX graph, written with the standard library alone.

- model_to_onnx: the bytes of an ONNX ModelProto that computes what Classifier.predict_proba does.
- save_onnx: write them to a file atomically (as model files are written).
- add_parser, run: the `purenn export MODEL --onnx OUT.onnx` command.

The graph has one input, "input", of shape [N, inputs] (N is a dynamic batch dimension), and one
output, "outputs", of shape [N, labels]: the output layer, class probabilities for a softmax
output. Its nodes, in order:

- the input scaling: Div by the scalar `by` ("divide"), or Sub the means then Div by the standard
  deviations ("standardize"), or Sub the one mean then Div by the one variance ("global-variance");
  nothing for "none". Sub and Div, not Mul by a reciprocal, so that
  in float64 each scaled input is bit for bit purenn's (x - mean) / std.
- per layer l: Gemm(h, W_l, b_l) with transB=1, that is z = h W_l^T + b_l, where W_l is the
  layer's weights without the bias column, [out, in] as in the model file (and PyTorch's
  Linear), and b_l that bias column; then Relu, Tanh, Sigmoid or Softmax (axis 1) on z, or
  nothing for identity.

The class labels, the loss and purenn's format version go into the model's metadata_props
("labels" holds the labels as a JSON array, in output order).

Protobuf's wire format, as much as ONNX needs here: a message is a sequence of fields, each a key
varint (field_number << 3 | wire_type) then the value; wire type 0 is a varint (int64, int32,
enum; negatives as 64-bit two's complement, ten bytes), wire type 2 is a varint length then that
many bytes (strings, bytes, nested messages, packed repeated numbers). Field numbers are those of
onnx/onnx.proto (IR version 7, opset 13).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
from typing import Any, Dict, List, Sequence, Tuple, Union

from .errors import ModelError
from .files import check_output
from .model import Model, _write_atomically, load_model

__all__ = ["IR_VERSION", "OPSET_VERSION", "add_parser", "model_to_onnx", "run", "save_onnx"]

IR_VERSION = 7  # ONNX 1.7 (2020); read by every onnxruntime since 1.3
OPSET_VERSION = 13  # Softmax over one axis, as purenn's softmax is over one layer

# TensorProto.DataType: name -> (enum value, struct code)
_DTYPES: Dict[str, Tuple[int, str]] = {"float32": (1, "f"), "float64": (11, "d")}
_ATTRIBUTE_INT = 2  # AttributeProto.AttributeType.INT
_ACTIVATION_OPS = {
    "relu": "Relu",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "softmax": "Softmax",
    "identity": None,
}

Dim = Union[int, str]


# Protobuf's wire format ----------------------------------------------------------------------


def _varint(value: int) -> bytes:
    """Return value as a base-128 varint, 7 bits a byte, low bits first; negatives as 64-bit.

    >>> _varint(1).hex(), _varint(300).hex(), _varint(-1).hex()
    ('01', 'ac02', 'ffffffffffffffffff01')
    """
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    """A varint field (wire type 0): int64, int32 or an enum."""
    return _varint(number << 3) + _varint(value)


def _bytes_field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2): bytes, a nested message, packed numbers.

    >>> _bytes_field(2, b"hi").hex()
    '12026869'
    """
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _string_field(number: int, text: str) -> bytes:
    return _bytes_field(number, text.encode("utf-8"))


# ONNX's messages -----------------------------------------------------------------------------


def _tensor(name: str, dims: Sequence[int], values: Sequence[float], dtype: str) -> bytes:
    """TensorProto: dims (1), data_type (2), name (8), raw_data (9): little-endian, row-major."""
    elem_type, code = _DTYPES[dtype]
    return (
        b"".join(_int_field(1, size) for size in dims)
        + _int_field(2, elem_type)
        + _string_field(8, name)
        + _bytes_field(9, struct.pack(f"<{len(values)}{code}", *values))
    )


def _int_attribute(name: str, value: int) -> bytes:
    """AttributeProto: name (1), i (3), type (20) = INT."""
    return _string_field(1, name) + _int_field(3, value) + _int_field(20, _ATTRIBUTE_INT)


def _node(op_type: str, inputs: Sequence[str], output: str, attributes: Sequence[bytes] = ()) -> bytes:
    """NodeProto: input (1), output (2), name (3), op_type (4), attribute (5)."""
    return (
        b"".join(_string_field(1, name) for name in inputs)
        + _string_field(2, output)
        + _string_field(3, output)
        + _string_field(4, op_type)
        + b"".join(_bytes_field(5, attribute) for attribute in attributes)
    )


def _value_info(name: str, dtype: str, dims: Sequence[Dim]) -> bytes:
    """ValueInfoProto: name (1), type (2) = TypeProto.tensor_type (1): elem_type (1), shape (2).

    A dimension is TensorShapeProto.dim (1): dim_value (1) for a size, dim_param (2) for a name.
    """
    shape = b"".join(
        _bytes_field(1, _string_field(2, dim) if isinstance(dim, str) else _int_field(1, dim)) for dim in dims
    )
    tensor_type = _int_field(1, _DTYPES[dtype][0]) + _bytes_field(2, shape)
    return _string_field(1, name) + _bytes_field(2, _bytes_field(1, tensor_type))


def _metadata(key: str, value: str) -> bytes:
    """StringStringEntryProto: key (1), value (2)."""
    return _string_field(1, key) + _string_field(2, value)


# The graph -------------------------------------------------------------------------------------


class _Graph:
    """Nodes and initializers collected in order; `last` names the value computed so far."""

    def __init__(self, dtype: str) -> None:
        self.dtype = dtype
        self.nodes: List[bytes] = []
        self.initializers: List[bytes] = []
        self.last = "input"

    def constant(self, name: str, dims: Sequence[int], values: Sequence[float]) -> str:
        self.initializers.append(_tensor(name, dims, values, self.dtype))
        return name

    def apply(self, op_type: str, output: str, *others: str, attributes: Sequence[bytes] = ()) -> None:
        self.nodes.append(_node(op_type, [self.last, *others], output, attributes))
        self.last = output


def _add_scaling(graph: _Graph, scaling: Dict[str, Any], n_inputs: int) -> None:
    """The input scaling as the graph's first nodes: x / by, (x - mean) / std or (x - mean) / variance."""
    kind = scaling["kind"]
    if kind == "divide":
        graph.apply("Div", "scaled_input", graph.constant("scaling_by", [], [scaling["by"]]))
    elif kind == "standardize":
        graph.apply("Sub", "centred_input", graph.constant("scaling_mean", [n_inputs], scaling["mean"]))
        graph.apply("Div", "scaled_input", graph.constant("scaling_std", [n_inputs], scaling["std"]))
    elif kind == "global-variance":
        graph.apply("Sub", "centred_input", graph.constant("scaling_mean", [], [scaling["mean"]]))
        graph.apply("Div", "scaled_input", graph.constant("scaling_variance", [], [scaling["variance"]]))
    elif kind != "none":
        raise ModelError(f"cannot export the input scaling {kind!r} to ONNX")


def _add_layer(graph: _Graph, index: int, layer: List[List[float]], activation: str, output: str) -> None:
    """Gemm(h, W, b) with transB=1, then the activation; the last value is named output."""
    if activation not in _ACTIVATION_OPS:
        raise ModelError(f"cannot export the activation {activation!r} to ONNX")
    op_type = _ACTIVATION_OPS[activation]
    fan_in = len(layer[0]) - 1
    weights = graph.constant(
        f"layer{index}_weights", [len(layer), fan_in], [w for neuron in layer for w in neuron[:-1]]
    )
    biases = graph.constant(f"layer{index}_biases", [len(layer)], [neuron[-1] for neuron in layer])
    sums = output if op_type is None else f"layer{index}_sums"
    graph.apply("Gemm", sums, weights, biases, attributes=[_int_attribute("transB", 1)])
    if op_type == "Softmax":
        graph.apply(op_type, output, attributes=[_int_attribute("axis", 1)])
    elif op_type is not None:
        graph.apply(op_type, output)


def model_to_onnx(model: Model, *, dtype: str = "float64") -> bytes:
    """Return the bytes of an ONNX model computing the model's outputs (see the module's text).

    dtype is "float64" (purenn's own precision: the outputs agree with purenn's to rounding,
    about 1e-15) or "float32" (what many ONNX consumers expect: agreement to about 1e-6, as the
    weights, the inputs and every sum are rounded to 24 bits). The model is checked first (ModelError).

    >>> model = Model([[[2.0, 0.5]]], ["identity"], "squared_error", {"kind": "none"}, ["y"])
    >>> data = model_to_onnx(model)
    >>> data[:2].hex(), b"Gemm" in data, b"purenn" in data
    ('0807', True, True)
    """
    from . import __version__
    from .model import FORMAT_VERSION, model_from_dict, model_to_dict

    if dtype not in _DTYPES:
        raise ModelError(f"dtype must be one of {', '.join(_DTYPES)}, not {dtype!r}")
    checked = model_from_dict(model_to_dict(model))
    n_inputs, n_outputs = len(checked.network[0][0]) - 1, len(checked.network[-1])
    graph = _Graph(dtype)
    _add_scaling(graph, checked.scaling, n_inputs)
    last = len(checked.network) - 1
    for index, (layer, activation) in enumerate(zip(checked.network, checked.activations)):
        _add_layer(graph, index, layer, activation, "outputs" if index == last else f"layer{index}_outputs")
    graph_bytes = (
        b"".join(_bytes_field(1, node) for node in graph.nodes)
        + _string_field(2, "purenn")
        + b"".join(_bytes_field(5, tensor) for tensor in graph.initializers)
        + _bytes_field(11, _value_info("input", dtype, ["N", n_inputs]))
        + _bytes_field(12, _value_info("outputs", dtype, ["N", n_outputs]))
    )
    metadata = {
        "labels": json.dumps(checked.labels),
        "loss": checked.loss,
        "purenn_model_format_version": str(FORMAT_VERSION),
    }
    return (
        _int_field(1, IR_VERSION)
        + _string_field(2, "purenn")
        + _string_field(3, __version__)
        + _bytes_field(7, graph_bytes)
        + _bytes_field(8, _string_field(1, "") + _int_field(2, OPSET_VERSION))
        + b"".join(_bytes_field(14, _metadata(key, value)) for key, value in metadata.items())
    )


def save_onnx(model: Model, path: Union[str, "os.PathLike[str]"], *, dtype: str = "float64") -> None:
    """Write model_to_onnx(model) to path atomically: the old file stays whole if anything fails."""
    source = os.fspath(path)
    _write_atomically(source, model_to_onnx(model, dtype=dtype), source)


# The command -----------------------------------------------------------------------------------


def add_parser(commands: Any) -> None:
    """Register `purenn export` on the subparsers of the command line."""
    parser = commands.add_parser(
        "export",
        help="write a model as ONNX",
        description="Write MODEL in another format: --onnx FILE, an ONNX graph (scaling, Gemm, activations).",
    )
    parser.add_argument("model", metavar="MODEL", help="a purenn model file")
    parser.add_argument("--onnx", required=True, metavar="FILE", help="the ONNX file to write; - for stdout")
    parser.add_argument(
        "--dtype",
        choices=sorted(_DTYPES),
        default="float64",
        help="the ONNX tensors' element type: float64 is purenn's precision; float32 agrees to about 1e-6",
    )


def run(args: argparse.Namespace) -> int:
    """`purenn export`: read the model, refuse to write over it, write the ONNX file (or stdout)."""
    if args.onnx == "-":
        data = model_to_onnx(load_model(args.model), dtype=args.dtype)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    check_output(args.onnx, "--onnx", [("MODEL", args.model)])
    model = load_model(args.model)
    save_onnx(model, args.onnx, dtype=args.dtype)
    layers = "-".join(
        str(n) for n in [len(model.network[0][0]) - 1, *(len(layer) for layer in model.network)]
    )
    print(
        f"wrote {args.onnx}: {layers} ({', '.join(model.activations)}), {args.dtype}, opset {OPSET_VERSION}"
    )
    return 0
