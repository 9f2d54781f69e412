"""Classes and train/test splits: labels made into targets, rows made into a training and a test set.

Classes:

- class_list: the distinct labels sorted (ints numerically, then strs).
- one_hot: one target vector per label.
- relabel: labels renamed, refusing to merge two classes.

Splits (each returns sorted row indices ``(train, test)``):

- SPLITS: the registry, name -> SplitKind(function, test_fraction): "stratified", "random",
  "sequential" and "none" (every row trains), each with its default test fraction. The
  command line's ``--split`` choices, the model files' "training.split.kind" and every
  "unknown split" message come from it.
- split: the one entry point by name, ``split(kind, labels, test_fraction, rng)``.
- stratified_split, random_split, sequential_split: the splits themselves.
- take: the rows at some indices.

>>> list(SPLITS), SPLITS["sequential"].test_fraction
(['stratified', 'random', 'sequential', 'none'], 0.3)
>>> split("sequential", ["a", "b", "c", "d"], 0.25, random.Random(0))
([0, 1, 2], [3])
"""

from __future__ import annotations

import random
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple, TypeVar

from .errors import DataError, PurennError
from .vectors import Label

__all__ = [
    "SPLITS",
    "SplitKind",
    "class_list",
    "one_hot",
    "random_split",
    "relabel",
    "sequential_split",
    "split",
    "stratified_split",
    "take",
]

_T = TypeVar("_T")
Rows = Tuple[List[int], List[int]]  # (train, test) row indices


# == Classes ==================================================================================


def class_list(labels: Sequence[Label]) -> List[Label]:
    """Return the distinct labels sorted: ints numerically first, then strs as text.

    >>> class_list([3, "b", 1, "a", 3, 10])
    [1, 3, 10, 'a', 'b']
    """
    return sorted(set(labels), key=_class_key)


def _class_key(label: Label) -> Tuple[int, int, str]:
    """Sort key putting ints (by value) before strs (by text)."""
    if isinstance(label, str):
        return (1, 0, label)
    if isinstance(label, int):
        return (0, label, "")
    raise PurennError(f"labels must be ints or strs, found {type(label).__name__}")


def relabel(labels: Sequence[Label], renames: Sequence[Tuple[Label, Label]]) -> List[Label]:
    """Return the labels with each (old, new) pair's old label renamed to new; others unchanged.

    For data sets that name a class by another label, like ex4data1.mat's 10 for the digit 0.
    Raises PurennError when a new name is already a label of the data (two classes would merge)
    or an old label is renamed twice.

    >>> relabel([10, 1, 10, 2], [(10, 0)])
    [0, 1, 0, 2]
    """
    mapping: Dict[Label, Label] = {}
    for old, new in renames:
        if old in mapping:
            raise PurennError(f"relabel: label {old!r} is renamed twice")
        mapping[old] = new
    present = set(labels)
    for old, new in mapping.items():
        if new in present and new not in mapping:
            raise PurennError(f"relabel {old!r} as {new!r}: the data already has a label {new!r}")
    return [mapping.get(label, label) for label in labels]


def one_hot(labels: Sequence[Label], classes: Sequence[Label]) -> List[List[float]]:
    """Return one target vector per label: 1.0 at the label's index in classes, 0.0 elsewhere.

    Raises DataError for a label not in classes, PurennError for repeated classes.

    >>> one_hot([2, 0], [0, 1, 2])
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    position = {label: index for index, label in enumerate(classes)}
    if len(position) != len(classes):
        raise PurennError("one_hot: classes must not repeat")
    targets = []
    for row, label in enumerate(labels):
        index = position.get(label)
        if index is None:
            raise DataError(f"label {label!r} (row {row}) is not one of the {len(classes)} classes")
        target = [0.0] * len(classes)
        target[index] = 1.0
        targets.append(target)
    return targets


# == Splits ===================================================================================


def stratified_split(labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """Split row indices into sorted (train, test), keeping each class's share in both.

    For each class (in class_list order) its indices are shuffled with rng and the first
    round(n_class * test_fraction) go to test, so each class's test count is within half a
    sample of its exact share. Raises PurennError unless 0 < test_fraction < 1, DataError
    if either side would be empty.

    >>> train, test = stratified_split([0, 0, 0, 0, 1, 1, 1, 1], 0.5, random.Random(1))
    >>> len(train), len(test), sorted(train + test) == list(range(8))
    (4, 4, True)
    """
    _check_fraction(test_fraction, "test_fraction")
    members: Dict[Label, List[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    train: List[int] = []
    test: List[int] = []
    for label in class_list(list(members)):
        indices = members[label]
        rng.shuffle(indices)
        n_test = round(len(indices) * test_fraction)
        test.extend(indices[:n_test])
        train.extend(indices[n_test:])
    return _nonempty_split(sorted(train), sorted(test))


def random_split(n: int, test_fraction: float, rng: random.Random) -> Rows:
    """Split range(n) into sorted (train, test) with round(n * test_fraction) random test rows.

    Raises PurennError unless 0 < test_fraction < 1, DataError if either side would be empty.

    >>> random_split(5, 0.4, random.Random(0))
    ([0, 3, 4], [1, 2])
    """
    _check_fraction(test_fraction, "test_fraction")
    order = list(range(_row_count(n)))
    rng.shuffle(order)
    n_test = round(n * test_fraction)
    return _nonempty_split(sorted(order[n_test:]), sorted(order[:n_test]))


def sequential_split(n: int, train_fraction: float) -> Rows:
    """Split range(n) into (train, test): the first round(n * train_fraction) rows train.

    Raises PurennError unless 0 < train_fraction < 1, DataError if either side would be empty.

    >>> sequential_split(5, 0.6)
    ([0, 1, 2], [3, 4])
    """
    _check_fraction(train_fraction, "train_fraction")
    n_train = round(_row_count(n) * train_fraction)
    return _nonempty_split(list(range(n_train)), list(range(n_train, n)))


def take(rows: Sequence[_T], indices: Sequence[int]) -> List[_T]:
    """Return [rows[i] for i in indices]; an index outside 0..len(rows)-1 is a PurennError.

    >>> take(["a", "b", "c"], [2, 0])
    ['c', 'a']
    """
    size = len(rows)
    for index in indices:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise PurennError(f"take: index {index!r} is out of range for {size} rows")
    return [rows[index] for index in indices]


def _check_fraction(value: float, name: str) -> None:
    """Refuse a fraction that is not a number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise PurennError(f"{name} must be a number between 0 and 1 (exclusive), found {value!r}")


def _row_count(n: int) -> int:
    """Refuse a row count that is not a non-negative int."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise PurennError(f"the number of rows must be a non-negative int, found {n!r}")
    return n


def _nonempty_split(train: List[int], test: List[int]) -> Rows:
    """Return (train, test), or raise DataError if one of them is empty."""
    if not train or not test:
        empty = "training" if not train else "test"
        raise DataError(f"split of {len(train) + len(test)} rows leaves the {empty} set empty")
    return train, test


# == The registry =============================================================================


class SplitKind(NamedTuple):
    """A kind of split: how it picks the rows, and the test fraction it takes by default."""

    function: Callable[[Sequence[Label], float, random.Random], Rows]
    test_fraction: float


def _stratified(labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """stratified_split: each class keeps its share on both sides."""
    return stratified_split(labels, test_fraction, rng)


def _random(labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """random_split: round(n * test_fraction) rows drawn at random for the test set."""
    return random_split(len(labels), test_fraction, rng)


def _sequential(labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """sequential_split: the first rows train, the last test_fraction of them test (rng unused)."""
    return sequential_split(len(labels), 1.0 - test_fraction)


def _none(labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """Every row trains; no test set (test_fraction must be 0)."""
    if test_fraction != 0:
        raise PurennError(f"split none keeps no test set: test_fraction must be 0, found {test_fraction!r}")
    return list(range(len(labels))), []


# The sequential split trains on the first 70%: later writers are then the test set.
SPLITS: Dict[str, SplitKind] = {
    "stratified": SplitKind(_stratified, 0.25),
    "random": SplitKind(_random, 0.25),
    "sequential": SplitKind(_sequential, 0.3),
    "none": SplitKind(_none, 0.0),
}


def split(kind: str, labels: Sequence[Label], test_fraction: float, rng: random.Random) -> Rows:
    """Split the rows of labels into sorted (train, test) by the named kind of SPLITS.

    "sequential" trains on the first 1 - test_fraction of the rows and draws nothing from rng;
    "none" returns every row as train and no test row. Raises PurennError for an unknown kind
    (naming the known ones) and as the kind's function does.

    >>> split("stratified", [0, 0, 1, 1], 0.5, random.Random(3))
    ([0, 2], [1, 3])
    >>> split("none", [0, 1], 0.0, random.Random(0))
    ([0, 1], [])
    >>> split("halves", [0, 1], 0.5, random.Random(0))
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: unknown split 'halves'; known: stratified, random, sequential, none
    """
    if kind not in SPLITS:
        raise PurennError(f"unknown split {kind!r}; known: {', '.join(SPLITS)}")
    return SPLITS[kind].function(labels, test_fraction, rng)
