"""The command line: `purenn` and `python -m purenn`.

- train:     train on the vendored digits (or --data FILE), report test accuracy, save a model.
- evaluate:  accuracy, confusion matrix and per-class report of a model on data.
- predict:   one image (by index into a data file, or 64 numbers): drawn, probabilities, answer.
- show:      a grid of digits with their labels, in the terminal or as a PNG/SVG file.
- gradcheck: backpropagation against central differences on a small random network.

Exit status: 0 on success, 2 with one line on stderr for bad input or a bad file, 1 when
training diverges. Library errors (PurennError) become that line; nothing else is caught
silently.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple, Union

from . import __version__, render
from .data import (
    Label,
    class_list,
    is_mat_source,
    load_dataset,
    random_split,
    relabel,
    sequential_split,
    stratified_split,
    take,
)
from .errors import DivergenceError, PurennError
from .estimator import Classifier
from .gradcheck import check_gradients
from .matlab import COLUMN_MAJOR, ROW_MAJOR, image_in_rows
from .metrics import accuracy, confusion_matrix, format_report
from .model import load_model, save_model
from .network import make_network
from .presets import PRESETS, get_preset
from .train import History

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits with status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


# ---------------------------------------------------------------------------------------------
# Argument types: each says what is wrong in one line


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= minimum."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


_positive_int = _whole_number(1)
_count = _whole_number(0)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _positive_number(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _non_negative_number(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    value = _number(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def _dropout(text: str) -> float:
    value = _number(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {text!r}")
    return value


def _layer_sizes(text: str) -> Tuple[int, ...]:
    if text.strip() in ("", "none"):
        return ()
    try:
        return tuple(_positive_int(part) for part in text.split(","))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 64 or 128,64, got {text!r}") from None


def _relabel_pairs(text: str) -> List[Tuple[Label, Label]]:
    """--relabel OLD=NEW[,OLD=NEW...]: labels that are whole numbers become ints."""
    pairs: List[Tuple[Label, Label]] = []
    for part in text.split(","):
        old, equals, new = part.partition("=")
        if not equals or not old.strip() or not new.strip():
            raise argparse.ArgumentTypeError(f"expected OLD=NEW pairs like 10=0, got {text!r}")
        pairs.append((_label_text(old), _label_text(new)))
    return pairs


def _label_text(text: str) -> Label:
    """A label given on the command line: an int when it is a whole number, else the text."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


# ---------------------------------------------------------------------------------------------
# The parser


def _add_data_options(parser: argparse.ArgumentParser, default: Optional[str] = "digits") -> None:
    parser.add_argument(
        "--data",
        default=default,
        metavar="FILE",
        help="a CSV file, a MATLAB .mat file, an IDX images file, or 'digits' (the vendored data, "
        "the default)",
    )
    parser.add_argument("--labels", metavar="FILE", help="the IDX labels file for IDX images")
    parser.add_argument(
        "--label-column",
        default="-1",
        metavar="COLUMN",
        help="the CSV label column: a number (negative from the end) or a header name",
    )
    _add_mat_options(parser)


def _add_mat_options(parser: argparse.ArgumentParser) -> None:
    """The options of MAT-files, label renaming and image order (see the README's MAT-file section)."""
    option = parser.add_argument
    option("--inputs-variable", metavar="NAME", help="the MAT-file's inputs array, one example per row (X)")
    option("--labels-variable", metavar="NAME", help="the MAT-file's labels vector (default y)")
    option(
        "--relabel",
        type=_relabel_pairs,
        metavar="OLD=NEW",
        help="rename labels, e.g. 10=0 for ex4data1.mat's zeros (recorded in the model)",
    )
    option(
        "--image-order",
        choices=[ROW_MAJOR, COLUMN_MAJOR],
        help="how each row unrolls its square image: row-major (CSV, IDX) or column-major "
        "(MATLAB; the default for .mat files)",
    )


def _add_training_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("network and training (override the preset)")
    option = group.add_argument
    option("--preset", default="default", choices=sorted(PRESETS), help="a named recipe (default: default)")
    option("--hidden", type=_layer_sizes, metavar="SIZES", help="hidden layer sizes, e.g. 64 or 128,64")
    option("--activation", metavar="NAME", help="hidden activation: relu, tanh, sigmoid, identity, softmax")
    option("--output-activation", metavar="NAME", help="output activation: softmax, sigmoid, identity, ...")
    option("--loss", metavar="NAME", help="cross_entropy, binary_cross_entropy or squared_error")
    option("--init", choices=["glorot", "he", "uniform"], help="weight initialiser")
    option("--epochs", type=_positive_int, help="number of passes over the training data")
    option("--rate", type=_positive_number, help="learning rate")
    option("--schedule", choices=["constant", "cosine"], help="learning-rate schedule")
    option("--momentum", type=_non_negative_number, help="momentum, in [0, 1)")
    option("--l2", type=_non_negative_number, help="L2 regularisation lambda (biases excluded)")
    option("--dropout", type=_dropout, help="probability of dropping a hidden unit, in [0, 1)")
    option("--batch-size", type=_count, help="samples per step: 1 = per-sample SGD, 0 = full batch")
    option("--scaling", choices=["standardize", "divide", "none"], help="input scaling")
    option("--divide-by", type=_positive_number, help="the divisor for --scaling divide")
    option(
        "--patience",
        type=_positive_int,
        help="stop when validation accuracy has not improved for this many epochs",
    )
    option("--validation-fraction", type=_fraction, help="share of the training data held out for --patience")
    option("--loss-tolerance", type=_positive_number, help="stop when the epoch's mean loss falls under this")
    option("--decision", choices=["argmax", "strict"], help="how outputs become a class")
    option(
        "--no-train-accuracy",
        dest="measure_train_accuracy",
        action="store_false",
        default=None,
        help="skip measuring the training accuracy after every epoch (a quarter of an epoch's time)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="purenn", description="Neural networks in pure Python that read handwritten digits."
    )
    parser.add_argument("--version", action="version", version=f"purenn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    train = commands.add_parser(
        "train",
        help="train a model (on the vendored digits by default)",
        description="Train a network, report its test accuracy and save it.",
    )
    _add_data_options(train)
    train.add_argument(
        "--split",
        choices=["stratified", "random", "sequential", "none"],
        help="how to split train/test (default: the preset's, stratified 75/25); none: train on every row",
    )
    train.add_argument("--test-fraction", type=_fraction, help="share of the data kept for testing")
    train.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    train.add_argument("--out", default="model.json", metavar="FILE", help="where to save the model")
    train.add_argument("--plots", metavar="DIR", help="also write figures of the run into DIR")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_training_options(train)

    evaluate = commands.add_parser(
        "evaluate",
        help="accuracy, confusion matrix and report of a model",
        description="Evaluate MODEL on DATA (default: the test split it was trained with).",
    )
    evaluate.add_argument("model", metavar="MODEL")
    evaluate.add_argument(
        "data", nargs="?", metavar="DATA", help="a CSV/IDX file or 'digits'; all its rows are used"
    )
    evaluate.add_argument("--labels", metavar="FILE", help="the IDX labels file for IDX images")
    evaluate.add_argument("--label-column", default="-1", metavar="COLUMN")
    _add_mat_options(evaluate)
    evaluate.add_argument("--plots", metavar="DIR", help="also write figures into DIR")

    predict = commands.add_parser(
        "predict",
        help="classify one image and draw it",
        description="Classify one image: --index into a data file, or --pixels.",
    )
    predict.add_argument("model", metavar="MODEL")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--index", type=_count, help="row number (from 0) in --data")
    source.add_argument(
        "--pixels", metavar="NUMBERS", help="the raw input values, separated by spaces or commas"
    )
    _add_data_options(predict)

    show = commands.add_parser(
        "show",
        help="draw digits with their labels",
        description="Draw digits with their labels, in the terminal or to a file.",
    )
    _add_data_options(show)
    show.add_argument("--start", type=_count, default=0, help="first row to show (default 0)")
    show.add_argument("--count", type=_positive_int, default=20, help="how many (default 20)")
    show.add_argument("--columns", type=_positive_int, default=10, help="digits per line (default 10)")
    show.add_argument("--model", metavar="MODEL", help="also show this model's predictions")
    show.add_argument("--png", metavar="FILE", help="write a PNG instead of drawing in the terminal")
    show.add_argument("--svg", metavar="FILE", help="write an SVG instead of drawing in the terminal")

    gradcheck = commands.add_parser(
        "gradcheck",
        help="check backpropagation against finite differences",
        description="Compare backpropagation with central differences.",
    )
    gradcheck.add_argument(
        "--sizes",
        type=_layer_sizes,
        default=(6, 5, 4, 3),
        metavar="SIZES",
        help="layer sizes, inputs first (default 6,5,4,3)",
    )
    gradcheck.add_argument("--activation", default="tanh", help="hidden activation (default tanh)")
    gradcheck.add_argument(
        "--loss", default="cross_entropy", choices=["cross_entropy", "binary_cross_entropy", "squared_error"]
    )
    gradcheck.add_argument("--l2", type=_non_negative_number, default=0.01)
    gradcheck.add_argument("--samples", type=_positive_int, default=5, help="random samples to check")
    gradcheck.add_argument("--seed", type=int, default=0)
    return parser


# ---------------------------------------------------------------------------------------------
# Shared steps


def _label_column(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _load(
    source: str,
    labels_path: Optional[str],
    label_column: str,
    options: Optional[Dict[str, Any]] = None,
) -> Tuple[List[List[float]], List[Label]]:
    """Load a data source; options (see _data_options) name MAT-file variables and renamed labels."""
    options = options or {}
    inputs, labels = load_dataset(
        source,
        labels_path=labels_path,
        label_column=_label_column(label_column),
        inputs_variable=options.get("inputs_variable"),
        labels_variable=options.get("labels_variable"),
    )
    renames = options.get("relabel")
    return inputs, relabel(labels, [(old, new) for old, new in renames]) if renames else labels


def _data_options(args: argparse.Namespace, recorded: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
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


def _image_order(options: Dict[str, Any], source: Optional[str]) -> str:
    """How the images of source unroll: as stated, else column-major for MAT-files, else row-major."""
    if "image_order" in options:
        return str(options["image_order"])
    return COLUMN_MAJOR if source is not None and is_mat_source(source) else ROW_MAJOR


def _drawable(images: Sequence[Sequence[float]], order: str) -> List[List[float]]:
    """The images unrolled row by row, as render draws them (the weights' bias, if any, stays last)."""
    if order == ROW_MAJOR or not images:
        return [list(image) for image in images]
    side = _side(len(images[0]))
    return [image_in_rows(image, side, order) for image in images]


def _drawable_layer(layer: Sequence[Sequence[float]], order: str) -> List[List[float]]:
    """A first layer's units, their input weights in row-by-row image order, then their bias."""
    return [weights + [unit[-1]] for weights, unit in zip(_drawable([u[:-1] for u in layer], order), layer)]


def _hint_about_labels(source: str, labels: Sequence[Label], options: Dict[str, Any]) -> None:
    """Say how to name ex4data1.mat's zeros 0, when a MAT-file's labels are 1..10 as its are."""
    if is_mat_source(source) and "relabel" not in options and class_list(labels) == list(range(1, 11)):
        print("note: the labels are 1..10; if 10 stands for the digit 0 (as in ex4data1.mat), --relabel 10=0")


def _split(
    labels: Sequence[Label], kind: str, test_fraction: float, seed: int
) -> Tuple[List[int], List[int]]:
    rng = random.Random(seed)
    if kind == "stratified":
        return stratified_split(labels, test_fraction, rng)
    if kind == "random":
        return random_split(len(labels), test_fraction, rng)
    return sequential_split(len(labels), 1.0 - test_fraction)


def _side(n_features: int) -> int:
    side = math.isqrt(n_features)
    if side * side != n_features:
        raise PurennError(f"cannot draw rows of {n_features} values as square images")
    return side


class _ProgressBar:
    """One line on stderr, redrawn after every epoch: epoch, loss, accuracies."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __call__(self, record: History, epochs: int) -> None:
        width = 24
        filled = width * record.epoch // epochs
        bar = "#" * filled + "." * (width - filled)
        text = f"\repoch {record.epoch:>{len(str(epochs))}}/{epochs} [{bar}] loss {record.loss:.4f}"
        if record.train_accuracy is not None:
            text += f"  train {100 * record.train_accuracy:.1f}%"
        if record.validation_accuracy is not None:
            text += f"  validation {100 * record.validation_accuracy:.1f}%"
        self.stream.write(text)
        if record.epoch == epochs:
            self.stream.write("\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _percent(value: float) -> str:
    return f"{100.0 * value:.2f}%"


def _write_plots(
    directory: str,
    classifier: Classifier,
    images: List[List[float]],
    true_labels: Sequence[Label],
    predictions: Sequence[Optional[Label]],
    history: Any,
    order: str = ROW_MAJOR,
) -> List[str]:
    """Write the figures of a run into `directory` (learning curves if there is a history).

    `order` is how each row unrolls its image (see _image_order); the figures are drawn upright.
    """
    os.makedirs(directory, exist_ok=True)
    side = _side(len(images[0]))
    shown = min(len(images), 50)
    images = _drawable(images[:shown], order)
    columns = [label for label in classifier.classes_]
    matrix = confusion_matrix(true_labels, predictions, columns)
    if len(matrix[0]) > len(columns):
        columns = columns + ["none"]
    largest = max(max(row) for row in images[:shown]) or 1.0
    figures: Dict[str, Union[bytes, str]] = {
        "digits.png": render.digit_grid_png(
            images[:shown],
            list(true_labels[:shown]),
            predictions=list(predictions[:shown]),
            side=side,
            max_value=largest,
        ),
        "weights.svg": render.weights_svg(_drawable_layer(classifier.network_[0], order), side=side),
        "confusion.svg": render.confusion_svg(matrix, columns),
    }
    if isinstance(history, list) and history:
        figures["learning_curves.svg"] = render.learning_curves_svg(history)
    paths = []
    for name, content in figures.items():
        path = os.path.join(directory, name)
        if isinstance(content, bytes):
            render.write_png(path, content)
        else:
            render.write_svg(path, content)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# Commands


_TRAINING_FLAGS = {
    "hidden": "hidden",
    "activation": "activation",
    "output_activation": "output_activation",
    "loss": "loss",
    "init": "init",
    "epochs": "epochs",
    "rate": "rate",
    "schedule": "schedule",
    "momentum": "momentum",
    "l2": "l2",
    "dropout": "dropout",
    "batch_size": "batch_size",
    "scaling": "scaling",
    "divide_by": "divide_by",
    "patience": "patience",
    "validation_fraction": "validation_fraction",
    "loss_tolerance": "loss_tolerance",
    "decision": "decision",
    "measure_train_accuracy": "measure_train_accuracy",
}


def _classifier_params(args: argparse.Namespace) -> Dict[str, Any]:
    preset = get_preset(args.preset)
    params = dict(preset.params)
    for flag, param in _TRAINING_FLAGS.items():
        value = getattr(args, flag)
        if value is not None:
            params[param] = value
    if params.get("scaling", "standardize") != "divide":
        params.pop("divide_by", None)
    params["seed"] = args.seed
    return params


# The sequential split trains on the first 70%: later writers are then the test set.
_DEFAULT_TEST_FRACTION = {"stratified": 0.25, "random": 0.25, "sequential": 0.3, "none": 0.0}


def _check_output_directory(path: str, option: str) -> None:
    """Fail before a long training run, not after it, when the model cannot be saved there."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise PurennError(f"{option} {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise PurennError(f"{option} {path} is a directory; give a file name")


def _train(args: argparse.Namespace) -> int:
    _check_output_directory(args.out, "--out")
    if args.plots and os.path.exists(args.plots) and not os.path.isdir(args.plots):
        raise PurennError(f"--plots {args.plots} exists and is not a directory")
    preset = get_preset(args.preset)
    split, test_fraction = _split_choice(args, preset.split, preset.test_fraction)
    options = _data_options(args)
    inputs, labels = _load(args.data, args.labels, args.label_column, options)
    _hint_about_labels(args.data, labels, options)
    if is_mat_source(args.data):  # recorded, so that predict --pixels draws the model's images upright
        options["image_order"] = _image_order(options, args.data)
    if split == "none":
        train_rows, test_rows = list(range(len(labels))), []  # type: Tuple[List[int], List[int]]
    else:
        train_rows, test_rows = _split(labels, split, test_fraction, args.seed)
    classifier = Classifier(**_classifier_params(args))
    show_progress = not args.quiet and sys.stderr.isatty()
    bar = _ProgressBar(sys.stderr) if show_progress else None
    train_inputs, train_labels = take(inputs, train_rows), take(labels, train_rows)
    started = time.perf_counter()
    try:
        classifier.fit(train_inputs, train_labels, progress=bar)
    except DivergenceError as error:
        if bar:
            bar.close()
        print(f"purenn train: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    if test_rows:
        shown_inputs, shown_labels = take(inputs, test_rows), take(labels, test_rows)
    else:  # split "none": no test set, the figures and plots are of the training rows
        shown_inputs, shown_labels = train_inputs, train_labels
    predictions = classifier.predict(shown_inputs)
    shown_accuracy = accuracy(shown_labels, predictions)
    sizes = "-".join(
        str(n) for n in [classifier.n_features_in_, *classifier.hidden, len(classifier.classes_)]
    )
    trained_on = f"{len(train_rows)} samples" if test_rows else f"all {len(train_rows)} rows"
    print(
        f"trained {sizes} ({', '.join(classifier.activations_)}; {classifier.loss}) "
        f"on {trained_on} of {args.data} in {seconds:.1f} s: {classifier.stopped_}"
    )
    correct = sum(p == t for p, t in zip(predictions, shown_labels))
    results: Dict[str, Any] = {}
    if test_rows:
        train_accuracy = _train_accuracy(args, classifier, train_inputs, train_labels)
        if train_accuracy is not None:
            print(f"train accuracy: {_percent(train_accuracy)}")
        print(
            f"test accuracy: {_percent(shown_accuracy)} ({correct}/{len(shown_labels)}) "
            f"on the {split} split, seed {args.seed}"
        )
        results["test_accuracy"] = shown_accuracy
    else:
        print(f"train accuracy: {_percent(shown_accuracy)} ({correct}/{len(shown_labels)})")
        print("no test set: every row trained (split none); --split stratified keeps a quarter for a test")
        results["train_accuracy"] = shown_accuracy
    model = classifier.to_model(
        preset=args.preset,
        data=args.data,
        labels_file=args.labels,
        label_column=args.label_column,
        split={"kind": split, "test_fraction": test_fraction, "seed": args.seed},
        **results,
        seconds=seconds,
        history=[record.as_dict() for record in classifier.history_],
        **({"data_options": options} if options else {}),
    )
    save_model(model, args.out)
    print(f"saved the model to {args.out}")
    if args.plots:
        order = _image_order(options, args.data)
        history = model.training["history"]
        paths = _write_plots(args.plots, classifier, shown_inputs, shown_labels, predictions, history, order)
        print(f"wrote {', '.join(paths)}")
    return 0


def _split_choice(args: argparse.Namespace, preset_split: str, preset_fraction: float) -> Tuple[str, float]:
    """The split and test fraction: the flags, else the preset's (or the split's usual fraction).

    A --test-fraction with a preset that trains on every row (split "none") asks for a test set:
    the split is then stratified.
    """
    split = args.split or preset_split
    if split == "none" and args.test_fraction:
        if args.split == "none":
            raise PurennError("--test-fraction needs a test set, but --split none trains on every row")
        split = "stratified"
    test_fraction = args.test_fraction or (
        preset_fraction if split == preset_split else _DEFAULT_TEST_FRACTION[split]
    )
    return split, test_fraction


def _train_accuracy(
    args: argparse.Namespace, classifier: Classifier, inputs: List[List[float]], labels: List[Label]
) -> Optional[float]:
    """The training accuracy after the last epoch: the epochs' own measure, else measured once now
    (ng-ex4 measures it only at the end, as its tutorial does), unless --no-train-accuracy."""
    history = classifier.history_
    if history and history[-1].train_accuracy is not None:
        return history[-1].train_accuracy
    if args.measure_train_accuracy is False:
        return None
    return accuracy(labels, classifier.predict(inputs))


def _model_data(
    model_path: str, classifier_training: Dict[str, Any], args: argparse.Namespace
) -> Tuple[List[List[float]], List[Label], str]:
    """The data to evaluate on: DATA whole, or else the test split the model was trained with."""
    options = _data_options(args, classifier_training.get("data_options"))
    if args.data:
        inputs, labels = _load(args.data, args.labels, args.label_column, options)
        return inputs, labels, f"all {len(labels)} rows of {args.data}"
    split = classifier_training.get("split")
    source = classifier_training.get("data")
    if not isinstance(split, dict) or not isinstance(source, str):
        raise PurennError(f"{model_path} does not record its training data: give DATA")
    try:
        kind, fraction, seed = split["kind"], float(split["test_fraction"]), int(split["seed"])
        labels_file = classifier_training.get("labels_file")
        column = str(classifier_training.get("label_column", "-1"))
    except (KeyError, TypeError, ValueError):
        raise PurennError(f'{model_path}, field "training.split" is malformed: give DATA') from None
    if kind not in ("stratified", "random", "sequential", "none"):
        raise PurennError(f'{model_path}, field "training.split.kind": unknown split {kind!r}')
    inputs, labels = _load(source, labels_file, column, options)
    if kind == "none":
        return inputs, labels, f"all {len(labels)} rows of {source}, its training data (split none)"
    _, test_rows = _split(labels, kind, fraction, seed)
    return (
        take(inputs, test_rows),
        take(labels, test_rows),
        f"the {kind} test split of {source} (seed {seed})",
    )


def _check_input_size(model_path: str, classifier: Classifier, inputs: List[List[float]], where: str) -> None:
    if inputs and len(inputs[0]) != classifier.n_features_in_:
        raise PurennError(
            f"{model_path} expects {classifier.n_features_in_} inputs, but {where} has {len(inputs[0])}"
        )


def _evaluate(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    classifier = Classifier.from_model(model)
    inputs, labels, described = _model_data(args.model, model.training, args)
    _check_input_size(args.model, classifier, inputs, described)
    unknown = sorted({str(label) for label in labels} - {str(c) for c in classifier.classes_})
    if unknown:
        raise PurennError(f"the data has labels the model does not know: {', '.join(unknown[:5])}")
    predictions = classifier.predict(inputs)
    columns = list(classifier.classes_)
    matrix = confusion_matrix(labels, predictions, columns)
    column_names = [str(c) for c in columns] + (["none"] if len(matrix[0]) > len(columns) else [])
    print(f"{args.model} on {described}")
    print(f"accuracy: {_percent(accuracy(labels, predictions))}")
    print()
    print(render.confusion_text(matrix, [str(c) for c in columns], column_names))
    print()
    print(format_report(labels, predictions, columns))
    if args.plots:
        options = _data_options(args, model.training.get("data_options"))
        source = args.data or model.training.get("data")
        order = _image_order(options, source if isinstance(source, str) else None)
        paths = _write_plots(
            args.plots, classifier, inputs, labels, predictions, model.training.get("history"), order
        )
        print(f"wrote {', '.join(paths)}")
    return 0


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


def _predict(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    classifier = Classifier.from_model(model)
    label: Optional[Label] = None
    options = _data_options(args, model.training.get("data_options"))
    if args.pixels is not None:
        pixels = _parse_pixels(args.pixels)
        where = "--pixels"
    else:
        inputs, labels = _load(args.data, args.labels, args.label_column, options)
        if args.index >= len(inputs):
            raise PurennError(f"--index {args.index} is out of range: {args.data} has {len(inputs)} rows")
        pixels, label = inputs[args.index], labels[args.index]
        where = f"row {args.index} of {args.data}"
    _check_input_size(args.model, classifier, [pixels], where)
    side = math.isqrt(len(pixels))
    if side * side == len(pixels):
        (upright,) = _drawable([pixels], _image_order(options, None if args.pixels else args.data))
        print(render.digit_text(upright, side=side, max_value=max(max(pixels), 1e-12)))
    (outputs,) = classifier.predict_proba([pixels])
    (answer,) = classifier.predict([pixels])
    for name, value in zip(classifier.classes_, outputs):
        bar = "#" * int(round(20 * min(max(value, 0.0), 1.0)))
        print(f"{str(name):>6} {value:8.4f} {bar}")
    verdict = f"prediction: {answer if answer is not None else 'undecided'}"
    if label is not None:
        verdict += f" (label: {label})"
    print(verdict)
    return 0


def _show(args: argparse.Namespace) -> int:
    model = load_model(args.model) if args.model else None
    options = _data_options(args, model.training.get("data_options") if model else None)
    inputs, labels = _load(args.data, args.labels, args.label_column, options)
    if args.start >= len(inputs):
        raise PurennError(f"--start {args.start} is out of range: {args.data} has {len(inputs)} rows")
    images = inputs[args.start : args.start + args.count]
    shown_labels = labels[args.start : args.start + args.count]
    predictions: Optional[List[Optional[Label]]] = None
    if model is not None:
        classifier = Classifier.from_model(model)
        _check_input_size(args.model, classifier, images, args.data)
        predictions = classifier.predict(images)
    images = _drawable(images, _image_order(options, args.data))
    layout: Dict[str, Any] = {
        "predictions": predictions,
        "columns": args.columns,
        "side": _side(len(images[0])),
        "max_value": max(max(row) for row in images) or 1.0,
    }
    if args.png:
        render.write_png(args.png, render.digit_grid_png(images, shown_labels, **layout))
        print(f"wrote {args.png}")
    if args.svg:
        render.write_svg(args.svg, render.digit_grid_svg(images, shown_labels, **layout))
        print(f"wrote {args.svg}")
    if not (args.png or args.svg):
        print(render.digit_grid_text(images, shown_labels, **layout))
    return 0


def _gradcheck(args: argparse.Namespace) -> int:
    sizes = list(args.sizes)
    if len(sizes) < 2:
        raise PurennError("--sizes needs at least an input and an output size, e.g. 6,3")
    rng = random.Random(args.seed)
    network = make_network(sizes, rng, init="uniform", low=-1.0, high=1.0)
    output = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(args.loss, "identity")
    activations = [args.activation] * (len(sizes) - 2) + [output]
    worst = 0.0
    for _ in range(args.samples):
        x = [rng.uniform(-1.0, 1.0) for _ in range(sizes[0])]
        hot = rng.randrange(sizes[-1])
        target = [1.0 if i == hot else 0.0 for i in range(sizes[-1])]
        worst = max(worst, check_gradients(network, x, target, activations, args.loss, l2=args.l2))
    weights = sum(len(neuron) for layer in network for neuron in layer)
    verdict = "ok" if worst <= 1e-6 else "FAILED"
    print(
        f"network {'-'.join(map(str, sizes))} ({', '.join(activations)}; {args.loss}, l2 {args.l2}): "
        f"{weights} weights, {args.samples} samples"
    )
    print(f"worst relative error: {worst:.3g} ({verdict}: the bound is 1e-6)")
    return 0 if worst <= 1e-6 else 1


_COMMANDS = {
    "train": _train,
    "evaluate": _evaluate,
    "predict": _predict,
    "show": _show,
    "gradcheck": _gradcheck,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except PurennError as error:
        print(f"purenn {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `purenn evaluate model.json | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:
        print(
            f"purenn {args.command}: error: {error.filename or ''}: {error.strerror or error}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(f"purenn {args.command}: interrupted", file=sys.stderr)
        return 130
