"""Tests of purenn.metrics: decisions, accuracy, confusion matrix and the per-class report."""

from __future__ import annotations

from fractions import Fraction
from typing import List, Optional, Tuple, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.errors import PurennError
from purenn.metrics import (
    ClassScores,
    accuracy,
    argmax_decision,
    classification_report,
    confusion_matrix,
    format_report,
    macro_average,
    strict_decision,
)

Label = Union[int, str]

CLASSES = ["a", "b", "c"]

# A data set: true labels from CLASSES and predictions from CLASSES or None (undecided).
samples = st.lists(
    st.tuples(st.sampled_from(CLASSES), st.one_of(st.none(), st.sampled_from(CLASSES))),
    min_size=1,
    max_size=40,
)
finite_outputs = st.lists(st.floats(min_value=-3.0, max_value=3.0, allow_nan=False), min_size=1, max_size=12)


def split(pairs: List[Tuple[str, Optional[str]]]) -> Tuple[List[Label], List[Optional[Label]]]:
    """Return the true labels and the predictions of a list of (true, predicted) pairs."""
    return [true for true, _ in pairs], [predicted for _, predicted in pairs]


# strict_decision -------------------------------------------------------------------------------


def test_strict_decision_returns_the_label_of_a_one_hot_vector() -> None:
    assert strict_decision([0.02, 0.97, 0.4], [3, 5, 8]) == 5
    assert strict_decision([1.0], ["only"]) == "only"


@pytest.mark.parametrize(
    "outputs",
    [
        [0.0, 0.0, 0.0],  # no 1
        [0.9, 0.9, 0.0],  # two 1s
        [1.6, 0.0, 0.0],  # rounds to 2
        [1.0, -0.6, 0.0],  # rounds to -1
        [0.49, 0.5, 0.2],  # round(0.5) == 0: nothing reaches 1
    ],
)
def test_strict_decision_is_undecided_unless_exactly_one_hot(outputs: List[float]) -> None:
    assert strict_decision(outputs, ["x", "y", "z"]) is None


def test_strict_decision_rounds_half_to_even() -> None:
    assert strict_decision([0.5, 1.0], [0, 1]) == 1  # 0.5 rounds to 0
    assert strict_decision([1.5, 0.0], [0, 1]) is None  # 1.5 rounds to 2
    assert strict_decision([0.5000001, 0.0], [0, 1]) == 0  # just above half rounds up
    assert strict_decision([-0.5, 1.0], [0, 1]) == 1  # -0.5 rounds to -0.0 == 0


@given(finite_outputs)
def test_strict_decision_agrees_with_the_definition(outputs: List[float]) -> None:
    labels = list(range(100, 100 + len(outputs)))
    rounded = [round(value) for value in outputs]
    one_hot = sorted(rounded) == [0] * (len(rounded) - 1) + [1]
    expected = labels[rounded.index(1)] if one_hot else None
    assert strict_decision(outputs, labels) == expected


def test_a_strict_decision_is_also_the_argmax_decision() -> None:
    outputs, labels = [0.3, 0.1, 0.51, 0.2], ["a", "b", "c", "d"]
    assert strict_decision(outputs, labels) == argmax_decision(outputs, labels) == "c"


# argmax_decision -------------------------------------------------------------------------------


def test_argmax_decision_picks_the_largest_and_the_first_of_a_tie() -> None:
    assert argmax_decision([-1.0, -0.5, -2.0], CLASSES) == "b"
    assert argmax_decision([0.25, 0.75, 0.75], CLASSES) == "b"
    assert argmax_decision([-0.0, 0.0], [0, 1]) == 0


@given(finite_outputs)
def test_argmax_decision_agrees_with_list_index_of_max(outputs: List[float]) -> None:
    labels = [f"class{index}" for index in range(len(outputs))]
    assert argmax_decision(outputs, labels) == labels[outputs.index(max(outputs))]


@pytest.mark.parametrize("decide", [strict_decision, argmax_decision])
@pytest.mark.parametrize(
    ("outputs", "labels", "message"),
    [
        ([], [], "requires at least one output"),
        ([0.1, 0.9], [0], "2 outputs but 1 labels"),
        ([0.1, float("nan")], [0, 1], "output 1 is nan, not a finite number"),
        ([float("inf"), 0.0], [0, 1], "output 0 is inf, not a finite number"),
    ],
)
def test_decisions_reject_bad_outputs(
    decide: object, outputs: List[float], labels: List[Label], message: str
) -> None:
    with pytest.raises(PurennError, match=message):
        decide(outputs, labels)  # type: ignore[operator]


# accuracy --------------------------------------------------------------------------------------


def test_accuracy_counts_undecided_as_wrong() -> None:
    assert accuracy([1, 2, 3, 4], [1, 2, 0, None]) == 0.5
    assert accuracy(["a"], [None]) == 0.0
    assert accuracy(["a", "b", "c"], ["a", "b", "c"]) == 1.0


@given(samples)
def test_accuracy_is_correct_over_total(pairs: List[Tuple[str, Optional[str]]]) -> None:
    true, predicted = split(pairs)
    correct = sum(1 for t, p in pairs if t == p)
    assert accuracy(true, predicted) == correct / len(pairs)


@pytest.mark.parametrize(
    ("true", "predicted", "message"),
    [
        ([], [], "accuracy requires at least one label"),
        ([1, 2], [1], "accuracy: 2 true labels but 1 predictions"),
        ([1, None], [1, None], "accuracy: true label of sample 1 is None"),
    ],
)
def test_accuracy_rejects_bad_input(
    true: List[Label], predicted: List[Optional[Label]], message: str
) -> None:
    with pytest.raises(PurennError, match=message):
        accuracy(true, predicted)


# confusion_matrix ------------------------------------------------------------------------------


def test_confusion_matrix_rows_are_true_classes_columns_predictions() -> None:
    true = [0, 0, 0, 1, 1, 2]
    predicted = [0, 1, 2, 1, 1, 0]
    assert confusion_matrix(true, predicted, [0, 1, 2]) == [[1, 1, 1], [0, 2, 0], [1, 0, 0]]
    assert confusion_matrix(true, predicted, [2, 1, 0]) == [[0, 0, 1], [0, 2, 0], [1, 1, 1]]


def test_confusion_matrix_undecided_column() -> None:
    true, predicted = ["a", "b", "b"], ["a", None, "b"]
    with_none = [[1, 0, 0], [0, 1, 1]]
    assert confusion_matrix(true, predicted, ["a", "b"]) == with_none
    assert confusion_matrix(true, predicted, ["a", "b"], include_undecided=True) == with_none
    assert confusion_matrix(["a"], ["a"], ["a", "b"], include_undecided=True) == [
        [1, 0, 0],
        [0, 0, 0],
    ]
    assert confusion_matrix(["a"], ["a"], ["a", "b"], include_undecided=False) == [[1, 0], [0, 0]]
    with pytest.raises(PurennError, match="prediction 1 is None but include_undecided is False"):
        confusion_matrix(true, predicted, ["a", "b"], include_undecided=False)


def test_confusion_matrix_of_no_samples_is_zero() -> None:
    assert confusion_matrix([], [], ["a", "b"]) == [[0, 0], [0, 0]]


@given(samples)
def test_confusion_matrix_counts_every_sample_once(pairs: List[Tuple[str, Optional[str]]]) -> None:
    true, predicted = split(pairs)
    matrix = confusion_matrix(true, predicted, CLASSES, include_undecided=True)
    assert sum(map(sum, matrix)) == len(pairs)
    for row, label in zip(matrix, CLASSES):
        assert sum(row) == true.count(label)
        assert row[-1] == sum(1 for t, p in pairs if t == label and p is None)
    correct = sum(matrix[i][i] for i in range(len(CLASSES)))
    assert correct / len(pairs) == accuracy(true, predicted)


@pytest.mark.parametrize(
    ("true", "predicted", "labels", "message"),
    [
        (["a"], ["a", "b"], ["a", "b"], "1 true labels but 2 predictions"),
        (["a", "z"], ["a", "a"], ["a", "b"], "true label 'z' of sample 1 is not in labels"),
        (["a", "b"], ["a", 7], ["a", "b"], "predicted label 7 of sample 1 is not in labels"),
        (["a"], ["a"], [], "requires at least one class label"),
        (["a"], ["a"], ["a", "b", "a"], "class label 'a' appears twice in labels"),
    ],
)
def test_confusion_matrix_rejects_bad_input(
    true: List[Label], predicted: List[Optional[Label]], labels: List[Label], message: str
) -> None:
    with pytest.raises(PurennError, match=message):
        confusion_matrix(true, predicted, labels)


# classification_report and macro_average --------------------------------------------------------


def test_classification_report_exact_values() -> None:
    # class 0: tp 2, fp 1 (a 1 predicted as 0), fn 1 (undecided)
    # class 1: tp 1, fp 0, fn 1 (predicted as 0)
    # class 2: never predicted, no samples
    true = [0, 0, 0, 1, 1]
    predicted = [0, 0, None, 1, 0]
    report = classification_report(true, predicted, [0, 1, 2])
    assert report == [
        ClassScores(label=0, precision=2 / 3, recall=2 / 3, f1=4 / 6, support=3),
        ClassScores(label=1, precision=1.0, recall=0.5, f1=2 / 3, support=2),
        ClassScores(label=2, precision=0.0, recall=0.0, f1=0.0, support=0),
    ]
    assert macro_average(report) == ((2 / 3 + 1.0) / 3, (2 / 3 + 0.5) / 3, (4 / 6 + 2 / 3) / 3)


def test_a_class_never_predicted_has_precision_zero() -> None:
    report = classification_report(["a", "b"], ["a", "a"], ["a", "b"])
    assert report[1] == ClassScores(label="b", precision=0.0, recall=0.0, f1=0.0, support=1)
    assert report[0] == ClassScores(label="a", precision=0.5, recall=1.0, f1=2 / 3, support=1)


@given(samples)
def test_classification_report_agrees_with_exact_fractions(
    pairs: List[Tuple[str, Optional[str]]],
) -> None:
    true, predicted = split(pairs)
    report = classification_report(true, predicted, CLASSES)
    for row, label in zip(report, CLASSES):
        tp = sum(1 for t, p in pairs if t == label and p == label)
        fp = sum(1 for t, p in pairs if t != label and p == label)
        fn = sum(1 for t, p in pairs if t == label and p != label)
        precision = Fraction(tp, tp + fp) if tp + fp else Fraction(0)
        recall = Fraction(tp, tp + fn) if tp + fn else Fraction(0)
        harmonic = 2 * precision * recall / (precision + recall) if precision + recall else 0
        assert row.label == label
        assert row.support == tp + fn
        assert row.precision == float(precision)
        assert row.recall == float(recall)
        assert row.f1 == float(harmonic)  # 2tp / (2tp + fp + fn) is the harmonic mean


def test_macro_average_of_nothing_is_an_error() -> None:
    with pytest.raises(PurennError, match="macro_average requires at least one class"):
        macro_average([])


def test_classification_report_rejects_unknown_labels() -> None:
    with pytest.raises(PurennError, match="predicted label 'q' of sample 0 is not in labels"):
        classification_report(["a"], ["q"], ["a"])


# format_report ---------------------------------------------------------------------------------


def test_format_report_exact_table() -> None:
    true = [0, 0, 0, 1, 1]
    predicted = [0, 0, None, 1, 0]
    expected = "\n".join(
        [
            "          precision    recall  f1-score   support",
            "",
            "        0     0.667     0.667     0.667         3",
            "        1     1.000     0.500     0.667         2",
            "",
            " accuracy                         0.600         5",
            "undecided                                       1",
            "macro avg     0.833     0.583     0.667         5",
        ]
    )
    assert format_report(true, predicted, [0, 1], digits=3) == expected


def test_format_report_widens_for_long_labels_and_many_digits() -> None:
    text = format_report(["seven", "eight"], ["seven", "seven"], ["seven", "eight"], digits=8)
    assert text.splitlines() == [
        "            precision      recall    f1-score     support",
        "",
        "    seven  0.50000000  1.00000000  0.66666667           1",
        "    eight  0.00000000  0.00000000  0.00000000           1",
        "",
        " accuracy                          0.50000000           2",
        "macro avg  0.25000000  0.50000000  0.33333333           2",
    ]
    long_name = "a-very-long-class-name"
    lines = format_report([long_name], [long_name], [long_name]).splitlines()
    assert lines[2] == long_name + "      1.00      1.00      1.00         1"
    assert lines[0] == " " * len(long_name) + " precision    recall  f1-score   support"


@given(samples)
def test_format_report_columns_line_up(pairs: List[Tuple[str, Optional[str]]]) -> None:
    true, predicted = split(pairs)
    lines = format_report(true, predicted, CLASSES).splitlines()
    widths = {len(line) for line in lines if line}
    assert widths == {len(lines[0])}  # every row ends under "support"
    assert ("undecided" in lines[-2]) == (None in predicted)


@pytest.mark.parametrize(
    ("true", "predicted", "digits", "message"),
    [
        ([], [], 2, "accuracy requires at least one label"),
        (["a"], ["a"], 11, "digits must be between 0 and 10, found 11"),
        (["a"], ["a"], -1, "digits must be between 0 and 10, found -1"),
    ],
)
def test_format_report_rejects_bad_input(
    true: List[Label], predicted: List[Optional[Label]], digits: int, message: str
) -> None:
    with pytest.raises(PurennError, match=message):
        format_report(true, predicted, ["a"], digits=digits)
