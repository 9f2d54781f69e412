"""Checking a JSON document field by field: every error names the file and the field.

The words purenn's model files (purenn.model) and their training record (purenn.training_record)
use to refuse what they read, as in ``model.json, field "layers[1].weights[3]": expected 33
numbers, found 32``.

Saying what was found and what is wrong:

- describe: a value in JSON's words (null, true, "text", an array...), short enough for a message.
- fail: raise the ModelError naming file, field and problem.
- wanted_number: "a finite number" or "a positive finite number".
- not_a_number, wrong_array, unknown_name: the failures of the checks below, for a reader that
  applies rules kept elsewhere (purenn.scaling's, in the model's "scaling").

Checking, each returning the value or failing:

- check_fields: the required fields are there, and no other than the optional ones.
- finite_number, finite_numbers: one finite number, an array of exactly n of them.
- known_name: a name from a registry (activations, losses, splits...).
- string_field, integer_field, bounded_field, object_field: the plain types of a field.

>>> describe(None), describe([]), describe(2**70)
('null', 'an empty array', 'a huge integer')
>>> finite_number(True, "model.json", "loss")
Traceback (most recent call last):
  ...
purenn.errors.ModelError: model.json, field "loss": expected a finite number, found true
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, Iterable, List, NoReturn, Optional, Sequence

from .errors import ModelError

__all__ = [
    "bounded_field",
    "check_fields",
    "describe",
    "fail",
    "finite_number",
    "finite_numbers",
    "integer_field",
    "known_name",
    "not_a_number",
    "object_field",
    "string_field",
    "unknown_name",
    "wanted_number",
    "wrong_array",
]


# == Describing what was found ================================================================


def _shorten(text: str, limit: int = 40) -> str:
    """Return text, cut to limit characters with "..." if it is longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: object) -> str:
    """Describe a value in JSON's words, short enough for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a huge integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _shorten(json.dumps(value))
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    return f"a Python {type(value).__name__}"


def fail(source: str, path: str, problem: str) -> NoReturn:
    """Raise ModelError saying which file and which field is wrong, and how."""
    raise ModelError(f'{source}, field "{path}": {problem}')


def wanted_number(positive: bool) -> str:
    """What a number field must be, in a message: "a positive finite number" or "a finite number"."""
    return "a positive finite number" if positive else "a finite number"


def not_a_number(value: object, source: str, path: str, *, positive: bool = False) -> NoReturn:
    """Fail: the value is not a finite number (or not a positive one)."""
    fail(source, path, f"expected {wanted_number(positive)}, found {describe(value)}")


def wrong_array(values: object, count: int, source: str, path: str, *, what: str = "") -> NoReturn:
    """Fail: the value is not an array of count numbers; what says what count counts."""
    if not isinstance(values, list):
        fail(source, path, f"expected an array of {count} numbers, found {describe(values)}")
    fail(source, path, f"expected {count} numbers{what}, found {len(values)}")


def unknown_name(value: object, known: Iterable[str], what: str, source: str, path: str) -> NoReturn:
    """Fail: the value is not one of the known names (listed sorted)."""
    fail(source, path, f"unknown {what} {describe(value)} (known: {', '.join(sorted(known))})")


# == Checking the fields ======================================================================


def check_fields(
    data: Dict[Any, Any], required: Sequence[str], optional: Sequence[str], source: str, path: str
) -> None:
    """Check an object has every required field and no field it should not have."""
    for name in required:
        if name not in data:
            fail(source, f"{path}{name}", "missing")
    for name in data:
        if name not in required and name not in optional:
            expected = ", ".join([*required, *optional])
            fail(source, f"{path}{name}", f"unknown field (expected {expected})")


def finite_number(value: object, source: str, path: str, *, positive: bool = False) -> float:
    """Return value as a float if it is a finite number (and positive, if asked); else fail.

    bool is not a number here, though Python counts it as an int.
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        not_a_number(value, source, path, positive=positive)
    try:
        number = float(value)
    except OverflowError:
        not_a_number(value, source, path, positive=positive)
    if not math.isfinite(number) or (positive and not number > 0.0):
        not_a_number(value, source, path, positive=positive)
    return number


def finite_numbers(
    values: object, count: int, source: str, path: str, *, what: str = "", positive: bool = False
) -> List[float]:
    """Return a list of exactly count finite numbers as floats; what says what count counts."""
    if not isinstance(values, list) or len(values) != count:
        wrong_array(values, count, source, path, what=what)
    numbers = []
    for index, value in enumerate(values):
        if type(value) is float and math.isfinite(value) and not positive:  # the common case
            numbers.append(value)
        else:
            numbers.append(finite_number(value, source, f"{path}[{index}]", positive=positive))
    return numbers


def known_name(value: object, known: Iterable[str], what: str, source: str, path: str) -> str:
    """Return value if it is one of the known names (of an activation, a loss...); else fail."""
    if not isinstance(value, str):
        fail(source, path, f"expected a name, found {describe(value)}")
    names = set(known)
    if value not in names:
        unknown_name(value, names, what, source, path)
    return value


def string_field(value: object, source: str, path: str, *, optional: bool = False) -> None:
    """Fail unless value is a string (or null, if optional)."""
    if not (isinstance(value, str) or (optional and value is None)):
        wanted = "a string or null" if optional else "a string"
        fail(source, path, f"expected {wanted}, found {describe(value)}")


def integer_field(value: object, source: str, path: str, *, minimum: Optional[int] = None) -> None:
    """Fail unless value is an integer (not a bool), at least minimum if given."""
    if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
        wanted = "an integer" if minimum is None else f"an integer >= {minimum}"
        fail(source, path, f"expected {wanted}, found {describe(value)}")


def bounded_field(
    value: object, source: str, path: str, low: float, high: float, *, optional: bool = False
) -> None:
    """Fail unless value is a finite number in [low, high] (or null, if optional)."""
    if optional and value is None:
        return
    number = finite_number(value, source, path)
    if not low <= number <= high:
        fail(source, path, f"expected a number in [{low:g}, {high:g}], found {describe(value)}")


def object_field(value: object, source: str, path: str) -> Dict[str, Any]:
    """Return value if it is an object; else fail."""
    if not isinstance(value, dict):
        fail(source, path, f"expected an object, found {describe(value)}")
    return value
