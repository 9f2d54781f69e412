"""The exceptions purenn raises: one family, every member a ValueError.

- PurennError: the base; catch it to catch them all.
- DataError: a data file or in-memory data set is malformed (says file, line, field).
- ModelError: a model file is malformed or does not fit what it is used with.
- DivergenceError: training produced a non-finite loss or weight and stopped.
- NotFittedError: a Classifier was asked to predict before fit; also an AttributeError, as
  scikit-learn's NotFittedError is.
- NotANumberError: a value that float() cannot take (a dict, None...) where a number belongs;
  also a TypeError, as float()'s own error is.
- WorkerError: a worker process of a parallel training (n_jobs) raised or died.

Library code raises these; only the command line turns them into a message and exit status 2.

- MOST_INTEGER_BITS: the longest integer a parameter or label may be; a message naming a longer
  one could not print it (Python refuses to print an int of over 4300 digits).
"""

__all__ = [
    "DataError",
    "DivergenceError",
    "MOST_INTEGER_BITS",
    "ModelError",
    "NotANumberError",
    "NotFittedError",
    "PurennError",
    "WorkerError",
]


# No setting or label needs an integer this long: about 3010 decimal digits.
MOST_INTEGER_BITS = 10_000


class PurennError(ValueError):
    """Base class of every error purenn raises on bad input or bad numbers."""


class DataError(PurennError):
    """A data set or data file is malformed: the message says where."""


class ModelError(PurennError):
    """A model file is malformed, hostile, or does not fit the data."""


class DivergenceError(PurennError):
    """Training produced a non-finite loss or weight; the last good weights are kept."""


class NotFittedError(PurennError, AttributeError):
    """The estimator is used before it was fitted (scikit-learn's kind: AttributeError too)."""


class NotANumberError(DataError, TypeError):
    """A value that is no number nor text where a number belongs (a TypeError too, like float()'s)."""


class WorkerError(PurennError):
    """A worker process of a parallel training raised or died; every worker has been stopped."""
