"""What the command line checks before any long work: flags that do nothing, paths, sizes.

- refuse_unused_flags: a flag the user gave that has no effect in this combination.
- check_data_flags: --labels only for IDX images, --label-column only where there is a choice.
- data_inputs: the files a command reads, as (what, path) pairs, for check_output.
- check_plots: a --plots directory, and every figure file it would receive.
- check_network_fits: a network a model file can hold, and memory to train it (or a warning).
- PLOT_NAMES: the figure files --plots writes.

Every check raises PurennError with one line naming the flag; nothing here loads data or trains
(check_data_flags looks at the first bytes of a file to tell its kind).
"""

from __future__ import annotations

import contextlib
import os
from typing import Dict, List, Optional, Sequence, Tuple

from .data import digits_path, source_kind
from .errors import PurennError
from .files import check_output, probe_directory
from .model import check_size

__all__ = [
    "PLOT_NAMES",
    "check_data_flags",
    "check_network_fits",
    "check_plots",
    "data_inputs",
    "refuse_unused_flags",
]

PLOT_NAMES = ("digits.png", "weights.svg", "confusion.svg", "learning_curves.svg")

# Measured: training a 64-20000-3 network (1.36 million weights) for one epoch and saving it
# took 310 MB more than a 64-2000-3 one, 254 bytes per weight (a float object and its list slot
# in the weights, the velocities, the gradients, the last good copy, the JSON text).
BYTES_PER_WEIGHT = 256
# Measured: 64-2000-10 on the digits took 477 MB at --batch-size 0 (1347 rows a step) and 81 MB at
# 32: about 146 bytes for each row of a step and each unit (sums, activations, deltas, as floats).
BYTES_PER_ROW_UNIT = 150
WARN_BYTES = 1 << 30  # say so above 1 GiB


def refuse_unused_flags(unused: Dict[str, str]) -> None:
    """Raise PurennError for the first flag in unused (flag -> why it does nothing).

    >>> refuse_unused_flags({})
    >>> refuse_unused_flags({"--patience": "it needs --validation-fraction"})
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: --patience has no effect here: it needs --validation-fraction
    """
    for flag, reason in unused.items():
        raise PurennError(f"{flag} has no effect here: {reason}")


def check_data_flags(source: str, labels_path: Optional[str], label_column: Optional[str]) -> None:
    """Refuse --labels for data that is not IDX, and --label-column for data without a choice.

    >>> check_data_flags("digits", None, "0")
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: --label-column has no effect here: the vendored digits have their labels last
    """
    kind = source_kind(source)
    if labels_path is not None and kind != "idx":
        raise PurennError(f"--labels is only for IDX images, and {source} is not IDX")
    if label_column is not None and kind in ("idx", "digits"):
        why = (
            "IDX labels come from --labels" if kind == "idx" else "the vendored digits have their labels last"
        )
        refuse_unused_flags({"--label-column": why})


def data_inputs(data: Optional[str], labels: Optional[str]) -> List[Tuple[str, str]]:
    """The files a --data/--labels pair reads, as (what, path); standard input is /dev/stdin."""
    inputs: List[Tuple[str, str]] = []
    if data == "digits":
        inputs.append(("the vendored digits", str(digits_path())))
    elif data == "-":
        inputs.append(("standard input", "/dev/stdin"))
    elif data:
        inputs.append(("--data", data))
    if labels:
        inputs.append(("--labels", labels))
    return inputs


def _nearest_existing(path: str) -> str:
    """path, or the closest of its parents that exists."""
    path = os.path.abspath(path)
    while not os.path.lexists(path):
        path = os.path.dirname(path)
    return path


def _probe_new_directory(directory: str, parent: str) -> None:
    """Make the missing directories of directory (below parent, which exists) and a file in the
    last, then remove them all: a name too long or a read-only place is refused before any work."""
    missing: List[str] = []
    path = os.path.abspath(directory)
    while path != parent:
        missing.append(path)
        path = os.path.dirname(path)
    made: List[str] = []
    try:
        for path in reversed(missing):
            os.mkdir(path)
            made.append(path)
        probe_directory(os.path.join(directory, PLOT_NAMES[0]), "--plots")
    except OSError as error:
        raise PurennError(f"--plots {directory}: cannot make it: {error.strerror or error}") from None
    finally:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(path)


def check_plots(directory: str, inputs: Sequence[Tuple[str, str]]) -> None:
    """Refuse a --plots directory that cannot receive every figure, before any work.

    A missing directory is made later (with its missing parents): the closest parent that
    exists must be a directory one can write in. An existing one: each figure file in it is
    checked as an output (not an input, not a device or FIFO, writable).
    """
    if not directory:
        raise PurennError("--plots is empty; give a directory")
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise PurennError(f"--plots {directory} exists and is not a directory")
    if not os.path.isdir(directory):
        parent = _nearest_existing(directory)
        if not os.path.isdir(parent):
            raise PurennError(f"--plots {directory}: {parent} is not a directory")
        _probe_new_directory(directory, parent)
        return
    for name in PLOT_NAMES:
        check_output(os.path.join(directory, name), "--plots", inputs)


def _gigabytes(count: int) -> str:
    return f"{count / 1e9:.1f} GB"


def available_memory() -> Optional[int]:
    """Bytes of memory available now (Linux's MemAvailable), or None where it cannot be told."""
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_network_fits(sizes: Sequence[int], flag: str = "--hidden", rows_per_step: int = 1) -> Optional[str]:
    """Refuse a network of these layer sizes no model file holds, or too large for memory.

    memory = weights * 256 + rows_per_step * units * 150 bytes (units: every layer but the
    inputs; rows_per_step: the batch size, every training row for full batches).
    Returns a warning (one line) when training would need more than 1 GiB, else None.

    >>> check_network_fits([64, 32, 10]) is None
    True
    >>> check_network_fits([64, 20000, 10], rows_per_step=1347)
    'training a 64-20000-10 network (1500010 weights, batches of 1347 rows) needs about 4.4 GB of memory'
    """
    try:
        weights = check_size(sizes)
    except PurennError as error:
        raise PurennError(f"{flag}: {error}") from None
    needed = weights * BYTES_PER_WEIGHT + rows_per_step * sum(sizes[1:]) * BYTES_PER_ROW_UNIT
    available = available_memory()
    what = f"a {'-'.join(map(str, sizes))} network ({weights} weights"
    what += f", batches of {rows_per_step} rows)" if rows_per_step > 1 else ")"
    if available is not None and needed > available:
        raise PurennError(
            f"{flag}: training {what} needs about {_gigabytes(needed)} "
            f"of memory, and {_gigabytes(available)} is available"
        )
    if needed > WARN_BYTES:
        return f"training {what} needs about {_gigabytes(needed)} of memory"
    return None
