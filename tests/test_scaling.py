"""Tests for purenn.scaling's one set of rules: data and model files accept and refuse the same scalings.

(Fitting and applying a scaling, and check_scaling's messages, are tested in test_data.py; a model
file's messages in test_model.py.)
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purenn.errors import DataError, ModelError
from purenn.model import model_from_dict
from purenn.scaling import SCALING_FIELDS, SCALING_KINDS, Complaints, check_scaling, read_scaling

N_INPUTS = 2

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)
values = st.one_of(numbers, st.lists(numbers, max_size=3))
scalings = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.sampled_from([*SCALING_KINDS, "minmax"])},
        optional={"by": values, "mean": values, "std": values, "variance": values, "extra": values},
    ),
    values,
)


def _model(scaling: object) -> Dict[str, Any]:
    """A valid model dict of N_INPUTS inputs, with this scaling."""
    return {
        "format": "purenn-model",
        "version": 1,
        "layers": [{"activation": "sigmoid", "weights": [[0.5, -1.0, 0.25]]}],
        "loss": "binary_cross_entropy",
        "scaling": scaling,
        "labels": ["yes"],
    }


@given(scaling=scalings)
def test_model_files_and_data_keep_the_same_rules(scaling: object) -> None:
    try:
        check_scaling(scaling, N_INPUTS)
    except DataError:
        with pytest.raises(ModelError, match='field "scaling'):
            model_from_dict(_model(scaling))
        return
    read = model_from_dict(_model(scaling)).scaling
    assert read == read_scaling(scaling, N_INPUTS, Complaints()) == scaling
    assert all(type(x) is float for key, value in read.items() if key != "kind" for x in _flat(value))


def _flat(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def test_each_kind_has_the_fields_its_docstring_names() -> None:
    assert SCALING_FIELDS == {
        "none": (),
        "divide": ("by",),
        "standardize": ("mean", "std"),
        "global-variance": ("mean", "variance"),
    }
    assert tuple(SCALING_FIELDS) == SCALING_KINDS
