"""The training loop: gradient descent over a data set, with the tricks that make it work.

- Settings: every choice of a training run, with defaults that train the digits well.
- History: one record per epoch (loss, train and validation accuracy, seconds).
- TrainingResult: the trained network, its history and why training stopped.
- train: run gradient descent on (inputs, targets), in place on the network you pass.
- argmax_index, strict_index: the two decision rules, as output-vector -> class index (or None).
- real_number, whole_number: a parameter checked and made a plain float / int (NumPy scalars pass).

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
import numbers
import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import batch, parallel
from .activations import get_activation
from .errors import DivergenceError, PurennError
from .network import Network, dropout_masks, make_network, mask_after_output_step, resolve_loss
from .optimizers import Optimizer, make_optimizer
from .vectors import Vector, all_finite, total

__all__ = [
    "DROPOUT_ORDERS",
    "History",
    "Settings",
    "TrainingResult",
    "argmax_index",
    "epoch_rate",
    "mean_one_weights",
    "new_optimizer",
    "real_number",
    "strict_index",
    "train",
    "whole_number",
]

Progress = Callable[["History", int], None]
StepProgress = Callable[[int, int, int, int], None]  # (epoch, epochs, steps done, steps in the epoch)

# "inverted": the textbook order (the output sees the masked layer); "mask-after-output": 000's.
DROPOUT_ORDERS = ("inverted", "mask-after-output")


@dataclass
class Settings:
    """Every choice of a training run. The defaults are purenn's digits model.

    Network: `hidden` layer sizes, `activation` (of the hidden layers), `output_activation`, `loss`, weight
    initialiser `init` ("he", "glorot" or "uniform" in [init_low, init_high)), `draw_biases`
    (None: the initialiser decides), `train_biases` (False keeps every bias at its start value,
    the "no biases" networks of some tutorials when it starts at 0).
    Steps: `rate` (with `schedule` "cosine" it falls from `rate` in the first epoch towards 0 in
    the last as rate * (1 + cos(pi * (epoch - 1) / epochs)) / 2; "constant" keeps it), `momentum`,
    `l2` (lambda; with `l2_over_samples` it is divided by the number of training samples, as in
    the cost lambda/(2m) * sum w**2), `dropout` (the probability of dropping each hidden unit,
    0.0 = no dropout), `dropout_order` ("inverted": the output sees the masked hidden layer, the
    exact gradient; "mask-after-output": the tutorial 000's order, where the output is computed
    from the unmasked layer and only the weight steps see the mask, per-sample steps and no
    sample weights; see network.mask_after_output_step), `batch_size` (1 = per-sample SGD, 0 =
    full batch), `solver` ("sgd":
    momentum steps; "adam": Adam with `beta_1`, `beta_2`, `epsilon`; momentum is not used).
    Epochs: `epochs`; `rounds` > 0 replaces the shuffled pass by that many rounds of `round_size`
    samples drawn at random (without replacement within a round).
    Stopping: `loss_tolerance` (stop when the epoch's mean loss is below it; with
    `loss_tolerance_divisor` N, when the epoch's SUMMED loss / N is, as the tutorials 000 and 001
    do with N = all 1797 rows, training and test, though they train on 3/4 of them); `early_stopping`
    (stop when the validation accuracy has not improved by more than `tol`, 0 if None, for more
    than `n_iter_no_change` epochs in a row; the best weights are kept); without it, a `tol`
    (None: never) stops when the training loss has not fallen by more than `tol` for more than
    `n_iter_no_change` epochs. These are MLPClassifier's names and rule; its default tol 1e-4
    is not purenn's, whose default runs every epoch.
    Decisions: `decision` "argmax" or "strict" (round every output; only an exact one-hot counts).
    Reporting: `measure_train_accuracy` (after every epoch, a forward pass over the whole training
    set, about a quarter of an epoch's time; False leaves History.train_accuracy None).
    Processes: `n_jobs` (1: this one; N: each batch's gradient on N processes, purenn/parallel.py;
    0: every core); per-sample SGD (batch_size 1) has nothing to share and takes only 1.
    """

    hidden: Tuple[int, ...] = (256,)
    activation: str = "relu"
    output_activation: str = "softmax"
    loss: str = "cross_entropy"
    init: str = "he"
    init_low: float = -1.0
    init_high: float = 1.0
    draw_biases: Optional[bool] = None
    train_biases: bool = True
    rate: float = 0.1
    schedule: str = "cosine"
    momentum: float = 0.9
    l2: float = 1e-4
    l2_over_samples: bool = False
    dropout: float = 0.5
    dropout_order: str = "inverted"
    batch_size: int = 32
    solver: str = "sgd"
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    epochs: int = 60
    rounds: int = 0
    round_size: int = 0
    loss_tolerance: Optional[float] = None
    loss_tolerance_divisor: Optional[int] = None
    early_stopping: bool = False
    n_iter_no_change: int = 10
    tol: Optional[float] = None
    decision: str = "argmax"
    measure_train_accuracy: bool = True
    n_jobs: int = 1

    def activations(self) -> List[str]:
        """One activation name per layer: the hidden ones, then the output one."""
        return [self.activation] * len(self.hidden) + [self.output_activation]

    def check(self) -> None:
        """Raise PurennError naming the first setting that makes no sense, or is of a wrong type.

        Numbers are numbers.Real (a whole number numbers.Integral), so NumPy scalars pass; bool
        is refused where a number is meant, and anything but True/False where a bool is.
        """
        _check_positive_ints("hidden", self.hidden, allow_empty=True)
        for name in ("activation", "output_activation", "loss", "init", "schedule", "decision", "solver"):
            _check_name(name, getattr(self, name))
        _check_number("init_low", self.init_low)
        _check_number("init_high", self.init_high)
        if self.init == "uniform" and not self.init_low < self.init_high:
            raise PurennError(
                f"init_low must be below init_high, got {self.init_low!r} and {self.init_high!r}"
            )
        if self.draw_biases is not None:
            _check_bool("draw_biases", self.draw_biases)
        _check_bool("train_biases", self.train_biases)
        _check_bool("l2_over_samples", self.l2_over_samples)
        _check_number("rate", self.rate, low=0.0, low_open=True)
        _check_number("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        _check_number("l2", self.l2, low=0.0)
        _check_number("dropout", self.dropout, low=0.0, high=1.0, high_open=True)
        _check_count("batch_size", self.batch_size, minimum=0)
        _check_count("epochs", self.epochs, minimum=1)
        _check_count("rounds", self.rounds, minimum=0)
        _check_count("round_size", self.round_size, minimum=1 if self.rounds else 0)
        if self.loss_tolerance is not None:
            _check_number("loss_tolerance", self.loss_tolerance, low=0.0, low_open=True)
        if self.loss_tolerance_divisor is not None:
            _check_count("loss_tolerance_divisor", self.loss_tolerance_divisor, minimum=1)
        self._check_dropout_order()
        _check_count("n_iter_no_change", self.n_iter_no_change, minimum=1)
        _check_count("n_jobs", self.n_jobs, minimum=0)
        if self.n_jobs > parallel.most_jobs():
            most = parallel.most_jobs()
            raise PurennError(
                f"n_jobs must be at most {most} (4 per core here; 0 = one per core), got {self.n_jobs}"
            )
        if self.n_jobs != 1 and self.batch_size == 1:
            raise PurennError(f"n_jobs {self.n_jobs} needs batch_size > 1 or 0: per-sample SGD runs serially")
        if self.tol is not None:
            _check_number("tol", self.tol, low=0.0)
        if self.solver not in ("sgd", "adam"):
            raise PurennError(f"solver must be 'sgd' or 'adam', got {self.solver!r}")
        for name in ("beta_1", "beta_2"):
            _check_number(name, getattr(self, name), low=0.0, high=1.0, high_open=True)
        _check_number("epsilon", self.epsilon, low=0.0, low_open=True)
        for name in ("early_stopping", "measure_train_accuracy"):
            if not isinstance(getattr(self, name), bool):
                raise PurennError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.schedule not in ("constant", "cosine"):
            raise PurennError(f"schedule must be 'constant' or 'cosine', got {self.schedule!r}")
        if self.decision not in ("argmax", "strict"):
            raise PurennError(f"decision must be 'argmax' or 'strict', got {self.decision!r}")
        if self.init not in ("glorot", "he", "uniform"):
            raise PurennError(f"unknown initialiser {self.init!r}; known: glorot, he, uniform")
        functions = [get_activation(name) for name in self.activations()]
        resolve_loss(self.loss, functions[-1])

    def _check_dropout_order(self) -> None:
        if self.dropout_order not in DROPOUT_ORDERS:
            known = ", ".join(DROPOUT_ORDERS)
            raise PurennError(f"dropout_order must be one of {known}, got {self.dropout_order!r}")
        if self.dropout_order == "mask-after-output" and self.dropout > 0.0 and self.batch_size != 1:
            raise PurennError(
                f"dropout_order 'mask-after-output' takes per-sample steps: batch_size must be 1, "
                f"got {self.batch_size!r}"
            )

    def new_network(self, n_inputs: int, n_outputs: int, rng: random.Random) -> Network:
        """A network of n_inputs, the hidden layers and n_outputs, drawn by the initialiser from rng.

        >>> [len(layer) for layer in Settings(hidden=(3, 2)).new_network(4, 1, random.Random(0))]
        [3, 2, 1]
        """
        return make_network(
            [n_inputs, *self.hidden, n_outputs],
            rng,
            init=self.init,
            low=self.init_low,
            high=self.init_high,
            draw_biases=self.draw_biases,
        )

    def as_dict(self) -> Dict[str, Any]:
        """The settings as JSON-able values (tuples become lists), for the model file."""
        values = asdict(self)
        values["hidden"] = list(self.hidden)
        return values


def _check_number(
    name: str,
    value: object,
    *,
    low: Optional[float] = None,
    high: Optional[float] = None,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    number = real_number(name, value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise PurennError(f"{name} must be {_describe_range(low, high, low_open, high_open)}, got {value!r}")


def _describe_range(low: Optional[float], high: Optional[float], low_open: bool, high_open: bool) -> str:
    """'> 0', '>= 0' or 'in [0, 1)': the allowed values, as a reader writes them."""
    if high is None:
        return f"{'>' if low_open else '>='} {low:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def _brief(value: object) -> str:
    """repr(value), cut to 40 characters (a 10**400 has 401 digits)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def real_number(name: str, value: object) -> float:
    """value as a float if it is a finite real number (not a bool); else PurennError naming name.

    >>> real_number("rate", 1)
    1.0
    >>> real_number("rate", 10**400)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: rate must be a finite number, got 10000...
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PurennError(f"{name} must be a finite number, got {_brief(value)}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        number = math.inf
    if not math.isfinite(number):
        raise PurennError(f"{name} must be a finite number, got {_brief(value)}")
    return number


def whole_number(name: str, value: object, *, minimum: int) -> int:
    """value as an int if it is a whole number (numbers.Integral, not a bool) >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise PurennError(f"{name} must be a whole number >= {minimum}, got {_brief(value)}")
    return int(value)


def _check_count(name: str, value: object, *, minimum: int) -> None:
    whole_number(name, value, minimum=minimum)


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise PurennError(f"{name} must be True or False, got {_brief(value)}")


def _check_name(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise PurennError(f"{name} must be a name (a str), got {_brief(value)}")


def _check_positive_ints(name: str, values: object, *, allow_empty: bool) -> None:
    if isinstance(values, (str, bytes)) or not isinstance(values, (tuple, list)):
        raise PurennError(
            f"{name} must be a sequence of layer sizes, such as (64,) or [128, 64], got {_brief(values)}"
        )
    if not values and not allow_empty:
        raise PurennError(f"{name} must not be empty")
    for value in values:
        _check_count(name, value, minimum=1)


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


# ---------------------------------------------------------------------------------------------
# Decisions


def argmax_index(outputs: Sequence[float]) -> int:
    """Return the index of the largest output (the first one on a tie).

    >>> argmax_index([0.1, 0.7, 0.7])
    1
    """
    return max(range(len(outputs)), key=outputs.__getitem__)


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


def _decider(decision: str) -> Callable[[Sequence[float]], Optional[int]]:
    return strict_index if decision == "strict" else argmax_index


def _accuracy(
    network: Network, inputs: Sequence[Vector], classes: Sequence[int], settings: Settings
) -> float:
    decide = _decider(settings.decision)
    outputs = batch.predict_many(network, inputs, settings.activations())
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


def epoch_rate(settings: Settings, epoch: int) -> float:
    """The learning rate of epoch 1, 2, ...: constant, or cosine-annealed towards 0.

    >>> epoch_rate(Settings(rate=0.1, schedule="cosine", epochs=4), 3)
    0.05
    """
    if settings.schedule == "constant":
        return settings.rate
    return settings.rate * 0.5 * (1.0 + math.cos(math.pi * (epoch - 1) / settings.epochs))


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
    (inputs, targets) pair measured after every epoch. `progress(history, epochs)` is called after
    every epoch. Every random draw (shuffles, dropout masks, rounds) comes from `rng`.
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
    ...                     l2=0.0, epochs=300, dropout=0.0, schedule="constant")
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
            _accuracy(network, inputs, train_classes, settings) if settings.measure_train_accuracy else None
        )
        validation_accuracy = (
            _accuracy(network, validation[0], validation_classes, settings)
            if validation and validation_classes
            else None
        )
        record = History(epoch, mean_loss, train_accuracy, validation_accuracy, time.perf_counter() - started)
        result.history.append(record)
        if progress is not None:
            progress(record, settings.epochs)
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
