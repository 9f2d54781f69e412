"""Data-parallel gradients: one minibatch's loss and gradient computed on several processes.

- Workers: N - 1 worker processes and this one, each computing batch.loss_and_gradients on a
  share of the batch, or batch.predict_many on a share of the rows (the epochs' accuracy
  passes); started at the first step that needs them, stopped by close().
- cores: how many processors this process may run on (what n_jobs = 0 asks for).
- most_jobs: the largest n_jobs Settings.check accepts (4 per core).
- split_sizes: how a batch of B samples is cut into the shares.
- rounding_bound: how far the N-share gradient may lie from the one-share gradient.

A step cuts its B samples, in order, into n = min(N, B) contiguous shares of sizes B_k (the
first B mod n one larger). Share 0 is computed here, shares 1..n-1 by the workers, each as a share
of a batch of B (batch.loss_and_gradients' share_of): its sums divided by B, with no L2 term,
s_k = sum_{i in k} (s_i delta_i / B) h_i. The shares are added in the fixed order k = 0, 1, ...:

    g = ((s_0 + s_1) + s_2) + ... + s_{n-1}   (+ lambda * w, biases excepted)

and the loss the same way (+ lambda/2 sum w**2). Same seed, same N: the same sums in the same
order, so the same model on every run. Dropout masks are drawn by the trainer before the batch is
cut, so they are the masks of N = 1.

Rounding. With unit roundoff u = 2**-53 and gamma_m = m u / (1 - m u), a gradient entry is a sum
over the samples of r_i = fl(delta_ij / B) h_ik: the same factors in both runs (each sample's
forward and backward pass does not depend on which samples share its batch, and both divide by
B). Only the order of the additions differs. Each product is rounded (or, with math.sumprod,
summed in extended precision and rounded once; a share with one nonzero term returns it as its
product) and then meets the additions on its path: B - 1 in one
process; at most B_max - 1 in its share and n - 1 across the shares with n shares, B_max the
largest share. So |g_1 - sum_i r_i| <= gamma_B sum_i |r_i| and |g_n - sum_i r_i| <=
gamma_{B_max+n-1} sum_i |r_i|, and with p_i = delta_ij h_ik exact, |r_i| <= (1 + u) |p_i| / B and
(1 + u) gamma_m <= gamma_{m+1}:

    |g_n - g_1| <= (gamma_{B+1} + gamma_{B_max+n}) * sum_i |p_i| / B       (rounding_bound)

for every entry, before the L2 term (in the normal range: below 2**-1022 each rounding may add
2**-1075 besides). Adding lambda * w_jk rounds once more on each side: + u (|g_n| + |g_1|), g here
the gradients with the L2 term added. A share's loss is fsum(its values) / B (two roundings), and
n - 1 additions join them, so the losses differ by at most (gamma_2 + gamma_{n+1}) sum_i |s_i C_i| / B,
and by u (|L_n| + |L_1|) more once the L2 penalty is added to the losses L. tests/test_parallel.py
checks both on random networks and batches.

Start method: "fork" on Linux, where it starts a worker in milliseconds (the child is a copy of
this process: nothing is imported or pickled again) and works alike on CPython 3.9-3.13 and PyPy;
"spawn" elsewhere (macOS and Windows, where fork is unsafe or missing), which works too because
a worker gets everything it needs through its pipe. Either way the workers start once per
training, not per step. Workers ignore SIGINT: on Ctrl-C this process gets KeyboardInterrupt,
close() terminates and joins every worker, and a worker whose parent is gone sees its pipe
close and exits, so none is left behind.

Transport: a pipe per worker. The weights go out and the gradients come back as raw doubles
(array('d') bytes); the share's inputs, targets and dropout masks travel as raw doubles too, with
their lengths, and the names in a small pickle: array.fromlist + tobytes and back cost less than
pickling the nested lists (for the weights: bench/README.md, "Parallel training"; for the rows,
ten times less on PyPy: see _wire.packed). Numbers of other types in the rows (NumPy's float32) reach
the workers as doubles, as Classifier converts them anyway. Shared memory would save the copy
through the pipe, not the conversion between nested lists and doubles, which is most of the cost.
The whole batch is checked here (batch.check_batch) before any share is sent, so the workers
compute their shares as trusted.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from multiprocessing.connection import Connection
from operator import add
from typing import Any, List, Optional, Sequence, Tuple

from . import _wire, batch
from .batch import BatchMasks
from .errors import WorkerError
from .kernels import Rows
from .losses import l2_penalty
from .network import ActivationSpec, Network

__all__ = ["Workers", "cores", "most_jobs", "rounding_bound", "split_sizes"]

UNIT_ROUNDOFF = 2.0**-53
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


def cores() -> int:
    """The number of processors this process may run on (its affinity mask, else os.cpu_count).

    >>> cores() >= 1
    True
    """
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


def most_jobs() -> int:
    """The largest n_jobs accepted: 4 processes per core; more only cost start-up and memory.

    >>> most_jobs() == 4 * cores()
    True
    """
    return 4 * cores()


def split_sizes(samples: int, shares: int) -> List[int]:
    """Cut `samples` into min(shares, samples) contiguous shares, the first ones larger by 1.

    >>> split_sizes(10, 3), split_sizes(2, 4)
    ([4, 3, 3], [1, 1])
    """
    count = min(shares, samples)
    size, larger = divmod(samples, count)
    return [size + 1 if k < larger else size for k in range(count)]


def _gamma(m: int) -> float:
    return m * UNIT_ROUNDOFF / (1.0 - m * UNIT_ROUNDOFF)


def rounding_bound(samples: int, sizes: Sequence[int], sum_of_magnitudes: float) -> float:
    """The largest |g_n - g_1| of a gradient entry (module docstring), given sum_i |p_i|.

    >>> round(rounding_bound(4, [2, 2], 4.0) / UNIT_ROUNDOFF, 9)  # gamma_5 + gamma_4: 9 u
    9.0
    """
    n = len(sizes)
    return (_gamma(samples + 1) + _gamma(max(sizes) + n)) * sum_of_magnitudes / samples


# ---------------------------------------------------------------------------------------------
# The worker's side


def _serve(connection: Connection, parent_end: Connection) -> None:
    """Answer jobs until None comes or the pipe closes: (header, weights) in; out, for a
    "gradients" job ("ok", loss) + the gradients as doubles (sums over the share divided by the
    batch's size B), for a "predict" job ("ok", the outputs), or ("error", what) for either.
    `parent_end` is the parent's end of the pipe, which a forked child holds a copy of: closed
    here, so that the parent's death closes the pipe and ends this loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it started this process
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent_end.close()
    while True:
        try:
            header = connection.recv()
            if header is None:
                return
            weights = _wire.doubles(connection.recv_bytes())
            kind, shape, job = header[0], header[1], header[2:]
        except Exception:  # the pipe closed, or a message cut short by an interrupted parent: stop
            return
        try:
            network = _wire.nested(weights, shape)
            if kind == "predict":
                inputs, activations = job
                answer: Any = batch.predict_many(network, _wire.unpacked(inputs), activations, trusted=True)
            else:
                inputs, targets, activations, loss_name, dropout, sample_weights, share_of = job
                answer = batch.loss_and_gradients(
                    network,
                    _wire.unpacked(inputs),
                    _wire.unpacked(targets),
                    activations,
                    loss_name,
                    dropout=_wire.unpacked_masks(dropout),
                    weights=sample_weights,
                    trusted=True,
                    share_of=share_of,
                )
        except Exception as error:  # reported to the parent, which raises WorkerError
            connection.send(("error", f"{type(error).__name__}: {error}"))
            continue
        try:
            if kind == "predict":
                connection.send(("ok", answer))
            else:
                connection.send(("ok", answer[0]))
                connection.send_bytes(_wire.flat(answer[1]).tobytes())
        except OSError:
            return


# ---------------------------------------------------------------------------------------------
# The parent's side


class Workers:
    """`jobs` processes (0: cores()) for loss_and_gradients; with one, no process is started.

    `start_method` is multiprocessing's ("fork", "spawn", "forkserver"); the module docstring
    says why START_METHOD is the default.

    Use as a context manager, or call close(): the workers start at the first step with at
    least two samples and stop at close(). After a failure, every worker is stopped and
    WorkerError raised; a closed pool starts afresh when used again.

    >>> with Workers(1) as workers:
    ...     workers.loss_and_gradients([[[1.0, 0.0]]], [[2.0], [-1.0]], [[0.0], [0.0]], "identity")
    (1.25, [[[2.5, 0.5]]])
    """

    def __init__(self, jobs: int, start_method: str = START_METHOD) -> None:
        self.jobs, self.start_method = jobs, start_method
        self._processes: List[Any] = []
        self._connections: List[Connection] = []

    @property
    def size(self) -> int:
        """The number of processes the shares run on, this one included."""
        return cores() if self.jobs == 0 else self.jobs

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def pids(self) -> List[int]:
        """The worker processes' ids (none before the first parallel step)."""
        return [process.pid for process in self._processes]

    def _start(self) -> None:
        """Start the workers with SIGINT blocked: a Ctrl-C (sent to the whole process group) that
        comes while one starts waits until it ignores SIGINT, and then reaches this process only."""
        can_block = hasattr(signal, "pthread_sigmask")
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if can_block else set()
        try:
            self._start_workers()
        finally:
            if can_block:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def _start_workers(self) -> None:
        # Any: mypy's stubs give Process to the concrete contexts only
        context: Any = multiprocessing.get_context(self.start_method)
        for _ in range(self.size - 1):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_serve, args=(child_end, parent_end), daemon=True)
            process.start()
            child_end.close()  # so that the worker's end closing shows here as EOFError
            self._processes.append(process)
            self._connections.append(parent_end)

    def close(self, wait: bool = True) -> None:
        """Stop every worker: say stop (unless not `wait`), close its pipe, give it a second to end,
        then terminate it if it is still there."""
        for connection in self._connections:
            if wait:
                with contextlib.suppress(OSError):  # a worker that is gone already
                    connection.send(None)
            connection.close()
        for process in self._processes:
            process.join(timeout=1.0 if wait else 0.0)
            if process.is_alive():
                process.terminate()
                process.join()
        self._processes, self._connections = [], []

    def loss_and_gradients(
        self,
        network: Network,
        inputs: Rows,
        targets: Rows,
        activations: ActivationSpec = "sigmoid",
        loss_name: str = "squared_error",
        *,
        l2: float = 0.0,
        dropout: BatchMasks = None,
        weights: Optional[Sequence[float]] = None,
        trusted: bool = False,
    ) -> Tuple[float, Network]:
        """batch.loss_and_gradients, its batch cut into shares (module docstring) over the workers.

        The whole batch is checked here (unless `trusted`), before any share is sent: the shares
        are computed as trusted. Raises WorkerError when a worker raises or dies (then every
        worker is stopped), and whatever batch.loss_and_gradients raises.
        """
        if self.size == 1 or len(inputs) < 2:
            return batch.loss_and_gradients(
                network,
                inputs,
                targets,
                activations,
                loss_name,
                l2=l2,
                dropout=dropout,
                weights=weights,
                trusted=trusted,
            )
        batch.check_batch(
            network,
            inputs,
            targets,
            activations,
            loss_name,
            l2=l2,
            dropout=dropout,
            weights=weights,
            rows=not trusted,
        )
        try:
            return self._in_shares(network, inputs, targets, activations, loss_name, l2, dropout, weights)
        except BaseException:  # a pipe may hold an unread answer or half a message: stop them all
            self.close(wait=False)
            raise

    def predict_many(self, network: Network, inputs: Rows, activations: ActivationSpec) -> List[List[float]]:
        """batch.predict_many(trusted=True), the rows cut into shares over the workers and the
        outputs joined in order: each row's outputs do not depend on the other rows, so they are
        the one-process outputs exactly. Raises WorkerError as loss_and_gradients does."""
        if self.size == 1 or len(inputs) < 2:
            return batch.predict_many(network, inputs, activations, trusted=True)
        try:
            return self._predicted_in_shares(network, inputs, activations)
        except BaseException:  # as in loss_and_gradients: a pipe may hold half an answer
            self.close(wait=False)
            raise

    def _shares(self, samples: int) -> Tuple[List[int], List[slice]]:
        """The share sizes (split_sizes) and their slices of the rows; starts the workers if needed."""
        if not self._processes:
            self._start()
        sizes = split_sizes(samples, self.size)
        bounds = [sum(sizes[:k]) for k in range(len(sizes) + 1)]
        return sizes, [slice(bounds[k], bounds[k + 1]) for k in range(len(sizes))]

    def _predicted_in_shares(
        self, network: Network, inputs: Rows, activations: ActivationSpec
    ) -> List[List[float]]:
        sizes, shares = self._shares(len(inputs))
        shape, raw = _wire.shape(network), _wire.flat(network).tobytes()
        for k in range(1, len(sizes)):
            self._send(k, ("predict", shape, _wire.packed(inputs[shares[k]]), activations), raw)
        outputs = batch.predict_many(network, inputs[shares[0]], activations, trusted=True)
        for k in range(1, len(sizes)):
            outputs += self._reply(k)
        return outputs

    def _in_shares(
        self,
        network: Network,
        inputs: Rows,
        targets: Rows,
        activations: ActivationSpec,
        loss_name: str,
        l2: float,
        dropout: BatchMasks,
        weights: Optional[Sequence[float]],
    ) -> Tuple[float, Network]:
        sizes, shares = self._shares(len(inputs))

        def part(values: Optional[Sequence[Any]], k: int) -> Optional[Sequence[Any]]:
            return None if values is None else values[shares[k]]

        shape = _wire.shape(network)
        raw = _wire.flat(network).tobytes()
        for k in range(1, len(sizes)):
            rows = (_wire.packed(inputs[shares[k]]), _wire.packed(targets[shares[k]]))
            masks = _wire.packed_masks(part(dropout, k))
            job = (*rows, activations, loss_name, masks, part(weights, k), len(inputs))
            self._send(k, ("gradients", shape, *job), raw)
        first_loss, first_grads = batch.loss_and_gradients(
            network,
            inputs[shares[0]],
            targets[shares[0]],
            activations,
            loss_name,
            dropout=part(dropout, 0),
            weights=part(weights, 0),
            trusted=True,
            share_of=len(inputs),
        )
        penalty = l2_penalty(network, l2)  # while the workers compute
        loss, grads = first_loss, first_grads
        for k in range(1, len(sizes)):
            share_loss, flat = self._answer(k)
            loss += share_loss
            grads = _added(grads, _wire.nested(flat, shape))
        batch.add_l2(grads, network, l2)
        return loss + penalty, grads

    def _send(self, k: int, header: Tuple[Any, ...], raw: bytes) -> None:
        try:
            self._connections[k - 1].send(header)
            self._connections[k - 1].send_bytes(raw)
        except OSError:
            raise self._died(k) from None

    def _answer(self, k: int) -> Tuple[float, List[float]]:
        """Worker k's (loss, flat gradient), or WorkerError saying what became of it."""
        loss = self._reply(k)
        try:
            raw = self._connections[k - 1].recv_bytes()
            return loss, _wire.doubles(raw)  # as one list: tolist() runs in C
        except (EOFError, OSError):
            raise self._died(k) from None

    def _reply(self, k: int) -> Any:
        """The value of worker k's ("ok", value), or WorkerError saying what became of it."""
        connection, process = self._connections[k - 1], self._processes[k - 1]
        try:
            status, value = connection.recv()
        except (EOFError, OSError):
            raise self._died(k) from None
        if status != "ok":
            raise WorkerError(f"worker {k} of {self.size} (process {process.pid}) failed: {value}")
        return value

    def _died(self, k: int) -> WorkerError:
        process = self._processes[k - 1]
        process.join(timeout=1.0)
        return WorkerError(
            f"worker {k} of {self.size} (process {process.pid}) died "
            f"(exit code {process.exitcode}); training stopped"
        )


def _added(total: Network, share: Network) -> Network:
    """total + share, entry by entry (a C-level map: the shares' sums are added in their order).

    >>> _added([[[0.5, 1.0]]], [[[0.25, 0.25]]])
    [[[0.75, 1.25]]]
    """
    return [[list(map(add, a, b)) for a, b in zip(*layers)] for layers in zip(total, share)]
