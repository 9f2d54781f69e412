"""Classifier inside scikit-learn, NumPy and pandas: their own checks and tools, run for real.

Skipped whole when scikit-learn is not installed (CI's integration job installs it, with NumPy
and pandas: `pip install -e '.[test,integration]'`).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("sklearn")

from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

from purenn.data import load_digits  # noqa: E402
from purenn.estimator import Classifier, sklearn_expected_failed_checks  # noqa: E402
from purenn.model import save_model  # noqa: E402

# Small enough for check_estimator's 62 checks to take seconds, big enough for its accuracy
# check (above 0.83 on three blobs): 8 hidden units, 10 epochs; no dropout, so that every check
# applies (sklearn_expected_failed_checks(CHECKED) is empty).
CHECKED = Classifier(hidden=(8,), epochs=10, dropout=0.0)


with warnings.catch_warnings():  # the one warning of collecting them: no BaseEstimator
    warnings.filterwarnings("ignore", message=".*does not inherit from `sklearn.base.BaseEstimator`")
    _EVERY_CHECK = parametrize_with_checks([CHECKED], expected_failed_checks=sklearn_expected_failed_checks)


@_EVERY_CHECK
def test_check_estimator(estimator: Any, check: Any) -> None:
    """Every check of scikit-learn's check_estimator, one test each."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not inherit from `sklearn.base.BaseEstimator`")
        check(estimator)


def _digits(count: int = 400) -> "tuple[Any, Any]":
    X, y = load_digits()
    return np.array(X[:count]), np.array(y[:count])


QUICK = {"hidden": (16,), "epochs": 4, "dropout": 0.0}


def test_arrays_in_arrays_out_lists_in_lists_out() -> None:
    X, y = _digits(200)
    model = Classifier(**QUICK).fit(X, y)
    assert isinstance(model.classes_, np.ndarray) and model.classes_.tolist() == list(range(10))
    predicted, probabilities = model.predict(X[:5]), model.predict_proba(X[:5])
    assert isinstance(predicted, np.ndarray) and predicted.shape == (5,)
    assert isinstance(probabilities, np.ndarray) and probabilities.shape == (5, 10)
    assert model.predict(X[:5].tolist()) == predicted.tolist()
    assert model.predict_proba(X[:5].tolist()) == probabilities.tolist()
    assert isinstance(model.coefs_[0], np.ndarray) and model.coefs_[0].shape == (64, 16)
    listed = Classifier(**QUICK).fit(X.tolist(), y.tolist())
    assert listed.classes_ == list(range(10))
    assert listed.predict_proba(X.tolist()) == model.predict_proba(X).tolist()  # the same fit


def test_dataframes_are_read_by_rows_and_remember_their_columns() -> None:
    pd = pytest.importorskip("pandas")
    X, y = _digits(200)
    frame = pd.DataFrame(X, columns=[f"p{i}" for i in range(64)])
    model = Classifier(**QUICK).fit(frame, pd.Series(y))
    assert model.n_features_in_ == 64 and list(model.feature_names_in_) == list(frame.columns)
    assert model.predict_proba(frame).tolist() == Classifier(**QUICK).fit(X, y).predict_proba(X).tolist()
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        model.predict(frame[frame.columns[::-1]])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.predict(X[:3])
    labelled = Classifier(**QUICK).fit(frame, pd.Series(y).map(lambda d: f"digit {d}"))
    assert labelled.predict(frame.iloc[:2]).tolist() == ["digit 0", "digit 1"]


def test_numpy_numbers_as_parameters_and_in_the_model_file(tmp_path: Path) -> None:
    X, y = _digits(100)
    model = Classifier(hidden=(np.int64(6),), epochs=np.int64(2), rate=np.float32(0.05), l2=np.float64(0))
    model.set_params(seed=np.int64(1), early_stopping=True, validation_fraction=np.float32(0.25))
    model.fit(X, y)
    path = tmp_path / "model.json"
    save_model(model.to_model(), path)
    settings = json.loads(path.read_text())["training"]["settings"]
    assert settings["epochs"] == 2 and settings["hidden"] == [6] and settings["rate"] == pytest.approx(0.05)


def test_not_fitted_is_scikit_learns_not_fitted_error() -> None:
    classifier = Classifier()
    assert is_classifier(classifier)
    with pytest.raises(NotFittedError):
        classifier.predict(np.zeros((1, 64)))
    with pytest.raises(NotFittedError):
        check_is_fitted(classifier)
    check_is_fitted(Classifier(**QUICK).fit(*_digits(50)))


def test_a_pipeline_with_standard_scaler_and_cross_val_score() -> None:
    X, y = _digits(600)
    pipeline = make_pipeline(StandardScaler(), Classifier(hidden=(32,), epochs=10, scaling="none"))
    scores = cross_val_score(pipeline, X, y, cv=3, error_score="raise")
    assert len(scores) == 3 and all(0.7 < score <= 1.0 for score in scores)  # chance is 0.1
    assert isinstance(pipeline.fit(X, y).predict(X[:3]), np.ndarray)


def test_grid_search_over_numpy_ranges() -> None:
    X, y = _digits(300)
    pipeline = make_pipeline(StandardScaler(), Classifier(hidden=(8,), scaling="none", dropout=0.0))
    grid = GridSearchCV(
        pipeline,
        {"classifier__epochs": np.arange(2, 5), "classifier__rate": np.array([0.01, 0.1])},
        cv=3,
        error_score="raise",
    )
    grid.fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert len(scores) == 6 and not np.isnan(scores).any()
    assert grid.best_params_["classifier__epochs"] in (2, 3, 4)
    assert grid.score(X, y) > 0.5
    assert clone(grid.best_estimator_).get_params()["classifier__rate"] in (0.01, 0.1)


def test_what_scikit_learns_checks_expect_of_bad_input() -> None:
    X, y = _digits(40)
    model = Classifier(**QUICK)
    with pytest.warns(UserWarning, match="A column-vector y was passed"):
        model.fit(X, y.reshape(-1, 1))
    with pytest.raises(ValueError, match="y should be a 1d array.*several outputs"):
        model.fit(X, np.stack([y, y], axis=1))
    with pytest.raises(ValueError, match="Complex data not supported"):
        model.fit(X + 1j, y)
    with pytest.raises(ValueError, match="Reshape your data"):
        Classifier(**QUICK).fit(X, y).predict(X[0])
    with pytest.raises(ValueError, match="Unknown label type: .*continuous"):
        model.fit(X, y + 0.5)
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(ValueError, match="sparse input is not supported"):
        model.fit(sparse.csr_matrix(X), y)


def test_what_does_not_apply_is_declared_and_does_fail() -> None:
    """The one check declared for dropout or minibatches fails there, for the reason given."""
    from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

    assert sklearn_expected_failed_checks(CHECKED) == {}
    for settings in ({"dropout": 0.5}, {"dropout": 0.0, "batch_size": 4}):
        classifier = Classifier(hidden=(8,), epochs=10, **settings)
        assert list(sklearn_expected_failed_checks(classifier)) == [
            "check_sample_weight_equivalence_on_dense_data"
        ]
        with pytest.raises(AssertionError, match="not equivalent to fitting with removed or repeated"):
            check_sample_weight_equivalence_on_dense_data("Classifier", classifier)
