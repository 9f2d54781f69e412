"""The command line's argument types: a flag's text made a value, or one line saying what is wrong.

- whole_number(minimum): a type for whole numbers >= minimum; positive_int (>= 1), count (>= 0).
- number, positive_number, non_negative_number: finite numbers (> 0, >= 0).
- fraction: a number strictly between 0 and 1; dropout: a probability in [0, 1).
- layer_sizes: "64" or "128,64" (or "none": no hidden layer) as a tuple of sizes.
- relabel_pairs: "10=0,11=1" as (old, new) label pairs; label_text: a label as typed.

Each raises argparse.ArgumentTypeError, which argparse reports as a usage error (exit status 2).
"""

from __future__ import annotations

import argparse
import math
from typing import Callable, List, Tuple

from ..vectors import Label

__all__ = [
    "count",
    "dropout",
    "fraction",
    "label_text",
    "layer_sizes",
    "non_negative_number",
    "number",
    "positive_int",
    "positive_number",
    "relabel_pairs",
    "whole_number",
]


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= minimum."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


positive_int = whole_number(1)
count = whole_number(0)


def number(text: str) -> float:
    """A finite number.

    >>> number("0.5"), number("1e3")
    (0.5, 1000.0)
    >>> number("inf")
    Traceback (most recent call last):
      ...
    argparse.ArgumentTypeError: expected a finite number, got 'inf'
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_number(text: str) -> float:
    """A finite number > 0."""
    value = number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def non_negative_number(text: str) -> float:
    """A finite number >= 0."""
    value = number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """A number strictly between 0 and 1 (a share of the rows)."""
    value = number(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def dropout(text: str) -> float:
    """A probability in [0, 1): 1 would drop every unit."""
    value = number(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {text!r}")
    return value


def layer_sizes(text: str) -> Tuple[int, ...]:
    """Layer sizes separated by commas; "" or "none" for no (hidden) layers.

    >>> layer_sizes("128,64"), layer_sizes("none")
    ((128, 64), ())
    """
    if text.strip() in ("", "none"):
        return ()
    try:
        return tuple(positive_int(part) for part in text.split(","))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 64 or 128,64, got {text!r}") from None


def relabel_pairs(text: str) -> List[Tuple[Label, Label]]:
    """--relabel OLD=NEW[,OLD=NEW...]: labels that are whole numbers become ints.

    >>> relabel_pairs("10=0,x=y")
    [(10, 0), ('x', 'y')]
    """
    pairs: List[Tuple[Label, Label]] = []
    for part in text.split(","):
        old, equals, new = part.partition("=")
        if not equals or not old.strip() or not new.strip():
            raise argparse.ArgumentTypeError(f"expected OLD=NEW pairs like 10=0, got {text!r}")
        pairs.append((label_text(old), label_text(new)))
    return pairs


def label_text(text: str) -> Label:
    """A label given on the command line: an int when it is a whole number, else the text."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text
