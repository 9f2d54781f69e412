"""`purenn train`: the flags made a recipe, workflow.py trains it, the model is saved, a few lines say how.

- unused_training_flags: the flags the settings would ignore (the CLI refuses them; with --resume
  they are judged by the resumed model's settings).
- in_flag_words: a Classifier's message in the command line's flag names.
- run: the command. The settings, the data flags and every output path are checked before the
  data is read; workflow.prepare_training reads and splits the data (its notes printed as they
  come); Prepared.fit trains, with a progress bar on a terminal; the model is saved before anything
  more is printed (standard output may be gone), then --plots, then the results.

Exit status 1 when training diverges (or a worker process fails), with one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Dict, List, Sequence, Tuple

from .. import preflight
from ..errors import DivergenceError, PurennError, WorkerError
from ..estimator import Classifier
from ..files import check_output
from ..model import save_model
from ..resume import resume
from ..workflow import DataSource, Prepared, Recipe, Trained, image_order, prepare_training
from .common import data_options, write_plots
from .printing import ProgressBar, percent

__all__ = ["run"]


def _check_train_paths(args: argparse.Namespace, read: Sequence[Tuple[str, str]] = ()) -> None:
    """Every output of `train`, checked before the data is read: not an input, writable."""
    inputs = [*preflight.data_inputs(args.data, args.labels), *read]
    check_output(args.out, "--out", inputs)
    if args.plots is not None:
        preflight.check_plots(args.plots, [*inputs, ("--out", args.out)])


_FLAG_OF = {"n_jobs": "--jobs", "measure_train_accuracy": "--train-accuracy"}  # dest != option


def in_flag_words(error: PurennError, args: argparse.Namespace) -> PurennError:
    """A Classifier's message in the command line's words: the parameter a flag sets named as the
    flag (a leading name, and every snake_case one), never as the API spells it.

    >>> flags = argparse.Namespace(n_jobs=2, batch_size=1)
    >>> print(in_flag_words(PurennError("n_jobs 2 needs batch_size > 1"), flags))
    --jobs 2 needs --batch-size > 1
    """
    words = str(error).split(" ")
    flags = {name: _FLAG_OF.get(name, "--" + name.replace("_", "-")) for name in vars(args)}
    for index, word in enumerate(words):
        name, tail = (word[:-1], word[-1]) if word.endswith((":", ",")) else (word, "")
        if name in flags and (index == 0 or "_" in name):
            words[index] = flags[name] + tail
    return PurennError(" ".join(words))


def _notice(kind: str, text: str) -> None:
    """What workflow.prepare_training tells before training: a note on stdout, a warning on stderr."""
    if kind == "warning":
        print(f"purenn train: warning: {text}", file=sys.stderr)
    else:
        print(f"note: {text}")


def _fit(prepared: Prepared, quiet: bool) -> Trained:
    """Train, with the progress line on a terminal."""
    bar = ProgressBar(sys.stderr) if not quiet and sys.stderr.isatty() else None
    try:
        trained = prepared.fit(progress=bar, step_progress=bar.step if bar else None)
    except KeyboardInterrupt:
        raise  # the message of main starts a new line itself
    except BaseException:
        if bar:
            bar.close()
        raise
    if bar:
        bar.close()
    return trained


def _print_results(args: argparse.Namespace, trained: Trained) -> None:
    """The network, the rows, the time and why it stopped; the accuracies; where the model went."""
    classifier, prepared = trained.classifier, trained.prepared
    sizes = "-".join(
        str(n) for n in [classifier.n_features_in_, *classifier.hidden, len(classifier.classes_)]
    )
    rows = len(prepared.train_labels)
    trained_on = f"{rows} samples" if trained.tested else f"all {rows} rows"
    print(
        f"trained {sizes} ({', '.join(classifier.activations_)}; {classifier.loss}) "
        f"on {trained_on} of {args.data} in {trained.seconds:.1f} s: {classifier.stopped_}"
    )
    counted = f"({trained.correct}/{len(trained.shown_labels)})"
    if trained.tested:
        train_accuracy = trained.train_accuracy(measure=args.measure_train_accuracy is not False)
        if train_accuracy is not None:
            print(f"train accuracy: {percent(train_accuracy)}")
        kind, seed = prepared.split.kind, prepared.split.seed
        print(f"test accuracy: {percent(trained.accuracy)} {counted} on the {kind} split, seed {seed}")
    else:
        print(f"train accuracy: {percent(trained.accuracy)} {counted}")
        print("no test set: every row trained (split none); --split stratified keeps a quarter for a test")
    print(f"saved the model to {args.out}")


def unused_training_flags(args: argparse.Namespace, params: Dict[str, Any]) -> Dict[str, str]:
    """The training flags the user gave that the settings params (a preset's or a resumed model's,
    with the flags) would silently ignore: {flag: why}."""
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
    if args.momentum is not None and effective["solver"] == "adam":
        unused["--momentum"] = "--solver adam keeps its own moments (beta_1, beta_2), not momentum"
    if args.dropout_order is not None and not effective["dropout"]:
        unused["--dropout-order"] = "it orders the dropout mask, and the dropout is 0"
    if args.fit_scaling_on is not None and effective["scaling"] == "none":
        unused["--fit-scaling-on"] = "the scaling is none: there is nothing to fit"
    unused.update(_unused_with_resume(args))
    return unused


def _unused_with_resume(args: argparse.Namespace) -> Dict[str, str]:
    """The flags --resume makes do nothing: a resumed model keeps its scaling and recorded split."""
    unused = {}
    if args.resume and args.fit_scaling_on is not None:
        unused["--fit-scaling-on"] = "a resumed model keeps the scaling it was fitted with"
    if args.resume and args.test_fraction is not None and args.split is None:
        unused["--test-fraction"] = "a resumed model keeps its recorded split: give --split too for another"
    return unused


def run(args: argparse.Namespace, params: Dict[str, Any], given: Dict[str, Any]) -> int:
    """`purenn train`: params are the Classifier's parameters (the preset's, changed by the flags
    given), given the flags' alone (what --resume changes of the model's)."""
    inputs_read = [("--resume", args.resume)] if args.resume else []
    resumed = resume(args.resume, given, args.seed) if args.resume else None
    if resumed:  # the flags judged by the model's own settings, not the preset's
        preflight.refuse_unused_flags(unused_training_flags(args, resumed[0].get_params()))
    classifier = resumed[0] if resumed else Classifier(**params)
    try:
        classifier.settings()  # every setting checked before the data is read
    except PurennError as error:
        raise in_flag_words(error, args) from None
    preflight.check_data_flags(args.data, args.labels, args.label_column)
    _check_train_paths(args, inputs_read)
    recipe = Recipe(
        args.preset,
        args.split,
        args.test_fraction,
        args.seed,
        args.fit_scaling_on,
        resumed_from=args.resume,
        recorded_split=resumed[1] if resumed else None,
    )
    source = DataSource(args.data, args.labels, args.label_column, data_options(args))
    prepared = prepare_training(classifier, source, recipe, notice=_notice)
    try:
        trained = _fit(prepared, args.quiet)
    except (DivergenceError, WorkerError) as error:
        print(f"purenn train: {error}", file=sys.stderr)
        return 1
    save_model(trained.model, args.out)  # saved before anything is printed: stdout may be gone
    paths: List[str] = []
    if args.plots:
        order = image_order(prepared.data_options, args.data)
        shown = (trained.shown_inputs, trained.shown_labels, trained.predictions)
        paths = write_plots(args.plots, classifier, *shown, trained.model.training["history"], order)
    _print_results(args, trained)
    if paths:
        print(f"wrote {', '.join(paths)}")
    return 0
