"""`purenn train` as a library: a recipe and a data set in, a fitted Classifier and its record out.

- DataSource: where the rows come from (a CSV, MAT or IDX file, "digits" for the vendored digits, or
  "-" for CSV on standard input), the IDX labels file, the CSV label column, and the MAT-file
  options (inputs_variable, labels_variable, relabel, image_order).
- Recipe: a preset's name, the train/test split (kind and test fraction; None: the preset's), the
  seed, where the scaling is fitted ("train" or "all"; None: the preset's); for a model that goes on
  training (resume.resume), its file and the split it records.
- Split: (kind, test fraction, seed) of a train/test split, as a model file records it.
- train_recipe: train a Classifier on a DataSource as a Recipe says; return a Trained.
- prepare_training, Prepared.fit: the same in two steps, for a caller that wants the rows split
  before the training starts (a benchmark measuring the test rows after each epoch; a progress
  bar whose clock starts with the first epoch).
- Trained: the fitted Classifier, its Model with the provenance in its training record, and what
  `purenn train` prints: the seconds, the rows trained and tested, the accuracy.
- recorded_test_split: the test rows a model file records, read again (`purenn evaluate MODEL`).
- recorded_inputs: the files recorded_test_split would read, as (what, path), for check_output.
- load: a DataSource's (inputs, labels), the labels renamed as its options say.
- image_order: how a source's rows unroll their square images.
- data_identity, recorded_path: a data file's size and SHA-256; its path as a model records it.

The steps of train_recipe, each error before any slower work: the split is chosen (a resumed
model's own, unless the recipe names one), the data files' identities taken, the rows read and
split; a recipe that scales over every row fits its scaling on all of them, and one that stops
over every row counts them (not for a resumed model); the network's size is checked; then
Classifier.fit trains on the training rows and the test rows are predicted (the training rows for
split "none", which keeps no test set).

Errors are PurennError, in one line; the command line's flags name the settings in them.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from .data import digits_path, is_mat_source, load_dataset
from .errors import PurennError
from .estimator import Classifier
from .files import identity
from .matlab import COLUMN_MAJOR, ROW_MAJOR
from .metrics import accuracy
from .model import Model
from .preflight import check_network_fits
from .presets import Preset, get_preset
from .scaling import fit_scaling
from .splits import SPLITS, class_list, relabel, split, take
from .train import Progress, StepProgress
from .vectors import Label

__all__ = [
    "DataSource",
    "Notice",
    "Prepared",
    "Recipe",
    "Split",
    "Trained",
    "data_identity",
    "image_order",
    "load",
    "prepare_training",
    "recorded_inputs",
    "recorded_path",
    "recorded_test_split",
    "train_recipe",
]

Rows = List[List[float]]
Identity = Optional[Dict[str, Any]]
# Told (kind, text) before training starts: "note" (standard output) or "warning" (standard error).
Notice = Callable[[str, str], None]


class DataSource(NamedTuple):
    """Where rows come from; label_column as typed (a number, negative from the end, or a header
    name; None: the last), options as a model records them (training.data_options)."""

    path: str
    labels: Optional[str] = None
    label_column: Optional[str] = None
    options: Optional[Mapping[str, Any]] = None


class Recipe(NamedTuple):
    """How to train: a preset's name, the split (None: the preset's), the seed of the split, and
    where the scaling is fitted ("train", "all"; None: the preset's). For a classifier that goes
    on training a model file (resume.resume): resumed_from names the file, recorded_split is the
    split it records (kept unless split names another), and its own scaling is kept."""

    preset: str = "default"
    split: Optional[str] = None
    test_fraction: Optional[float] = None
    seed: int = 0
    fit_scaling_on: Optional[str] = None
    resumed_from: Optional[str] = None
    recorded_split: Optional[Tuple[str, float, int]] = None


class Split(NamedTuple):
    """A train/test split: "stratified", "random", "sequential" or "none"; the test rows' share; the seed."""

    kind: str
    test_fraction: float
    seed: int


# ---------------------------------------------------------------------------------------------
# Data


def _label_column(text: Optional[str]) -> Any:
    if text is None:
        return -1
    try:
        return int(text)
    except ValueError:
        return text


def load(source: DataSource) -> Tuple[Rows, List[Label]]:
    """Read a DataSource: (inputs, labels), the labels renamed by its options' relabel pairs.

    >>> inputs, labels = load(DataSource("digits", options={"relabel": [[0, 10]]}))
    >>> len(inputs), len(inputs[0]), sorted(set(labels))[-2:]
    (1797, 64, [9, 10])
    """
    options = source.options or {}
    inputs, labels = load_dataset(
        source.path,
        labels_path=source.labels,
        label_column=_label_column(source.label_column),
        inputs_variable=options.get("inputs_variable"),
        labels_variable=options.get("labels_variable"),
    )
    renames = options.get("relabel")
    return inputs, relabel(labels, [(old, new) for old, new in renames]) if renames else labels


def _check_renames_used(labels: Sequence[Label], renames: Sequence[Sequence[Label]]) -> None:
    """Refuse a rename of a label the training data does not have (it would do nothing).

    After the renaming, each new name is a label of the data exactly when the old one was.

    >>> _check_renames_used([0, 1], [[11, 0]])
    >>> _check_renames_used([1, 2], [[11, 0]])
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: relabel 11=0: the data has no label 11, so the renaming would do nothing
    """
    present = set(labels)
    for old, new in renames:
        if new not in present:
            raise PurennError(
                f"relabel {old}={new}: the data has no label {old!r}, so the renaming would do nothing"
            )


def image_order(options: Mapping[str, Any], source: Optional[str]) -> str:
    """How the images of source unroll: as stated, else column-major for MAT-files, else row-major.

    >>> image_order({}, "ex4data1.mat"), image_order({}, "digits")
    ('column-major', 'row-major')
    >>> image_order({"image_order": "row-major"}, "ex4data1.mat")
    'row-major'
    """
    if "image_order" in options:
        return str(options["image_order"])
    return COLUMN_MAJOR if source is not None and is_mat_source(source) else ROW_MAJOR


def _labels_note(source: str, labels: Sequence[Label], options: Mapping[str, Any]) -> Optional[str]:
    """How to name ex4data1.mat's zeros 0, when a MAT-file's labels are 1..10 as its are."""
    if is_mat_source(source) and "relabel" not in options and class_list(labels) == list(range(1, 11)):
        return "the labels are 1..10; if 10 stands for the digit 0 (as in ex4data1.mat), --relabel 10=0"
    return None


def recorded_path(path: Optional[str]) -> Optional[str]:
    """A data path as the model file records it: absolute, so that evaluate works from anywhere.

    >>> recorded_path("digits"), recorded_path("-"), recorded_path("/data/x.csv")
    ('digits', '-', '/data/x.csv')
    """
    if path is None or path in ("digits", "-"):
        return path
    return os.path.abspath(path)


def data_identity(path: Optional[str]) -> Identity:
    """Size and SHA-256 of a data file (the vendored digits too); None for standard input.

    >>> data_identity("-") is None, sorted(data_identity("digits") or {})
    (True, ['bytes', 'sha256'])
    """
    if path is None or path == "-":
        return None
    try:
        return identity(str(digits_path()) if path == "digits" else path)
    except OSError as error:
        raise PurennError(f"{path}: cannot read: {error.strerror or error}") from None


# ---------------------------------------------------------------------------------------------
# The split


def _train_split(recipe: Recipe) -> Split:
    """The train/test split: a resumed model's own (recorded), unless the recipe names one; else the
    recipe's, its preset's where it names none. A test fraction asks for a test set."""
    if recipe.recorded_split and not recipe.split:  # the model's own split: its test set stays unseen
        return Split(*recipe.recorded_split)
    preset = get_preset(recipe.preset)
    kind = recipe.split or preset.split
    if kind == "none" and recipe.test_fraction:  # a test fraction asks for a test set
        if recipe.split == "none":
            raise PurennError("--test-fraction needs a test set, but --split none trains on every row")
        kind = "stratified"
    test_fraction = recipe.test_fraction or (
        preset.test_fraction if kind == preset.split else SPLITS[kind].test_fraction
    )
    return Split(kind, test_fraction, recipe.seed)


def _split_rows(labels: Sequence[Label], chosen: Split) -> Tuple[List[int], List[int]]:
    """(training rows, test rows); split "none" trains on every row and tests none."""
    return split(chosen.kind, labels, chosen.test_fraction, random.Random(chosen.seed))


# ---------------------------------------------------------------------------------------------
# Training


def _all_rows_settings(
    classifier: Classifier,
    preset: Preset,
    fit_scaling_on: Optional[str],
    inputs: Rows,
    labels: Sequence[Label],
) -> None:
    """The preset's whole-data choices: a scaling fitted on every row before the split (unless
    fit_scaling_on "train"), the stopping rule's loss over all rows."""
    if (fit_scaling_on or ("all" if preset.scaling_on_all_rows else "train")) == "all":
        kind = classifier.scaling if isinstance(classifier.scaling, str) else classifier.scaling["kind"]
        divide_by = classifier.divide_by if kind == "divide" else None
        classifier.set_params(scaling=fit_scaling(inputs, kind, divide_by=divide_by), divide_by=None)
    if preset.loss_over_all_rows and classifier.loss_tolerance is not None:
        classifier.set_params(loss_tolerance_divisor=len(labels))


def _check_train_size(
    classifier: Classifier, inputs: Rows, labels: Sequence[Label], train_rows: int
) -> Optional[str]:
    """Refuse a network no model file holds or memory fits, before it is made; a warning when large.
    A step's rows count too: batch_size of them, or every training row for full batches (0)."""
    sizes = [len(inputs[0]), *classifier.hidden, len({str(label) for label in labels})]
    batch = classifier.batch_size if isinstance(classifier.batch_size, int) else 1
    return check_network_fits(sizes, rows_per_step=min(batch, train_rows) if batch > 0 else train_rows)


@dataclasses.dataclass
class Prepared:
    """The rows read and split and the classifier set for them: all of train_recipe but the training."""

    classifier: Classifier
    source: DataSource
    recipe: Recipe
    split: Split
    train_inputs: Rows
    train_labels: List[Label]
    test_inputs: Rows  # empty for split "none"
    test_labels: List[Label]
    data_options: Dict[str, Any]  # the source's options, the image order of a MAT-file added
    identities: Tuple[Identity, Identity]  # of the data file and of the IDX labels file

    def fit(
        self, progress: Optional[Progress] = None, step_progress: Optional[StepProgress] = None
    ) -> Trained:
        """Train the classifier on the training rows (Classifier.fit) and predict the test rows, or
        the training rows without a test set; return a Trained. progress and step_progress go to
        Classifier.fit as they are: train.train calls them after every epoch, after every step.

        Raises what Classifier.fit raises: DivergenceError, WorkerError, PurennError.
        """
        started = time.perf_counter()
        self.classifier.fit(
            self.train_inputs, self.train_labels, progress=progress, step_progress=step_progress
        )
        seconds = time.perf_counter() - started
        tested = bool(self.test_labels)
        shown_inputs, shown_labels = (
            (self.test_inputs, self.test_labels) if tested else (self.train_inputs, self.train_labels)
        )
        predictions = self.classifier.predict(shown_inputs)
        shown_accuracy = accuracy(shown_labels, predictions)
        model = self.classifier.to_model(**self._provenance(tested, shown_accuracy, seconds))
        return Trained(self, model, seconds, shown_inputs, shown_labels, predictions, shown_accuracy)

    def _provenance(self, tested: bool, shown_accuracy: float, seconds: float) -> Dict[str, Any]:
        """The training record beside the settings: where the data came from, how it was split
        and scaled, the accuracy, the time, the history (model.py validates each field on load)."""
        source, classifier = self.source, self.classifier
        data_id, labels_id = self.identities
        resumed_from = self.recipe.resumed_from
        resumed = {"resumed_from": os.path.abspath(resumed_from)} if resumed_from else {}
        return {
            **resumed,
            "preset": self.recipe.preset,
            "data": recorded_path(source.path),
            "labels_file": recorded_path(source.labels),
            "label_column": source.label_column if source.label_column is not None else "-1",
            "data_identity": data_id,
            "labels_identity": labels_id,
            "split": self.split._asdict(),
            "scaling_fitted_on": "all rows" if isinstance(classifier.scaling, dict) else "training rows",
            ("test_accuracy" if tested else "train_accuracy"): shown_accuracy,
            "seconds": seconds,
            "history": [record.as_dict() for record in classifier.history_],
            **({"data_options": self.data_options} if self.data_options else {}),
        }


@dataclasses.dataclass
class Trained:
    """A finished training: the model to save and what `purenn train` says of it."""

    prepared: Prepared
    model: Model  # the fitted classifier's, its training record with the provenance
    seconds: float  # Classifier.fit's
    shown_inputs: Rows  # the test rows; the training rows without a test set (split "none")
    shown_labels: List[Label]
    predictions: List[Optional[Label]]  # of the shown rows
    accuracy: float  # on the shown rows

    @property
    def classifier(self) -> Classifier:
        return self.prepared.classifier

    @property
    def tested(self) -> bool:
        """True if a test set was kept (the shown rows are the test rows)."""
        return bool(self.prepared.test_labels)

    @property
    def correct(self) -> int:
        """How many shown rows were predicted right."""
        return sum(p == t for p, t in zip(self.predictions, self.shown_labels))

    def train_accuracy(self, measure: bool = True) -> Optional[float]:
        """The training accuracy after the last epoch: the epochs' own measure, else (if measure)
        measured once now: ng-ex4 measures it only at the end, as its tutorial does."""
        history = self.classifier.history_
        if history and history[-1].train_accuracy is not None:
            return history[-1].train_accuracy
        if not measure:
            return None
        return accuracy(self.prepared.train_labels, self.classifier.predict(self.prepared.train_inputs))


def prepare_training(
    classifier: Classifier,
    source: DataSource,
    recipe: Optional[Recipe] = None,
    notice: Optional[Notice] = None,
) -> Prepared:
    """Read and split source as recipe says and set classifier for it; nothing is trained yet.

    `classifier` holds the recipe's parameters (its preset's, with the caller's changes), or is a
    model going on training (resume.resume; the recipe names its file). `notice(kind, text)` hears
    a note on the labels and a warning on the memory the network needs, as soon as they are known.
    recipe None is Recipe(): the default preset, its split, seed 0.
    """
    recipe = recipe or Recipe()
    split = _train_split(recipe)
    identities = (data_identity(source.path), data_identity(source.labels))
    inputs, labels = load(source)
    options = dict(source.options or {})
    _check_renames_used(labels, options.get("relabel") or [])
    note = _labels_note(source.path, labels, options)
    if note and notice:
        notice("note", note)
    if is_mat_source(source.path):  # recorded, so that predict --pixels draws the model's images upright
        options["image_order"] = image_order(options, source.path)
    train_rows, test_rows = _split_rows(labels, split)
    if not recipe.resumed_from:  # a resumed model keeps its own scaling and stopping rule
        _all_rows_settings(classifier, get_preset(recipe.preset), recipe.fit_scaling_on, inputs, labels)
    warning = _check_train_size(classifier, inputs, labels, len(train_rows))
    if warning and notice:
        notice("warning", warning)
    return Prepared(
        classifier,
        source,
        recipe,
        split,
        take(inputs, train_rows),
        take(labels, train_rows),
        take(inputs, test_rows),
        take(labels, test_rows),
        options,
        identities,
    )


def train_recipe(
    classifier: Classifier,
    source: DataSource,
    recipe: Optional[Recipe] = None,
    *,
    notice: Optional[Notice] = None,
    progress: Optional[Progress] = None,
    step_progress: Optional[StepProgress] = None,
) -> Trained:
    """Train classifier on source as recipe says: prepare_training, then Prepared.fit.

    >>> trained = train_recipe(Classifier(hidden=(8,), epochs=2, seed=1), DataSource("digits"))
    >>> trained.prepared.split, len(trained.prepared.train_labels), len(trained.shown_labels)
    (Split(kind='stratified', test_fraction=0.25, seed=0), 1347, 450)
    >>> trained.model.training["split"], trained.model.training["data"]
    ({'kind': 'stratified', 'test_fraction': 0.25, 'seed': 0}, 'digits')
    """
    return prepare_training(classifier, source, recipe, notice).fit(progress, step_progress)


# ---------------------------------------------------------------------------------------------
# What a model was tested on


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
    now = data_identity(path)
    if now != recorded:
        raise PurennError(
            f"{path} has changed since {model_path} was trained on it ({field}: "
            f"{recorded.get('bytes')} bytes then, {now and now['bytes']} now, or a different "
            "SHA-256): its test split would be other rows; give DATA to evaluate on it anyway"
        )


def recorded_inputs(model_path: str, training: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """The data and labels files a model records (what recorded_test_split reads), as (what, path).

    >>> recorded_inputs("m.json", {"data": "/data/train.csv"})
    [("the model's training data", '/data/train.csv')]
    """
    inputs = []
    for what, recorded in (("training data", training.get("data")), ("labels", training.get("labels_file"))):
        if isinstance(recorded, str) and recorded not in ("-", "digits"):
            inputs.append((f"the model's {what}", _find_recorded(model_path, recorded) or recorded))
    return inputs


def recorded_test_split(
    model_path: str, training: Mapping[str, Any], options: Optional[Mapping[str, Any]] = None
) -> Tuple[Rows, List[Label], str]:
    """The test rows of the split a model's training record names, read again, and their description.

    `training` is the model's training record (Model.training); `options` the data options to read
    its data with (the record's own, training.data_options, unless the caller changes them). The
    data files must be as they were (their size and SHA-256 recorded); PurennError if they are
    not, or if the record names no data to read again. Split "none" tested no rows: all its rows.
    """
    split = training.get("split")
    source = training.get("data")
    if not isinstance(split, dict) or not isinstance(source, str):
        raise PurennError(f"{model_path} does not record its training data: give DATA")
    if source == "-":
        raise PurennError(f"{model_path} was trained on standard input: give DATA")
    kind, fraction, seed = split["kind"], float(split["test_fraction"]), int(split["seed"])
    labels_file = _find_recorded(model_path, training.get("labels_file"))
    column = str(training.get("label_column", "-1"))
    source = _find_recorded(model_path, source) or source
    _check_identity(model_path, source, training.get("data_identity"), "training.data_identity")
    _check_identity(model_path, labels_file, training.get("labels_identity"), "training.labels_identity")
    inputs, labels = load(DataSource(source, labels_file, column, options))
    if kind == "none":
        return inputs, labels, f"all {len(labels)} rows of {source}, its training data (split none)"
    _, test_rows = _split_rows(labels, Split(kind, fraction, seed))
    return (
        take(inputs, test_rows),
        take(labels, test_rows),
        f"the {kind} test split of {source} (seed {seed})",
    )
