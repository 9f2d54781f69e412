"""`purenn evaluate MODEL [DATA]`: accuracy, confusion matrix and per-class report of a model.

- run: the command: on DATA whole, or else on the test split the model records
  (workflow.recorded_test_split); --plots writes the figures first, --json prints one object.
"""

from __future__ import annotations

import argparse
from typing import Any, Dict, List, Tuple

from .. import figures, preflight
from ..errors import PurennError
from ..estimator import Classifier
from ..metrics import accuracy, confusion_matrix, format_report
from ..model import load_model
from ..predictions import evaluation_json
from ..vectors import Label
from ..workflow import image_order, recorded_inputs, recorded_test_split
from .common import check_input_size, data_options, load, write_plots
from .printing import percent, print_json

__all__ = ["run"]


def _model_data(
    model_path: str, training: Dict[str, Any], args: argparse.Namespace
) -> Tuple[List[List[float]], List[Label], str]:
    """The data to evaluate on: DATA whole, or else the test split the model was trained with."""
    options = data_options(args, training.get("data_options"))
    if args.data:
        inputs, labels = load(args.data, args.labels, args.label_column, options)
        return inputs, labels, f"all {len(labels)} rows of {args.data}"
    preflight.refuse_unused_flags(
        {
            flag: "it describes DATA, and none is given (the model's own test split is used)"
            for flag, value in (("--labels", args.labels), ("--label-column", args.label_column))
            if value is not None
        }
    )
    return recorded_test_split(model_path, training, options)


def run(args: argparse.Namespace) -> int:
    """`purenn evaluate`."""
    model = load_model(args.model)
    if args.plots is not None:  # before any work: not over the model, DATA, or the data it records
        inputs_read = [("MODEL", args.model), *preflight.data_inputs(args.data, args.labels)]
        if not args.data:
            inputs_read += recorded_inputs(args.model, model.training)
        preflight.check_plots(args.plots, inputs_read)
    classifier = Classifier.from_model(model, source=args.model)
    inputs, labels, described = _model_data(args.model, model.training, args)
    check_input_size(args.model, classifier, inputs, described)
    unknown = sorted({str(label) for label in labels} - {str(c) for c in classifier.classes_})
    if unknown:
        raise PurennError(f"the data has labels the model does not know: {', '.join(unknown[:5])}")
    predictions = classifier.predict(inputs)
    paths = []
    if args.plots:  # the files first: standard output may be gone
        options = data_options(args, model.training.get("data_options"))
        source = args.data or model.training.get("data")
        order = image_order(options, source if isinstance(source, str) else None)
        paths = write_plots(
            args.plots, classifier, inputs, labels, predictions, model.training.get("history"), order
        )
    columns = list(classifier.classes_)
    if args.json:
        if args.plots:
            raise PurennError("--json and --plots do not go together: run evaluate twice")
        return print_json(evaluation_json(args.model, described, labels, predictions, columns))
    matrix = confusion_matrix(labels, predictions, columns)
    column_names = [str(c) for c in columns] + (["none"] if len(matrix[0]) > len(columns) else [])
    print(f"{args.model} on {described}")
    print(f"accuracy: {percent(accuracy(labels, predictions))}")
    print()
    print(figures.confusion_text(matrix, [str(c) for c in columns], column_names))
    print()
    print(format_report(labels, predictions, columns))
    if paths:
        print(f"wrote {', '.join(paths)}")
    return 0
