"""What the command handlers share: data read as the flags say, images drawn upright, --plots.

- load: a data source read (workflow.load) after its --labels and --label-column are checked.
- data_options: the MAT-file variables, label renames and image order: the flags, else a model's.
- drawable, drawable_layer, side: images (and a first layer's weights) unrolled row by row.
- check_input_size: data with as many inputs as the model has.
- write_plots: the figures of a run (digits, weights, confusion, learning curves) into --plots DIR.
"""

from __future__ import annotations

import argparse
import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .. import figures, preflight
from ..errors import PurennError
from ..estimator import Classifier
from ..matlab import COLUMN_MAJOR, ROW_MAJOR, image_in_rows
from ..metrics import confusion_matrix
from ..vectors import Label
from ..workflow import DataSource
from ..workflow import load as load_source

__all__ = ["check_input_size", "data_options", "drawable", "drawable_layer", "load", "side", "write_plots"]


def load(
    source: str,
    labels_path: Optional[str],
    label_column: Optional[str],
    options: Optional[Dict[str, Any]] = None,
) -> Tuple[List[List[float]], List[Label]]:
    """Load a data source; options (see data_options) name MAT-file variables and renamed labels."""
    preflight.check_data_flags(source, labels_path, label_column)
    return load_source(DataSource(source, labels_path, label_column, options))


def data_options(args: argparse.Namespace, recorded: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The MAT-file variables, label renames and image order: the flags, else what a model recorded.

    A model records the options it was trained with (training.data_options), so that evaluate,
    predict and show read its data, name its labels and draw its images as train did.
    """
    recorded = recorded if isinstance(recorded, dict) else {}
    options: Dict[str, Any] = {}
    for key in ("inputs_variable", "labels_variable", "relabel", "image_order"):
        value = getattr(args, key, None)
        value = value if value is not None else recorded.get(key)
        if value is not None:
            options[key] = [list(pair) for pair in value] if key == "relabel" else value
    if options.get("image_order", ROW_MAJOR) not in (ROW_MAJOR, COLUMN_MAJOR):
        raise PurennError(f"unknown image order {options['image_order']!r}")
    return options


def side(n_features: int) -> int:
    """The side of the square images of n_features pixels; PurennError if they are not square."""
    root = math.isqrt(n_features)
    if root * root != n_features:
        raise PurennError(f"cannot draw rows of {n_features} values as square images")
    return root


def drawable(images: Sequence[Sequence[float]], order: str) -> List[List[float]]:
    """The images unrolled row by row, as the figures draw them (the weights' bias, if any, stays last)."""
    if order == ROW_MAJOR or not images:
        return [list(image) for image in images]
    image_side = side(len(images[0]))
    return [image_in_rows(image, image_side, order) for image in images]


def drawable_layer(layer: Sequence[Sequence[float]], order: str) -> List[List[float]]:
    """A first layer's units, their input weights in row-by-row image order, then their bias."""
    return [weights + [unit[-1]] for weights, unit in zip(drawable([u[:-1] for u in layer], order), layer)]


def check_input_size(model_path: str, classifier: Classifier, inputs: List[List[float]], where: str) -> None:
    """Refuse rows (from where) whose size is not the model's number of inputs."""
    if inputs and len(inputs[0]) != classifier.n_features_in_:
        raise PurennError(
            f"{model_path} expects {classifier.n_features_in_} inputs, but {where} has {len(inputs[0])}"
        )


def write_plots(
    directory: str,
    classifier: Classifier,
    images: List[List[float]],
    true_labels: Sequence[Label],
    predictions: Sequence[Optional[Label]],
    history: Any,
    order: str = ROW_MAJOR,
) -> List[str]:
    """Write the figures of a run into `directory` (learning curves if there is a history).

    preflight.check_plots has checked the directory and the file names before any work. `order` is
    how each row unrolls its image (workflow.image_order); the figures are drawn upright.
    """
    image_side = side(len(images[0]))
    shown = min(len(images), 50)
    images = drawable(images[:shown], order)
    columns = [label for label in classifier.classes_]
    matrix = confusion_matrix(true_labels, predictions, columns)
    if len(matrix[0]) > len(columns):
        columns = columns + ["none"]
    largest = max(max(row) for row in images[:shown]) or 1.0
    pictures: Dict[str, Union[bytes, str]] = {
        "digits.png": figures.digit_grid_png(
            images[:shown],
            list(true_labels[:shown]),
            predictions=list(predictions[:shown]),
            side=image_side,
            max_value=largest,
        ),
        "weights.svg": figures.weights_svg(drawable_layer(classifier.network_[0], order), side=image_side),
        "confusion.svg": figures.confusion_svg(matrix, columns),
    }
    if isinstance(history, list) and history:
        pictures["learning_curves.svg"] = figures.learning_curves_svg(history)
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name, content in pictures.items():
        path = os.path.join(directory, name)
        if isinstance(content, bytes):
            figures.write_png(path, content)
        else:
            figures.write_svg(path, content)
        paths.append(path)
    return paths
