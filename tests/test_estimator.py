"""Classifier: scikit-learn's estimator conventions, without scikit-learn."""

from __future__ import annotations

import fractions
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest

from purenn.data import load_digits
from purenn.errors import DataError, PurennError
from purenn.estimator import Classifier
from purenn.model import load_model, save_model
from purenn.scaling import fit_scaling

QUICK = {"hidden": (12,), "epochs": 3, "dropout": 0.0, "schedule": "constant"}


def _data(count: int = 300) -> "tuple[List[List[float]], List[Any]]":
    inputs, labels = load_digits()
    return inputs[:count], labels[:count]


def test_fit_returns_self_and_sets_fitted_attributes() -> None:
    X, y = _data()
    classifier = Classifier(**QUICK)
    assert classifier.fit(X, y) is classifier
    assert classifier.classes_ == list(range(10))
    assert classifier.n_features_in_ == 64
    assert len(classifier.history_) == 3
    assert classifier.score(X, y) > 0.6


def test_predict_proba_rows_are_probabilities() -> None:
    X, y = _data()
    probabilities = Classifier(**QUICK).fit(X, y).predict_proba(X[:5])
    assert len(probabilities) == 5
    assert all(abs(sum(row) - 1.0) < 1e-12 and len(row) == 10 for row in probabilities)


def test_get_params_and_set_params_round_trip() -> None:
    classifier = Classifier(hidden=(7,), rate=0.2)
    params = classifier.get_params()
    assert params["hidden"] == (7,) and params["rate"] == 0.2 and params["seed"] == 0
    clone = Classifier(**params)
    assert clone.get_params() == params
    assert clone.set_params(rate=0.3) is clone and clone.rate == 0.3
    with pytest.raises(PurennError, match="unknown parameter 'learning_rate'"):
        clone.set_params(learning_rate=0.1)
    assert "rate=0.2" in repr(classifier)


def test_same_seed_same_predictions() -> None:
    X, y = _data(150)
    first = Classifier(**QUICK, seed=4).fit(X, y).predict_proba(X)
    second = Classifier(**QUICK, seed=4).fit(X, y).predict_proba(X)
    assert first == second


def test_accepts_any_iterable_of_iterables_and_string_labels() -> None:
    X = ((float(i % 2), float(i // 2 % 2)) for i in range(40))
    y = ["odd" if i % 2 else "even" for i in range(40)]
    classifier = Classifier(hidden=(4,), epochs=30, scaling="none", rate=0.2).fit(X, y)
    assert classifier.classes_ == ["even", "odd"]
    assert classifier.predict([(1.0, 0.0)]) == ["odd"]


def test_early_stopping_holds_out_validation_fraction_and_keeps_the_best() -> None:
    X, y = _data()
    classifier = Classifier(
        hidden=(8,), epochs=40, early_stopping=True, n_iter_no_change=2, validation_fraction=0.2
    ).fit(X, y)
    scores = classifier.validation_scores_
    assert scores is not None and len(scores) == classifier.n_iter_ <= 40
    assert classifier.best_validation_score_ == max(scores) and classifier.best_loss_ is None
    assert "validation accuracy did not improve" in classifier.stopped_ or classifier.n_iter_ == 40


@pytest.mark.parametrize(
    "X, y, message",
    [
        ([[1.0, float("nan")], [0.0, 1.0]], [0, 1], "X row 0, column 1 is NaN"),
        ([[1.0, float("inf")], [0.0, 1.0]], [0, 1], "X row 0, column 1 is inf"),
        ([[1.0, 2.0], [0.0]], [0, 1], "X row 1 has 1 values; row 0 has 2"),
        ([[1.0, "a"], [0.0, 1.0]], [0, 1], "X row 0, column 1: 'a' is not a number"),
        ([], [], "X has no rows"),
        ([[1.0], [2.0]], [0], "X has 2 rows but y has 1 labels"),
        ([[1.0], [2.0]], [3, 3], "y has only one class"),
        ([[1.0], [2.0]], [0.5, 1], "y[0] is 0.5"),
    ],
)
def test_bad_training_data(X: Any, y: Any, message: str) -> None:
    with pytest.raises(ValueError) as error:
        Classifier(**QUICK).fit(X, y)
    assert isinstance(error.value, PurennError)
    assert message in str(error.value)


def test_bad_settings_are_reported_at_fit() -> None:
    with pytest.raises(PurennError, match="dropout must be in"):
        Classifier(dropout=1.5).fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(PurennError, match="rate must be > 0"):
        Classifier(rate=-1.0).fit([[0.0], [1.0]], [0, 1])


def test_predict_before_fit_and_wrong_width() -> None:
    with pytest.raises(PurennError, match="not fitted yet") as error:
        Classifier().predict([[0.0]])
    assert isinstance(error.value, AttributeError) and isinstance(error.value, ValueError)
    X, y = _data(100)
    classifier = Classifier(**QUICK).fit(X, y)
    with pytest.raises(
        PurennError, match="X has 3 features, but Classifier is expecting 64 features as input"
    ):
        classifier.predict([[0.0, 1.0, 2.0]])


def test_model_file_round_trip_predicts_bit_for_bit(tmp_path: Any) -> None:
    X, y = _data()
    classifier = Classifier(hidden=(10,), epochs=2, scaling="standardize").fit(X, y)
    path = tmp_path / "model.json"
    save_model(classifier.to_model(note="test"), path)
    loaded = Classifier.from_model(load_model(path))
    assert loaded.predict_proba(X) == classifier.predict_proba(X)
    assert loaded.predict(X) == classifier.predict(X)
    assert loaded.get_params()["hidden"] == (10,)


def test_a_fitted_scaling_is_used_as_it_is_and_round_trips(tmp_path: Any) -> None:
    """scaling may be a dict scaling.fit_scaling made (the command line fits one on all rows)."""
    X, y = _data()
    everything, _ = load_digits()
    scaling = fit_scaling(everything, "global-variance")
    classifier = Classifier(**QUICK, scaling=scaling, dropout_order="mask-after-output").fit(X, y)
    assert classifier.scaling_ == scaling and classifier.scaling_ != fit_scaling(X, "global-variance")
    path = tmp_path / "model.json"
    save_model(classifier.to_model(), path)
    loaded = Classifier.from_model(load_model(path))
    assert loaded.scaling_ == scaling and loaded.predict_proba(X) == classifier.predict_proba(X)
    assert loaded.get_params()["dropout_order"] == "mask-after-output"
    with pytest.raises(DataError, match='scaling "variance": expected a positive finite number, found 0'):
        Classifier(**QUICK, scaling={**scaling, "variance": 0}).fit(X, y)


def test_strict_decision_may_be_undecided() -> None:
    X, y = _data(100)
    classifier = Classifier(
        hidden=(4,), epochs=1, decision="strict", output_activation="sigmoid", loss="squared_error", rate=0.01
    ).fit(X, y)
    predictions = classifier.predict(X)
    assert None in predictions
    assert classifier.score(X, y) < 1.0


def test_scikit_learn_clone_works_when_installed() -> None:
    base = pytest.importorskip("sklearn.base")
    classifier = Classifier(hidden=(5,), rate=0.2)
    clone = base.clone(classifier)
    assert clone is not classifier and clone.get_params() == classifier.get_params()


def test_random_module_is_never_used_globally() -> None:
    state = random.getstate()
    X, y = _data(60)
    Classifier(hidden=(4,), epochs=1, dropout=0.3).fit(X, y)
    assert random.getstate() == state


def test_a_model_file_of_purenn_0_1_0_still_loads() -> None:
    """tests/data/model_0.1.0.json was written before Settings' hidden_activation and keep became
    activation and dropout; its settings (Classifier parameters) load under today's names."""
    path = Path(__file__).parent / "data" / "model_0.1.0.json"
    loaded = Classifier.from_model(load_model(path))
    assert (loaded.activation, loaded.dropout, loaded.seed) == ("tanh", 0.25, 1)
    assert loaded.settings().dropout == 0.25 and loaded.settings().activation == "tanh"
    X, y = _data(40)
    refit = Classifier(hidden=(3,), epochs=1, dropout=0.25, activation="tanh", seed=1).fit(X, y)
    # The file was written on CPython 3.11; 3.12+ sums with math.sumprod, rounded differently.
    for refit_row, loaded_row in zip(refit.predict_proba(X), loaded.predict_proba(X)):
        assert refit_row == pytest.approx(loaded_row, rel=1e-12, abs=1e-15)


FULL_BATCH = {"hidden": (6,), "epochs": 5, "dropout": 0.0, "batch_size": 0, "rate": 0.5}


def test_integer_sample_weights_train_as_repeated_rows() -> None:
    """Full batch: the step is sum_i w_i g_i / sum_i w_i, the mean over rows repeated w_i times
    (a row of weight 0 is left out, of the scaling too). Equal up to the sums' rounding."""
    X, y = _data(60)
    weights = [i % 4 for i in range(60)]  # 0, 1, 2, 3
    repeated_X = [row for row, w in zip(X, weights) for _ in range(w)]
    repeated_y = [label for label, w in zip(y, weights) for _ in range(w)]
    weighted = Classifier(**FULL_BATCH).fit(X, y, sample_weight=weights)
    repeated = Classifier(**FULL_BATCH).fit(repeated_X, repeated_y)
    assert weighted.scaling_ == repeated.scaling_
    for a, b in zip(weighted.predict_proba(X), repeated.predict_proba(X)):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    unweighted = Classifier(**FULL_BATCH).fit(X, y)
    assert unweighted.predict_proba(X) != weighted.predict_proba(X)


def test_equal_sample_weights_are_no_weights_bit_for_bit() -> None:
    X, y = _data(80)
    plain = Classifier(**QUICK).fit(X, y).predict_proba(X)
    assert Classifier(**QUICK).fit(X, y, sample_weight=[2.5] * 80).predict_proba(X) == plain
    assert Classifier(**QUICK).fit(X, y, sample_weight=1).predict_proba(X) == plain


@pytest.mark.parametrize(
    "weights, message",
    [
        ([1.0] * 9, "sample_weight has 9 values for 10 rows"),
        ([0.0] * 10, "sample_weight is zero for every row"),
        ([1.0] * 9 + [-1.0], "sample_weight[9] is -1.0: weights must be >= 0"),
        ([1.0] * 9 + [float("nan")], "sample_weight row 0, column 9 is NaN"),
    ],
)
def test_bad_sample_weights(weights: Any, message: str) -> None:
    X, y = _data(10)
    with pytest.raises(PurennError) as error:
        Classifier(**QUICK).fit(X, y, sample_weight=weights)
    assert message in str(error.value)


def test_partial_fit_needs_classes_first_then_goes_on_one_epoch_at_a_time() -> None:
    X, y = _data(200)
    with pytest.raises(PurennError, match="partial_fit needs classes"):
        Classifier(**QUICK).partial_fit(X, y)
    classifier = Classifier(**QUICK)
    classifier.partial_fit(X[:100], [label % 5 for label in y[:100]], classes=list(range(10)))
    assert classifier.classes_ == list(range(10)) and classifier.n_iter_ == 1
    before = classifier.score(X, y)
    for _ in range(4):
        classifier.partial_fit(X, y)
    assert classifier.n_iter_ == 5 and [r.epoch for r in classifier.history_] == [1, 2, 3, 4, 5]
    assert classifier.score(X, y) > before
    with pytest.raises(PurennError, match="not in classes: 11"):
        classifier.partial_fit(X[:2], [1, 11])
    with pytest.raises(PurennError, match="X has 2 features, but Classifier is expecting 64"):
        classifier.partial_fit([[0.0, 1.0]], [1])


def test_partial_fit_epochs_equal_fit_with_a_constant_rate() -> None:
    """Three partial_fit calls on the same data = fit for 3 epochs: same rng, same optimizer."""
    X, y = _data(100)
    settings = {**QUICK, "momentum": 0.9}
    fitted = Classifier(**settings).fit(X, y)
    stepped = Classifier(**settings)
    for _ in range(3):
        stepped.partial_fit(X, y, classes=list(range(10)))
    assert stepped.network_ == fitted.network_
    assert stepped.loss_curve_ == fitted.loss_curve_


def test_warm_start_goes_on_from_the_fitted_weights() -> None:
    X, y = _data(200)
    once = Classifier(**QUICK).fit(X, y)
    first_weights = [[list(n) for n in layer] for layer in once.network_]
    warm = Classifier(**QUICK, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ == 6 and len(warm.loss_curve_) == 6
    assert warm.loss_curve_[:3] == once.loss_curve_  # the first fit is the same fit
    assert warm.network_ != first_weights
    cold = Classifier(**QUICK).fit(X, y).fit(X, y)
    assert cold.n_iter_ == 3 and cold.network_ == once.network_
    with pytest.raises(PurennError, match="the same classes"):
        warm.fit(X, [label % 3 for label in y])
    with pytest.raises(PurennError, match="warm_start needs the same layers"):
        warm.set_params(hidden=(5,)).fit(X, y)


def test_coefs_and_intercepts_in_scikit_learns_layout() -> None:
    X, y = _data(50)
    classifier = Classifier(hidden=(7, 5), epochs=1).fit(X, y)
    coefs, intercepts = classifier.coefs_, classifier.intercepts_
    assert [(len(c), len(c[0])) for c in coefs] == [(64, 7), (7, 5), (5, 10)]
    assert [len(b) for b in intercepts] == [7, 5, 10]
    network = classifier.network_
    assert coefs[1][3][2] == network[1][2][3] and intercepts[2][4] == network[2][4][-1]
    assert classifier.best_loss_ == min(classifier.loss_curve_) and classifier.validation_scores_ is None


def test_verbose_prints_mlpclassifiers_lines(capsys: Any) -> None:
    X, y = _data(40)
    Classifier(hidden=(4,), epochs=2, verbose=True, warm_start=True).fit(X, y).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"Iteration {n}" for n in (1, 2, 3, 4)]
    assert all(line.startswith("Iteration ") and ", loss = " in line for line in lines)


def test_unfitted_attributes_are_not_fitted_errors() -> None:
    for name in ("coefs_", "intercepts_", "loss_curve_", "n_iter_"):
        assert not hasattr(Classifier(), name)
    with pytest.raises(AttributeError, match="not fitted yet"):
        Classifier().coefs_  # noqa: B018


@pytest.mark.parametrize(
    "y, message",
    [
        (None, "requires y to be passed, but the target y is None"),
        ([0.5, 1.0], "Unknown label type: y[0] is 0.5, a continuous value"),
        ([True, False], "y[0] is True: labels are ints or strings"),
        ([[0], [1]], "Unknown label type: y[0] is [0]"),
    ],
)
def test_bad_labels_get_clear_errors(y: Any, message: str) -> None:
    with pytest.raises(PurennError) as error:
        Classifier(**QUICK).fit([[0.0], [1.0]], y)
    assert message in str(error.value)


def test_one_dimensional_and_object_inputs() -> None:
    with pytest.raises(PurennError, match="must be 2-D.*Reshape your data"):
        Classifier(**QUICK).fit([0.0, 1.0], [0, 1])
    with pytest.raises(TypeError, match="float\\(\\) argument must be a string or a real number, not 'dict'"):
        Classifier(**QUICK).fit([[{}], [1.0]], [0, 1])
    with pytest.raises(PurennError, match="0 feature\\(s\\) \\(shape=\\(2, 0\\)\\)"):
        Classifier(**QUICK).fit([[], []], [0, 1])


def test_a_recorded_patience_becomes_early_stopping() -> None:
    """Before MLPClassifier's names, "patience": p stopped after p epochs without a better
    validation accuracy; n_iter_no_change = p - 1 is that stop under the new count (> n)."""
    model = load_model(Path(__file__).parent / "data" / "model_0.1.0.json")
    model.training["settings"].update(patience=3, validation_fraction=0.2)
    loaded = Classifier.from_model(model)
    assert (loaded.early_stopping, loaded.n_iter_no_change, loaded.validation_fraction) == (True, 2, 0.2)


# Every parameter type-checked, by its own name (issue 12) ---------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"seed": [1]}, "seed"),
        ({"seed": True}, "seed"),
        ({"hidden": 64}, "hidden"),
        ({"hidden": "64"}, "hidden"),
        ({"hidden": (4.5,)}, "hidden"),
        ({"train_biases": "no"}, "train_biases"),
        ({"measure_train_accuracy": "yes"}, "measure_train_accuracy"),
        ({"l2_over_samples": 1}, "l2_over_samples"),
        ({"draw_biases": "x"}, "draw_biases"),
        ({"rate": 10**400}, "rate"),
        ({"rate": True}, "rate"),
        ({"momentum": "0.9"}, "momentum"),
        ({"epochs": True}, "epochs"),
        ({"epochs": 2.0}, "epochs"),
        ({"batch_size": None}, "batch_size"),
        ({"activation": 3}, "activation"),
        ({"decision": None}, "decision"),
        ({"scaling": "max"}, "scaling"),
        ({"divide_by": -1}, "divide_by"),
        ({"validation_fraction": 1.5}, "validation_fraction"),
        ({"validation_fraction": "0.2"}, "validation_fraction"),
        ({"dropout": 10**400}, "dropout"),
        ({"init": "uniform", "init_low": 2.0}, "init_low"),
        ({"loss_tolerance": "small"}, "loss_tolerance"),
        ({"n_iter_no_change": 0}, "n_iter_no_change"),
    ],
)
def test_every_parameter_is_checked_with_a_purenn_error_naming_it(params: Dict[str, Any], named: str) -> None:
    with pytest.raises(PurennError) as info:
        Classifier(**params).fit([[0.0, 1.0], [1.0, 0.0]] * 4, [0, 1] * 4)
    assert str(info.value).startswith(named), str(info.value)


def test_other_real_and_integral_numbers_pass_and_are_saved_as_plain_json() -> None:
    classifier = Classifier(hidden=(3,), epochs=1, rate=fractions.Fraction(1, 10), scaling="none")
    classifier.fit([[0.0, 1.0], [1.0, 0.0]] * 4, [0, 1] * 4)
    assert classifier.to_model().training["settings"]["rate"] == 0.1


def test_an_input_too_large_for_a_float_is_a_purenn_error() -> None:
    with pytest.raises(PurennError, match="too large for a float"):
        Classifier(hidden=(2,), epochs=1).fit([[10**400, 1]] * 4, [0, 1] * 2)


@pytest.mark.parametrize("verbose", [False, True])
def test_fit_stops_when_its_progress_callback_returns_true(verbose: bool) -> None:
    X, y = _data(200)
    seen: List[int] = []

    def stop_at_two(record: Any, epochs: int) -> bool:
        seen.append(record.epoch)
        return record.epoch == 2

    model = Classifier(hidden=(8,), epochs=6, seed=1, verbose=verbose).fit(X, y, progress=stop_at_two)
    assert seen == [1, 2] and model.n_iter_ == 2
    two = Classifier(hidden=(8,), epochs=6, seed=1)
    two.fit(X, y, progress=lambda record, epochs: record.epoch == 2)
    assert two.network_ == model.network_ and two.loss_curve_ == model.loss_curve_


# Found by the audit of issue 12: each parameter's wrong value is a PurennError naming it.
AUDIT_X = [[i % 2, i % 3, i % 5, i % 7] for i in range(40)]
AUDIT_Y = [i % 2 for i in range(40)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("epochs", 10**400),
        ("epochs", 10**5000),
        ("verbose", "yes"),
        ("verbose", [1]),
        ("verbose", float("nan")),
        ("warm_start", "False"),
        ("warm_start", (1,)),
        ("output_activation", "swish"),
        ("rounds", 2),
        ("n_jobs", 10**5000),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_every_wrong_parameter_is_a_purenn_error_naming_it(name: str, value: object) -> None:
    with pytest.raises(PurennError, match=name):
        Classifier(**{"hidden": (3,), "epochs": 1, name: value}).fit(AUDIT_X, AUDIT_Y)


@pytest.mark.parametrize("shape", ["alone", "in a tuple"])
@pytest.mark.parametrize(
    "name", [name for name in Classifier().get_params() if name != "hidden"] + ["hidden"]
)
def test_an_integer_too_long_to_print_is_refused_by_name_for_every_parameter(name: str, shape: str) -> None:
    """10**5000 has more digits than Python will print (4300), so every message naming it failed
    with a ValueError of its own (found for scaling, rounds, hidden, ... after the issue 12 audit)."""
    huge = 10**5000
    value = huge if shape == "alone" else (3, huge)
    with pytest.raises(PurennError, match=f"^{name} is an integer of 16610 bits"):
        Classifier(**{"hidden": (3,), "epochs": 1, name: value}).fit(AUDIT_X, AUDIT_Y)


def test_a_label_too_long_to_print_is_refused_before_training() -> None:
    with pytest.raises(PurennError, match=r"y\[0\] is an integer of 16610 bits"):
        Classifier(hidden=(3,), epochs=1).fit(AUDIT_X, [10**5000] + AUDIT_Y[1:])
