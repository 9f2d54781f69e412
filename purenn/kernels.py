"""The three matrix products of backpropagation, for a whole minibatch, with the inner loops in C.

- layer_sums(W, H): Z[i] = W h_i, every sample's weighted sums.
- errors_below(W, D, needed): E[i] = W^T delta_i without the bias column, only at `needed`.
- gradient_sums(D, H): G = mean_i delta_i h_i^T, the gradient of the weights (or a share of it).
- nonzero_positions: where a vector is not 0, when enough of it is 0 to leave those out.
- FORM: the dot product this interpreter runs them with.

For one layer with weights W (n_out rows of n_in + 1, bias last), a batch of B inputs H (B rows of
n_in + 1, a 1 appended to each) and the deltas D (B rows of n_out, D[i][j] = dC_i/dz_j):

    sums              Z[i][j] = sum_k W[j][k] * H[i][k]     (z = W h for each sample)
    errors below      E[i][k] = sum_j D[i][j] * W[j][k]     (dC/dh = W^T delta, k < n_in)
    gradient sums     G[j][k] = sum_i D[i][j] / B * H[i][k] (mean of delta h^T; k = n_in: bias)

Every entry is a dot product of two rows once a matrix is transposed (zip(*rows) turns columns
into rows, in C), and a row of entries is one _dots call, which runs no bytecode per
multiplication: map(math.sumprod, ...) on 3.12+, sum(map(mul, ...)) before. Zeros of the inputs
are skipped (pixels are often 0, and so are ReLU and dropout outputs), and in the gradient sums
the zeros of the deltas where they are more (a ReLU layer under dropout: three deltas in four).
This is batch.py's "layers" engine, CPython's; PyPy runs sample_loops.py's index loops instead,
which its JIT compiles to machine code.

Every dot product is summed in the reference's order (or, with math.sumprod, in extended
precision exactly as vectors.dot does), so the sums and errors equal network.py's; a skipped
zero term can change only the sign of a zero where the other factor is finite (0 * inf is the
reference's NaN, which a skipped term leaves out). Only the gradient's sum over the batch is new.
(bench/floor.py measures what one multiply-add costs in each form.)

>>> weights = [[1.0, 2.0, 0.5]]  # one neuron: two weights and the bias 0.5
>>> inputs = [[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]]  # two samples, each with its 1 appended
>>> layer_sums(weights, inputs)
[[3.5], [4.5]]
>>> errors_below(weights, [[1.0], [2.0]], [None, None])
[[1.0, 2.0], [2.0, 4.0]]
>>> gradient_sums([[1.0], [2.0]], inputs)
[[0.5, 2.5, 1.5]]
"""

from __future__ import annotations

import math
from itertools import compress, repeat
from operator import add, itemgetter, mul, truediv
from typing import Callable, Iterable, List, Optional, Sequence, Tuple, cast

from .vectors import Matrix, Vector, all_finite

__all__ = ["FORM", "errors_below", "gradient_sums", "layer_sums", "nonzero_positions"]

Rows = Sequence[Sequence[float]]
Needed = Sequence[Optional[List[int]]]  # per sample: the positions to compute, or None for all
Kernel = Callable[[Rows, Rows], Matrix]
GradientKernel = Callable[[Rows, Rows, Optional[int]], Matrix]
ErrorsKernel = Callable[[Rows, Rows, Needed], Matrix]


def _dots_by_sumprod(rows: Iterable[Sequence[float]], vector: Sequence[float]) -> Vector:
    return list(map(_sumprod, rows, repeat(vector)))


def _dots_by_map(rows: Iterable[Sequence[float]], vector: Sequence[float]) -> Vector:
    # The loop over rows is bytecode, the one over a row's values is C (sum of a map).
    return [sum(map(mul, row, vector)) for row in rows]


# math.sumprod is CPython 3.12+; without it _dots is _dots_by_map and this name is never called.
_sumprod = cast(Callable[[Sequence[float], Sequence[float]], float], getattr(math, "sumprod", None))

# _dots(rows, v) == [vectors.dot(row, v) for row in rows]: the same function, looped in C.
_dots = _dots_by_sumprod if hasattr(math, "sumprod") else _dots_by_map

# The share of zeros from which leaving them out pays. Gathering the nonzero columns costs about as
# much per value as a multiplication with math.sumprod, a fifth of one without it (measured).
_SKIP_ZEROS_FROM = 0.35 if hasattr(math, "sumprod") else 0.2


def nonzero_positions(
    values: Sequence[float], width: Optional[int] = None, skip_from: float = _SKIP_ZEROS_FROM
) -> Optional[List[int]]:
    """The positions k < width where values[k] != 0, or None when too few of them are 0 to skip.

    `width` is len(values) by default; values past it must not be 0 (a bias input's 1). None when
    fewer than skip_from * width values are 0: then computing with them all is cheaper. The zeros
    are counted first (list.count runs in C), and the positions gathered only where they will be used.

    >>> nonzero_positions([0.0, 2.0, 0.0, 1.0]), nonzero_positions([1.0] * 9 + [0.0])
    ([1, 3], None)
    """
    width = len(values) if width is None else width
    if values.count(0.0) < skip_from * width:
        return None
    return list(compress(range(width), values))


def _dots_skipping_zeros(rows: Rows, columns: Rows, vector: Sequence[float]) -> Vector:
    """Return [dot(row, vector) for row in rows], leaving out the terms where vector is 0.

    `columns` is the same matrix transposed (columns[k][j] == rows[j][k]). When enough of the
    vector is 0, the columns at its nonzero positions are gathered and zipped back into shorter
    rows, so only the products that can be nonzero are computed; with no nonzero position at all
    (a pixel blank in every image of a batch, for the gradient sums) there is nothing to compute.

    >>> _dots_skipping_zeros([[1.0, 2.0, 3.0]], [(1.0,), (2.0,), (3.0,)], [0.0, 0.0, 2.0])
    [6.0]
    """
    nonzero = nonzero_positions(vector)
    if nonzero is None:
        return _dots(rows, vector)
    if not nonzero:  # e.g. a pixel blank in every image of the batch
        return [0.0] * len(rows)
    if len(nonzero) == 1:  # one term: its products are the sums
        return list(map(mul, columns[nonzero[0]], repeat(vector[nonzero[0]])))
    pick = itemgetter(*nonzero)
    return _dots(zip(*pick(columns)), pick(vector))


def _transpose(rows: Iterable[Sequence[float]]) -> List[Tuple[float, ...]]:
    """Columns as rows: _transpose(M)[k][i] == M[i][k], one C-level zip.

    >>> _transpose([[1.0, 2.0], [3.0, 4.0]])
    [(1.0, 3.0), (2.0, 4.0)]
    """
    return list(zip(*rows))


def _sums_by_calls(layer: Rows, inputs: Rows) -> Matrix:
    """Z[i] = W h_i for every input h_i (with its 1 appended)."""
    columns = _transpose(layer)
    return [_dots_skipping_zeros(layer, columns, h) for h in inputs]


def _errors_by_calls(layer: Rows, deltas: Rows, needed: Needed) -> Matrix:
    """E[i] = W^T delta_i without the bias column: a dot with each column of W.

    Where needed[i] lists positions, only those entries are computed; the others are 0.0.
    """
    weight_columns = _transpose(layer)[:-1]
    return [
        _dots(weight_columns, delta) if positions is None else _dots_at(weight_columns, delta, positions)
        for delta, positions in zip(deltas, needed)
    ]


def _dots_at(rows: Rows, vector: Sequence[float], positions: List[int]) -> Vector:
    """[dot(rows[k], vector) if k in positions else 0.0 for each k]: only the rows at positions.

    >>> _dots_at([(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)], [1.0, 1.0], [0, 2])
    [3.0, 0.0, 11.0]
    """
    result = [0.0] * len(rows)
    for k, value in zip(positions, _dots(map(rows.__getitem__, positions), vector)):
        result[k] = value
    return result


def _gradient_sums_by_calls(deltas: Rows, inputs: Rows, share_of: Optional[int] = None) -> Matrix:
    """G[j][k] = sum_i (D[i][j] / B) * H[i][k], the zeros of whichever factor has more left out.

    B is the number of samples, or `share_of` where these are a share of a batch of that many
    (parallel.py adds the shares' sums).

    Sigmoid deltas are seldom 0 and pixels often are: then G is computed a column k of H at a
    time, the samples where h_ik = 0 left out. Under ReLU and dropout most deltas are 0 (three
    quarters in the default network's hidden layer): then a row j at a time, as the sum of the
    inputs h_i weighted by delta_ij / B over the samples where delta_ij != 0. Either way every
    entry is the same sum of the same nonzero terms in the samples' order (a left-out term is a
    product with an exact 0), so the two give the same floats, but for the sign of a zero and,
    with math.sumprod, 1 ulp near the underflow threshold where one form sums a single term as
    its product and the other through sumprod. The rows are taken only when every input is
    finite: an input that overflowed to inf times a delta of 0 is the reference's NaN, which the
    trainer reports as divergence, and the columns keep that product.
    """
    samples = len(deltas) if share_of is None else share_of
    scaled = [list(map(truediv, delta, repeat(samples))) for delta in deltas]
    if _zero_share(scaled) > _zero_share(inputs) and all(map(all_finite, inputs)):
        return _products_by_rows(scaled, inputs)
    return _products_by_columns(scaled, inputs)


def _products_by_columns(scaled: Rows, inputs: Rows) -> Matrix:
    """P[j][k] = sum_i S[i][j] * H[i][k], a column k of H at a time, its zeros left out."""
    scaled_columns = _transpose(scaled)
    by_input = [_dots_skipping_zeros(scaled_columns, scaled, column) for column in zip(*inputs)]
    return [list(row) for row in zip(*by_input)]


def _products_by_rows(scaled: Rows, inputs: Rows) -> Matrix:
    """P[j][k] = sum_i S[i][j] * H[i][k], a row j at a time, the zeros of S's column j left out.

    >>> _products_by_rows([[0.0, 1.0], [2.0, 0.0]], [[1.0, 1.0], [3.0, 1.0]])
    [[6.0, 2.0], [1.0, 1.0]]
    """
    return [_weighted_rows(column, inputs) for column in zip(*scaled)]


def _zero_share(rows: Rows) -> float:
    """The share of the values that are 0 (list.count runs in C).

    >>> _zero_share([[0.0, 1.0], [0.0, 0.0]])
    0.75
    """
    return sum(row.count(0.0) for row in rows) / max(1, sum(map(len, rows)))


def _weighted_rows_by_sumprod(weights: Sequence[float], rows: Rows) -> Vector:
    nonzero = list(compress(range(len(weights)), weights))
    if not nonzero:
        return [0.0] * len(rows[0])
    if len(nonzero) == 1:  # one term: its products are the sums
        return list(map(mul, rows[nonzero[0]], repeat(weights[nonzero[0]])))
    pick = itemgetter(*nonzero)
    return _dots(zip(*pick(rows)), pick(weights))


def _weighted_rows_by_map(weights: Sequence[float], rows: Rows) -> Vector:
    # One row at a time, added in C: a sum(map(mul)) per column would cost a call per entry.
    total: Optional[Vector] = None
    for weight, row in zip(weights, rows):
        if weight != 0.0:
            terms = map(mul, row, repeat(weight))
            total = list(terms) if total is None else list(map(add, total, terms))
    return [0.0] * len(rows[0]) if total is None else total


# _weighted_rows(w, H) == sum_i w_i H[i], entry by entry as _dots sums them (in the rows' order, or
# in extended precision with math.sumprod; one term is its product), the rows where w_i == 0 left
# out. Measured on the default network's hidden layer: with sumprod, a dot per column of the nonzero
# rows is the faster; without it, adding whole rows in C (which on 3.12 runs at half that speed).
_weighted_rows = _weighted_rows_by_sumprod if hasattr(math, "sumprod") else _weighted_rows_by_map


layer_sums: Kernel = _sums_by_calls
errors_below: ErrorsKernel = _errors_by_calls
gradient_sums: GradientKernel = _gradient_sums_by_calls

# The dot product this interpreter runs, in words (bench/train_speed.py prints it).
FORM = "math.sumprod" if hasattr(math, "sumprod") else "sum(map(mul))"
