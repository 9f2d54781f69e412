"""How a network, its gradients and a batch's rows travel between processes: as raw doubles.

- shape, flat, nested: a network's layout, its weights as one array('d'), and back.
- doubles: bytes of doubles as a list of floats.
- packed, unpacked, packed_masks, unpacked_masks: rows (inputs, targets) and dropout masks as their
  lengths and one run of doubles, and back.
- cut: a flat list cut into pieces of given lengths.

parallel.py's pipes carry these. A float goes and comes back exact (array('d') holds the same
doubles), and array.fromlist + tobytes and back cost less than pickling the nested lists
(bench/README.md, "Parallel training"; for rows, ten times less on PyPy: see packed).
"""

from __future__ import annotations

from array import array
from typing import List, Optional, Sequence, Tuple

from .batch import BatchMasks
from .kernels import Rows
from .network import Network

__all__ = [
    "Packed",
    "PackedMasks",
    "Shape",
    "cut",
    "doubles",
    "flat",
    "nested",
    "packed",
    "packed_masks",
    "shape",
    "unpacked",
    "unpacked_masks",
]

Shape = List[List[int]]  # per layer, each neuron's number of weights


def shape(network: Network) -> Shape:
    return [[len(neuron) for neuron in layer] for layer in network]


def flat(network: Network) -> array:  # type: ignore[type-arg]  # array is generic only in 3.12+ stubs
    """Every weight in order as doubles (array.fromlist per neuron: a C loop, the fastest found)."""
    values = array("d")
    for layer in network:
        for neuron in layer:
            values.fromlist(neuron)
    return values


def nested(values: List[float], shape: Shape) -> Network:
    """The flat values cut back into layers and neurons.

    >>> nested([1.0, 2.0, 3.0, 4.0, 5.0], [[2, 2], [1]])
    [[[1.0, 2.0], [3.0, 4.0]], [[5.0]]]
    """
    neurons = iter(cut(values, [width for widths in shape for width in widths]))
    return [[next(neurons) for _ in widths] for widths in shape]


def doubles(raw: bytes) -> List[float]:
    values = array("d")
    values.frombytes(raw)
    return values.tolist()


# Rows (a share's inputs, targets, dropout masks) travel as their lengths and raw doubles too: on
# PyPy, pickling 16 masks of 256 floats took 1.27 ms against 0.13 ms this way (measured), and at
# batches of 256 that made two processes train at half the speed of one.
Packed = Tuple[List[int], bytes]  # each row's length, then every value as a double
PackedMasks = Optional[Tuple[List[Optional[List[Optional[int]]]], bytes]]  # per sample, per layer


def packed(rows: Rows) -> Packed:
    """Rows of numbers as their lengths and one run of doubles (a float goes and comes back exact).

    >>> unpacked(packed([[1.0, 2.5], [], [-0.0]]))
    [[1.0, 2.5], [], [-0.0]]
    """
    values = array("d")
    for row in rows:
        values.fromlist(list(row))
    return [len(row) for row in rows], values.tobytes()


def cut(values: List[float], lengths: Sequence[int]) -> List[List[float]]:
    """values cut into consecutive pieces of these lengths (slices: the fastest cut measured, on
    CPython and on PyPy, where it is 30 times faster than itertools.islice).

    >>> cut([1.0, 2.0, 3.0], [2, 0, 1])
    [[1.0, 2.0], [], [3.0]]
    """
    rows, start = [], 0
    for length in lengths:
        rows.append(values[start : start + length])
        start += length
    return rows


def unpacked(packed: Packed) -> List[List[float]]:
    lengths, raw = packed
    return cut(doubles(raw), lengths)


def packed_masks(dropout: BatchMasks) -> PackedMasks:
    """The dropout masks (None, or per sample None or one mask or None per layer) as their layout
    and one run of doubles.

    >>> unpacked_masks(packed_masks([None, [[2.0, 0.0], None]]))
    [None, [[2.0, 0.0], None]]
    """
    if dropout is None:
        return None
    layout: List[Optional[List[Optional[int]]]] = []
    values = array("d")
    for masks in dropout:
        layout.append(None if masks is None else [None if mask is None else len(mask) for mask in masks])
        for mask in masks or ():
            if mask is not None:
                values.fromlist(list(mask))
    return layout, values.tobytes()


def unpacked_masks(packed: PackedMasks) -> BatchMasks:
    if packed is None:
        return None
    layout, raw = packed
    masks = iter(cut(doubles(raw), [n for sizes in layout for n in sizes or () if n is not None]))
    return [
        None if lengths is None else [None if n is None else next(masks) for n in lengths]
        for lengths in layout
    ]
