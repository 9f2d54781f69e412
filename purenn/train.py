"""The training loop: gradient descent over a data set, with the tricks that make it work.

- History: one record per epoch (loss, train and validation accuracy, seconds).
- TrainingResult: the trained network, its history and why training stopped.
- train: run gradient descent on (inputs, targets), in place on the network you pass; the
  progress callback may stop it after any epoch.
- new_optimizer, mean_one_weights: a run's optimizer, and its sample weights scaled to mean 1.

Settings (every choice of a run, its defaults and checks) is in purenn/settings.py, the decision
rules in purenn/metrics.py.

Per-sample SGD, minibatch SGD and full-batch gradient descent are one loop: a step takes the mean
gradient g of `batch_size` samples (1, k, or all of them) and moves every weight by

    v <- momentum * v - rate * g          (solver "sgd": velocity; momentum 0 is plain descent)
    w <- w + v

or by Adam (solver "adam"; purenn/optimizers.py has its update rule). With sample weights the
batch's gradient is (1/B) sum_i s_i g_i, the weights s_i scaled to a mean of 1 over the
training set: for the full batch that is the weighted mean sum_i w_i g_i / sum_i w_i.

Dropout draws a fresh inverted-dropout mask for every sample of every step (or, with
dropout_order "mask-after-output", applies it in the tutorial 000's order: see
network.mask_after_output_step); L2 adds lambda * w to every non-bias gradient. Training stops
after `epochs` epochs, or earlier when the mean training loss of an epoch (or, with
`loss_tolerance_divisor` N, the epoch's summed loss / N) falls under `loss_tolerance`, or when
the score watched for no change has not improved by more than `tol` for more than
`n_iter_no_change` epochs in a row (scikit-learn's MLPClassifier's rule): with `early_stopping`
the validation accuracy (the best weights are then put back), else, when `tol` is set, the
training loss. A loss or weight that is not finite raises DivergenceError, after putting back
the weights of the last finished epoch.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import batch, parallel
from .errors import DivergenceError, PurennError
from .metrics import DECISIONS, argmax_index
from .network import Network, dropout_masks, mask_after_output_step
from .optimizers import Optimizer, make_optimizer
from .settings import Settings, epoch_rate
from .vectors import Vector, all_finite, total

__all__ = [
    "History",
    "Progress",
    "StepProgress",
    "TrainingResult",
    "mean_one_weights",
    "new_optimizer",
    "train",
]

# progress(record, epochs) after each epoch; a True return stops training after that epoch.
Progress = Callable[["History", int], Optional[bool]]
StepProgress = Callable[[int, int, int, int], None]  # (epoch, epochs, steps done, steps in the epoch)


@dataclass
class History:
    """What happened in one epoch."""

    epoch: int
    loss: float
    train_accuracy: Optional[float]
    validation_accuracy: Optional[float]
    seconds: float

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass
class TrainingResult:
    """The trained network (the very list passed in), its per-epoch history, why it stopped,
    its best epoch (when a no-change rule watched it) and the optimizer, to go on training."""

    network: Network
    history: List[History] = field(default_factory=list)
    stopped: str = ""
    best_epoch: Optional[int] = None
    optimizer: Optional[Optimizer] = None


def _accuracy(
    workers: parallel.Workers,
    network: Network,
    inputs: Sequence[Vector],
    classes: Sequence[int],
    settings: Settings,
) -> float:
    """The fraction of `inputs` whose decided output is their class, the rows shared by `workers`."""
    decide = DECISIONS[settings.decision]
    outputs = workers.predict_many(network, inputs, settings.activations())
    return sum(decide(o) == c for o, c in zip(outputs, classes)) / len(classes)


# ---------------------------------------------------------------------------------------------
# Steps


def _batches(n: int, settings: Settings, rng: random.Random) -> List[List[int]]:
    """The index lists of one epoch's steps: a shuffled pass, or random rounds, cut into batches."""
    size = settings.batch_size or n
    if settings.rounds:
        batches: List[List[int]] = []
        for _ in range(settings.rounds):
            drawn = rng.sample(range(n), min(settings.round_size, n))
            batches.extend(drawn[start : start + size] for start in range(0, len(drawn), size))
        return batches
    order = list(range(n))
    rng.shuffle(order)
    return [order[start : start + size] for start in range(0, n, size)]


def _one_step(
    workers: parallel.Workers,
    network: Network,
    optimizer: Optimizer,
    indices: Sequence[int],
    inputs: Sequence[Vector],
    targets: Sequence[Vector],
    weights: Optional[Sequence[float]],
    settings: Settings,
    rate: float,
    l2: float,
    rng: random.Random,
) -> float:
    """Take one step on the samples `indices`; return their mean (weighted) loss."""
    batch_inputs = [inputs[i] for i in indices]
    batch_targets = [targets[i] for i in indices]
    masks = None
    if settings.dropout > 0.0 and len(network) > 1:
        keep = 1.0 - settings.dropout
        masks = [dropout_masks(network, keep, rng) for _ in indices]
    if masks is not None and settings.dropout_order == "mask-after-output":
        activations = settings.activations()
        value, grads = mask_after_output_step(
            network, batch_inputs[0], batch_targets[0], activations, settings.loss, l2=l2, dropout=masks[0]
        )
    else:
        value, grads = workers.loss_and_gradients(
            network,
            batch_inputs,
            batch_targets,
            settings.activations(),
            settings.loss,
            l2=l2,
            dropout=masks,
            weights=None if weights is None else [weights[i] for i in indices],
            trusted=True,  # _train checked every row once; the masks are drawn here
        )
    if math.isfinite(value):
        optimizer(network, grads, rate=rate, train_biases=settings.train_biases)
    return value


def new_optimizer(settings: Settings, network: Network) -> Optimizer:
    """The optimizer settings.solver names, with its settings, for network."""
    return make_optimizer(
        settings.solver,
        network,
        momentum=settings.momentum,
        beta_1=settings.beta_1,
        beta_2=settings.beta_2,
        epsilon=settings.epsilon,
    )


def mean_one_weights(sample_weight: Sequence[float]) -> List[float]:
    """The sample weights scaled to a mean of 1 (all 1.0 stay exactly 1.0).

    >>> mean_one_weights([1.0, 3.0]), mean_one_weights([2.0, 2.0])
    ([0.5, 1.5], [1.0, 1.0])
    """
    total_weight = math.fsum(sample_weight)
    if not total_weight > 0.0:
        raise PurennError("the sample weights are all zero: at least one must be positive")
    return [len(sample_weight) * w / total_weight for w in sample_weight]


# ---------------------------------------------------------------------------------------------
# The loop


def _tolerance_reached(
    mean_loss: float, losses: Sequence[float], batches: Sequence[Sequence[int]], settings: Settings
) -> str:
    """Why training stops under loss_tolerance, or "" if it goes on.

    The rule compares the epoch's mean loss, or with loss_tolerance_divisor N the summed loss over
    the epoch's samples divided by N (each step's loss is its batch's mean, so it counts len(batch)
    times), with loss_tolerance.

    >>> settings = Settings(loss_tolerance=0.1, loss_tolerance_divisor=8)
    >>> _tolerance_reached(0.2, [0.2, 0.2], [[0, 1], [2, 3]], settings)  # 0.8 / 8 is not under 0.1
    ''
    >>> _tolerance_reached(0.1, [0.1], [[0, 1]], settings)
    "the epoch's summed loss / 8 = 0.025 fell under 0.1"
    """
    tolerance = settings.loss_tolerance
    if tolerance is None:
        return ""
    divisor = settings.loss_tolerance_divisor
    if divisor is None:
        return f"the mean loss {mean_loss:.4g} fell under {tolerance:g}" if mean_loss < tolerance else ""
    value = total([loss * len(indices) for loss, indices in zip(losses, batches)]) / divisor
    if value < tolerance:
        return f"the epoch's summed loss / {divisor} = {value:.4g} fell under {tolerance:g}"
    return ""


def _check_rows(
    network: Network,
    inputs: Sequence[Vector],
    targets: Sequence[Vector],
    validation: Optional[Tuple[Sequence[Vector], Sequence[Vector]]],
) -> None:
    """The training rows (and the validation inputs) fit the network and are finite: batch.check_rows."""
    batch.check_rows(network, inputs, targets)
    if validation and validation[0]:
        batch.check_rows(network, validation[0])


def _copy(network: Network) -> Network:
    return [[list(neuron) for neuron in layer] for layer in network]


def _network_is_finite(network: Network) -> bool:
    return all(all_finite(neuron) for layer in network for neuron in layer)


def _classes(targets: Sequence[Vector]) -> List[int]:
    return [argmax_index(t) for t in targets]


class _NoChange:
    """MLPClassifier's stopping rule: count the epochs in a row whose score did not improve by
    more than tol on the best so far; say to stop when the count passes n_iter_no_change.

    With early stopping the score is the validation accuracy (higher is better) and the best
    epoch's weights are kept; otherwise it is the training loss (lower is better).

    >>> rule = _NoChange(2, 0.0, validation=False)
    >>> [rule.update(loss, epoch, []) for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.41, 0.42], 1)]
    [False, False, False, False, True]
    """

    def __init__(self, n_iter_no_change: int, tol: float, *, validation: bool) -> None:
        self.n_iter_no_change, self.tol, self.validation = n_iter_no_change, tol, validation
        self.best = -math.inf if validation else math.inf
        self.best_epoch: Optional[int] = None
        self.best_weights: Network = []
        self.count = 0

    def update(self, score: float, epoch: int, network: Network) -> bool:
        """Record an epoch's score; True when it is time to stop."""
        if self.validation:
            self.count = self.count + 1 if score < self.best + self.tol else 0
            if score > self.best:
                self.best, self.best_epoch, self.best_weights = score, epoch, _copy(network)
        else:
            self.count = self.count + 1 if score > self.best - self.tol else 0
            if score < self.best:
                self.best, self.best_epoch = score, epoch
        return self.count > self.n_iter_no_change

    def reason(self) -> str:
        watched = "validation accuracy" if self.validation else "training loss"
        kept = f"; kept the weights of epoch {self.best_epoch}" if self.validation else ""
        return (
            f"the {watched} did not improve by more than {self.tol:g} for "
            f"{self.n_iter_no_change} epochs{kept}"
        )


def _no_change_rule(settings: Settings, has_validation: bool) -> Optional[_NoChange]:
    if settings.early_stopping:
        if not has_validation:
            raise PurennError("early_stopping needs validation data to watch")
        return _NoChange(settings.n_iter_no_change, settings.tol or 0.0, validation=True)
    if settings.tol is not None:
        return _NoChange(settings.n_iter_no_change, settings.tol, validation=False)
    return None


def train(
    network: Network,
    inputs: Sequence[Vector],
    targets: Sequence[Vector],
    settings: Settings,
    rng: random.Random,
    *,
    validation: Optional[Tuple[Sequence[Vector], Sequence[Vector]]] = None,
    progress: Optional[Progress] = None,
    sample_weight: Optional[Sequence[float]] = None,
    optimizer: Optional[Optimizer] = None,
    step_progress: Optional[StepProgress] = None,
) -> TrainingResult:
    """Train `network` IN PLACE on (inputs, targets); return it with its history.

    `targets` are vectors the size of the output layer (one-hot for classes); accuracy compares
    the decision rule's class index with the target's largest entry. `validation` is an optional
    (inputs, targets) pair measured after every epoch. `progress(record, epochs)` is called after
    every epoch with its History record; if it returns True, training stops there (as xgboost's
    after_iteration): the network is the one of that epoch, the history ends with it. Every
    random draw (shuffles, dropout masks, rounds) comes from `rng`.
    `sample_weight` (one number >= 0 per input) weighs each sample's loss and gradient (see the
    module docstring). `optimizer` continues an earlier run's (TrainingResult.optimizer: its
    velocities or Adam moments); by default a fresh one of settings.solver.
    `step_progress(epoch, epochs, done, steps)` is called after every step.

    Raises DivergenceError, with the weights of the last finished epoch put back, when a loss or
    weight stops being finite.

    >>> import random
    >>> from purenn.network import make_network, predict
    >>> xor_inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> xor_targets = [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    >>> net = make_network([2, 8, 2], random.Random(1), init="glorot")
    >>> settings = Settings(hidden=(8,), activation="tanh", rate=0.5, batch_size=4,
    ...                     l2=0.0, epochs=300, dropout=0.0, schedule="constant",
    ...                     measure_train_accuracy=True)
    >>> result = train(net, xor_inputs, xor_targets, settings, random.Random(2))
    >>> result.history[-1].train_accuracy
    1.0
    """
    with parallel.Workers(settings.n_jobs) as workers:  # started at the first step, stopped here
        return _train(
            workers,
            network,
            inputs,
            targets,
            settings,
            rng,
            validation=validation,
            progress=progress,
            sample_weight=sample_weight,
            optimizer=optimizer,
            step_progress=step_progress,
        )


def _train(
    workers: parallel.Workers,
    network: Network,
    inputs: Sequence[Vector],
    targets: Sequence[Vector],
    settings: Settings,
    rng: random.Random,
    *,
    validation: Optional[Tuple[Sequence[Vector], Sequence[Vector]]],
    progress: Optional[Progress],
    sample_weight: Optional[Sequence[float]],
    optimizer: Optional[Optimizer],
    step_progress: Optional[StepProgress],
) -> TrainingResult:
    """train's work, its steps' gradients on `workers` (keyword options: each one forwarded by name)."""
    settings.check()
    if not inputs or len(inputs) != len(targets):
        raise PurennError(f"training needs as many targets as inputs, got {len(inputs)} and {len(targets)}")
    train_classes = _classes(targets) if settings.measure_train_accuracy else []
    validation_classes = _classes(validation[1]) if validation else None
    l2 = settings.l2 / len(inputs) if settings.l2_over_samples else settings.l2
    weights = None if sample_weight is None else mean_one_weights(sample_weight)
    if weights is not None and len(weights) != len(inputs):
        raise PurennError(f"got {len(weights)} sample weights for {len(inputs)} inputs")
    if weights is not None and settings.dropout > 0.0 and settings.dropout_order == "mask-after-output":
        raise PurennError("dropout_order 'mask-after-output' takes no sample weights")
    step = optimizer if optimizer is not None else new_optimizer(settings, network)
    result = TrainingResult(network=network, optimizer=step)
    no_change = _no_change_rule(settings, validation is not None)
    _check_rows(network, inputs, targets, validation)  # once: each epoch's predictions trust them
    for epoch in range(1, settings.epochs + 1):
        started = time.perf_counter()
        last_good = _copy(network)
        rate = epoch_rate(settings, epoch)
        batches = _batches(len(inputs), settings, rng)
        losses = []
        for done, indices in enumerate(batches, 1):
            losses.append(
                _one_step(workers, network, step, indices, inputs, targets, weights, settings, rate, l2, rng)
            )
            if step_progress is not None:
                step_progress(epoch, settings.epochs, done, len(batches))
        mean_loss = total(losses) / len(losses)
        if not (math.isfinite(mean_loss) and _network_is_finite(network)):
            network[:] = last_good
            raise DivergenceError(
                f"training diverged in epoch {epoch}: the loss became {mean_loss}; "
                f"the weights of epoch {epoch - 1} were kept (try a smaller learning rate)"
            )
        train_accuracy = (
            _accuracy(workers, network, inputs, train_classes, settings)
            if settings.measure_train_accuracy
            else None
        )
        validation_accuracy = (
            _accuracy(workers, network, validation[0], validation_classes, settings)
            if validation and validation_classes
            else None
        )
        record = History(epoch, mean_loss, train_accuracy, validation_accuracy, time.perf_counter() - started)
        result.history.append(record)
        if progress is not None and progress(record, settings.epochs):
            result.stopped = f"the progress callback stopped training after epoch {epoch}"
            return result  # the network of this epoch, even where a no-change rule kept a best one
        stop = _tolerance_reached(mean_loss, losses, batches, settings)
        if stop:
            result.stopped = stop
            break
        if no_change is not None:
            score = validation_accuracy if no_change.validation else mean_loss
            if no_change.update(score if score is not None else math.nan, epoch, network):
                result.stopped = no_change.reason()
                break
    else:
        result.stopped = f"finished {settings.epochs} epochs"
    if no_change is not None:
        result.best_epoch = no_change.best_epoch
        if no_change.validation:
            network[:] = no_change.best_weights  # MLPClassifier keeps the best epoch's weights too
    return result
