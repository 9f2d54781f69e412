"""Settings: every choice of a training run, one list of names and defaults, and its checks.

- Settings: the training parameters (names, defaults, check); Classifier's parameters, the
  command line's training flags and the presets' parameters are these names (tests/test_settings.py).
- SCHEDULES, epoch_rate: the learning-rate schedules, and the rate of an epoch.
- DROPOUT_ORDERS: where the dropout mask goes ("inverted" or "mask-after-output").
- real_number, whole_number: a parameter checked and made a plain float / int (NumPy scalars pass).
- listed_with_or: "a, b or c", for the messages and help lines that list a registry.
- settings_of: the Settings of a Classifier's parameters, its own ones (scaling,
  divide_by, validation_fraction, seed) checked too; plain: NumPy's numbers as Python's.

The other registries Settings checks its names against: activations.ACTIVATIONS, losses.LOSSES,
network.INITIALISERS, metrics.DECISIONS, optimizers.SOLVERS.
"""

from __future__ import annotations

import math
import numbers
import random
from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from . import parallel
from .activations import get_activation
from .errors import MOST_INTEGER_BITS, PurennError
from .metrics import DECISIONS
from .network import Network, check_initialiser, make_network, resolve_loss
from .optimizers import SOLVERS
from .scaling import SCALING_KINDS

__all__ = [
    "DROPOUT_ORDERS",
    "SCHEDULES",
    "Settings",
    "epoch_rate",
    "listed_with_or",
    "plain",
    "real_number",
    "settings_of",
    "whole_number",
]

# "inverted": the textbook order (the output sees the masked layer); "mask-after-output": 000's.
DROPOUT_ORDERS = ("inverted", "mask-after-output")

MOST_EPOCHS = 2**53  # every count of epochs up to it is exact as a float

# "constant": the same rate every epoch; "cosine": from rate in the first epoch towards 0 in the last.
SCHEDULES = ("constant", "cosine")


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
    Reporting: `measure_train_accuracy` (True: after every epoch, a forward pass over the whole
    training set, about a quarter of an epoch's time; False, the default, leaves
    History.train_accuracy None, as MLPClassifier measures none; `purenn train` then measures
    it once, at the end).
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
    epochs: int = 20
    rounds: int = 0
    round_size: int = 0
    loss_tolerance: Optional[float] = None
    loss_tolerance_divisor: Optional[int] = None
    early_stopping: bool = False
    n_iter_no_change: int = 10
    tol: Optional[float] = None
    decision: str = "argmax"
    measure_train_accuracy: bool = False
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
        if self.epochs > MOST_EPOCHS:  # the schedule divides by it as a float
            raise PurennError(f"epochs must be at most 2**53, got {_brief(self.epochs)}")
        _check_count("rounds", self.rounds, minimum=0)
        _check_count("round_size", self.round_size, minimum=0)
        if self.rounds and self.round_size < 1:
            raise PurennError(
                f"rounds {self.rounds} needs round_size >= 1 (samples a round), got {self.round_size}"
            )
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
                f"n_jobs must be at most {most} (4 per core here; 0 = one per core), "
                f"got {_brief(self.n_jobs)}"
            )
        if self.n_jobs != 1 and self.batch_size == 1:
            raise PurennError(f"n_jobs {self.n_jobs} needs batch_size > 1 or 0: per-sample SGD runs serially")
        if self.tol is not None:
            _check_number("tol", self.tol, low=0.0)
        if self.solver not in SOLVERS:
            raise PurennError(f"solver must be {_either(SOLVERS)}, got {self.solver!r}")
        for name in ("beta_1", "beta_2"):
            _check_number(name, getattr(self, name), low=0.0, high=1.0, high_open=True)
        _check_number("epsilon", self.epsilon, low=0.0, low_open=True)
        for name in ("early_stopping", "measure_train_accuracy"):
            if not isinstance(getattr(self, name), bool):
                raise PurennError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.schedule not in SCHEDULES:
            raise PurennError(f"schedule must be {_either(SCHEDULES)}, got {self.schedule!r}")
        if self.decision not in DECISIONS:
            raise PurennError(f"decision must be {_either(DECISIONS)}, got {self.decision!r}")
        check_initialiser(self.init)
        for name in ("activation", "output_activation"):
            try:
                get_activation(getattr(self, name))
            except PurennError as error:
                raise PurennError(f"{name}: {error}") from None
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


def listed_with_or(names: Iterable[str]) -> str:
    """'a, b or c': names as a sentence lists them (the command line's help lines too).

    >>> listed_with_or(["cross_entropy", "squared_error"]), listed_with_or(["'sgd'", "'adam'"])
    ('cross_entropy or squared_error', "'sgd' or 'adam'")
    """
    listed = list(names)
    return " or ".join([", ".join(listed[:-1]), listed[-1]] if len(listed) > 1 else listed)


def _either(names: Iterable[str]) -> str:
    """The names a setting may take, quoted, as a message says them: 'a' or 'b'."""
    return listed_with_or(repr(name) for name in names)


def _describe_range(low: Optional[float], high: Optional[float], low_open: bool, high_open: bool) -> str:
    """'> 0', '>= 0' or 'in [0, 1)': the allowed values, as a reader writes them."""
    if high is None:
        return f"{'>' if low_open else '>='} {low:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def _brief(value: object) -> str:
    """repr(value), cut to 40 characters (a 10**400 has 401 digits; 10**5000's repr is refused)."""
    try:
        text = repr(value)
    except ValueError:  # an int longer than sys.get_int_max_str_digits()
        return "a number of thousands of digits"
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


def epoch_rate(settings: Settings, epoch: int) -> float:
    """The learning rate of epoch 1, 2, ...: constant, or cosine-annealed towards 0.

    >>> epoch_rate(Settings(rate=0.1, schedule="cosine", epochs=4), 3)
    0.05
    """
    if settings.schedule == "constant":
        return settings.rate
    return settings.rate * 0.5 * (1.0 + math.cos(math.pi * (epoch - 1) / settings.epochs))


# ---------------------------------------------------------------------------------------------
# A Classifier's parameters: Settings' fields, and the estimator's own


def settings_of(params: Dict[str, Any]) -> Settings:
    """The Settings a Classifier's parameters (get_params()) stand for, NumPy numbers made Python's.

    The parameters Settings does not have (scaling, divide_by, validation_fraction, seed) are
    checked first; PurennError names the first one that is wrong, in type or value.

    >>> settings_of({**Settings().as_dict(), "scaling": "none", "divide_by": None,
    ...              "validation_fraction": 0.1, "seed": 0, "hidden": [8]}).hidden
    (8,)
    """
    _refuse_huge_integers(params)
    _check_estimator_params(params)
    names = {field.name for field in fields(Settings)}
    values = {name: plain(value) for name, value in params.items() if name in names}
    values["hidden"] = tuple(plain(size) for size in values["hidden"])
    settings = Settings(**values)
    settings.check()
    return settings


def _refuse_huge_integers(params: Dict[str, Any]) -> None:
    """Refuse an integer parameter (or layer size) of more than MOST_INTEGER_BITS bits, by name.

    >>> _refuse_huge_integers({"seed": 10**5000})
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: seed is an integer of 16610 bits: no setting takes one over 10000 bits
    """
    for name, value in params.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, int) and item.bit_length() > MOST_INTEGER_BITS:
                raise PurennError(
                    f"{name} is an integer of {item.bit_length()} bits: no setting takes one over "
                    f"{MOST_INTEGER_BITS} bits"
                )


def _check_estimator_params(params: Dict[str, Any]) -> None:
    """Check the parameters Settings does not have, by their names in Classifier."""
    scaling, divide_by, hidden = params["scaling"], params["divide_by"], params["hidden"]
    if isinstance(scaling, dict):
        pass  # a fitted scaling (scaling.fit_scaling's dict): fit checks it against X's width first
    elif not isinstance(scaling, str) or scaling not in SCALING_KINDS:
        raise PurennError(
            f"scaling must be one of {', '.join(repr(k) for k in SCALING_KINDS)} or a fitted scaling, "
            f"got {scaling!r}"
        )
    if divide_by is not None and not real_number("divide_by", divide_by) > 0.0:
        raise PurennError(f"divide_by must be a number > 0 or None, got {divide_by!r}")
    fraction = real_number("validation_fraction", params["validation_fraction"])
    if not 0.0 <= fraction < 1.0:
        raise PurennError(f"validation_fraction must be in [0, 1), got {params['validation_fraction']!r}")
    if isinstance(params["seed"], bool) or not isinstance(params["seed"], numbers.Integral):
        raise PurennError(f"seed must be an integer, got {params['seed']!r}")
    for name in ("warm_start", "verbose"):
        if not isinstance(params.get(name, False), bool):
            raise PurennError(f"{name} must be True or False, got {_brief(params[name])}")
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise PurennError(f"hidden must be a sequence of layer sizes, such as (64,), got {hidden!r}")
    for size in hidden:
        whole_number("hidden", size, minimum=1)


def plain(value: Any) -> Any:
    """NumPy's numbers as Python's (np.int64(3) -> 3, np.float32(0.5) -> 0.5); else value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value
