"""`purenn train --resume MODEL`: a saved model as a Classifier that goes on training.

- resume: the model file's Classifier with warm_start on, the settings given applied, and the
  train/test split it records; a PurennError (one line from the CLI) for what does not fit.

The weights, the input scaling and the classes come from the file, so the flags that would change
them (PARAMS_FIXED_BY_THE_MODEL) must be left out or agree with it. The data must have the
model's inputs and classes: Classifier.fit checks that before the first epoch.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from .errors import PurennError
from .estimator import Classifier
from .model import load_model

__all__ = ["PARAMS_FIXED_BY_THE_MODEL", "resume"]

PARAMS_FIXED_BY_THE_MODEL = (
    "hidden",
    "activation",
    "output_activation",
    "loss",
    "init",
    "scaling",
    "divide_by",
)

Split = Tuple[str, float, int]  # kind, test fraction, seed


def resume(path: str, given: Dict[str, Any], seed: int) -> Tuple[Classifier, Optional[Split]]:
    """The model at path as a Classifier that goes on training, and its recorded split (or None).

    `given` holds the Classifier parameters set on the command line (its seed, if any, gives way
    to `seed`); `seed` seeds the shuffles
    and dropout of the new epochs. Every setting is checked before any data is read.
    """
    model = load_model(path)
    classifier = Classifier.from_model(model, source=path)
    for name in PARAMS_FIXED_BY_THE_MODEL:
        if name in given and given[name] != getattr(classifier, name):
            option = "--" + name.replace("_", "-")
            raise PurennError(
                f"{option} {given[name]!r} does not fit --resume {path}, which has "
                f"{getattr(classifier, name)!r}: a resumed model keeps its layers and scaling"
            )
    changed = {name: value for name, value in given.items() if name not in PARAMS_FIXED_BY_THE_MODEL}
    classifier.set_params(**{**changed, "warm_start": True, "seed": seed})
    classifier.settings()
    split = model.training.get("split")
    return classifier, _recorded_split(split) if split is not None else None


def _recorded_split(split: Any) -> Split:
    """The model's split as (kind, test fraction, seed); load_model checked it (training_record.py).

    A model trained with split "none" goes on training on every row, as it was trained.
    """
    return split["kind"], float(split["test_fraction"]), int(split["seed"])
