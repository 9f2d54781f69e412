"""The training loop: schedules, stopping rules, divergence, and agreement with the reference."""

from __future__ import annotations

import copy
import math
import random
from typing import Any, List

import pytest

from purenn import batch
from purenn.data import load_digits
from purenn.errors import DivergenceError, PurennError
from purenn.metrics import argmax_index, strict_index
from purenn.network import (
    backpropagate,
    dropout_masks,
    gradients,
    loss_and_gradients,
    make_network,
    mask_after_output_step,
)
from purenn.settings import Settings
from purenn.splits import class_list, one_hot
from purenn.train import History, train


def _digits(count: int = 200) -> "tuple[List[List[float]], List[List[float]]]":
    inputs, labels = load_digits()
    scaled = [[p / 16.0 for p in row] for row in inputs[:count]]
    return scaled, one_hot(labels[:count], class_list(labels))


# The defaults train the digits model (dropout 0.5, cosine schedule); these tests fix plain steps.
PLAIN = {"dropout": 0.0, "schedule": "constant"}


def _net(sizes: List[int], seed: int = 0, **kwargs: Any) -> List[Any]:
    return make_network(sizes, random.Random(seed), **kwargs)


def test_same_seed_same_model_bit_for_bit() -> None:
    inputs, targets = _digits()
    settings = Settings(hidden=(8,), epochs=2, dropout=0.2)
    first, second = _net([64, 8, 10]), _net([64, 8, 10])
    train(first, inputs, targets, settings, random.Random(5))
    train(second, inputs, targets, settings, random.Random(5))
    assert first == second
    third = _net([64, 8, 10])
    train(third, inputs, targets, settings, random.Random(6))
    assert third != first


def test_training_lowers_the_loss_and_records_history() -> None:
    inputs, targets = _digits()
    result = train(
        _net([64, 16, 10]),
        inputs,
        targets,
        Settings(hidden=(16,), epochs=5, measure_train_accuracy=True, **PLAIN),
        random.Random(0),
        validation=(inputs[:50], targets[:50]),
    )
    losses = [record.loss for record in result.history]
    assert len(losses) == 5 and losses[-1] < losses[0] / 2
    assert all(isinstance(r, History) and r.seconds >= 0 for r in result.history)
    assert result.history[-1].train_accuracy > 0.9
    assert result.history[-1].validation_accuracy is not None
    assert result.stopped == "finished 5 epochs"


def test_skipping_the_train_accuracy_changes_nothing_else() -> None:
    """The accuracy pass only reads the network: without it, the same weights, losses, validation."""
    inputs, targets = _digits(120)
    results = []
    for measure in (True, False):
        settings = Settings(hidden=(8,), epochs=3, dropout=0.2, measure_train_accuracy=measure)
        results.append(
            train(
                _net([64, 8, 10]), inputs, targets, settings, random.Random(4), validation=(inputs, targets)
            )
        )
    measured, skipped = results
    assert measured.network == skipped.network
    assert [r.loss for r in measured.history] == [r.loss for r in skipped.history]
    assert [r.validation_accuracy for r in measured.history] == [
        r.validation_accuracy for r in skipped.history
    ]
    assert all(r.train_accuracy is not None for r in measured.history)
    assert all(r.train_accuracy is None for r in skipped.history)


def test_measure_train_accuracy_must_be_a_bool() -> None:
    with pytest.raises(PurennError, match="measure_train_accuracy must be True or False, got 'no'"):
        Settings(measure_train_accuracy="no").check()  # type: ignore[arg-type]


def test_per_sample_sgd_is_the_reference_backpropagate() -> None:
    """batch_size 1, momentum 0: each step is exactly backpropagate(net, x, t, rate) in shuffled order."""
    inputs, targets = _digits(30)
    settings = Settings(
        hidden=(5,),
        activation="sigmoid",
        epochs=1,
        batch_size=1,
        momentum=0.0,
        l2=0.0,
        rate=0.3,
        **PLAIN,
    )
    trained = _net([64, 5, 10])
    reference = copy.deepcopy(trained)
    train(trained, inputs, targets, settings, random.Random(9))
    order = list(range(len(inputs)))
    random.Random(9).shuffle(order)
    for i in order:
        backpropagate(reference, inputs[i], targets[i], 0.3, ["sigmoid", "softmax"], "cross_entropy")
    for layer, ref_layer in zip(trained, reference):
        for neuron, ref_neuron in zip(layer, ref_layer):
            assert neuron == pytest.approx(ref_neuron, rel=1e-12, abs=1e-14)


def test_full_batch_step_is_the_mean_reference_gradient() -> None:
    inputs, targets = _digits(40)
    settings = Settings(hidden=(4,), epochs=1, batch_size=0, momentum=0.0, l2=0.01, rate=0.5, **PLAIN)
    trained = _net([64, 4, 10])
    start = copy.deepcopy(trained)
    train(trained, inputs, targets, settings, random.Random(1))
    all_grads = [
        gradients(start, x, t, ["relu", "softmax"], "cross_entropy", l2=0.01) for x, t in zip(inputs, targets)
    ]
    for i, layer in enumerate(start):
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron):
                mean = math.fsum(g[i][j][k] for g in all_grads) / len(all_grads)
                assert trained[i][j][k] == pytest.approx(w - 0.5 * mean, rel=1e-12, abs=1e-14)


def _mean_of_reference(
    network: Any,
    inputs: Any,
    targets: Any,
    activations: Any,
    loss_name: str,
    *,
    l2: float,
    dropout: Any,
    weights: Any = None,
    trusted: bool = False,
) -> Any:
    """batch.loss_and_gradients done the slow way: the reference per sample, exact-rounded means
    (the reference checks every sample whatever `trusted` says)."""
    assert weights is None
    masks = dropout or [None] * len(inputs)
    results = [
        loss_and_gradients(network, x, t, activations, loss_name, l2=l2, dropout=m)
        for x, t, m in zip(inputs, targets, masks)
    ]
    mean_loss = math.fsum(value for value, _ in results) / len(results)
    mean_grads = [
        [
            [math.fsum(grads[i][j][k] for _, grads in results) / len(results) for k in range(len(neuron))]
            for j, neuron in enumerate(layer)
        ]
        for i, layer in enumerate(network)
    ]
    return mean_loss, mean_grads


def test_the_batch_engine_trains_like_the_reference(monkeypatch: Any) -> None:
    """The default recipe (ReLU, softmax, dropout, L2, momentum, minibatches) for 3 epochs, once with
    the batch engine and once with the per-sample reference: the same model up to rounding noise."""
    inputs, targets = _digits(300)
    settings = Settings(hidden=(12,), epochs=3, batch_size=16, dropout=0.2, l2=1e-3)
    validation = (inputs[200:], targets[200:])
    fast = train(
        _net([64, 12, 10]), inputs[:200], targets[:200], settings, random.Random(2), validation=validation
    )
    monkeypatch.setattr(batch, "loss_and_gradients", _mean_of_reference)
    slow = train(
        _net([64, 12, 10]), inputs[:200], targets[:200], settings, random.Random(2), validation=validation
    )
    for layer, slow_layer in zip(fast.network, slow.network):
        for neuron, slow_neuron in zip(layer, slow_layer):
            assert neuron == pytest.approx(slow_neuron, rel=1e-9, abs=1e-12)
    assert [r.validation_accuracy for r in fast.history] == [r.validation_accuracy for r in slow.history]
    assert [r.loss for r in fast.history] == pytest.approx([r.loss for r in slow.history], rel=1e-12)


def test_momentum_accumulates_velocity() -> None:
    """Two full-batch steps with momentum 0.5 on a linear neuron, worked by hand."""
    network = [[[0.0, 0.0]]]
    settings = Settings(
        hidden=(),
        activation="identity",
        output_activation="identity",
        loss="squared_error",
        batch_size=0,
        epochs=2,
        rate=0.5,
        momentum=0.5,
        l2=0.0,
        **PLAIN,
    )
    train(network, [[1.0]], [[1.0]], settings, random.Random(0))
    # step 1: g = (0 - 1) * [1, 1] = [-1, -1]; v = 0.5; w = 0.5
    # step 2: g = (1 - 1) = 0; v = 0.5 * 0.5 - 0 = 0.25; w = 0.75
    assert network == [[[0.75, 0.75]]]


def test_frozen_biases_stay_put() -> None:
    inputs, targets = _digits(50)
    network = _net([64, 6, 10], init="uniform", draw_biases=False)
    train(network, inputs, targets, Settings(hidden=(6,), epochs=2, train_biases=False), random.Random(0))
    assert all(neuron[-1] == 0.0 for layer in network for neuron in layer)


def test_loss_tolerance_stops_early() -> None:
    inputs, targets = _digits(50)
    result = train(
        _net([64, 6, 10]),
        inputs,
        targets,
        Settings(hidden=(6,), epochs=50, loss_tolerance=100.0),
        random.Random(0),
    )
    assert len(result.history) == 1
    assert "fell under 100" in result.stopped


def test_the_tolerance_divisor_divides_the_summed_loss() -> None:
    """loss_tolerance_divisor N: the stopping rule is sum of the epoch's losses / N (the tutorials'
    err /= X.shape[0]); the recorded loss stays the mean."""
    inputs, targets = _digits(50)
    common = dict(hidden=(6,), epochs=3, batch_size=10, **PLAIN)
    mean_loss = (
        train(_net([64, 6, 10]), inputs, targets, Settings(**common), random.Random(0)).history[0].loss
    )
    summed = mean_loss * 50  # five steps of 10 samples, each step's loss their mean
    # Under the tolerance only when divided by a larger N: N = 200 stops, N = 50 does not.
    tolerance = summed / 100
    stops = Settings(**common, loss_tolerance=tolerance, loss_tolerance_divisor=200)
    result = train(_net([64, 6, 10]), inputs, targets, stops, random.Random(0))
    assert len(result.history) == 1 and result.history[0].loss == mean_loss
    assert result.stopped.startswith("the epoch's summed loss / 200 = ")
    assert float(result.stopped.split("= ")[1].split()[0]) == pytest.approx(summed / 200, rel=1e-3)
    goes_on = Settings(**common, loss_tolerance=tolerance, loss_tolerance_divisor=50)
    assert len(train(_net([64, 6, 10]), inputs, targets, goes_on, random.Random(0)).history) > 1


def test_the_tutorial_dropout_order_takes_mask_after_output_steps() -> None:
    """dropout_order "mask-after-output": each per-sample step is w <- w - rate * the step of
    network.mask_after_output_step, with the masks train draws (after the epoch's shuffle)."""
    inputs, targets = _digits(12)
    settings = Settings(
        hidden=(7,),
        output_activation="identity",
        loss="squared_error",
        dropout=0.5,
        dropout_order="mask-after-output",
        batch_size=1,
        epochs=1,
        momentum=0.0,
        l2=0.0,
        rate=0.05,
        schedule="constant",
    )
    trained = _net([64, 7, 10])
    reference = copy.deepcopy(trained)
    train(trained, inputs, targets, settings, random.Random(4))
    rng = random.Random(4)
    order = list(range(len(inputs)))
    rng.shuffle(order)
    for i in order:
        masks = dropout_masks(reference, 0.5, rng)
        _, step = mask_after_output_step(
            reference, inputs[i], targets[i], ["relu", "identity"], "squared_error", dropout=masks
        )
        for layer, layer_step in zip(reference, step):
            for neuron, neuron_step in zip(layer, layer_step):
                for k, g in enumerate(neuron_step):
                    neuron[k] += -0.05 * g
    assert trained == reference
    inverted = _net([64, 7, 10])
    train(
        inverted,
        inputs,
        targets,
        Settings(**{**settings.as_dict(), "hidden": (7,), "dropout_order": "inverted"}),
        random.Random(4),
    )
    assert inverted != trained


def test_the_tutorial_dropout_order_without_dropout_is_plain_sgd() -> None:
    inputs, targets = _digits(12)
    plain = dict(hidden=(5,), batch_size=1, epochs=1, momentum=0.0, l2=0.0, **PLAIN)
    first, second = _net([64, 5, 10]), _net([64, 5, 10])
    train(first, inputs, targets, Settings(**plain), random.Random(2))
    train(second, inputs, targets, Settings(**plain, dropout_order="mask-after-output"), random.Random(2))
    assert first == second


def test_early_stopping_keeps_the_best_weights() -> None:
    """MLPClassifier's rule: stop once more than n_iter_no_change epochs in a row scored below
    the best (a tie resets the count); the best epoch's weights are put back."""
    inputs, targets = _digits(100)
    network = _net([64, 6, 10])
    snapshots: List[Any] = []
    result = train(
        network,
        inputs,
        targets,
        Settings(hidden=(6,), epochs=30, early_stopping=True, n_iter_no_change=2, rate=0.5),
        random.Random(0),
        validation=(inputs[:20], targets[:20]),
        progress=lambda record, epochs: snapshots.append(copy.deepcopy(network)),
    )
    assert len(result.history) < 30 and "validation accuracy did not improve" in result.stopped
    accuracies = [r.validation_accuracy for r in result.history]
    best = max(a for a in accuracies if a is not None)
    assert result.best_epoch == accuracies.index(best) + 1
    assert network == snapshots[result.best_epoch - 1]
    assert all(a is not None and a < best for a in accuracies[-3:])


def test_tol_without_early_stopping_watches_the_training_loss() -> None:
    """tol 10: no epoch's loss is 10 under the best, so epochs 2, 3, 4 count; 3 > 2 stops."""
    inputs, targets = _digits(60)
    settings = Settings(hidden=(4,), epochs=30, tol=10.0, n_iter_no_change=2)
    result = train(_net([64, 4, 10]), inputs, targets, settings, random.Random(0))
    assert len(result.history) == 4 and "training loss did not improve by more than 10" in result.stopped
    default = train(_net([64, 4, 10]), inputs, targets, Settings(hidden=(4,), epochs=6), random.Random(0))
    assert len(default.history) == 6  # tol None: purenn's default runs every epoch


def test_early_stopping_without_validation_data_is_refused() -> None:
    inputs, targets = _digits(10)
    with pytest.raises(PurennError, match="early_stopping needs validation data"):
        train(
            _net([64, 4, 10]), inputs, targets, Settings(hidden=(4,), early_stopping=True), random.Random(0)
        )


def test_rounds_replace_the_shuffled_pass() -> None:
    inputs, targets = _digits(100)
    steps: List[int] = []
    settings = Settings(hidden=(4,), epochs=1, rounds=3, round_size=5, batch_size=1)
    import purenn.train as train_module

    original = train_module._one_step

    def counting(*args: Any) -> float:
        steps.append(1)
        return original(*args)

    train_module._one_step = counting  # type: ignore[assignment]
    try:
        train(_net([64, 4, 10]), inputs, targets, settings, random.Random(0))
    finally:
        train_module._one_step = original  # type: ignore[assignment]
    assert len(steps) == 15  # 3 rounds of 5 samples, one per-sample step each


def test_divergence_stops_and_keeps_the_last_good_weights() -> None:
    inputs, targets = _digits(50)
    network = _net([64, 8, 10])
    start = copy.deepcopy(network)
    settings = Settings(
        hidden=(8,), output_activation="identity", loss="squared_error", rate=1e6, momentum=0.0, epochs=5
    )
    with pytest.raises(DivergenceError, match="training diverged in epoch 1"):
        train(network, [[x * 1e200 for x in row] for row in inputs], targets, settings, random.Random(0))
    assert network == start
    assert all(math.isfinite(w) for layer in network for neuron in layer for w in neuron)


def test_cosine_schedule_anneals() -> None:
    from purenn.settings import epoch_rate

    settings = Settings(rate=0.2, schedule="cosine", epochs=10)
    rates = [epoch_rate(settings, epoch) for epoch in range(1, 11)]
    assert rates[0] == 0.2 and all(a > b for a, b in zip(rates, rates[1:])) and rates[-1] > 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rate": 0.0}, "rate must be > 0, got 0.0"),
        ({"rate": float("nan")}, "rate must be a finite number"),
        ({"momentum": 1.0}, "momentum must be in [0, 1), got 1.0"),
        ({"dropout": 1.0}, "dropout must be in [0, 1), got 1.0"),
        ({"epochs": 0}, "epochs must be a whole number >= 1"),
        ({"batch_size": -1}, "batch_size must be a whole number >= 0"),
        ({"hidden": (0,)}, "hidden must be a whole number >= 1"),
        ({"l2": -1.0}, "l2 must be >= 0, got -1.0"),
        ({"decision": "vote"}, "decision must be 'argmax' or 'strict'"),
        ({"schedule": "step"}, "schedule must be 'constant' or 'cosine'"),
        ({"loss": "cross_entropy", "output_activation": "sigmoid"}, "needs a softmax output layer"),
        ({"activation": "gelu"}, "unknown activation 'gelu'"),
        ({"n_iter_no_change": 0}, "n_iter_no_change must be a whole number >= 1"),
        ({"solver": "lbfgs"}, "solver must be 'sgd' or 'adam'"),
        ({"beta_2": 1.0}, "beta_2 must be in [0, 1), got 1.0"),
        ({"epsilon": 0.0}, "epsilon must be > 0"),
        ({"tol": -1.0}, "tol must be >= 0"),
        ({"loss_tolerance_divisor": 0}, "loss_tolerance_divisor must be a whole number >= 1"),
        ({"loss_tolerance_divisor": 2.5}, "loss_tolerance_divisor must be a whole number >= 1"),
        ({"dropout_order": "before"}, "dropout_order must be one of inverted, mask-after-output"),
        (
            {"dropout_order": "mask-after-output", "batch_size": 32},
            "dropout_order 'mask-after-output' takes per-sample steps: batch_size must be 1, got 32",
        ),
    ],
)
def test_settings_that_make_no_sense(change: Any, message: str) -> None:
    with pytest.raises(PurennError) as error:
        Settings(**change).check()
    assert message in str(error.value)


def test_training_needs_matching_data() -> None:
    with pytest.raises(PurennError, match="as many targets as inputs"):
        train(_net([2, 2]), [[0.0, 1.0]], [], Settings(hidden=()), random.Random(0))


def test_decision_rules() -> None:
    assert argmax_index([0.2, 0.5, 0.5]) == 1
    assert strict_index([0.2, 0.6, 0.1]) == 1
    assert strict_index([0.6, 0.6]) is None
    assert strict_index([0.5, 0.4]) is None  # round(0.5) == 0


def test_a_progress_callback_that_returns_true_stops_after_that_epoch() -> None:
    """As xgboost's after_iteration: the network is the one of that epoch, the history ends there."""
    inputs, targets = _digits(100)
    settings = Settings(hidden=(6,), epochs=10, **PLAIN)
    snapshots: List[Any] = []
    network = _net([64, 6, 10])

    def stop_at_three(record: History, epochs: int) -> bool:
        snapshots.append(copy.deepcopy(network))
        return record.epoch == 3

    result = train(network, inputs, targets, settings, random.Random(1), progress=stop_at_three)
    assert [r.epoch for r in result.history] == [1, 2, 3] and network == snapshots[-1]
    assert result.stopped == "the progress callback stopped training after epoch 3"
    longer = _net([64, 6, 10])
    full = train(longer, inputs, targets, Settings(hidden=(6,), epochs=3, **PLAIN), random.Random(1))
    assert longer == network and [r.loss for r in full.history] == [r.loss for r in result.history]


def test_a_progress_callback_stop_keeps_that_epoch_even_with_early_stopping() -> None:
    inputs, targets = _digits(100)
    settings = Settings(hidden=(6,), epochs=10, early_stopping=True, n_iter_no_change=20, **PLAIN)
    network = _net([64, 6, 10])
    snapshots: List[Any] = []

    def stop_at_four(record: History, epochs: int) -> bool:
        snapshots.append(copy.deepcopy(network))
        return record.epoch == 4

    result = train(
        network,
        inputs,
        targets,
        settings,
        random.Random(1),
        validation=(inputs[:20], targets[:20]),
        progress=stop_at_four,
    )
    assert len(result.history) == 4 and network == snapshots[-1] and result.best_epoch is None
