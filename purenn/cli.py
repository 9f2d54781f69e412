"""The command line: `purenn` and `python -m purenn`.

- train:     train on the vendored digits (or --data FILE), report test accuracy, save a model.
- evaluate:  accuracy, confusion matrix and per-class report of a model on data.
- predict:   one image (by index into a data file, 64 numbers or a PNG): drawn, probabilities, answer;
             or every row of a data file, one CSV line each (--data FILE [--out FILE]).
- show:      a grid of digits with their labels, in the terminal or as a PNG/SVG file.
- gradcheck: backpropagation against central differences on a small random network.
- serve:     a page in the browser to draw digits on, and its JSON API (purenn/serve.py).
- export:    a model as ONNX (purenn/onnx.py).

Exit status: 0 on success, 2 with one line on stderr for bad input or a bad file (and for no
command at all, after the list of commands), 1 when training diverges. Library errors
(PurennError) become that line; nothing else is caught silently. --json on evaluate and predict
prints one JSON object instead of text.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple, Union

from . import __version__, explain, preflight, serve
from . import figures as render
from . import onnx as onnx_export
from .data import (
    Label,
    class_list,
    digits_path,
    fit_scaling,
    is_mat_source,
    load_dataset,
    random_split,
    relabel,
    sequential_split,
    source_kind,
    stratified_split,
    take,
)
from .errors import DivergenceError, PurennError, WorkerError
from .estimator import Classifier
from .files import check_output, identity
from .gradcheck import RELU_MARGIN, push_relus_off_the_kink, verdict
from .images import png_input
from .matlab import COLUMN_MAJOR, ROW_MAJOR, image_in_rows
from .metrics import accuracy, confusion_matrix, format_report
from .model import load_model, save_model
from .network import Network, make_network
from .predictions import evaluation_json, prediction_rows, predictions_csv, predictions_json, write_text
from .presets import PRESETS, get_preset
from .resume import resume
from .train import DROPOUT_ORDERS, History, Settings

__all__ = ["main"]


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Help that ends each option's line with its default, unless that is None or False (unset)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action) or ""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits with status 2.

    Every parser (and subcommand parser) shows defaults in its help and takes long options
    only in full: no silent prefix matching (allow_abbrev=False).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

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
        help="a CSV file, a MATLAB .mat file, an IDX images file (CSV and IDX may be gzipped), 'digits' "
        "(the vendored data), or - to read CSV from standard input (all of it; a FIFO or device path is "
        "refused)",
    )
    parser.add_argument("--labels", metavar="FILE", help="the IDX labels file for IDX images")
    parser.add_argument(
        "--label-column",
        metavar="COLUMN",
        help="the CSV label column: a number (negative from the end) or a header name (default -1)",
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
    group = parser.add_argument_group("network and training (each overrides the preset's value, its default)")
    option = group.add_argument
    option("--preset", default="default", choices=sorted(PRESETS), help="a named recipe")
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
    option(
        "--dropout-order",
        choices=list(DROPOUT_ORDERS),
        help="inverted (textbook) or mask-after-output (tutorial 000: the mask after the output)",
    )
    option("--batch-size", type=_count, help="samples per step: 1 = per-sample SGD, 0 = full batch")
    option(
        "--jobs",
        type=_count,
        help="processes for each batch's gradient: 0 = every core (not with --batch-size 1)",
    )
    option(
        "--scaling",
        choices=["standardize", "divide", "global-variance", "none"],
        help="input scaling (global-variance: (x - mean) / variance over all values together)",
    )
    option(
        "--fit-scaling-on",
        choices=["train", "all"],
        help="fit the scaling on the training rows, or on all rows before the split (default: the preset's)",
    )
    option("--divide-by", type=_positive_number, help="the divisor for --scaling divide")
    option("--solver", choices=["sgd", "adam"], help="sgd (with --momentum) or adam (try --rate 0.001)")
    option(
        "--early-stopping",
        action="store_true",
        default=None,
        help="hold out --validation-fraction and stop when its accuracy stops improving",
    )
    option(
        "--validation-fraction",
        type=_fraction,
        help="share of the training data held out for --early-stopping (default 0.1)",
    )
    option(
        "--n-iter-no-change",
        type=_positive_int,
        help="stop after more than this many epochs without improvement by --tol (default 10)",
    )
    option(
        "--tol",
        type=_non_negative_number,
        help="the improvement that counts; without --early-stopping it watches the training loss",
    )
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
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="`purenn COMMAND --help` tells more of each"
    )

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
    train.add_argument(
        "--test-fraction", type=_fraction, help="share of the data kept for testing (default: the split's)"
    )
    train.add_argument("--seed", type=int, default=0, help="seed of every random draw")
    train.add_argument("--out", default="model.json", metavar="FILE", help="where to save the model")
    train.add_argument("--plots", metavar="DIR", help="also write figures of the run into DIR")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument(
        "--resume",
        metavar="MODEL",
        help="go on training MODEL: its weights, scaling, classes, settings and split (flags given "
        "override the settings; its layers stay)",
    )
    _add_training_options(train)

    evaluate = commands.add_parser(
        "evaluate",
        help="accuracy, confusion matrix and report of a model",
        description="Evaluate MODEL on DATA (default: the test split it was trained with).",
    )
    evaluate.add_argument("model", metavar="MODEL", help="a model file written by purenn train")
    evaluate.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help="a CSV/IDX file or 'digits'; all its rows are used (default: the model's test split)",
    )
    evaluate.add_argument("--labels", metavar="FILE", help="the IDX labels file for IDX images")
    evaluate.add_argument("--label-column", metavar="COLUMN", help="the CSV label column of DATA")
    _add_mat_options(evaluate)
    evaluate.add_argument("--plots", metavar="DIR", help="also write figures into DIR")
    evaluate.add_argument("--json", action="store_true", help="print the results as one JSON object")

    predict = commands.add_parser(
        "predict",
        help="classify one image, or every row of a file",
        description=(
            "Classify one image (--index N into --data, --pixels or --image), drawn with its probabilities; "
            "or, with --data FILE alone, every row of FILE: one CSV line per row (row, label, "
            "prediction, one output per class) to stdout or --out. --label-column none reads a CSV "
            "file of features alone (no label column)."
        ),
    )
    predict.add_argument("model", metavar="MODEL", help="a model file written by purenn train")
    source = predict.add_mutually_exclusive_group()
    source.add_argument(
        "--index", type=_count, help="row number (from 0) in --data, or in the vendored digits without --data"
    )
    source.add_argument(
        "--pixels", metavar="NUMBERS", help="the raw input values, separated by spaces or commas"
    )
    source.add_argument("--image", metavar="FILE.png", help="a PNG of a digit, prepared as the data set was")
    _add_data_options(predict, default=None)
    predict.add_argument(
        "--out", metavar="FILE", help="with --data alone: write the CSV lines to FILE (default, or -: stdout)"
    )
    predict.add_argument("--json", action="store_true", help="print the results as one JSON object")

    show = commands.add_parser(
        "show",
        help="draw digits with their labels",
        description="Draw digits with their labels, in the terminal or to a file.",
    )
    _add_data_options(show)
    show.add_argument("--start", type=_count, default=0, help="first row to show")
    show.add_argument("--count", type=_positive_int, default=20, help="how many")
    show.add_argument("--columns", type=_positive_int, default=10, help="digits per line")
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
        default="6,5,4,3",
        metavar="SIZES",
        help="layer sizes, inputs first",
    )
    gradcheck.add_argument("--activation", default="tanh", help="hidden activation")
    gradcheck.add_argument(
        "--loss",
        default="cross_entropy",
        choices=["cross_entropy", "binary_cross_entropy", "squared_error"],
        help="the loss whose gradients are checked",
    )
    gradcheck.add_argument("--l2", type=_non_negative_number, default=0.01, help="L2 regularisation lambda")
    gradcheck.add_argument("--samples", type=_positive_int, default=5, help="random samples to check")
    gradcheck.add_argument("--seed", type=int, default=0, help="seed of the network and the samples")
    serve.add_parser(commands)
    explain.add_parser(commands)
    onnx_export.add_parser(commands)
    return parser


# ---------------------------------------------------------------------------------------------
# Shared steps


def _label_column(text: Optional[str]) -> Any:
    if text is None:
        return -1
    try:
        return int(text)
    except ValueError:
        return text


def _check_data_flags(source: str, labels_path: Optional[str], label_column: Optional[str]) -> None:
    """Refuse --labels for data that is not IDX, and --label-column for data without a choice."""
    kind = source_kind(source)
    if labels_path is not None and kind != "idx":
        raise PurennError(f"--labels is only for IDX images, and {source} is not IDX")
    if label_column is not None and kind in ("idx", "digits"):
        why = (
            "IDX labels come from --labels" if kind == "idx" else "the vendored digits have their labels last"
        )
        preflight.refuse_unused_flags({"--label-column": why})


def _load(
    source: str,
    labels_path: Optional[str],
    label_column: Optional[str],
    options: Optional[Dict[str, Any]] = None,
    *,
    recorded: bool = False,
) -> Tuple[List[List[float]], List[Label]]:
    """Load a data source; options (see _data_options) name MAT-file variables and renamed labels."""
    if not recorded:  # what a model recorded is not the user's flags: nothing to refuse
        _check_data_flags(source, labels_path, label_column)
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


def _clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss).

    >>> _clock(75.4), _clock(3725)
    ('1:15', '1:02:05')
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds_left:02d}" if hours else f"{minutes}:{seconds_left:02d}"


class _ProgressBar:
    """One line on a terminal's stderr, redrawn from the first step on: where training is, the
    last epoch's loss and accuracies, the time taken and an estimate of the time left.

    Each redraw returns to the start of the line, writes the text cut to the terminal's width
    (a wrapped line could not be overwritten) and clears what is left of the old one (ESC [K).
    Steps redraw at most every 0.1 s.
    """

    def __init__(
        self, stream: Any, clock: Callable[[], float] = time.perf_counter, columns: Optional[int] = None
    ) -> None:
        self.stream = stream
        self.clock = clock
        self.columns = columns
        self.started = clock()
        self.last_drawn = -1.0
        self.summary = ""

    def _draw(self, epoch: int, epochs: int, done: float) -> None:
        width = 20
        share = min(max(((epoch - 1) + done) / epochs, 0.0), 1.0)
        filled = int(width * share)
        elapsed = self.clock() - self.started
        left = elapsed * (1.0 - share) / share if share > 0 else None
        timing = f"{_clock(elapsed)} elapsed" + (f", ~{_clock(left)} left" if left is not None else "")
        text = f"epoch {epoch:>{len(str(epochs))}}/{epochs} [{'#' * filled}{'.' * (width - filled)}]"
        text += f" {100 * share:3.0f}%  {timing}{self.summary}"
        columns = self.columns or shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + text[: max(columns - 1, 10)] + "\x1b[K")
        self.stream.flush()
        self.last_drawn = self.clock()

    def step(self, epoch: int, epochs: int, done: int, steps: int) -> None:
        """After a step: redraw if 0.1 s have passed (and always after the first)."""
        if self.last_drawn < 0 or self.clock() - self.last_drawn >= 0.1:
            self._draw(epoch, epochs, done / steps)

    def __call__(self, record: History, epochs: int) -> None:
        """After an epoch: its loss and accuracies join the line."""
        self.summary = f"  loss {record.loss:.4f}"
        if record.train_accuracy is not None:
            self.summary += f"  train {100 * record.train_accuracy:.1f}%"
        if record.validation_accuracy is not None:
            self.summary += f"  validation {100 * record.validation_accuracy:.1f}%"
        self._draw(record.epoch, epochs, 1.0)

    def close(self) -> None:
        """End the line, so that what follows starts on a new one."""
        if self.last_drawn >= 0:
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

    preflight.check_plots has checked the directory and the file names before any work. `order` is
    how each row unrolls its image (see _image_order); the figures are drawn upright.
    """
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
    os.makedirs(directory, exist_ok=True)
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
    "dropout_order": "dropout_order",
    "batch_size": "batch_size",
    "scaling": "scaling",
    "divide_by": "divide_by",
    "solver": "solver",
    "early_stopping": "early_stopping",
    "validation_fraction": "validation_fraction",
    "n_iter_no_change": "n_iter_no_change",
    "tol": "tol",
    "loss_tolerance": "loss_tolerance",
    "decision": "decision",
    "measure_train_accuracy": "measure_train_accuracy",
    "jobs": "n_jobs",
}


def _given_params(args: argparse.Namespace) -> Dict[str, Any]:
    """The Classifier parameters of the training flags given on the command line."""
    return {
        param: getattr(args, flag)
        for flag, param in _TRAINING_FLAGS.items()
        if getattr(args, flag) is not None
    }


def _unused_training_flags(args: argparse.Namespace, params: Dict[str, Any]) -> Dict[str, str]:
    """The training flags the user gave that the resulting settings would silently ignore."""
    effective = {**Classifier().get_params(), **params}
    unused = {}
    if args.validation_fraction is not None and not effective["early_stopping"]:
        unused["--validation-fraction"] = "the validation set only serves --early-stopping"
    if args.n_iter_no_change is not None and not (
        effective["early_stopping"] or effective["tol"] is not None
    ):
        unused["--n-iter-no-change"] = "it counts epochs for --early-stopping or --tol"
    if args.divide_by is not None and effective["scaling"] != "divide":
        unused["--divide-by"] = f"it is for --scaling divide, and the scaling is {effective['scaling']}"
    if not effective["hidden"]:
        for flag, given in (("--activation", args.activation), ("--dropout", args.dropout)):
            if given is not None:
                unused[flag] = "the network has no hidden layers"
    return unused


def _classifier_params(args: argparse.Namespace) -> Dict[str, Any]:
    """The Classifier parameters: the preset's, overridden by the flags given; unused flags refused."""
    preset = get_preset(args.preset)
    params = {**preset.params, **_given_params(args)}
    preflight.refuse_unused_flags(_unused_training_flags(args, params))
    if params.get("scaling", Classifier().scaling) != "divide":
        params.pop("divide_by", None)  # the preset's divisor, for a scaling the user changed
    params["seed"] = args.seed
    return params


# The sequential split trains on the first 70%: later writers are then the test set.
_DEFAULT_TEST_FRACTION = {"stratified": 0.25, "random": 0.25, "sequential": 0.3, "none": 0.0}


def _recorded_path(path: Optional[str]) -> Optional[str]:
    """A data path as the model file records it: absolute, so that evaluate works from anywhere."""
    if path is None or path in ("digits", "-"):
        return path
    return os.path.abspath(path)


def _identity(path: Optional[str]) -> Optional[Dict[str, Any]]:
    """Size and SHA-256 of a data file (the vendored digits too); None for standard input."""
    if path is None or path == "-":
        return None
    try:
        return identity(str(digits_path()) if path == "digits" else path)
    except OSError as error:
        raise PurennError(f"{path}: cannot read: {error.strerror or error}") from None


def _check_train_paths(args: argparse.Namespace, read: Sequence[Tuple[str, str]] = ()) -> None:
    """Every output of `train`, checked before the data is read: not an input, writable."""
    inputs = [*preflight.data_inputs(args.data, args.labels), *read]
    check_output(args.out, "--out", inputs)
    if args.plots is not None:
        preflight.check_plots(args.plots, [*inputs, ("--out", args.out)])


def _all_rows_settings(
    classifier: Classifier,
    resumed: bool,
    args: argparse.Namespace,
    inputs: List[List[float]],
    labels: Sequence[Label],
) -> None:
    """The preset's whole-data choices: a scaling fitted on every row before the split (unless
    --fit-scaling-on train, or a resumed model's own scaling), the stopping rule over all rows."""
    preset = get_preset(args.preset)
    if resumed:
        return
    if (args.fit_scaling_on or ("all" if preset.scaling_on_all_rows else "train")) == "all":
        kind = classifier.scaling if isinstance(classifier.scaling, str) else classifier.scaling["kind"]
        divide_by = classifier.divide_by if kind == "divide" else None
        classifier.set_params(scaling=fit_scaling(inputs, kind, divide_by=divide_by), divide_by=None)
    if preset.loss_over_all_rows and classifier.loss_tolerance is not None:
        classifier.set_params(loss_tolerance_divisor=len(labels))


def _check_train_size(classifier: Classifier, inputs: List[List[float]], labels: Sequence[Label]) -> None:
    """Refuse a network no model file holds or memory fits, before it is made; warn when large."""
    sizes = [len(inputs[0]), *classifier.hidden, len({str(label) for label in labels})]
    warning = preflight.check_network_fits(sizes)
    if warning:
        print(f"purenn train: warning: {warning}", file=sys.stderr)


def _train_split(
    args: argparse.Namespace, recorded: Optional[Tuple[str, float, int]]
) -> Tuple[str, float, int]:
    """(kind, test fraction, seed) of the train/test split: a resumed model's own, or the flags'."""
    if recorded and not args.split:  # the model's own split: its test set stays unseen
        return recorded
    preset = get_preset(args.preset)
    split = args.split or preset.split
    if split == "none" and args.test_fraction:  # a test fraction asks for a test set
        if args.split == "none":
            raise PurennError("--test-fraction needs a test set, but --split none trains on every row")
        split = "stratified"
    test_fraction = args.test_fraction or (
        preset.test_fraction if split == preset.split else _DEFAULT_TEST_FRACTION[split]
    )
    return split, test_fraction, args.seed


def _fit(classifier: Classifier, inputs: List[List[float]], labels: List[Label], quiet: bool) -> float:
    """Train, with the progress line on a terminal; return the seconds it took."""
    bar = _ProgressBar(sys.stderr) if not quiet and sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        classifier.fit(inputs, labels, progress=bar, step_progress=bar.step if bar else None)
    except KeyboardInterrupt:
        raise  # the message of main starts a new line itself
    except BaseException:
        if bar:
            bar.close()
        raise
    if bar:
        bar.close()
    return time.perf_counter() - started


def _train(args: argparse.Namespace) -> int:
    inputs_read = [("--resume", args.resume)] if args.resume else []
    params = _classifier_params(args)  # unused flags refused first
    resumed = resume(args.resume, _given_params(args), args.seed) if args.resume else None
    classifier = resumed[0] if resumed else Classifier(**params)
    classifier.settings()  # every setting checked before the data is read
    _check_data_flags(args.data, args.labels, args.label_column)
    _check_train_paths(args, inputs_read)
    split, test_fraction, split_seed = _train_split(args, resumed[1] if resumed else None)
    data_identity, labels_identity = _identity(args.data), _identity(args.labels)
    options = _data_options(args)
    inputs, labels = _load(args.data, args.labels, args.label_column, options)
    _hint_about_labels(args.data, labels, options)
    if is_mat_source(args.data):  # recorded, so that predict --pixels draws the model's images upright
        options["image_order"] = _image_order(options, args.data)
    if split == "none":
        train_rows, test_rows = list(range(len(labels))), []  # type: Tuple[List[int], List[int]]
    else:
        train_rows, test_rows = _split(labels, split, test_fraction, split_seed)
    _all_rows_settings(classifier, resumed is not None, args, inputs, labels)
    _check_train_size(classifier, inputs, labels)
    train_inputs, train_labels = take(inputs, train_rows), take(labels, train_rows)
    try:
        seconds = _fit(classifier, train_inputs, train_labels, args.quiet)
    except (DivergenceError, WorkerError) as error:
        print(f"purenn train: {error}", file=sys.stderr)
        return 1
    if test_rows:
        shown_inputs, shown_labels = take(inputs, test_rows), take(labels, test_rows)
    else:  # split "none": no test set, the figures and plots are of the training rows
        shown_inputs, shown_labels = train_inputs, train_labels
    predictions = classifier.predict(shown_inputs)
    shown_accuracy = accuracy(shown_labels, predictions)
    results = {"test_accuracy" if test_rows else "train_accuracy": shown_accuracy}
    resumed_from = {"resumed_from": os.path.abspath(args.resume)} if args.resume else {}
    model = classifier.to_model(
        **resumed_from,
        preset=args.preset,
        data=_recorded_path(args.data),
        labels_file=_recorded_path(args.labels),
        label_column=args.label_column if args.label_column is not None else "-1",
        data_identity=data_identity,
        labels_identity=labels_identity,
        split={"kind": split, "test_fraction": test_fraction, "seed": split_seed},
        scaling_fitted_on="all rows" if isinstance(classifier.scaling, dict) else "training rows",
        **results,
        seconds=seconds,
        history=[record.as_dict() for record in classifier.history_],
        **({"data_options": options} if options else {}),
    )
    save_model(model, args.out)  # saved before anything is printed: stdout may be gone
    paths = []
    if args.plots:
        order = _image_order(options, args.data)
        history = model.training["history"]
        paths = _write_plots(args.plots, classifier, shown_inputs, shown_labels, predictions, history, order)
    sizes = "-".join(
        str(n) for n in [classifier.n_features_in_, *classifier.hidden, len(classifier.classes_)]
    )
    trained_on = f"{len(train_rows)} samples" if test_rows else f"all {len(train_rows)} rows"
    print(
        f"trained {sizes} ({', '.join(classifier.activations_)}; {classifier.loss}) "
        f"on {trained_on} of {args.data} in {seconds:.1f} s: {classifier.stopped_}"
    )
    correct = sum(p == t for p, t in zip(predictions, shown_labels))
    if test_rows:
        train_accuracy = _train_accuracy(args, classifier, train_inputs, train_labels)
        if train_accuracy is not None:
            print(f"train accuracy: {_percent(train_accuracy)}")
        print(
            f"test accuracy: {_percent(shown_accuracy)} ({correct}/{len(shown_labels)}) "
            f"on the {split} split, seed {split_seed}"
        )
    else:
        print(f"train accuracy: {_percent(shown_accuracy)} ({correct}/{len(shown_labels)})")
        print("no test set: every row trained (split none); --split stratified keeps a quarter for a test")
    print(f"saved the model to {args.out}")
    if paths:
        print(f"wrote {', '.join(paths)}")
    return 0


def _find_recorded(model_path: str, recorded: Optional[str]) -> Optional[str]:
    """A data path the model records: absolute as is; a relative one (older files) is looked
    for beside the model first, then in the working directory."""
    if recorded is None or recorded == "digits" or os.path.isabs(recorded):
        return recorded
    beside = os.path.join(os.path.dirname(os.path.abspath(model_path)), recorded)
    return beside if os.path.exists(beside) else recorded


def _check_identity(model_path: str, path: Optional[str], recorded: object, field: str) -> None:
    """Refuse data whose size or SHA-256 differs from what the model recorded when it trained."""
    if path is None or not isinstance(recorded, dict):
        return
    now = _identity(path)
    if now != recorded:
        raise PurennError(
            f"{path} has changed since {model_path} was trained on it ({field}: "
            f"{recorded.get('bytes')} bytes then, {now and now['bytes']} now, or a different "
            "SHA-256): its test split would be other rows; give DATA to evaluate on it anyway"
        )


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
    preflight.refuse_unused_flags(
        {
            flag: "it describes DATA, and none is given (the model's own test split is used)"
            for flag, value in (("--labels", args.labels), ("--label-column", args.label_column))
            if value is not None
        }
    )
    split = classifier_training.get("split")
    source = classifier_training.get("data")
    if not isinstance(split, dict) or not isinstance(source, str):
        raise PurennError(f"{model_path} does not record its training data: give DATA")
    if source == "-":
        raise PurennError(f"{model_path} was trained on standard input: give DATA")
    kind, fraction, seed = split["kind"], float(split["test_fraction"]), int(split["seed"])
    labels_file = _find_recorded(model_path, classifier_training.get("labels_file"))
    column = str(classifier_training.get("label_column", "-1"))
    source = _find_recorded(model_path, source) or source
    _check_identity(model_path, source, classifier_training.get("data_identity"), "training.data_identity")
    _check_identity(
        model_path, labels_file, classifier_training.get("labels_identity"), "training.labels_identity"
    )
    if kind not in ("stratified", "random", "sequential", "none"):
        raise PurennError(f'{model_path}, field "training.split.kind": unknown split {kind!r}')
    inputs, labels = _load(source, labels_file, column, options, recorded=True)
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
    if args.plots is not None:
        inputs_read = [("MODEL", args.model), *preflight.data_inputs(args.data, args.labels)]
        preflight.check_plots(args.plots, inputs_read)
    model = load_model(args.model)
    classifier = Classifier.from_model(model, source=args.model)
    inputs, labels, described = _model_data(args.model, model.training, args)
    _check_input_size(args.model, classifier, inputs, described)
    unknown = sorted({str(label) for label in labels} - {str(c) for c in classifier.classes_})
    if unknown:
        raise PurennError(f"the data has labels the model does not know: {', '.join(unknown[:5])}")
    predictions = classifier.predict(inputs)
    paths = []
    if args.plots:  # the files first: standard output may be gone
        options = _data_options(args, model.training.get("data_options"))
        source = args.data or model.training.get("data")
        order = _image_order(options, source if isinstance(source, str) else None)
        paths = _write_plots(
            args.plots, classifier, inputs, labels, predictions, model.training.get("history"), order
        )
    columns = list(classifier.classes_)
    if args.json:
        if args.plots:
            raise PurennError("--json and --plots do not go together: run evaluate twice")
        return _print_json(evaluation_json(args.model, described, labels, predictions, columns))
    matrix = confusion_matrix(labels, predictions, columns)
    column_names = [str(c) for c in columns] + (["none"] if len(matrix[0]) > len(columns) else [])
    print(f"{args.model} on {described}")
    print(f"accuracy: {_percent(accuracy(labels, predictions))}")
    print()
    print(render.confusion_text(matrix, [str(c) for c in columns], column_names))
    print()
    print(format_report(labels, predictions, columns))
    if paths:
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


def _print_json(document: Dict[str, Any]) -> int:
    print(json.dumps(document, allow_nan=False))
    return 0


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
        inputs, labels = _load(args.data, args.labels, args.label_column, options)
    _check_input_size(args.model, classifier, inputs, args.data)
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


def _predict(args: argparse.Namespace) -> int:
    image_option = "--pixels" if args.pixels is not None else "--image" if args.image is not None else None
    if image_option is not None:
        given = {"--data": args.data, "--labels": args.labels, "--label-column": args.label_column}
        preflight.refuse_unused_flags(
            {
                flag: f"the image comes from {image_option}"
                for flag, value in given.items()
                if value is not None
            }
        )
    model = load_model(args.model)
    classifier = Classifier.from_model(model, source=args.model)
    options = _data_options(args, model.training.get("data_options"))
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
    if args.pixels is not None:
        pixels = _parse_pixels(args.pixels)
        where = "--pixels"
    elif args.image is not None:
        pixels, where = png_input(args.image, classifier.n_features_in_, model.training), args.image
    else:
        inputs, labels = _load(args.data, args.labels, args.label_column, options)
        if args.index >= len(inputs):
            raise PurennError(f"--index {args.index} is out of range: {args.data} has {len(inputs)} rows")
        pixels, label = inputs[args.index], labels[args.index]
        where = f"row {args.index} of {args.data}"
    _check_input_size(args.model, classifier, [pixels], where)
    (outputs,) = classifier.predict_proba([pixels])
    (answer,) = classifier.predict([pixels])
    if args.json:
        document = {
            "prediction": answer,
            "label": label,
            "outputs": dict(zip(map(str, classifier.classes_), outputs)),
        }
        return _print_json(document)
    side = math.isqrt(len(pixels))
    if side * side == len(pixels):
        (upright,) = _drawable([pixels], _image_order(options, None if args.pixels else args.data))
        print(render.digit_text(upright, side=side, max_value=max(max(pixels), 1e-12)))
    for name, value in zip(classifier.classes_, outputs):
        bar = "#" * int(round(20 * min(max(value, 0.0), 1.0)))
        print(f"{str(name):>6} {value:8.4f} {bar}")
    verdict = f"prediction: {answer if answer is not None else 'undecided'}"
    if label is not None:
        verdict += f" (label: {label})"
    print(verdict)
    return 0


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


def _show(args: argparse.Namespace) -> int:
    _check_show_paths(args)
    model = load_model(args.model) if args.model else None
    options = _data_options(args, model.training.get("data_options") if model else None)
    inputs, labels = _load(args.data, args.labels, args.label_column, options)
    if args.start >= len(inputs):
        raise PurennError(f"--start {args.start} is out of range: {args.data} has {len(inputs)} rows")
    images = inputs[args.start : args.start + args.count]
    shown_labels = labels[args.start : args.start + args.count]
    predictions: Optional[List[Optional[Label]]] = None
    if model is not None:
        classifier = Classifier.from_model(model, source=args.model)
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
    if args.svg:
        render.write_svg(args.svg, render.digit_grid_svg(images, shown_labels, **layout))
    for path in (args.png, args.svg):
        if path:
            print(f"wrote {path}")
    if not (args.png or args.svg):
        print(render.digit_grid_text(images, shown_labels, **layout))
    return 0


def _gradcheck_sample(
    network: Network, rng: random.Random, sizes: List[int], activations: List[str], args: argparse.Namespace
) -> Tuple[float, str, int]:
    """One random sample checked: (worst relative error, verdict, ReLU biases moved off the kink)."""
    x = [rng.uniform(-1.0, 1.0) for _ in range(sizes[0])]
    hot = rng.randrange(sizes[-1])
    target = [1.0 if i == hot else 0.0 for i in range(sizes[-1])]
    probed = [[list(neuron) for neuron in layer] for layer in network]
    moved = push_relus_off_the_kink(probed, x, activations)
    error, said = verdict(probed, x, target, activations, args.loss, l2=args.l2)
    return error, said, moved


def _gradcheck(args: argparse.Namespace) -> int:
    sizes = list(args.sizes)
    if len(sizes) < 2:
        raise PurennError("--sizes needs at least an input and an output size, e.g. 6,3")
    preflight.check_network_fits(sizes, "--sizes")
    rng = random.Random(args.seed)
    network = make_network(sizes, rng, init="uniform", low=-1.0, high=1.0)
    output = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(args.loss, "identity")
    activations = [args.activation] * (len(sizes) - 2) + [output]
    Settings(
        hidden=tuple(sizes[1:-1]), activation=args.activation, output_activation=output, loss=args.loss
    ).check()
    results = [_gradcheck_sample(network, rng, sizes, activations, args) for _ in range(args.samples)]
    errors = [error for error, _, _ in results]
    worst = math.nan if any(math.isnan(e) for e in errors) else max(errors)
    verdicts = [said for _, said, _ in results]
    final = "FAILED" if "FAILED" in verdicts else next((v for v in verdicts if v != "ok"), "ok")
    moved = sum(count for _, _, count in results)
    weights = sum(len(neuron) for layer in network for neuron in layer)
    print(
        f"network {'-'.join(map(str, sizes))} ({', '.join(activations)}; {args.loss}, l2 {args.l2}): "
        f"{weights} weights, {args.samples} samples"
    )
    if moved:
        print(
            f"moved {moved} ReLU sums at least {RELU_MARGIN} away from 0 (by their biases): "
            "at 0 the loss has no derivative to check"
        )
    print(f"worst relative error: {worst:.3g} ({final}: the bound is 1e-6)")
    return 0 if final == "ok" else 1


_COMMANDS = {
    "train": _train,
    "evaluate": _evaluate,
    "predict": _predict,
    "show": _show,
    "gradcheck": _gradcheck,
    "serve": serve.run,
    "explain": explain.run,
    "export": onnx_export.run,
}

# Options whose value may start with "-": argparse would take "--pixels -1,0,..." for an option.
_VALUES_MAY_BE_NEGATIVE = ("--pixels",)


def _join_negative_values(argv: Sequence[str]) -> List[str]:
    """Return argv with "--pixels -1,0" joined into "--pixels=-1,0", which argparse reads as a value.

    >>> _join_negative_values(["predict", "m.json", "--pixels", "-1,0,2"])
    ['predict', 'm.json', '--pixels=-1,0,2']
    """
    joined: List[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":
            joined.append(item)
            joined.extend(items)
            break
        if item in _VALUES_MAY_BE_NEGATIVE:
            value = next(items, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                joined.append(f"{item}={value}")
                continue
            joined.append(item)
            if value is not None:
                joined.append(value)
            continue
        joined.append(item)
    return joined


def _silence_stdout() -> None:
    """Point standard output at the null device, so that no later flush fails again."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, AttributeError, ValueError):  # no real descriptor (a test's capture)
        pass


def interrupted(command: str = "purenn") -> int:
    """Say, in one line, that Ctrl-C stopped the command; return its exit status, 130.

    On a terminal the line starts on a new line (after the ^C the terminal echoed).
    """
    try:
        start = "\n" if sys.stderr.isatty() else ""
        sys.stderr.write(f"{start}{command}: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return 130


def _run(argv: Optional[Sequence[str]], names: List[str]) -> int:
    """Parse and run a command; names[0] becomes its name, for messages."""
    parser = _parser()
    try:
        args = parser.parse_args(_join_negative_values(sys.argv[1:] if argv is None else argv))
    finally:
        sys.stdout.flush()  # --help and --version print: a closed pipe shows here
    if args.command is None:  # `purenn` alone: the list of commands, and the status of a usage error
        parser.print_help(sys.stderr)
        return 2
    names[0] = f"purenn {args.command}"
    status = _COMMANDS[args.command](args)
    sys.stdout.flush()  # inside the handlers below, not at exit
    return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; return the exit status.

    0 done; 2 bad input (one line on stderr, and no file was changed); 1 training diverged;
    130 interrupted (Ctrl-C). Standard output closed early (`| head`) ends quietly; standard
    output that cannot be written (`> /dev/full`) is an error, reported after every file is saved.
    """
    names = ["purenn"]
    try:
        return _run(argv, names)
    except PurennError as error:
        print(f"{names[0]}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `purenn evaluate model.json | head`: the reader left, nothing to say
        _silence_stdout()
        return 0
    except OSError as error:
        _silence_stdout()
        where = error.filename or "standard output"
        print(f"{names[0]}: error: {where}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return interrupted(names[0])
