"""What the commands print that is printing alone: the progress bar, times, percentages, JSON.

- ProgressBar: `purenn train`'s one redrawn line on a terminal's stderr.
- clock_text: seconds as m:ss or h:mm:ss.
- percent: a fraction as a percentage with two decimals.
- print_json: one JSON object on standard output (NaN refused).
"""

from __future__ import annotations

import json
import shutil
import time
from typing import Any, Callable, Dict, Optional

from ..train import History

__all__ = ["ProgressBar", "clock_text", "percent", "print_json"]


def clock_text(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss).

    >>> clock_text(75.4), clock_text(3725)
    ('1:15', '1:02:05')
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds_left:02d}" if hours else f"{minutes}:{seconds_left:02d}"


def percent(value: float) -> str:
    """A fraction as a percentage.

    >>> percent(0.97333)
    '97.33%'
    """
    return f"{100.0 * value:.2f}%"


def print_json(document: Dict[str, Any]) -> int:
    """Print document as one line of JSON; return the exit status, 0."""
    print(json.dumps(document, allow_nan=False))
    return 0


class ProgressBar:
    """One line on a terminal's stderr, redrawn from the first step on: where training is, the
    last epoch's loss and accuracies, the time taken and an estimate of the time left.

    Each redraw returns to the start of the line, writes the text cut to the terminal's width
    (a wrapped line could not be overwritten) and clears what is left of the old one (ESC [K).
    Steps redraw at most every 0.1 s.
    """

    def __init__(
        self, stream: Any, clock: Callable[[], float] = time.perf_counter, columns: Optional[int] = None
    ) -> None:
        self.stream = stream
        self.clock = clock
        self.columns = columns
        self.started = clock()
        self.last_drawn = -1.0
        self.summary = ""

    def _draw(self, epoch: int, epochs: int, done: float) -> None:
        width = 20
        share = min(max(((epoch - 1) + done) / epochs, 0.0), 1.0)
        filled = int(width * share)
        elapsed = self.clock() - self.started
        left = elapsed * (1.0 - share) / share if share > 0 else None
        timing = f"{clock_text(elapsed)} elapsed" + (
            f", ~{clock_text(left)} left" if left is not None else ""
        )
        text = f"epoch {epoch:>{len(str(epochs))}}/{epochs} [{'#' * filled}{'.' * (width - filled)}]"
        text += f" {100 * share:3.0f}%  {timing}{self.summary}"
        columns = self.columns or shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + text[: max(columns - 1, 1)] + "\x1b[K")
        self.stream.flush()
        self.last_drawn = self.clock()

    def step(self, epoch: int, epochs: int, done: int, steps: int) -> None:
        """After a step: redraw if 0.1 s have passed (and always after the first)."""
        if self.last_drawn < 0 or self.clock() - self.last_drawn >= 0.1:
            self._draw(epoch, epochs, done / steps)

    def __call__(self, record: History, epochs: int) -> None:
        """After an epoch: its loss and accuracies join the line."""
        self.summary = f"  loss {record.loss:.4f}"
        if record.train_accuracy is not None:
            self.summary += f"  train {100 * record.train_accuracy:.1f}%"
        if record.validation_accuracy is not None:
            self.summary += f"  validation {100 * record.validation_accuracy:.1f}%"
        self._draw(record.epoch, epochs, 1.0)

    def close(self) -> None:
        """End the line, so that what follows starts on a new one."""
        if self.last_drawn >= 0:
            self.stream.write("\n")
            self.stream.flush()
