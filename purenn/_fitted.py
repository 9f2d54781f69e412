"""Classifier's fitted attributes in scikit-learn's MLPClassifier's names, read from what fit stored.

- FittedAttributes: n_iter_, loss_curve_, validation_scores_, best_validation_score_, best_loss_,
  coefs_, intercepts_, from history_ (one train.History per epoch) and network_ (the weights);
  each raises NotFittedError before fit.
"""

from __future__ import annotations

from typing import Any, List, Optional

from . import _arrays, _sklearn
from .network import Network
from .train import History

__all__ = ["FittedAttributes"]


class FittedAttributes:
    """The fitted attributes a Classifier computes on each access (coefs_ is a fresh copy)."""

    early_stopping: bool
    classes_: Any  # a list, or a NumPy array when y was one
    history_: List[History]
    network_: Network

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            message = "This Classifier instance is not fitted yet: call fit(X, y) first"
            raise _sklearn.not_fitted_error(message)

    @property
    def n_iter_(self) -> int:
        """The number of epochs trained (over every fit of a warm start, every partial_fit)."""
        self._check_fitted()
        return len(self.history_)

    @property
    def loss_curve_(self) -> List[float]:
        """The mean training loss of each epoch."""
        self._check_fitted()
        return [record.loss for record in self.history_]

    @property
    def validation_scores_(self) -> Optional[List[float]]:
        """The validation accuracy of each epoch with early_stopping; None without."""
        self._check_fitted()
        scores = [r.validation_accuracy for r in self.history_ if r.validation_accuracy is not None]
        return scores if self.early_stopping and scores else None

    @property
    def best_validation_score_(self) -> Optional[float]:
        """The best validation accuracy with early_stopping (its weights were kept); None without."""
        scores = self.validation_scores_
        return max(scores) if scores else None

    @property
    def best_loss_(self) -> Optional[float]:
        """The smallest epoch loss; None with early_stopping (as MLPClassifier's)."""
        curve = self.loss_curve_
        return None if self.early_stopping or not curve else min(curve)

    @property
    def coefs_(self) -> List[Any]:
        """Layer i's weights as [n_in][n_out] (scikit-learn's layout; network_ is [n_out][n_in + 1])."""
        self._check_fitted()
        layers = [
            [list(column) for column in zip(*(neuron[:-1] for neuron in layer))] for layer in self.network_
        ]
        return [_arrays.to_array(layer) for layer in layers] if self._numpy else layers

    @property
    def intercepts_(self) -> List[Any]:
        """Layer i's biases, one per neuron (each neuron's last weight in network_)."""
        self._check_fitted()
        layers = [[neuron[-1] for neuron in layer] for layer in self.network_]
        return [_arrays.to_array(layer) for layer in layers] if self._numpy else layers

    @property
    def _numpy(self) -> bool:
        return not isinstance(self.classes_, list)
