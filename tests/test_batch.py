"""The batch engine, specified: the mean of the reference over a batch, within proven rounding bounds.

The bounds. With u = 2**-53 (the unit roundoff) and B samples:

- The batch engine computes every sum z, output a and delta of every sample with the reference's
  own functions and dot products in the reference's order, so those are the same floats (a
  skipped zero term can flip only the sign of a zero). Only the sums over the batch are new.
- Gradient of weight w_jk, terms T_i = delta_ij * h_ik, penalty q = l2 * w_jk (0 for biases):
    reference, per sample:  g_i = fl(fl(T_i) + fl(q))                  <= 2 roundings each
    batch:  fl(sum_i fl(fl(delta_ij / B) * h_ik) + fl(q))              2 roundings per term,
            a sum of B terms (<= B - 1 roundings, fewer with math.sumprod), and 2 more.
  Against the exact mean M = (1/B) sum_i g_i this gives, to first order in u,
    |batch - M| <= (B + 4) * u * (mean_i |g_i| + 2 |q|),
  where mean_i |g_i| + |q| bounds mean_i |T_i|, the size of the terms summed.
- Loss, per-sample values v_i (the same floats in both), penalty P:
    reference r_i = fl(v_i + P); batch fl(fl(fsum(v) / B) + P)
  gives |batch - mean_i r_i| <= 4 * u * (mean_i |r_i| + 2 P).
Each bound gets a factor (1 + 1e-6) for the second-order terms and (terms) * 2**-1074 for
roundings in the subnormal range, where the relative bounds stop holding.
"""

from __future__ import annotations

import copy
import math
import random
import re
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Dict, Iterator, List, Optional, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import every_case, record_gradient_error

from purenn import batch, kernels, sample_loops
from purenn.activations import ACTIVATIONS
from purenn.errors import PurennError
from purenn.losses import l2_penalty
from purenn.network import (
    dropout_masks,
    loss_and_gradients,
    make_network,
    predict,
    resolve_activations,
    resolve_loss,
)
from purenn.testing import targets_for, weights

UNIT_ROUNDOFF = 2.0**-53
SMALLEST_SUBNORMAL = 2.0**-1074
SECOND_ORDER = 1.0 + 1e-6
# The two engines sum in the reference's order unless math.sumprod is the reference's dot.
SAME_ORDER_IN_BOTH_ENGINES = not hasattr(math, "sumprod")


@contextmanager
def engine_used(name: str) -> Iterator[None]:
    """Run the batch module with the engine called `name` ("layers" or "samples")."""
    saved = batch.ENGINE
    batch.ENGINE = name
    try:
        yield
    finally:
        batch.ENGINE = saved


# The tests that take `engine` run once with each, whichever this interpreter uses; where
# math.sumprod is the reference's dot (CPython 3.12+), only with "layers": the "samples" loops
# (PyPy's engine) sum each z in plain floats, not in sumprod's extended precision.
each_engine = pytest.mark.parametrize("engine", batch.ENGINES if SAME_ORDER_IN_BOTH_ENGINES else ["layers"])


def _input_values() -> st.SearchStrategy[float]:
    """Like the reference tests' inputs, with many exact zeros (pixels): they exercise skipping."""
    return st.one_of(st.just(0.0), weights(2.0))


@st.composite
def batch_cases(draw: Any) -> Dict[str, Any]:
    """A training case from purenn.testing.training_cases, grown to a batch of 1 to 8 samples."""
    case = draw(every_case())._asdict()
    sizes = [len(case["x"])] + [len(layer) for layer in case["network"]]
    samples = draw(st.integers(1, 8))
    inputs = [case["x"]] + [
        draw(st.lists(_input_values(), min_size=sizes[0], max_size=sizes[0])) for _ in range(samples - 1)
    ]
    targets = [case["target"]] + [draw(targets_for(case["loss_name"], sizes[-1])) for _ in range(samples - 1)]
    dropout = None
    if case["dropout"] is not None:
        mask_values = st.sampled_from([0.0, 2.0])
        dropout = [case["dropout"]]
        for _ in range(samples - 1):
            masks = [draw(st.lists(mask_values, min_size=units, max_size=units)) for units in sizes[1:-1]]
            dropout.append(draw(st.sampled_from([None, masks])))
    case.update(inputs=inputs, targets=targets, batch_dropout=dropout)
    return case


def _batch_call(case: Dict[str, Any], weights: Optional[List[float]] = None) -> Any:
    return batch.loss_and_gradients(
        case["network"],
        case["inputs"],
        case["targets"],
        case["activations"],
        case["loss_name"],
        l2=case["l2"],
        dropout=case["batch_dropout"],
        weights=weights,
    )


def _reference_calls(case: Dict[str, Any]) -> List[Any]:
    masks = case["batch_dropout"] or [None] * len(case["inputs"])
    return [
        loss_and_gradients(
            case["network"], x, y, case["activations"], case["loss_name"], l2=case["l2"], dropout=mask
        )
        for x, y, mask in zip(case["inputs"], case["targets"], masks)
    ]


def _exact_mean(values: Sequence[float]) -> Fraction:
    return sum(map(Fraction, values), Fraction(0)) / len(values)


def _within(value: float, exact: Fraction, bound: float) -> bool:
    return abs(Fraction(value) - exact) <= Fraction(bound)


def _assert_mean_of_reference(case: Dict[str, Any]) -> None:
    value, grads = _batch_call(case)
    references = _reference_calls(case)
    samples = len(references)
    l2, network = case["l2"], case["network"]

    losses = [reference[0] for reference in references]
    penalty = l2_penalty(network, l2)
    loss_bound = 4 * UNIT_ROUNDOFF * (math.fsum(map(abs, losses)) / samples + 2 * penalty) * SECOND_ORDER
    assert _within(value, _exact_mean(losses), loss_bound + 4 * SMALLEST_SUBNORMAL), (value, losses)

    worst = 0.0
    for layer_index, layer in enumerate(network):
        for j, neuron in enumerate(layer):
            for k, weight in enumerate(neuron):
                per_sample = [reference[1][layer_index][j][k] for reference in references]
                penalty_term = abs(l2 * weight) if k < len(neuron) - 1 else 0.0
                size = math.fsum(map(abs, per_sample)) / samples + 2 * penalty_term
                bound = (samples + 4) * (UNIT_ROUNDOFF * size * SECOND_ORDER + SMALLEST_SUBNORMAL)
                error = abs(Fraction(grads[layer_index][j][k]) - _exact_mean(per_sample))
                assert error <= Fraction(bound), (layer_index, j, k, float(error), bound)
                worst = max(worst, float(error) / bound)
    record_gradient_error("batch gradients vs mean of reference: error / proven bound", worst)


# ---------------------------------------------------------------------------------------------
# The mean of the reference


@each_engine
@given(case=batch_cases())
def test_loss_and_gradients_are_the_mean_of_the_reference(engine: str, case: Dict[str, Any]) -> None:
    with engine_used(engine):
        _assert_mean_of_reference(case)


@pytest.mark.skipif(not SAME_ORDER_IN_BOTH_ENGINES, reason="math.sumprod is the reference's dot here")
@given(batch_cases(), st.sampled_from([None, 0.5, 3.0]))
def test_the_two_engines_agree_bit_for_bit(case: Dict[str, Any], weight: Any) -> None:
    """Layers and samples: the same sums in the same order (sample weights too), the same floats;
    predict_many's outputs too."""
    weights = None if weight is None else [weight * (i + 1) for i in range(len(case["inputs"]))]
    results = {}
    for name in batch.ENGINES:
        with engine_used(name):
            results[name] = (
                _batch_call(case, weights=weights),
                batch.predict_many(case["network"], case["inputs"], case["activations"]),
            )
    assert results["layers"] == results["samples"]


@each_engine
@given(case=batch_cases())
def test_a_batch_of_one_is_the_reference_exactly(engine: str, case: Dict[str, Any]) -> None:
    """B = 1: dividing by 1 and summing one term are exact, so nothing may differ at all, but for
    math.sumprod's one-term sums near the underflow threshold (see _equal_but_near_underflow)."""
    case.update(
        inputs=case["inputs"][:1],
        targets=case["targets"][:1],
        batch_dropout=None if case["batch_dropout"] is None else case["batch_dropout"][:1],
    )
    expected = _reference_calls(case)[0]
    assert _batch_call(case) == expected  # the public function hands B = 1 to the reference
    network, activations = case["network"], case["activations"]
    functions = resolve_activations(network, activations)
    with engine_used(engine):
        engine_only = batch._minibatch(
            network,
            functions,
            resolve_loss(case["loss_name"], functions[-1]),
            case["inputs"],
            case["targets"],
            case["l2"],
            case["batch_dropout"],
        )
    if SAME_ORDER_IN_BOTH_ENGINES:
        assert engine_only == expected  # and the engine agrees with it exactly
    else:
        assert _equal_but_near_underflow(engine_only, expected)


# math.sumprod (CPython 3.12+) sums in extended precision by splitting each factor in two halves;
# where a product's low half falls under the smallest normal float, 2**-1022, that half loses bits,
# so even a sum of one term can be 1 ulp from the correctly rounded product there (seen: 0.00753 *
# 3.04e-305 gave 2.2871247559441088e-307, where x * y is 2.287124755944109e-307). A low half is
# about 2**-53 of its product: products under 2**-968 may differ by their last bits.
NEAR_UNDERFLOW = 2.0**-968


def _equal_but_near_underflow(value: Any, expected: Any) -> bool:
    """Equal, float by float, except that floats under NEAR_UNDERFLOW may differ by 1 ulp.

    >>> _equal_but_near_underflow([1.0, 2.2871247559441088e-307], [1.0, 2.287124755944109e-307])
    True
    """
    if isinstance(expected, (list, tuple)):
        return len(value) == len(expected) and all(map(_equal_but_near_underflow, value, expected))
    if value == expected:
        return True
    return abs(expected) < NEAR_UNDERFLOW and abs(value - expected) <= math.ulp(expected)


@each_engine
@given(case=batch_cases())
def test_the_network_is_not_changed(engine: str, case: Dict[str, Any]) -> None:
    before = copy.deepcopy(case["network"])
    with engine_used(engine):
        _batch_call(case)
    assert case["network"] == before


def _digits_sized_case(hidden: int, samples: int, seed: int, keep: float) -> Dict[str, Any]:
    """A 64-hidden-10 ReLU/softmax case on sparse 'images' (about half zeros), dropout when keep < 1."""
    network = make_network([64, hidden, 10], random.Random(seed))
    rng = random.Random(seed + 1)
    inputs = [
        [0.0 if rng.random() < 0.5 else rng.randint(1, 16) / 16 for _ in range(64)] for _ in range(samples)
    ]
    dropout = [dropout_masks(network, keep, rng) for _ in inputs] if keep < 1.0 else None
    return {
        "network": network,
        "inputs": inputs,
        "targets": [[1.0 if d == i % 10 else 0.0 for d in range(10)] for i in range(samples)],
        "activations": ["relu", "softmax"],
        "loss_name": "cross_entropy",
        "l2": 1e-3,
        "batch_dropout": dropout,
    }


@each_engine
def test_a_digits_sized_batch(engine: str) -> None:
    """64-16-10 softmax, 40 sparse 'images' (about half zeros): the sizes where skipping pays."""
    with engine_used(engine):
        _assert_mean_of_reference(_digits_sized_case(16, 40, 5, keep=1.0))


@each_engine
@pytest.mark.parametrize("samples", [1, 7])
def test_sample_weights_scale_each_samples_share(engine: str, samples: int) -> None:
    """weights s_i: loss = mean_i s_i C_i + P and dC/dw = mean_i s_i g_i + lambda w, where C_i,
    g_i are the reference's (without L2); a batch of one takes the weighted path too."""
    case = _digits_sized_case(6, samples, 3, keep=0.5)
    network, l2 = case["network"], case["l2"]
    weights = [0.5 * (1 + i % 3) for i in range(samples)]
    with engine_used(engine):
        value, grads = _batch_call(case, weights=weights)
    per_sample = [
        loss_and_gradients(network, x, t, case["activations"], case["loss_name"], dropout=m)
        for x, t, m in zip(case["inputs"], case["targets"], case["batch_dropout"])
    ]
    penalty = l2 / 2 * math.fsum(w * w for layer in network for neuron in layer for w in neuron[:-1])
    expected = math.fsum(s * v for s, (v, _) in zip(weights, per_sample)) / samples + penalty
    assert value == pytest.approx(expected, rel=1e-12)
    for i, layer in enumerate(network):
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron):
                mean = math.fsum(s * g[i][j][k] for s, (_, g) in zip(weights, per_sample)) / samples
                wanted = mean + (l2 * w if k < len(neuron) - 1 else 0.0)
                assert grads[i][j][k] == pytest.approx(wanted, rel=1e-9, abs=1e-15)
    with pytest.raises(PurennError, match="got 2 sample weights for"):
        batch.loss_and_gradients(network, case["inputs"], case["targets"], "relu", weights=[1.0, 1.0])


# ---------------------------------------------------------------------------------------------
# The kernels against exact arithmetic
#
# A dot product of n terms summed left to right is within gamma_n * sum |a_i b_i| of the exact
# value, gamma_n = n u / (1 - n u) (Higham, Accuracy and Stability of Numerical Algorithms, 3.1);
# math.sumprod is far closer. The gradient sums divide by B first: one more rounding per term.


def _gamma(n: int) -> float:
    return n * UNIT_ROUNDOFF / (1 - n * UNIT_ROUNDOFF)


def _exact_dot(a: Sequence[float], b: Sequence[float]) -> Fraction:
    return sum((Fraction(x) * Fraction(y) for x, y in zip(a, b)), Fraction(0))


def _magnitude(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(abs(x * y) for x, y in zip(a, b))


def _matrices(rows: int, columns: int) -> st.SearchStrategy[List[List[float]]]:
    row = st.lists(_input_values(), min_size=columns, max_size=columns)
    return st.lists(row, min_size=rows, max_size=rows)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.data())
def test_each_kernel_is_within_the_dot_product_bound(outs: int, ins: int, samples: int, data: Any) -> None:
    layer = data.draw(_matrices(outs, ins + 1))
    inputs = [row + [1.0] for row in data.draw(_matrices(samples, ins))]
    deltas = data.draw(_matrices(samples, outs))
    layer_sums, errors_below, gradient_sums = kernels.layer_sums, kernels.errors_below, kernels.gradient_sums

    for h, sums in zip(inputs, layer_sums(layer, inputs)):
        for neuron, z in zip(layer, sums):
            bound = _gamma(ins + 1) * _magnitude(neuron, h) + (ins + 1) * SMALLEST_SUBNORMAL
            assert _within(z, _exact_dot(neuron, h), bound)
    for delta, errors in zip(deltas, errors_below(layer, deltas, [None] * samples)):
        assert len(errors) == ins
        for k, e in enumerate(errors):
            column = [neuron[k] for neuron in layer]
            assert _within(
                e,
                _exact_dot(column, delta),
                _gamma(outs) * _magnitude(column, delta) + outs * SMALLEST_SUBNORMAL,
            )
    grads = gradient_sums(deltas, inputs)
    for j in range(outs):
        for k in range(ins + 1):
            column, feature = [d[j] for d in deltas], [h[k] for h in inputs]
            exact = _exact_dot(column, feature) / samples
            bound = _gamma(samples + 1) * _magnitude(column, feature) / samples
            assert _within(grads[j][k], exact, bound + (samples + 1) * SMALLEST_SUBNORMAL)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.data())
def test_errors_below_only_where_needed(outs: int, ins: int, samples: int, data: Any) -> None:
    """With positions, the kernel gives the full result's entries there and 0.0 elsewhere."""
    layer = data.draw(_matrices(outs, ins + 1))
    deltas = data.draw(_matrices(samples, outs))
    positions = st.lists(st.integers(0, ins - 1), unique=True).map(sorted)
    needed = [data.draw(st.one_of(st.none(), positions)) for _ in range(samples)]
    errors_below = kernels.errors_below
    full = errors_below(layer, deltas, [None] * samples)
    for errors, complete, wanted in zip(errors_below(layer, deltas, needed), full, needed):
        expected = complete if wanted is None else [e if k in wanted else 0.0 for k, e in enumerate(complete)]
        assert errors == expected


@each_engine
def test_relu_and_dropout_zeros_are_skipped_in_a_digits_sized_batch(engine: str) -> None:
    """64-24-10, ReLU and dropout 0.5: most hidden units drop out; the batch still equals the reference."""
    case = _digits_sized_case(24, 20, 7, keep=0.5)
    network, dropout = case["network"], case["batch_dropout"]
    functions = [ACTIVATIONS["relu"], ACTIVATIONS["softmax"]]
    hidden_inputs = batch._forward(
        network, functions, case["inputs"], batch._masks_by_layer(network, dropout)
    )[0][1]
    needed = batch._needed_errors(hidden_inputs, None, ACTIVATIONS["relu"])
    assert sum(positions is not None for positions in needed) >= 15  # skipping happens
    with engine_used(engine):
        _assert_mean_of_reference(case)


def _zero_output_case(hidden: str, masks: Optional[List[float]]) -> Dict[str, Any]:
    """Units 0, 2 and 3 have all weights 0 and output a = 0, where tanh' and identity' are 1."""
    network = [
        [[0.0, 0.0, 0.0, 0.0], [0.5, -1.0, 0.25, 0.1], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]],
        [[1.0, -2.0, 3.0, 0.5, 0.0], [0.5, 1.5, -1.0, 2.0, 0.1]],
    ]
    return {
        "network": network,
        "inputs": [[1.0, 2.0, -1.0], [0.5, 0.0, 1.0], [-1.0, 1.0, 2.0]],
        "targets": [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
        "activations": [hidden, "identity"],
        "loss_name": "squared_error",
        "l2": 0.0,
        "batch_dropout": None if masks is None else [[masks] for _ in range(3)],
    }


@each_engine
@pytest.mark.parametrize("hidden", ["tanh", "identity"])
def test_zero_outputs_of_tanh_and_identity_still_pass_the_gradient(engine: str, hidden: str) -> None:
    """Units whose weights are all 0 output a = 0, where tanh' and identity' are 1: nothing is skipped."""
    case = _zero_output_case(hidden, None)
    with engine_used(engine):
        _, grads = _batch_call(case)
        assert grads[0][0][:3] != [0.0, 0.0, 0.0]  # the zero unit still learns
        _assert_mean_of_reference(case)


def test_skipping_zeros_changes_nothing() -> None:
    rows = [[0.5, -1.25, 3.0, 2.0, 0.75], [1.0, 2.0, -3.0, 4.0, 1e-3]]
    columns = kernels._transpose(rows)
    vectors = (
        [0.0, 0.0, 0.0, 1.5, 1.0],
        [0.0, 2.0, 0.0, 0.0, 1.0],
        [1.0, 2.0, 3.0, 4.0, 1.0],
        [0.0, 0.0, -2.5, 0.0, 0.0],  # one nonzero value
        [0.0, 0.0, 0.0, 0.0, 0.0],  # none (a blank pixel, for the gradient sums)
    )
    for vector in vectors:
        expected = [math.fsum(w * v for w, v in zip(row, vector)) for row in rows]
        assert kernels._dots_skipping_zeros(rows, columns, vector) == expected


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 8), st.data())
def test_the_gradient_sums_leave_out_the_zeros_of_either_factor_alike(
    outs: int, ins: int, samples: int, data: Any
) -> None:
    """By rows (the deltas' zeros left out: ReLU and dropout) or by columns (the inputs' zeros:
    pixels): the same nonzero terms in the same order, so the same floats (== ignores the sign
    of a zero), but for math.sumprod's one-term sums near the underflow threshold."""
    inputs = [row + [1.0] for row in data.draw(_matrices(samples, ins))]
    scaled = data.draw(_matrices(samples, outs))
    by_rows = kernels._products_by_rows(scaled, inputs)
    for row, column in zip(by_rows, kernels._products_by_columns(scaled, inputs)):
        assert all(a == b or _equal_but_near_underflow(a, b) for a, b in zip(row, column)), (row, column)


def test_the_gradient_sums_take_the_form_with_more_zeros_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [[0.0, 0.0, 1.0], [2.0, 3.0, 1.0]]  # a third of the values are 0
    used = []
    for form in ("_products_by_rows", "_products_by_columns"):
        monkeypatch.setattr(kernels, form, lambda s, h, form=form: used.append(form) or [])
    kernels.gradient_sums([[0.0, 1.0], [0.0, 0.0]], inputs)  # three quarters
    kernels.gradient_sums([[1.0, 1.0], [2.0, 0.0]], inputs)  # a quarter
    assert used == ["_products_by_rows", "_products_by_columns"]


def test_an_input_that_overflowed_times_a_zero_delta_is_the_references_nan() -> None:
    """x = 10 makes the hidden ReLU output 1e308 * 10 = inf and the sigmoid saturate (delta 0): the
    reference's gradient is 0 * inf = NaN, which the trainer reports as divergence. The layers
    engine keeps it whichever zeros it leaves out (sample_loops.py's docstring says where PyPy's
    engine does not)."""
    network, inputs, targets = [[[1e308, 0.0]], [[2.0, 0.0]]], [[10.0], [0.5]], [[0.0], [1.0]]
    expected = loss_and_gradients(network, inputs[0], targets[0], ["relu", "sigmoid"])[1]
    assert math.isnan(expected[1][0][0])
    with engine_used("layers"):
        _, grads = batch.loss_and_gradients(network, inputs, targets, ["relu", "sigmoid"])
    assert math.isnan(grads[1][0][0])


def test_a_share_of_a_batch_divides_by_the_batch() -> None:
    """share_of = B: the shares' losses and gradients add up to the whole batch's (parallel.py)."""
    rng = random.Random(5)
    net = make_network([3, 4, 2], rng)
    inputs = [[rng.uniform(-1.0, 1.0) for _ in range(3)] for _ in range(4)]
    targets = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    for name in batch.ENGINES:
        with engine_used(name):
            whole = batch.loss_and_gradients(net, inputs, targets, ["relu", "sigmoid"])
            first = batch.loss_and_gradients(net, inputs[:2], targets[:2], ["relu", "sigmoid"], share_of=4)
            second = batch.loss_and_gradients(net, inputs[2:], targets[2:], ["relu", "sigmoid"], share_of=4)
            assert first[0] + second[0] == pytest.approx(whole[0], rel=1e-15)
            for layers in zip(first[1], second[1], whole[1]):
                for a, b, c in zip(*layers):
                    assert [x + y for x, y in zip(a, b)] == pytest.approx(c, rel=1e-14, abs=1e-17)
    for bad in (3, 4.0, "8", True, -1, 2**53 + 1, 10**400):
        with pytest.raises(
            PurennError, match=re.escape(f"whole number from the 4 samples given to 2**53, got {bad!r}")
        ):
            batch.loss_and_gradients(net, inputs, targets, ["relu", "sigmoid"], share_of=bad)


def test_blank_inputs_give_zero_gradients_and_the_bias_sums() -> None:
    """Inputs that are 0 in every sample of a batch: exact zeros in the gradient, sums = bias."""
    layer = [[0.5, -1.25, 3.0], [1.0, 2.0, -0.75]]
    inputs = [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 4.0, 1.0], [0.0, 0.0, 1.0]]  # B = 4
    deltas = [[1.0, -2.0], [0.5, 0.25], [3.0, 1.0], [-0.5, 2.75]]
    layer_sums, gradient_sums = kernels.layer_sums, kernels.gradient_sums
    assert layer_sums(layer, inputs) == [[3.0, -0.75], [3.0, -0.75], [-2.0, 7.25], [3.0, -0.75]]
    assert gradient_sums(deltas, inputs) == [[0.0, 3.0, 1.0], [0.0, 1.0, 0.5]]


# ---------------------------------------------------------------------------------------------
# predict_many


@each_engine
@given(case=batch_cases())
def test_predict_many_equals_predict_for_each_input(engine: str, case: Dict[str, Any]) -> None:
    with engine_used(engine):
        many = batch.predict_many(case["network"], case["inputs"], case["activations"])
    assert many == [predict(case["network"], x, case["activations"]) for x in case["inputs"]]


@each_engine
def test_predict_many_accepts_tuples_and_keeps_the_order(engine: str) -> None:
    network = [[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0, 0.5]]]
    with engine_used(engine):
        outputs = batch.predict_many(network, [(2.0,), (-3.0,), (0.0,)], ["relu", "identity"])
    assert outputs == [[2.5], [3.5], [0.5]]


def test_predict_many_across_chunks() -> None:
    """More inputs than one chunk (and not a multiple of it): every output, in order, is predict's."""
    network = make_network([5, 4, 3], random.Random(1))
    rng = random.Random(2)
    inputs = tuple([rng.uniform(-2.0, 2.0) for _ in range(5)] for _ in range(2 * batch._PREDICTION_CHUNK + 3))
    many = batch.predict_many(network, inputs, ["tanh", "softmax"])
    assert many == [predict(network, x, ["tanh", "softmax"]) for x in inputs]


# ---------------------------------------------------------------------------------------------
# Bad input

NET = [[[1.0, 2.0, 0.0], [0.5, -1.0, 0.0]], [[1.0, 1.0, 0.0]]]  # 2 inputs, 2 hidden, 1 output
INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: batch.loss_and_gradients(NET, [], []), "the batch is empty"),
        (lambda: batch.predict_many(NET, []), "the batch is empty"),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0], [1.0]], [[0.0], [0.0]]),
            "input 1 has 1 values; the network expects 2",
        ),
        (lambda: batch.predict_many(NET, [[1.0, 2.0, 3.0]]), "input 0 has 3 values; the network expects 2"),
        (lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0], [1.0]]), "got 2 targets for 1 inputs"),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0, 1.0]]),
            "target 0 has 2 values; the network's outputs are 1",
        ),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0], [NAN, 0.0]], [[0.0], [0.0]]),
            "input 1, value 0 is nan: inputs must be finite",
        ),
        (lambda: batch.predict_many(NET, [[0.0, -INF]]), "input 0, value 1 is -inf"),
        (lambda: batch.predict_many(NET, [[INF, -INF]]), "input 0, value 0 is inf"),
        (lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[INF]]), "target 0, value 0 is inf"),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], dropout=[None, None]),
            "got dropout masks for 2 samples; the batch has 1",
        ),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], dropout=[[[1.0, 1.0], [1.0]]]),
            "sample 0 has 2 dropout masks; the network has 1 hidden layers",
        ),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], dropout=[[[2.0]]]),
            "sample 0, dropout mask 0 has 1 values; layer 0 has 2 units",
        ),
        (lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], l2=-0.5), "l2 must be a finite number"),
        (lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], "swish"), "unknown activation 'swish'"),
        (
            lambda: batch.loss_and_gradients(NET, [[1.0, 2.0]], [[0.0]], "sigmoid", "cross_entropy"),
            "loss 'cross_entropy' needs a softmax output layer",
        ),
        (
            lambda: batch.predict_many([[[1.0, 0.0]], [[1.0, 2.0, 0.0]]], [[1.0]]),
            "layer 1, neuron 0 has 3 weights",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call: Any, message: str) -> None:
    with pytest.raises(PurennError, match=re.escape(message)):
        call()


def test_huge_finite_inputs_are_not_mistaken_for_infinite_ones() -> None:
    """The finiteness check sums each row first; an overflowing sum must not reject finite values."""
    network = [[[1e-300, 1e-300, 0.0]]]
    huge = [1e308, 1e308]
    assert batch.predict_many(network, [huge], "identity") == [predict(network, huge, "identity")]


def _mean_of_reference(network: Any, inputs: Any, targets: Any, **options: Any) -> Any:
    calls = [loss_and_gradients(network, x, y, **options) for x, y in zip(inputs, targets)]
    mean_loss = math.fsum(value for value, _ in calls) / len(calls)
    grads = [
        [
            [math.fsum(g[layer][j][k] for _, g in calls) / len(calls) for k in range(len(neuron))]
            for j, neuron in enumerate(network[layer])
        ]
        for layer in range(len(network))
    ]
    return mean_loss, grads


@each_engine
@pytest.mark.parametrize("samples", [2, 3])
@pytest.mark.parametrize("l2", [0.0, 1.0, 0.5])
def test_small_batches_with_any_l2_are_the_mean_of_the_reference(
    engine: str, samples: int, l2: float
) -> None:
    inputs = [[1.0, 2.0], [-0.5, 0.25], [0.0, 3.0]][:samples]
    targets = [[0.0], [1.0], [0.5]][:samples]
    with engine_used(engine):
        value, grads = batch.loss_and_gradients(NET, inputs, targets, l2=l2)
    mean_loss, mean_grads = _mean_of_reference(NET, inputs, targets, l2=l2)
    assert value == pytest.approx(mean_loss, rel=1e-12)
    for layer, mean_layer in zip(grads, mean_grads):
        for neuron, mean_neuron in zip(layer, mean_layer):
            assert neuron == pytest.approx(mean_neuron, rel=1e-12, abs=1e-15)
    if l2 == 0.0:
        with engine_used(engine):
            assert batch.loss_and_gradients(NET, inputs, targets) == (value, grads)  # no L2 by default


def test_every_samples_masks_are_checked_even_after_a_sample_without() -> None:
    with pytest.raises(
        PurennError, match=re.escape("sample 1, dropout mask 0 has 1 values; layer 0 has 2 units")
    ):
        batch.loss_and_gradients(NET, [[1.0, 2.0], [1.0, 2.0]], [[0.0], [0.0]], dropout=[None, [[2.0]]])


def test_the_sumprod_kernel_takes_each_rows_dot_with_the_vector(monkeypatch: pytest.MonkeyPatch) -> None:
    """_dots_by_sumprod is CPython 3.12+'s; with any dot in place of math.sumprod it maps it over the rows."""
    monkeypatch.setattr(
        kernels, "_sumprod", lambda row, vector: math.fsum(r * v for r, v in zip(row, vector))
    )
    rows = [[1.0, 2.0], [3.0, -4.0], [0.5, 0.0]]
    assert kernels._dots_by_sumprod(rows, [10.0, 0.1]) == [10.2, 29.6, 5.0]
    assert kernels._dots_by_sumprod(iter(rows), (1.0, 1.0)) == [3.0, -1.0, 0.5]


def test_nonzero_positions() -> None:
    """The positions of the nonzero values, or None below the threshold share of zeros."""
    assert kernels.nonzero_positions([0.0, 2.0, 0.0, -1.0]) == [1, 3]
    assert kernels.nonzero_positions([0.0, 0.0, 1.0, 1.0], skip_from=0.5) == [2, 3]  # 2 zeros of 4: skip
    assert kernels.nonzero_positions([0.0, 1.0, 1.0, 1.0], skip_from=0.5) is None  # fewer: compute them all
    assert kernels.nonzero_positions([1.0] * 9 + [0.0], skip_from=0.2) is None
    assert kernels.nonzero_positions([0.0, 3.0, 0.0, 1.0], width=3) == [1]  # the bias's 1 past the width


def test_an_empty_batch_is_named_exactly() -> None:
    with pytest.raises(PurennError) as caught:
        batch.loss_and_gradients(NET, [], [])
    assert str(caught.value) == "the batch is empty"


# ---------------------------------------------------------------------------------------------
# What mutation testing found: mutants of kernels.py and sample_loops.py that the tests above let
# through (deltas of exactly 1.0, the sumprod form of the weighted rows, dropout under tanh and identity)


@pytest.mark.parametrize("form", ["_weighted_rows_by_map", "_weighted_rows_by_sumprod"])
def test_both_forms_of_the_weighted_rows_sum(form: str) -> None:
    """sum_i w_i H[i] with no, one and several nonzero weights (1.0 among them). The sumprod form is
    CPython 3.12+'s, but it takes its dot products from _dots, so it runs on any interpreter."""
    weighted_rows = getattr(kernels, form)
    rows = [[1.0, 2.0, 1.0], [3.0, -1.0, 1.0], [0.5, 4.0, 1.0]]
    assert weighted_rows([0.0, 0.0, 0.0], rows) == [0.0, 0.0, 0.0]
    assert weighted_rows([0.0, 1.0, 0.0], rows) == [3.0, -1.0, 1.0]
    assert weighted_rows([0.0, 0.0, -2.0], rows) == [-1.0, -8.0, -2.0]
    assert weighted_rows([1.0, 0.0, 2.0], rows) == [2.0, 10.0, 3.0]


@each_engine
def test_deltas_of_exactly_one_count(engine: str) -> None:
    """Identity layers, x = 1, y = 0: every delta is exactly 1.0, which the engines compare with 0.0."""
    network = [[[1.0, 0.0]], [[1.0, 0.0]]]
    with engine_used(engine):
        value, grads = batch.loss_and_gradients(network, [[1.0], [1.0]], [[0.0], [0.0]], "identity")
    assert (value, grads) == (0.5, [[[1.0, 1.0]], [[1.0, 1.0]]])


def test_the_sample_loops_errors_below_have_one_entry_per_input() -> None:
    """E_k = sum_j delta_j W_jk for the inputs k at the needed positions (0.0 elsewhere), no bias entry."""
    layer = [[1.0, 2.0, 0.5], [4.0, -1.0, 3.0]]
    assert sample_loops._errors_below(layer, [1.0, 0.0], [0, 1]) == [1.0, 2.0]
    assert sample_loops._errors_below(layer, [0.5, 0.25], [1]) == [0.0, 0.75]


@each_engine
@pytest.mark.parametrize("hidden", ["tanh", "identity"])
def test_zero_outputs_of_kept_units_still_pass_the_gradient_under_dropout(engine: str, hidden: str) -> None:
    """As without dropout: a kept unit (mask 2) whose output is 0 still learns; a dropped one does not."""
    case = _zero_output_case(hidden, [2.0, 2.0, 0.0, 2.0])
    with engine_used(engine):
        _, grads = _batch_call(case)
        assert grads[0][0][:3] != [0.0, 0.0, 0.0]  # kept, output 0: learns
        assert grads[0][2] == [0.0, 0.0, 0.0, 0.0]  # dropped
        _assert_mean_of_reference(case)


@each_engine
def test_dropout_with_more_inputs_than_hidden_units(engine: str) -> None:
    """784-30-10 in small: 4 inputs, 2 hidden units under dropout, an output layer whose zero outputs
    pass the gradient (identity, tanh: gradient_gate gives the mask)."""
    case = {
        "network": make_network([4, 2, 3], random.Random(3)),
        "inputs": [[1.0, 0.0, -0.5, 2.0], [0.25, 1.0, 0.0, -1.0]],
        "targets": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
        "activations": ["tanh", "identity"],
        "loss_name": "squared_error",
        "l2": 0.0,
        "batch_dropout": [[[2.0, 0.0]], [[2.0, 2.0]]],
    }
    with engine_used(engine):
        _assert_mean_of_reference(case)
