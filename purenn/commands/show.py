"""`purenn show`: a grid of digits with their labels (and a model's predictions), drawn upright.

- run: the command: in the terminal, or as a PNG (--png) and an SVG (--svg) file.
"""

from __future__ import annotations

import argparse
from typing import Any, Dict, List, Optional

from .. import figures, preflight
from ..errors import PurennError
from ..estimator import Classifier
from ..files import check_output
from ..model import load_model
from ..vectors import Label
from ..workflow import image_order
from .common import check_input_size, data_options, drawable, load, side

__all__ = ["run"]


def _check_show_paths(args: argparse.Namespace) -> None:
    """--png and --svg: not an input (data, labels, --model), not each other, writable."""
    inputs = preflight.data_inputs(args.data, args.labels)
    if args.model:
        inputs.append(("--model", args.model))
    if args.png is not None:
        check_output(args.png, "--png", inputs)
        inputs.append(("--png", args.png))
    if args.svg is not None:
        check_output(args.svg, "--svg", inputs)


def run(args: argparse.Namespace) -> int:
    """`purenn show`."""
    _check_show_paths(args)
    model = load_model(args.model) if args.model else None
    options = data_options(args, model.training.get("data_options") if model else None)
    inputs, labels = load(args.data, args.labels, args.label_column, options)
    if args.start >= len(inputs):
        raise PurennError(f"--start {args.start} is out of range: {args.data} has {len(inputs)} rows")
    images = inputs[args.start : args.start + args.count]
    shown_labels = labels[args.start : args.start + args.count]
    predictions: Optional[List[Optional[Label]]] = None
    if model is not None:
        classifier = Classifier.from_model(model, source=args.model)
        check_input_size(args.model, classifier, images, args.data)
        predictions = classifier.predict(images)
    images = drawable(images, image_order(options, args.data))
    layout: Dict[str, Any] = {
        "predictions": predictions,
        "columns": args.columns,
        "side": side(len(images[0])),
        "max_value": max(max(row) for row in images) or 1.0,
    }
    if args.png:
        figures.write_png(args.png, figures.digit_grid_png(images, shown_labels, **layout))
    if args.svg:
        figures.write_svg(args.svg, figures.digit_grid_svg(images, shown_labels, **layout))
    for path in (args.png, args.svg):
        if path:
            print(f"wrote {path}")
    if not (args.png or args.svg):
        print(figures.digit_grid_text(images, shown_labels, **layout))
    return 0
