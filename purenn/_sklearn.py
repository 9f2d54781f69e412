"""scikit-learn's protocol for Classifier, without importing scikit-learn.

- tags: scikit-learn >= 1.6's Tags of the classifier (imports scikit-learn: only it calls this).
- not_fitted_error: purenn's NotFittedError, also scikit-learn's when scikit-learn is loaded.
- sklearn_expected_failed_checks: the checks that cannot apply to a classifier's settings.
"""

from __future__ import annotations

import sys
from typing import Any, Dict

from .errors import NotFittedError
from .settings import plain

__all__ = ["not_fitted_error", "sklearn_expected_failed_checks", "tags"]


def tags() -> Any:
    """scikit-learn >= 1.6's description of this estimator: a classifier that needs y."""
    from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

    return Tags(
        estimator_type="classifier",
        target_tags=TargetTags(required=True),
        classifier_tags=ClassifierTags(),
        input_tags=InputTags(),
    )


_WITH_SKLEARN_CLASS: Dict[type, type] = {}


def _with_sklearn_class(sklearn_class: type) -> type:
    """NotFittedError that is scikit-learn's NotFittedError as well (one class per such class)."""
    if sklearn_class not in _WITH_SKLEARN_CLASS:
        bases = (NotFittedError, sklearn_class)
        _WITH_SKLEARN_CLASS[sklearn_class] = type("NotFittedError", bases, {"__module__": "purenn.estimator"})
    return _WITH_SKLEARN_CLASS[sklearn_class]


def not_fitted_error(message: str) -> NotFittedError:
    """purenn's NotFittedError (an AttributeError and a ValueError); when scikit-learn is loaded
    already, one that is also its sklearn.exceptions.NotFittedError, for `except` clauses and
    check_estimator. scikit-learn is never imported here."""
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    sklearn_class = getattr(sklearn_exceptions, "NotFittedError", None)
    if isinstance(sklearn_class, type) and issubclass(sklearn_class, Exception):
        error: NotFittedError = _with_sklearn_class(sklearn_class)(message)
        return error
    return NotFittedError(message)


_REPEATED_ROWS = 27  # check_sample_weight_equivalence_on_dense_data's 15 rows, repeated by weight


def sklearn_expected_failed_checks(classifier: Any) -> Dict[str, str]:
    """The scikit-learn checks that cannot apply to this classifier's settings, name -> why.

    For check_estimator's `expected_failed_checks` (scikit-learn 1.6+; the _xfail_checks tag
    before). With scikit-learn 1.9.1 every other check passes. Sample weights equal repeated rows
    only when both fits take the same steps: one full batch (the check repeats 15 rows into 27)
    and no dropout (whose masks are drawn per row).

    >>> from purenn import Classifier
    >>> sklearn_expected_failed_checks(Classifier(dropout=0.0))
    {}
    >>> list(sklearn_expected_failed_checks(Classifier()))
    ['check_sample_weight_equivalence_on_dense_data']
    """
    batch_size, dropout = plain(classifier.batch_size), plain(classifier.dropout)
    full_batch = batch_size == 0 or (isinstance(batch_size, int) and batch_size >= _REPEATED_ROWS)
    reasons = [] if full_batch else [f"batch_size {batch_size!r} (its 27 rows take several steps)"]
    reasons += [f"dropout {dropout!r} (masks drawn per row)"] if dropout != 0 else []
    if not reasons:
        return {}
    return {
        "check_sample_weight_equivalence_on_dense_data": (
            "integer sample weights equal repeated rows only for full-batch steps without dropout; "
            f"with {' and '.join(reasons)} the weighted and the repeated fit take different steps"
        )
    }
