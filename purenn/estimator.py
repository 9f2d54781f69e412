"""A scikit-learn-style classifier on top of purenn, with no scikit-learn import.

- Classifier: fit(X, y, sample_weight) -> self, partial_fit, predict, predict_proba, score,
  get_params, set_params; classes_, n_features_in_, loss_curve_, n_iter_, coefs_, ... after fit;
  to_model / from_model for model files.
- sklearn_expected_failed_checks: the scikit-learn checks that cannot apply to a classifier's
  settings, for check_estimator's expected_failed_checks (from purenn/_sklearn.py).

The parameters are Settings' fields (purenn/settings.py: names and defaults), plus the
estimator's own: scaling, divide_by, validation_fraction, seed, warm_start, verbose.
X, y and the sample weights are checked once, by purenn/rows.py, as they come in.

Classifier.fit is the whole training pipeline: check X and y, fit the input scaling, one-hot the
labels, make the network, train it (train.train). The command line's `train` uses it too.

scikit-learn's protocol without importing it (purenn/_sklearn.py): __sklearn_tags__ imports it,
and is only ever called by scikit-learn; _more_tags and _estimator_type serve scikit-learn before 1.6 (1.5.2's
check_estimator passes too). NumPy and pandas objects go through _arrays.py, which imports NumPy
only when handed one of them.
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _arrays, _recorded, _sklearn, batch, rows
from ._fitted import FittedAttributes
from ._sklearn import sklearn_expected_failed_checks
from .errors import ModelError, PurennError
from .metrics import DECISIONS
from .model import Model
from .network import Network
from .optimizers import Optimizer
from .scaling import apply_scaling, check_scaling, fit_scaling
from .settings import Settings, epoch_rate, plain, settings_of
from .splits import class_list, one_hot, stratified_split, take
from .train import History, Progress, StepProgress, TrainingResult, train
from .vectors import Label, Vector

__all__ = ["Classifier", "sklearn_expected_failed_checks"]


class Classifier(FittedAttributes):
    """A feed-forward neural-network classifier, scikit-learn style (scikit-learn not needed).

    Every training setting of settings.Settings is a parameter of the same name and default, plus
    `scaling` ("standardize", "divide", "global-variance" or "none", or a scaling dict already
    fitted by scaling.fit_scaling, used as it is), `divide_by` (for "divide"; None = the largest
    |input|), `validation_fraction` (held out of X when `early_stopping`), `seed` (every random
    draw: split, weights, shuffles, dropout), `warm_start` (fit goes on from the fitted weights,
    scaling and classes) and `verbose` (print each epoch's loss, as MLPClassifier does).

    Fitted attributes: classes_, n_features_in_, feature_names_in_ (fitted on a DataFrame whose
    column names are strings), loss_curve_, n_iter_, validation_scores_, best_loss_,
    best_validation_score_, coefs_ and intercepts_ (scikit-learn's layout: coefs_[i] is
    [n_in][n_out], a copy made from network_ on each access), history_, network_.

    Given NumPy arrays or pandas objects, predict and predict_proba return NumPy arrays (and
    classes_ is one when y was); given lists, lists.

    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10
    >>> y = ["same", "differ", "differ", "same"] * 10
    >>> model = Classifier(hidden=(8,), activation="tanh", rate=0.3, batch_size=8, l2=0.0,
    ...                    epochs=100, scaling="none", seed=3).fit(X, y)
    >>> model.predict([[0.0, 1.0], [1.0, 1.0]])
    ['differ', 'same']
    >>> model.classes_, model.n_features_in_, model.score(X, y), model.n_iter_
    (['differ', 'same'], 2, 1.0, 100)
    """

    _estimator_type = "classifier"  # scikit-learn before 1.6 reads this; later ones the tags
    _optimizer: Optional[Optimizer]

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
        solver: str = Settings.solver,
        rate: float = Settings.rate,
        schedule: str = Settings.schedule,
        momentum: float = Settings.momentum,
        beta_1: float = Settings.beta_1,
        beta_2: float = Settings.beta_2,
        epsilon: float = Settings.epsilon,
        l2: float = Settings.l2,
        l2_over_samples: bool = Settings.l2_over_samples,
        dropout: float = Settings.dropout,
        dropout_order: str = Settings.dropout_order,
        batch_size: int = Settings.batch_size,
        epochs: int = Settings.epochs,
        rounds: int = Settings.rounds,
        round_size: int = Settings.round_size,
        loss_tolerance: Optional[float] = Settings.loss_tolerance,
        loss_tolerance_divisor: Optional[int] = Settings.loss_tolerance_divisor,
        early_stopping: bool = Settings.early_stopping,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = Settings.n_iter_no_change,
        tol: Optional[float] = Settings.tol,
        decision: str = Settings.decision,
        measure_train_accuracy: bool = Settings.measure_train_accuracy,
        n_jobs: int = Settings.n_jobs,
        scaling: Union[str, Dict[str, Any]] = "divide",
        divide_by: Optional[float] = None,
        seed: int = 0,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        # scikit-learn's rule: each parameter stored unchanged (tests/test_settings.py checks the names)
        self.hidden = hidden
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.init = init
        self.init_low = init_low
        self.init_high = init_high
        self.draw_biases = draw_biases
        self.train_biases = train_biases
        self.solver = solver
        self.rate = rate
        self.schedule = schedule
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.l2 = l2
        self.l2_over_samples = l2_over_samples
        self.dropout = dropout
        self.dropout_order = dropout_order
        self.batch_size = batch_size
        self.epochs = epochs
        self.rounds = rounds
        self.round_size = round_size
        self.loss_tolerance = loss_tolerance
        self.loss_tolerance_divisor = loss_tolerance_divisor
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.decision = decision
        self.measure_train_accuracy = measure_train_accuracy
        self.n_jobs = n_jobs
        self.scaling = scaling
        self.divide_by = divide_by
        self.seed = seed
        self.warm_start = warm_start
        self.verbose = verbose

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
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if not _same(v, defaults[k])]
        return f"Classifier({', '.join(changed)})"

    def settings(self) -> Settings:
        """The Settings these parameters stand for (NumPy numbers become Python's).

        PurennError names the first parameter that is wrong, in type or value: the estimator's
        own ones first (settings.settings_of checks them).
        """
        return settings_of(self.get_params())

    # -- scikit-learn's protocol (only scikit-learn calls these) ------------------------------

    def __sklearn_tags__(self) -> Any:
        """scikit-learn >= 1.6's description of this estimator: a classifier that needs y."""
        return _sklearn.tags()

    def _more_tags(self) -> Dict[str, Any]:
        """The same for scikit-learn before 1.6."""
        return {"requires_y": True, "_xfail_checks": sklearn_expected_failed_checks(self)}

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        *,
        progress: Optional[Progress] = None,
        step_progress: Optional[StepProgress] = None,
    ) -> "Classifier":
        """Train on X (rows of numbers) and y (one label per row); return self.

        sample_weight (optional, one number >= 0 per row) weighs each row's loss and gradient:
        for the full batch the step is the weighted mean gradient, so integer weights train as
        if each row were repeated that many times (rows of weight 0 are left out, also from the
        input scaling). With warm_start and a fitted model, training goes on from its weights,
        scaling and classes (y must have the same classes).

        Raises PurennError (a ValueError) for NaN or infinite values, ragged rows, fewer than two
        classes, or settings that make no sense; DivergenceError if training diverges.
        """
        settings = self.settings()
        warm = self.warm_start and self.__sklearn_is_fitted__()
        inputs, labels, weights = self._training_data(X, y, sample_weight, reset=not warm)
        classes = class_list(labels)
        if len(classes) < 2:
            raise PurennError("y has only one class; a classifier needs at least two")
        if warm:
            self._check_same_classes(classes)
            self._check_same_layers(settings)
            classes = self._class_list
            rng = getattr(self, "_rng", None) or random.Random(plain(self.seed))
        else:
            self.scaling_ = self._fit_scaling(inputs)
            rng = random.Random(plain(self.seed))
        scaled = apply_scaling(inputs, self.scaling_)
        del inputs  # the unscaled copy is not needed any more: one copy of X less in memory
        targets = one_hot(labels, classes)
        validation: Optional[Tuple[List[Vector], List[Vector]]] = None
        if settings.early_stopping:
            kept, held = stratified_split(labels, plain(self.validation_fraction), rng)
            validation = (take(scaled, held), take(targets, held))
            scaled, targets = take(scaled, kept), take(targets, kept)
            weights = None if weights is None else take(weights, kept)
        network = self.network_ if warm else settings.new_network(len(scaled[0]), len(classes), rng)
        result = train(
            network,
            scaled,
            targets,
            settings,
            rng,
            validation=validation,
            progress=self._progress(progress, len(self.history_) if warm else 0),
            sample_weight=weights,
            step_progress=step_progress,
        )
        self._store(network, settings.activations(), classes, self.scaling_, result, keep_history=warm)
        self._rng = rng
        self._optimizer = result.optimizer
        self.classes_ = _arrays.to_array(classes) if _arrays.is_array_like(y) else list(classes)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> "Classifier":
        """One more epoch over (X, y); `classes` (every label y may have) on the first call.

        The first call fits the input scaling to its X and makes the network; later calls keep
        both, and the optimizer's state (velocities, Adam's moments). Epoch n steps at the
        schedule's rate of epoch min(n, epochs). Early stopping does not apply. Returns self.
        """
        settings = self.settings()
        first = not self.__sklearn_is_fitted__()
        inputs, labels, weights = self._training_data(X, y, sample_weight, reset=first)
        if first:
            if classes is None:
                raise PurennError("partial_fit needs classes (every label y can have) on its first call")
            class_labels = class_list(rows.labels(classes))
            if len(class_labels) < 2:
                raise PurennError("classes has only one class; a classifier needs at least two")
            self.scaling_ = self._fit_scaling(inputs)
            self._rng = random.Random(plain(self.seed))
            network = settings.new_network(len(inputs[0]), len(class_labels), self._rng)
            self._optimizer = None
        else:
            class_labels = self._class_list
            if classes is not None:
                self._check_same_classes(class_list(rows.labels(classes)))
            network = self.network_
        unknown = sorted({str(label) for label in labels} - {str(c) for c in class_labels})
        if unknown:
            raise PurennError(f"y has labels that are not in classes: {', '.join(unknown[:5])}")
        epoch = min(len(getattr(self, "history_", [])) + 1, settings.epochs)
        one_epoch = dataclasses.replace(
            settings,
            epochs=1,
            schedule="constant",
            rate=epoch_rate(settings, epoch),
            early_stopping=False,
            tol=None,
            loss_tolerance=None,
        )
        result = train(
            network,
            apply_scaling(inputs, self.scaling_),
            one_hot(labels, class_labels),
            one_epoch,
            self._rng,
            progress=self._progress(None, 0 if first else len(self.history_)),
            sample_weight=weights,
            optimizer=None if first else getattr(self, "_optimizer", None),
        )
        for record in result.history:
            record.epoch = len(getattr(self, "history_", [])) + 1
        self._store(
            network, settings.activations(), class_labels, self.scaling_, result, keep_history=not first
        )
        self._optimizer = result.optimizer
        if first:
            self.classes_ = _arrays.to_array(class_labels) if _arrays.is_array_like(classes) else class_labels
        return self

    def _training_data(
        self, X: Any, y: Any, sample_weight: Any, *, reset: bool
    ) -> Tuple[List[Vector], List[Label], Optional[List[float]]]:
        """X, y and the sample weights checked; rows of weight 0 left out; None for equal weights."""
        labels = rows.labels(y)
        inputs = self._input_rows(X, reset=reset)
        if len(labels) != len(inputs):
            raise PurennError(f"X has {len(inputs)} rows but y has {len(labels)} labels")
        weights = rows.sample_weights(sample_weight, len(labels))
        if weights is not None:
            kept = [index for index, weight in enumerate(weights) if weight > 0.0]
            if len(kept) < len(weights):
                inputs, labels, weights = take(inputs, kept), take(labels, kept), take(weights, kept)
            if all(weight == weights[0] for weight in weights):
                weights = None  # equal weights are no weights: the same steps, bit for bit
        return inputs, labels, weights

    def _fit_scaling(self, inputs: List[Vector]) -> Dict[str, Any]:
        """The scaling fitted to inputs, or `scaling` itself when it is a fitted dict already
        (as scaling.fit_scaling returns it: the command line fits one on all rows for the recipes
        that scale before they split)."""
        if isinstance(self.scaling, dict):
            check_scaling(self.scaling, len(inputs[0]))
            return dict(self.scaling)
        if self.scaling == "divide":
            return fit_scaling(inputs, self.scaling, divide_by=plain(self.divide_by))
        return fit_scaling(inputs, self.scaling)

    def _check_same_classes(self, classes: List[Label]) -> None:
        if classes != self._class_list:
            raise PurennError(
                f"y has the classes {classes}, the fitted model {self._class_list}: training can only "
                "go on (warm_start, partial_fit, --resume) with the same classes"
            )

    def _check_same_layers(self, settings: Settings) -> None:
        """warm_start goes on with the fitted network: the parameters must still describe it."""
        fitted = [len(layer) for layer in self.network_[:-1]]
        if list(settings.hidden) != fitted or settings.activations() != self.activations_:
            raise PurennError(
                f"the fitted network has hidden layers {fitted} ({', '.join(self.activations_)}), the "
                f"parameters ask for {list(settings.hidden)} ({', '.join(settings.activations())}): "
                "warm_start needs the same layers (set warm_start=False to start afresh)"
            )

    def _progress(self, progress: Optional[Progress], epochs_before: int) -> Optional[Progress]:
        """progress, and with verbose MLPClassifier's lines: "Iteration 3, loss = 0.12345678"."""
        if not self.verbose:
            return progress

        def report(record: History, epochs: int) -> Optional[bool]:
            print(f"Iteration {epochs_before + record.epoch}, loss = {record.loss:.8f}")
            if record.validation_accuracy is not None:
                print(f"Validation score: {record.validation_accuracy:f}")
            return progress(record, epochs) if progress is not None else None

        return report

    def _store(
        self,
        network: Network,
        activations: List[str],
        classes: List[Label],
        scaling: Dict[str, Any],
        result: Optional[TrainingResult],
        *,
        keep_history: bool = False,
    ) -> None:
        self.network_ = network
        self.activations_ = activations
        self._class_list = list(classes)
        self.classes_ = list(classes)
        self.scaling_ = scaling
        self.n_features_in_ = len(network[0][0]) - 1
        history = result.history if result else []
        self.history_ = (self.history_ + history) if keep_history else history
        self.stopped_ = result.stopped if result else ""

    # -- predicting ---------------------------------------------------------------------------

    def _input_rows(self, X: Any, *, reset: bool) -> List[Vector]:
        """X's rows checked; its width (and DataFrame column names) recorded, or checked against fit's."""
        names = _arrays.feature_names(X)
        inputs = rows.matrix(X)
        width = len(inputs[0])
        if reset:
            if names is not None:
                self.feature_names_in_ = _arrays.to_array(names).astype(object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return inputs
        rows.check_feature_names(getattr(self, "feature_names_in_", None), names)
        if width != self.n_features_in_:
            raise PurennError(
                f"X has {width} features, but Classifier is expecting {self.n_features_in_} features as input"
            )
        return inputs

    def _outputs(self, X: Any) -> List[Vector]:
        self._check_fitted()
        inputs = self._input_rows(X, reset=False)
        return batch.predict_many(self.network_, apply_scaling(inputs, self.scaling_), self.activations_)

    def predict_proba(self, X: Any) -> Any:
        """The output layer for each row: class probabilities for a softmax output.

        For sigmoid or identity outputs these are the raw outputs, one per class, in classes_
        order. A list of lists, or a 2-D NumPy array when X is an array or a DataFrame.
        """
        outputs = self._outputs(X)
        return _arrays.to_array(outputs) if _arrays.is_array_like(X) else outputs

    def predict(self, X: Any) -> Any:
        """The predicted label of each row (None where the strict decision rule is undecided).

        A list, or a NumPy array when X is an array or a DataFrame.
        """
        decide = DECISIONS[self.decision]
        indices = [decide(outputs) for outputs in self._outputs(X)]
        labels = [None if index is None else self._class_list[index] for index in indices]
        return _arrays.to_array(labels) if _arrays.is_array_like(X) else labels

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The (weighted) fraction of rows whose predicted label equals y (undecided is wrong)."""
        labels = rows.labels(y)
        predictions = self.predict(X)
        if len(labels) != len(predictions):
            raise PurennError(f"X has {len(predictions)} rows but y has {len(labels)} labels")
        weights = rows.sample_weights(sample_weight, len(labels)) or [1.0] * len(labels)
        right = math.fsum(w for w, p, t in zip(weights, predictions, labels) if p == t)
        return right / math.fsum(weights)

    # -- model files --------------------------------------------------------------------------

    def to_model(self, **extra_training_info: Any) -> Model:
        """The fitted classifier as a model.Model, ready for model.save_model."""
        self._check_fitted()
        settings = {name: plain(value) for name, value in self.get_params().items()}
        settings["hidden"] = [plain(size) for size in self.hidden]
        training = {"settings": settings, **extra_training_info}
        return Model(
            network=self.network_,
            activations=list(self.activations_),
            loss=self.loss,
            scaling=self.scaling_,
            labels=list(self._class_list),
            training=training,
        )

    @classmethod
    def from_model(cls, model: Model, *, source: str = "<model>") -> "Classifier":
        """A fitted Classifier from a loaded model.Model (its recorded settings where known).

        Files written before early_stopping's names record `patience` (stop when validation
        accuracy has not improved for that many epochs): it becomes early_stopping with
        n_iter_no_change = patience - 1, the same stop under MLPClassifier's count. Recorded
        settings of a wrong type or value raise ModelError naming source and the field.
        """
        params = _recorded.params(model, source)
        known = set(cls._param_names())
        classifier = cls(**{k: v for k, v in params.items() if k in known})
        try:
            classifier.settings()
        except PurennError as error:
            raise ModelError(f'{source}, field "training.settings": {error}') from None
        classifier.hidden = tuple(len(layer) for layer in model.network[:-1])
        if len(model.activations) > 1:
            classifier.activation = model.activations[0]
        classifier.output_activation = model.activations[-1]
        classifier.loss = model.loss
        classifier._store(model.network, list(model.activations), list(model.labels), model.scaling, None)
        classifier.history_ = _recorded.history(model)
        return classifier


def _same(a: Any, b: Any) -> bool:
    """a == b for parameter values, without asking an array for its truth."""
    try:
        return bool(a == b)
    except ValueError:
        return False
