"""`purenn predict MODEL`: one image drawn with its probabilities and the answer, or every row of a file.

- run: the command: one image (--index N into --data or the vendored digits, --pixels NUMBERS,
  --image FILE.png), or with --data FILE alone every row, one CSV line each (predictions.py) to
  stdout or --out; --json prints one object instead.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Dict, List, Optional

from .. import figures, preflight
from ..data import load_dataset
from ..errors import PurennError
from ..estimator import Classifier
from ..files import check_output
from ..images import image_input, png_input
from ..matlab import COLUMN_MAJOR, ROW_MAJOR
from ..model import load_model
from ..predictions import prediction_rows, predictions_csv, predictions_json, write_text
from ..vectors import Label
from ..workflow import image_order
from .common import check_input_size, data_options, drawable, load
from .printing import print_json

__all__ = ["run"]


def _parse_pixels(text: str) -> List[float]:
    parts = text.replace(",", " ").split()
    values = []
    for position, part in enumerate(parts):
        try:
            value = float(part)
        except ValueError:
            raise PurennError(f"--pixels value {position} is {part!r}, not a number") from None
        if not math.isfinite(value):
            raise PurennError(f"--pixels value {position} is {part!r}: values must be finite")
        values.append(value)
    if not values:
        raise PurennError("--pixels has no numbers")
    return values


def _predict_file(args: argparse.Namespace, classifier: Classifier, options: Dict[str, Any]) -> int:
    """`predict MODEL --data FILE`: every row of FILE, one CSV line each, to stdout or --out."""
    to_file = args.out not in (None, "-")
    if to_file:
        check_output(
            args.out, "--out", preflight.data_inputs(args.data, args.labels) + [("--model", args.model)]
        )
    if args.label_column == "none":  # a file of features alone: the data to predict
        inputs, labels = load_dataset(args.data, labels_path=args.labels, label_column=None)
    else:
        inputs, labels = load(args.data, args.labels, args.label_column, options)
    check_input_size(args.model, classifier, inputs, args.data)
    outputs = classifier.predict_proba(inputs)
    records = prediction_rows(outputs, classifier.predict(inputs), labels if labels else None)
    classes = list(classifier.classes_)
    if args.json:
        text = json.dumps(predictions_json(args.model, args.data, records, classes), allow_nan=False) + "\n"
    else:
        text = predictions_csv(records, classes)
    if not to_file:
        sys.stdout.write(text)
        return 0
    write_text(args.out, text)
    print(f"wrote {len(records)} predictions to {args.out}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """`purenn predict`."""
    image_option = "--pixels" if args.pixels is not None else "--image" if args.image is not None else None
    if image_option is not None:
        given = {
            "--data": args.data,
            "--labels": args.labels,
            "--label-column": args.label_column,
            "--inputs-variable": args.inputs_variable,
            "--labels-variable": args.labels_variable,
            "--relabel": args.relabel,
        }
        preflight.refuse_unused_flags(
            {
                flag: f"the image comes from {image_option}"
                for flag, value in given.items()
                if value is not None
            }
        )
    model = load_model(args.model)
    classifier = Classifier.from_model(model, source=args.model)
    options = data_options(args, model.training.get("data_options"))
    if args.index is None and image_option is None:
        if args.data is None:
            raise PurennError(
                "give --index N, --pixels NUMBERS, --image FILE.png, or --data FILE to classify every row"
            )
        return _predict_file(args, classifier, options)
    if args.out is not None:
        raise PurennError("--out goes with --data FILE alone (every row), not with one image")
    args.data = args.data or "digits"
    label: Optional[Label] = None
    order = image_order(options, None if args.pixels else args.data)  # how pixels unrolls its image
    if args.pixels is not None:
        pixels = _parse_pixels(args.pixels)
        where = "--pixels"
    elif args.image is not None:
        pixels, where = png_input(args.image, classifier.n_features_in_, model.training), args.image
        in_columns = image_input(classifier.n_features_in_, model.training).order == "column"
        order = COLUMN_MAJOR if in_columns else ROW_MAJOR  # as png_input prepared it
    else:
        inputs, labels = load(args.data, args.labels, args.label_column, options)
        if args.index >= len(inputs):
            raise PurennError(f"--index {args.index} is out of range: {args.data} has {len(inputs)} rows")
        pixels, label = inputs[args.index], labels[args.index]
        where = f"row {args.index} of {args.data}"
    check_input_size(args.model, classifier, [pixels], where)
    (outputs,) = classifier.predict_proba([pixels])
    (answer,) = classifier.predict([pixels])
    if args.json:
        document = {
            "prediction": answer,
            "label": label,
            "outputs": dict(zip(map(str, classifier.classes_), outputs)),
        }
        return print_json(document)
    side = math.isqrt(len(pixels))
    if side * side == len(pixels):
        (upright,) = drawable([pixels], order)
        print(figures.digit_text(upright, side=side, max_value=max(max(pixels), 1e-12)))
    for name, value in zip(classifier.classes_, outputs):
        bar = "#" * int(round(20 * min(max(value, 0.0), 1.0)))
        print(f"{str(name):>6} {value:8.4f} {bar}")
    verdict = f"prediction: {answer if answer is not None else 'undecided'}"
    if label is not None:
        verdict += f" (label: {label})"
    print(verdict)
    return 0
