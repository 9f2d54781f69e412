"""A scikit-learn-style classifier on top of purenn, with no scikit-learn import.

- Classifier: fit(X, y) -> self, predict, predict_proba, score, get_params, set_params;
  classes_, n_features_in_, history_ after fit; to_model / from_model for model files.

Classifier.fit is the whole training pipeline: check X and y, fit the input scaling, one-hot the
labels, make the network, train it (train.train). The command line's `train` uses it too.
"""

from __future__ import annotations

import math
import random
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from . import batch
from .data import Label, apply_scaling, class_list, fit_scaling, one_hot, stratified_split, take
from .errors import PurennError
from .model import Model
from .network import Network
from .train import History, Settings, TrainingResult, argmax_index, strict_index, train
from .vectors import Vector

__all__ = ["Classifier"]

_EXTRA_PARAMS = ("scaling", "divide_by", "validation_fraction", "seed")


def _matrix(X: Iterable[Iterable[object]], what: str = "X") -> List[Vector]:
    """X as a list of rows of floats; ValueError (PurennError) for NaN, inf, ragged rows or text.

    Row by row: besides X and the result, no third list of all the values is made on the way
    (5000 MNIST images are 3.9 million values, 31 MB for each list of pointers to them).
    """
    result: List[Vector] = []
    for index, row in enumerate(_rows(X, what)):
        if result and len(row) != len(result[0]):
            raise PurennError(f"{what} row {index} has {len(row)} values; row 0 has {len(result[0])}")
        result.append(_float_row(row, what, index))
    if not result:
        raise PurennError(f"{what} has no rows")
    if not result[0]:
        raise PurennError(f"{what} row 0 has no values")
    return result


def _rows(X: Iterable[Iterable[object]], what: str) -> Iterator[List[object]]:
    """Each row of X as a list, one at a time; PurennError if X is not an iterable of iterables."""
    try:
        for row in X:
            yield list(row)
    except TypeError:
        raise PurennError(f"{what} must be an iterable of rows of numbers") from None


def _float_row(values: List[object], what: str, index: int) -> Vector:
    """One row of X as floats (a float stays the same object); PurennError names a bad value."""
    floats = []
    for column, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise PurennError(f"{what} row {index}, column {column}: {value!r} is not a number")
        number = float(value)
        if not math.isfinite(number):
            raise PurennError(f"{what} row {index}, column {column} is {number}: values must be finite")
        floats.append(number)
    return floats


def _labels(y: Iterable[object]) -> List[Label]:
    labels: List[Label] = []
    for index, label in enumerate(y):
        if isinstance(label, bool):
            raise PurennError(f"y[{index}] is {label!r}: labels are ints or strings")
        if isinstance(label, (int, str)):
            labels.append(label)
        elif hasattr(label, "__index__") or (isinstance(label, float) and label.is_integer()):
            labels.append(int(label))  # numpy integers, 3.0
        else:
            raise PurennError(f"y[{index}] is {label!r}: labels are ints or strings")
    return labels


class Classifier:
    """A feed-forward neural-network classifier, scikit-learn style.

    Every training setting of train.Settings is a parameter of the same name and default, plus
    `scaling` ("standardize", "divide" or "none"), `divide_by` (for "divide"; None = the largest
    input value), `validation_fraction` (held out of X for early stopping with `patience`) and
    `seed` (every random draw: split, weights, shuffles, dropout).

    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10
    >>> y = ["same", "differ", "differ", "same"] * 10
    >>> model = Classifier(hidden=(8,), activation="tanh", rate=0.3, batch_size=8, l2=0.0,
    ...                    epochs=100, scaling="none", seed=3).fit(X, y)
    >>> model.predict([[0.0, 1.0], [1.0, 1.0]])
    ['differ', 'same']
    >>> model.classes_, model.n_features_in_, model.score(X, y)
    (['differ', 'same'], 2, 1.0)
    """

    def __init__(
        self,
        *,
        hidden: Sequence[int] = Settings.hidden,
        activation: str = Settings.activation,
        output_activation: str = Settings.output_activation,
        loss: str = Settings.loss,
        init: str = Settings.init,
        init_low: float = Settings.init_low,
        init_high: float = Settings.init_high,
        draw_biases: Optional[bool] = Settings.draw_biases,
        train_biases: bool = Settings.train_biases,
        rate: float = Settings.rate,
        schedule: str = Settings.schedule,
        momentum: float = Settings.momentum,
        l2: float = Settings.l2,
        l2_over_samples: bool = Settings.l2_over_samples,
        dropout: float = Settings.dropout,
        batch_size: int = Settings.batch_size,
        epochs: int = Settings.epochs,
        rounds: int = Settings.rounds,
        round_size: int = Settings.round_size,
        loss_tolerance: Optional[float] = Settings.loss_tolerance,
        patience: Optional[int] = Settings.patience,
        decision: str = Settings.decision,
        measure_train_accuracy: bool = Settings.measure_train_accuracy,
        scaling: str = "divide",
        divide_by: Optional[float] = None,
        validation_fraction: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.hidden = hidden
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.init = init
        self.init_low = init_low
        self.init_high = init_high
        self.draw_biases = draw_biases
        self.train_biases = train_biases
        self.rate = rate
        self.schedule = schedule
        self.momentum = momentum
        self.l2 = l2
        self.l2_over_samples = l2_over_samples
        self.dropout = dropout
        self.batch_size = batch_size
        self.epochs = epochs
        self.rounds = rounds
        self.round_size = round_size
        self.loss_tolerance = loss_tolerance
        self.patience = patience
        self.decision = decision
        self.measure_train_accuracy = measure_train_accuracy
        self.scaling = scaling
        self.divide_by = divide_by
        self.validation_fraction = validation_fraction
        self.seed = seed

    # -- parameters ---------------------------------------------------------------------------

    @classmethod
    def _param_names(cls) -> List[str]:
        code = cls.__init__.__code__
        return sorted(code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount])

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """Return the constructor parameters as a dict (scikit-learn's convention)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "Classifier":
        """Set constructor parameters by name; PurennError for an unknown one. Returns self."""
        known = self._param_names()
        for name, value in params.items():
            if name not in known:
                raise PurennError(f"unknown parameter {name!r} for Classifier; known: {', '.join(known)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = Classifier().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"Classifier({', '.join(changed)})"

    def settings(self) -> Settings:
        """The train.Settings these parameters stand for."""
        settings = Settings(
            hidden=tuple(self.hidden),
            activation=self.activation,
            output_activation=self.output_activation,
            loss=self.loss,
            init=self.init,
            init_low=self.init_low,
            init_high=self.init_high,
            draw_biases=self.draw_biases,
            train_biases=self.train_biases,
            rate=self.rate,
            schedule=self.schedule,
            momentum=self.momentum,
            l2=self.l2,
            l2_over_samples=self.l2_over_samples,
            dropout=self.dropout,
            batch_size=self.batch_size,
            epochs=self.epochs,
            rounds=self.rounds,
            round_size=self.round_size,
            loss_tolerance=self.loss_tolerance,
            patience=self.patience,
            decision=self.decision,
            measure_train_accuracy=self.measure_train_accuracy,
        )
        settings.check()
        return settings

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self,
        X: Iterable[Iterable[object]],
        y: Iterable[object],
        *,
        progress: Optional[Callable[[History, int], None]] = None,
    ) -> "Classifier":
        """Train on X (rows of numbers) and y (one label per row); return self.

        Raises PurennError (a ValueError) for NaN or infinite values, ragged rows, fewer than two
        classes, or settings that make no sense; DivergenceError if training diverges.
        """
        settings = self.settings()
        inputs = _matrix(X)
        labels = _labels(y)
        if len(labels) != len(inputs):
            raise PurennError(f"X has {len(inputs)} rows but y has {len(labels)} labels")
        classes = class_list(labels)
        if len(classes) < 2:
            raise PurennError("y has only one class; a classifier needs at least two")
        scaling = (
            fit_scaling(inputs, self.scaling, divide_by=self.divide_by)
            if self.scaling == "divide"
            else fit_scaling(inputs, self.scaling)
        )
        scaled = apply_scaling(inputs, scaling)
        n_features = len(inputs[0])
        del inputs  # the unscaled copy is not needed any more: one copy of X less in memory
        targets = one_hot(labels, classes)
        rng = random.Random(self.seed)
        validation: Optional[Tuple[List[Vector], List[Vector]]] = None
        if self.validation_fraction:
            kept, held = stratified_split(labels, self.validation_fraction, rng)
            validation = (take(scaled, held), take(targets, held))
            scaled, targets = take(scaled, kept), take(targets, kept)
        network = settings.new_network(n_features, len(classes), rng)
        result = train(network, scaled, targets, settings, rng, validation=validation, progress=progress)
        self._store(network, settings.activations(), classes, scaling, result)
        return self

    def _store(
        self,
        network: Network,
        activations: List[str],
        classes: List[Label],
        scaling: Dict[str, Any],
        result: Optional[TrainingResult],
    ) -> None:
        self.network_ = network
        self.activations_ = activations
        self.classes_ = classes
        self.scaling_ = scaling
        self.n_features_in_ = len(network[0][0]) - 1
        self.history_ = result.history if result else []
        self.stopped_ = result.stopped if result else ""

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise PurennError("this Classifier is not fitted yet: call fit(X, y) first")

    # -- predicting ---------------------------------------------------------------------------

    def _outputs(self, X: Iterable[Iterable[object]]) -> List[Vector]:
        self._check_fitted()
        inputs = _matrix(X)
        if len(inputs[0]) != self.n_features_in_:
            raise PurennError(
                f"X has {len(inputs[0])} features; the model was fitted with {self.n_features_in_}"
            )
        return batch.predict_many(self.network_, apply_scaling(inputs, self.scaling_), self.activations_)

    def predict_proba(self, X: Iterable[Iterable[object]]) -> List[Vector]:
        """The output layer for each row: class probabilities for a softmax output.

        For sigmoid or identity outputs these are the raw outputs, one per class, in classes_ order.
        """
        return self._outputs(X)

    def predict(self, X: Iterable[Iterable[object]]) -> List[Optional[Label]]:
        """The predicted label of each row (None where the strict decision rule is undecided)."""
        decide = strict_index if self.decision == "strict" else argmax_index
        indices = [decide(outputs) for outputs in self._outputs(X)]
        return [None if index is None else self.classes_[index] for index in indices]

    def score(self, X: Iterable[Iterable[object]], y: Iterable[object]) -> float:
        """The fraction of rows whose predicted label equals y (undecided counts as wrong)."""
        labels = _labels(y)
        predictions = self.predict(X)
        if len(labels) != len(predictions):
            raise PurennError(f"X has {len(predictions)} rows but y has {len(labels)} labels")
        return sum(p == t for p, t in zip(predictions, labels)) / len(labels)

    # -- model files --------------------------------------------------------------------------

    def to_model(self, **extra_training_info: Any) -> Model:
        """The fitted classifier as a model.Model, ready for model.save_model."""
        self._check_fitted()
        training = {"settings": self.get_params(), **extra_training_info}
        training["settings"]["hidden"] = list(self.hidden)
        return Model(
            network=self.network_,
            activations=list(self.activations_),
            loss=self.loss,
            scaling=self.scaling_,
            labels=list(self.classes_),
            training=training,
        )

    @classmethod
    def from_model(cls, model: Model) -> "Classifier":
        """A fitted Classifier from a loaded model.Model (its recorded settings where known)."""
        params = dict(model.training.get("settings", {})) if isinstance(model.training, dict) else {}
        known = set(cls._param_names())
        classifier = cls(**{k: v for k, v in params.items() if k in known})
        classifier.hidden = tuple(len(layer) for layer in model.network[:-1])
        if len(model.activations) > 1:
            classifier.activation = model.activations[0]
        classifier.output_activation = model.activations[-1]
        classifier.loss = model.loss
        classifier._store(model.network, list(model.activations), list(model.labels), model.scaling, None)
        return classifier
