"""What a model file records of its training, as Classifier.from_model reads it back.

- params: the recorded Classifier parameters (training.settings), older files' `patience`
  converted to early_stopping and n_iter_no_change.
- history: the recorded per-epoch history as train.History records.
"""

from __future__ import annotations

from typing import Any, Dict, List

from .errors import ModelError
from .model import Model
from .train import History

__all__ = ["history", "params"]


def params(model: Model, source: str) -> Dict[str, Any]:
    """model.training["settings"], a copy; ModelError naming source if it is not an object.

    Files written before early_stopping's names record `patience` (stop when validation accuracy
    has not improved for that many epochs): it becomes early_stopping with n_iter_no_change =
    patience - 1, the same stop under MLPClassifier's count.

    >>> params(Model([[[0.0, 0.0]]], ["sigmoid"], "squared_error", {"kind": "none"}, ["a"],
    ...              training={"settings": {"patience": 5}}), "m.json")
    {'early_stopping': True, 'n_iter_no_change': 4}
    """
    recorded = model.training.get("settings", {}) if isinstance(model.training, dict) else {}
    if not isinstance(recorded, dict):
        raise ModelError(f'{source}, field "training.settings": expected an object')
    result = dict(recorded)
    patience = result.pop("patience", None)
    if isinstance(patience, int) and not isinstance(patience, bool) and patience >= 2:
        result.update(early_stopping=True, n_iter_no_change=patience - 1)
    return result


def history(model: Model) -> List[History]:
    """The model's recorded training history as History records; [] if it has none or another shape."""
    records = model.training.get("history")
    if not isinstance(records, list):
        return []
    try:
        return [History(**record) for record in records]
    except TypeError:  # not a dict, or other fields
        return []
