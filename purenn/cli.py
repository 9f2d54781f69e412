"""The command line: `purenn` and `python -m purenn`: the parser, and main, which runs a command.

- train:     train on the vendored digits (or --data FILE), report test accuracy, save a model.
- evaluate:  accuracy, confusion matrix and per-class report of a model on data.
- predict:   one image (by index into a data file, 64 numbers or a PNG): drawn, probabilities, answer;
             or every row of a data file, one CSV line each (--data FILE [--out FILE]).
- show:      a grid of digits with their labels, in the terminal or as a PNG/SVG file.
- gradcheck: backpropagation against central differences on a small random network.
- serve:     a page in the browser to draw digits on, and its JSON API (purenn/serve.py).
- export:    a model as ONNX (purenn/onnx.py).
- explain:   one training step of a tiny network, worked line by line (purenn/explain.py).

Here: the parser and its subcommands (the argument types are purenn/commands/arguments.py's);
the training flags made Classifier parameters (a preset's, overridden); main. The handlers are in
purenn/commands/ (train's flow itself in purenn/workflow.py); serve, explain and export register
their own subcommands.

Exit status: 0 on success, 2 with one line on stderr for bad input or a bad file (and for no
command at all, after the list of commands), 1 when training diverges. Library errors
(PurennError) become that line; nothing else is caught silently. --json on evaluate and predict
prints one JSON object instead of text.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, List, NoReturn, Optional, Sequence

from . import __version__, explain, preflight, serve
from . import onnx as onnx_export
from .activations import ACTIVATIONS

# The argument types (commands/arguments.py), under the names the parser below uses.
from .commands.arguments import count as _count
from .commands.arguments import dropout as _dropout
from .commands.arguments import fraction as _fraction
from .commands.arguments import layer_sizes as _layer_sizes
from .commands.arguments import non_negative_number as _non_negative_number
from .commands.arguments import positive_int as _positive_int
from .commands.arguments import positive_number as _positive_number
from .commands.arguments import relabel_pairs as _relabel_pairs
from .commands.evaluate import run as _evaluate
from .commands.gradcheck import run as _gradcheck
from .commands.predict import run as _predict
from .commands.show import run as _show
from .commands.train import run as _run_train
from .commands.train import unused_training_flags
from .errors import PurennError
from .estimator import Classifier
from .losses import LOSSES
from .matlab import COLUMN_MAJOR, ROW_MAJOR
from .metrics import DECISIONS
from .network import INITIALISERS
from .optimizers import SOLVERS
from .presets import PRESETS, get_preset
from .scaling import SCALING_KINDS
from .settings import DROPOUT_ORDERS, SCHEDULES, listed_with_or
from .splits import SPLITS

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
    """The training flags: each one's dest is the Classifier parameter (Settings' field) it sets;
    default None leaves the preset's value, or Settings' default (tests/test_settings.py)."""
    group = parser.add_argument_group(
        "network and training (each overrides the preset's value; defaults shown: the default preset's)"
    )
    option = group.add_argument
    paired = [loss.output_activation for loss in LOSSES.values()]  # softmax, sigmoid, identity
    option("--preset", default="default", choices=sorted(PRESETS), help="a named recipe")
    option("--hidden", type=_layer_sizes, metavar="SIZES", help="hidden layer sizes, e.g. 64 or 128,64")
    option("--activation", metavar="NAME", help=f"hidden activation: {', '.join(ACTIVATIONS)}")
    option("--output-activation", metavar="NAME", help=f"output activation: {', '.join(paired)}, ...")
    option("--loss", metavar="NAME", help=listed_with_or(LOSSES))
    option("--init", choices=list(INITIALISERS), help="weight initialiser")
    option("--epochs", type=_positive_int, help="number of passes over the training data")
    option("--rate", type=_positive_number, help="learning rate")
    option("--schedule", choices=list(SCHEDULES), help="learning-rate schedule")
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
        dest="n_jobs",
        metavar="JOBS",
        type=_count,
        help="processes for each batch's gradient: 0 = every core (not with --batch-size 1)",
    )
    option(
        "--scaling",
        choices=list(SCALING_KINDS),
        help="input scaling (global-variance: (x - mean) / variance over all values together)",
    )
    option(
        "--fit-scaling-on",
        choices=["train", "all"],
        help="fit the scaling on the training rows, or on all rows before the split (default: the preset's)",
    )
    option("--divide-by", type=_positive_number, help="the divisor for --scaling divide")
    option("--solver", choices=list(SOLVERS), help="sgd (with --momentum) or adam (try --rate 0.001)")
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
    option("--decision", choices=list(DECISIONS), help="how outputs become a class")
    option(
        "--train-accuracy",
        dest="measure_train_accuracy",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the training accuracy after every epoch (a quarter of an epoch's time; "
        "default: the preset's, only at the end for the default; --no-train-accuracy: never)",
    )
    _show_preset_defaults(group)


# What a training flag falls back to when its default parameter value is None.
_NONE_MEANS = {"divide_by": "the largest |input|"}


def _show_preset_defaults(group: Any) -> None:
    """End each training flag's help with the default preset's value, the one it falls back to:
    Classifier's default (flags default to None, so a preset's own value shows through).
    Flags that are off by default (--early-stopping) or unset (--tol) show nothing."""
    defaults = Classifier().get_params()
    for action in group._group_actions:
        value = _NONE_MEANS.get(action.dest) if defaults.get(action.dest) is None else defaults[action.dest]
        if action.dest not in defaults or value is None or isinstance(value, bool):
            continue
        if action.help and "(default" not in action.help:
            shown = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
            action.help += f" (default: {shown})".replace("%", "%%")


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
        choices=list(SPLITS),
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
    gradcheck.add_argument(
        "--activation",
        help=f"hidden activation: {', '.join(ACTIVATIONS)} (default tanh; needs a hidden layer)",
    )
    gradcheck.add_argument(
        "--loss",
        default="cross_entropy",
        choices=list(LOSSES),
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
# The training flags, made Classifier parameters


def _given_params(args: argparse.Namespace) -> Dict[str, Any]:
    """The Classifier parameters set on the command line: the training flags given (each flag's
    dest is its parameter's name) and --seed."""
    names = Classifier().get_params()
    return {name: value for name, value in vars(args).items() if name in names and value is not None}


def _classifier_params(args: argparse.Namespace) -> Dict[str, Any]:
    """The Classifier parameters: the preset's, overridden by the flags given; unused flags refused
    (with --resume, once the model's own settings are read: commands/train.py)."""
    preset = get_preset(args.preset)
    params = {**preset.params, **_given_params(args)}
    if not args.resume:
        preflight.refuse_unused_flags(unused_training_flags(args, params))
    if params.get("scaling", Classifier().scaling) != "divide":
        params.pop("divide_by", None)  # the preset's divisor, for a scaling the user changed
    return params


def _train(args: argparse.Namespace) -> int:
    """`purenn train`: the flags' parameters (unused flags refused first), then commands/train.py."""
    return _run_train(args, _classifier_params(args), _given_params(args))


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


def _say(line: str) -> None:
    """Write one line to standard error, if it can take it (closed or full, the status still tells)."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _open_closed_streams() -> None:
    """Give a closed standard output or error (`>&-`, `2>&-`: None in sys) the null device.

    Closed standard output is a reader that has gone (files are still written, the status is 0);
    closed standard error loses the messages, not the status, and never sends them to stdout.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - for the run


def interrupted(command: str = "purenn") -> int:
    """Say, in one line, that Ctrl-C stopped the command; return its exit status, 130.

    On a terminal the line starts on a new line (after the ^C the terminal echoed).
    """
    try:
        start = "\n" if sys.stderr.isatty() else ""
    except (OSError, ValueError, AttributeError):
        start = ""
    _say(f"{start}{command}: interrupted")
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
    _open_closed_streams()
    try:
        return _run(argv, names)
    except PurennError as error:
        _say(f"{names[0]}: error: {error}")
        return 2
    except BrokenPipeError:  # e.g. `purenn evaluate model.json | head`: the reader left, nothing to say
        _silence_stdout()
        return 0
    except OSError as error:
        _silence_stdout()
        where = error.filename or "standard output"
        _say(f"{names[0]}: error: {where}: {error.strerror or error}")
        return 2
    except KeyboardInterrupt:
        return interrupted(names[0])
