"""Learning curves (SVG): loss per epoch and accuracy per epoch, side by side.

- learning_curves_svg: a training history (train.py's, one dict per epoch) drawn in two panels.
"""

from __future__ import annotations

import math
from typing import List, Mapping, Sequence, Tuple

from ..errors import PurennError
from . import _svg

__all__ = ["learning_curves_svg"]


def _number_in(entry: Mapping[str, object], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PurennError(f"{where}: {key!r} must be a finite number, found {value!r}")
    return float(value)


def _history_curves(history: Sequence[Mapping[str, object]]) -> List[List[Tuple[float, float]]]:
    """The (epoch, value) points of loss, train accuracy and validation accuracy; None skipped."""
    if not history:
        raise PurennError("learning curves need a history of at least one epoch")
    curves: List[List[Tuple[float, float]]] = [[], [], []]
    for index, entry in enumerate(history):
        where = f"history entry {index}"
        if not isinstance(entry, Mapping):
            raise PurennError(f"{where}: expected a dict, found {entry!r}")
        epoch = _number_in(entry, "epoch", where)
        curves[0].append((epoch, _number_in(entry, "loss", where)))
        for curve, key in zip(curves[1:], ("train_accuracy", "validation_accuracy")):
            if entry.get(key) is not None:
                accuracy = _number_in(entry, key, where)
                if not 0.0 <= accuracy <= 1.0:
                    raise PurennError(f"{where}: {key!r} must lie in 0..1, found {accuracy!r}")
                curve.append((epoch, accuracy))
    return curves


def learning_curves_svg(history: Sequence[Mapping[str, object]]) -> str:
    """Draw loss per epoch and accuracy per epoch, side by side.

    history is a list of dicts, one per epoch, with "epoch" and "loss" numbers and
    "train_accuracy" and "validation_accuracy" in 0..1 or None (missing keys count as None).
    Each curve is a <polyline class="curve"> with one point per epoch that has the value; the
    accuracy panel has a legend (train, validation) when it shows both.
    Raises PurennError for an empty history, an entry that is not a dict, a missing or non-finite
    epoch or loss, or an accuracy outside 0..1.

    >>> history = [{"epoch": 1, "loss": 0.9, "train_accuracy": 0.6, "validation_accuracy": None},
    ...            {"epoch": 2, "loss": 0.5, "train_accuracy": 0.8, "validation_accuracy": 0.7}]
    >>> svg = learning_curves_svg(history)
    >>> svg.count('class="curve"'), svg.count('class="legend"')
    (3, 2)
    """
    losses, train, validation = _history_curves(history)
    epochs = [epoch for epoch, _loss in losses]
    x_ticks = _svg.nice_ticks(min(epochs), max(epochs), integer=True)
    loss_values = [loss for _epoch, loss in losses]
    loss_ticks = _svg.nice_ticks(min(loss_values), max(loss_values))
    accuracies = [accuracy for _epoch, accuracy in train + validation] or [0.0, 1.0]
    accuracy_ticks = [
        tick for tick in _svg.nice_ticks(min(accuracies), max(accuracies)) if -1e-9 <= tick <= 1 + 1e-9
    ]
    elements = _svg.line_chart(
        64, ("loss", "epoch", "loss"), x_ticks, loss_ticks, [("loss", "#333333", losses)]
    )
    accuracy_series = [("train", "#1f77b4", train), ("validation", "#ff7f0e", validation)]
    elements += _svg.line_chart(
        444, ("accuracy", "epoch", "accuracy"), x_ticks, accuracy_ticks, accuracy_series
    )
    return _svg.document(764, 280, elements)
