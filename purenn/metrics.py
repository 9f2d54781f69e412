"""How well a classifier does: decisions, accuracy, confusion matrix, per-class scores.

Decisions (turn one output vector into a class index, or a class label):

- argmax_index, argmax_decision: the class with the largest output; the first one wins a tie.
- strict_index, strict_decision: the classic tutorials' rule: round every output; one-hot, or
  undecided (None).
- DECISIONS: the decision rules by name ("argmax", "strict"), output vector -> class index or None.

Scores (compare true labels with predicted labels; a prediction of None means undecided):

- accuracy: the fraction of predictions that are correct.
- confusion_matrix: counts of (true class, predicted class), with an optional "none" column.
- classification_report: precision, recall, F1 and support of every class.
- macro_average: the unweighted mean of the per-class precision, recall and F1.
- format_report: all of the above as an aligned text table, like scikit-learn's.

Bad input (empty data, lengths that differ, labels not in the class list) raises PurennError.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from .errors import PurennError
from .vectors import Label

__all__ = [
    "DECISIONS",
    "ClassScores",
    "accuracy",
    "argmax_decision",
    "argmax_index",
    "classification_report",
    "confusion_matrix",
    "format_report",
    "macro_average",
    "strict_decision",
    "strict_index",
]


class ClassScores(NamedTuple):
    """The scores of one class: precision, recall and F1 in [0, 1]; support counts its samples."""

    label: Label
    precision: float
    recall: float
    f1: float
    support: int


# Decisions ------------------------------------------------------------------------------------


def argmax_index(outputs: Sequence[float]) -> int:
    """Return the index of the largest output (the first one on a tie).

    >>> argmax_index([0.1, 0.7, 0.7])
    1
    """
    return max(range(len(outputs)), key=outputs.__getitem__)  # max keeps the first of equals


def strict_index(outputs: Sequence[float]) -> Optional[int]:
    """Return the class index if the rounded outputs are exactly one-hot, else None (undecided).

    Rounding is Python's round(): halves go to the even neighbour, so 0.5 rounds to 0.

    >>> strict_index([0.1, 0.8, 0.2]), strict_index([0.6, 0.9]), strict_index([0.4, 0.3])
    (1, None, None)
    """
    rounded = [round(a) for a in outputs]
    if rounded.count(1) == 1 and rounded.count(0) == len(rounded) - 1:
        return rounded.index(1)
    return None


DECISIONS: Dict[str, Callable[[Sequence[float]], Optional[int]]] = {
    "argmax": argmax_index,
    "strict": strict_index,
}


def _check_outputs(outputs: Sequence[float], labels: Sequence[Label], caller: str) -> None:
    """Raise PurennError unless outputs is a non-empty list of finite numbers, one per label."""
    if not outputs:
        raise PurennError(f"{caller} requires at least one output")
    if len(outputs) != len(labels):
        raise PurennError(
            f"{caller}: {len(outputs)} outputs but {len(labels)} labels (need one label per output)"
        )
    for index, value in enumerate(outputs):
        if not math.isfinite(value):
            raise PurennError(f"{caller}: output {index} is {value!r}, not a finite number")


def strict_decision(outputs: Sequence[float], labels: Sequence[Label]) -> Optional[Label]:
    """Return the label of a one-hot rounded output vector, or None (undecided).

    The rule of the classic tutorials: round every output to the nearest integer; if the rounded
    vector is exactly one-hot (one 1, every other entry 0), the network has decided for that class.
    Anything else (no 1, two 1s, a 2 or a -1) is undecided and gives None.

    Rounding is Python's round(), which rounds half to even: round(0.5) == 0 and round(1.5) == 2,
    so an output of exactly 0.5 counts as 0, not as 1.

    outputs has one float per class and labels the class labels in the same order. Empty outputs,
    a length mismatch or a non-finite output raise PurennError.

    >>> strict_decision([0.1, 0.8, 0.3], ["cat", "dog", "fish"])
    'dog'
    >>> strict_decision([0.6, 0.7, 0.1], ["cat", "dog", "fish"]) is None  # two 1s
    True
    >>> strict_decision([0.5, 0.2], [0, 1]) is None  # round(0.5) == 0: no 1 at all
    True
    """
    _check_outputs(outputs, labels, "strict_decision")
    index = strict_index(outputs)
    return None if index is None else labels[index]


def argmax_decision(outputs: Sequence[float], labels: Sequence[Label]) -> Label:
    """Return the label of the largest output; when several are equal, the first one wins.

    outputs has one float per class and labels the class labels in the same order. Empty outputs,
    a length mismatch or a non-finite output raise PurennError.

    >>> argmax_decision([0.1, 0.8, 0.3], ["cat", "dog", "fish"])
    'dog'
    >>> argmax_decision([0.4, 0.4, 0.2], [7, 8, 9])  # a tie: the first wins
    7
    """
    _check_outputs(outputs, labels, "argmax_decision")
    return labels[argmax_index(outputs)]


# Scores ---------------------------------------------------------------------------------------


def _check_pairs(
    true_labels: Sequence[Label], predicted_labels: Sequence[Optional[Label]], caller: str
) -> None:
    """Raise PurennError if the two label lists differ in length."""
    if len(true_labels) != len(predicted_labels):
        raise PurennError(f"{caller}: {len(true_labels)} true labels but {len(predicted_labels)} predictions")


def _class_positions(labels: Sequence[Label], caller: str) -> Dict[Label, int]:
    """Map each class label to its position; raise PurennError if labels is empty or repeats one."""
    if not labels:
        raise PurennError(f"{caller} requires at least one class label")
    index: Dict[Label, int] = {}
    for position, label in enumerate(labels):
        if label in index:
            raise PurennError(f"{caller}: class label {label!r} appears twice in labels")
        index[label] = position
    return index


def accuracy(true_labels: Sequence[Label], predicted_labels: Sequence[Optional[Label]]) -> float:
    """Return the fraction of predictions equal to the true label: correct / total.

    A prediction of None (undecided) counts as wrong. Empty data, lists of different lengths or a
    true label of None raise PurennError.

    >>> accuracy([1, 2, 3, 4], [1, 2, 0, None])
    0.5
    >>> accuracy([], [])
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: accuracy requires at least one label
    """
    _check_pairs(true_labels, predicted_labels, "accuracy")
    if not true_labels:
        raise PurennError("accuracy requires at least one label")
    for sample, true in enumerate(true_labels):
        if true is None:
            raise PurennError(f"accuracy: true label of sample {sample} is None")
    correct = sum(1 for true, predicted in zip(true_labels, predicted_labels) if true == predicted)
    return correct / len(true_labels)


def confusion_matrix(
    true_labels: Sequence[Label],
    predicted_labels: Sequence[Optional[Label]],
    labels: Sequence[Label],
    *,
    include_undecided: Optional[bool] = None,
) -> List[List[int]]:
    """Return the confusion matrix: [i][j] counts samples of class labels[i] predicted labels[j].

    Rows are true classes and columns predicted classes, both in the order of labels, so the
    diagonal holds the correct predictions and row i sums to the support of class labels[i].

    Undecided predictions (None) go to one extra last column, "none". include_undecided says
    whether that column is there: True always, None (the default) only if some prediction is None,
    False never (then a None prediction raises PurennError).

    A label not in labels, repeated labels, empty labels or lists of different lengths raise
    PurennError. Empty data gives a matrix of zeros.

    >>> confusion_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    [[1, 1], [0, 2]]
    >>> confusion_matrix(["a", "a", "b"], ["a", None, "b"], ["a", "b"])  # column "none"
    [[1, 0, 1], [0, 1, 0]]
    """
    _check_pairs(true_labels, predicted_labels, "confusion_matrix")
    index = _class_positions(labels, "confusion_matrix")
    if include_undecided is None:
        include_undecided = None in predicted_labels
    width = len(labels) + 1 if include_undecided else len(labels)
    matrix = [[0] * width for _ in labels]
    for sample, (true, predicted) in enumerate(zip(true_labels, predicted_labels)):
        if true not in index:
            raise PurennError(f"confusion_matrix: true label {true!r} of sample {sample} is not in labels")
        if predicted is None:
            if not include_undecided:
                raise PurennError(
                    f"confusion_matrix: prediction {sample} is None but include_undecided is False"
                )
            column = len(labels)
        elif predicted in index:
            column = index[predicted]
        else:
            raise PurennError(
                f"confusion_matrix: predicted label {predicted!r} of sample {sample} is not in labels"
            )
        matrix[index[true]][column] += 1
    return matrix


def _ratio(numerator: int, denominator: int) -> float:
    """Return numerator / denominator, or 0.0 when the denominator is 0 (nothing to score)."""
    return numerator / denominator if denominator else 0.0


def classification_report(
    true_labels: Sequence[Label],
    predicted_labels: Sequence[Optional[Label]],
    labels: Sequence[Label],
) -> List[ClassScores]:
    """Return the precision, recall, F1 and support of every class, in the order of labels.

    For a class with tp true positives, fp false positives and fn false negatives:

        precision = tp / (tp + fp)      (of the samples predicted as the class, how many are it)
        recall    = tp / (tp + fn)      (of the samples of the class, how many were found)
        F1        = 2 tp / (2 tp + fp + fn) = 2 precision recall / (precision + recall)
        support   = tp + fn             (how many samples of the class there are)

    Each ratio whose denominator is 0 is 0.0: a class never predicted has precision 0.0, a class
    with no samples has recall 0.0. An undecided prediction (None) is a false negative of the true
    class and a false positive of none. Errors as in confusion_matrix.

    >>> for row in classification_report([0, 0, 1, 1], [0, 1, 1, None], [0, 1]):
    ...     print(row)
    ClassScores(label=0, precision=1.0, recall=0.5, f1=0.6666666666666666, support=2)
    ClassScores(label=1, precision=0.5, recall=0.5, f1=0.5, support=2)
    """
    matrix = confusion_matrix(true_labels, predicted_labels, labels, include_undecided=True)
    report = []
    for position, label in enumerate(labels):
        true_positives = matrix[position][position]
        support = sum(matrix[position])
        predicted = sum(row[position] for row in matrix)
        false_positives = predicted - true_positives
        false_negatives = support - true_positives
        report.append(
            ClassScores(
                label=label,
                precision=_ratio(true_positives, predicted),
                recall=_ratio(true_positives, support),
                f1=_ratio(2 * true_positives, 2 * true_positives + false_positives + false_negatives),
                support=support,
            )
        )
    return report


def macro_average(report: Sequence[ClassScores]) -> Tuple[float, float, float]:
    """Return the macro averages (precision, recall, F1): plain means over the classes.

    Every class counts the same, whatever its support. As in scikit-learn, the macro F1 is the
    mean of the per-class F1 scores, not the F1 of the mean precision and recall. An empty report
    raises PurennError.

    >>> report = classification_report([0, 0, 1, 1], [0, 1, 1, None], [0, 1])
    >>> macro_average(report)
    (0.75, 0.5, 0.5833333333333333)
    """
    if not report:
        raise PurennError("macro_average requires at least one class")
    count = len(report)
    return (
        math.fsum(row.precision for row in report) / count,
        math.fsum(row.recall for row in report) / count,
        math.fsum(row.f1 for row in report) / count,
    )


def _report_line(
    name: str,
    scores: Sequence[Optional[float]],
    support: Optional[int],
    widths: Tuple[int, int],
    digits: int,
) -> str:
    """Return one row of the text report: the name, then right-aligned scores and support."""
    first, column = widths
    cells = ["" if value is None else f"{value:.{digits}f}" for value in scores]
    cells.append("" if support is None else str(support))
    return (name.rjust(first) + "".join(cell.rjust(column) for cell in cells)).rstrip()


def format_report(
    true_labels: Sequence[Label],
    predicted_labels: Sequence[Optional[Label]],
    labels: Sequence[Label],
    *,
    digits: int = 2,
) -> str:
    """Return the classification report as an aligned text table, like scikit-learn's.

    One row per class (precision, recall, F1, support), then the accuracy over all samples, the
    count of undecided predictions if there are any, and the macro averages. digits is the number
    of decimals shown (0 to 10). Errors as in confusion_matrix, and empty data raises PurennError.

    >>> true = ["cat", "cat", "dog", "dog"]
    >>> predicted = ["cat", "dog", "dog", None]
    >>> print(format_report(true, predicted, ["cat", "dog"]))
              precision    recall  f1-score   support
    <BLANKLINE>
          cat      1.00      0.50      0.67         2
          dog      0.50      0.50      0.50         2
    <BLANKLINE>
     accuracy                          0.50         4
    undecided                                       1
    macro avg      0.75      0.50      0.58         4
    """
    if not 0 <= digits <= 10:
        raise PurennError(f"format_report: digits must be between 0 and 10, found {digits}")
    report = classification_report(true_labels, predicted_labels, labels)
    overall = accuracy(true_labels, predicted_labels)
    undecided = sum(1 for predicted in predicted_labels if predicted is None)
    total = len(true_labels)
    names = [str(row.label) for row in report]
    first = max([len(name) for name in names] + [len("undecided")])
    widths = (first, max(10, digits + 4))  # "precision" plus one space; "0." plus digits
    titles = ("precision", "recall", "f1-score", "support")
    lines = ["".rjust(first) + "".join(title.rjust(widths[1]) for title in titles), ""]
    for name, row in zip(names, report):
        scores = (row.precision, row.recall, row.f1)
        lines.append(_report_line(name, scores, row.support, widths, digits))
    lines.append("")
    lines.append(_report_line("accuracy", (None, None, overall), total, widths, digits))
    if undecided:
        lines.append(_report_line("undecided", (None, None, None), undecided, widths, digits))
    lines.append(_report_line("macro avg", macro_average(report), total, widths, digits))
    return "\n".join(lines)
