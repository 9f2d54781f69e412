"""docs/model-format.md names every field, name and limit model.py writes or checks: it cannot go stale."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator, Set

import pytest

from purenn import model as model_module
from purenn import training_record
from purenn.activations import ACTIVATIONS
from purenn.cli import main
from purenn.errors import ModelError
from purenn.losses import LOSSES
from purenn.model import model_from_dict
from purenn.scaling import SCALING_FIELDS

DOC = Path(__file__).resolve().parent.parent / "docs" / "model-format.md"
TEXT = DOC.read_text(encoding="utf-8")
PROSE = re.sub(r"```.*?```", "", TEXT, flags=re.S)  # fenced examples out: names are quoted in the prose
QUOTED: Set[str] = set(re.findall(r"`([^`\n]+)`", PROSE))


@pytest.fixture(scope="module")
def written(tmp_path_factory: Any) -> Any:
    """A model file as `purenn train` writes it, parsed as plain JSON.

    Inside "training" only its own keys are checked: "settings" holds the Classifier's parameters,
    which the document names by reference (they are the estimator's, not the format's).
    """
    path = tmp_path_factory.mktemp("format") / "model.json"
    assert main(["train", "--hidden", "4", "--epochs", "1", "--quiet", "--out", str(path)]) == 0
    return json.loads(path.read_text(encoding="utf-8"))


def _keys(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, dict) and depth:
        for key, item in value.items():
            yield key
            yield from _keys(item, depth - 1)


def test_every_field_a_written_file_holds_is_documented(written: Any) -> None:
    fields = (
        set(written)
        | set(written["layers"][0])
        | set(written["scaling"])
        | set(_keys(written["training"], 1))
    )
    missing = sorted(fields - QUOTED)
    assert not missing, f"docs/model-format.md does not name {missing}"


def test_every_field_and_name_model_py_checks_is_documented() -> None:
    names = {*model_module._REQUIRED_FIELDS, *model_module._OPTIONAL_FIELDS, "activation", "weights", "kind"}
    for kind, fields in SCALING_FIELDS.items():
        names |= {kind, *fields}
    names |= set(ACTIVATIONS) | set(LOSSES)
    missing = sorted(names - QUOTED)
    assert f'`"{model_module.FORMAT_NAME}"`' in TEXT
    assert not missing, f"docs/model-format.md does not name {missing}"


def test_the_limits_and_the_version_are_those_of_model_py() -> None:
    assert f"# The purenn model file, format version {model_module.FORMAT_VERSION}" in TEXT
    for name in ("MAX_LAYERS", "MAX_WEIGHTS", "MAX_FILE_BYTES"):
        value = getattr(model_module, name)
        assert re.search(rf"{value:,}\D.{{0,20}}`{name}`", TEXT) or f"{value:,} (`{name}`)" in TEXT, name
    assert f"nested at most {training_record._MAX_TRAINING_DEPTH} levels" in TEXT


def test_the_documented_newer_version_message_is_purenns() -> None:
    quoted = re.search(r"purenn says `(format version 2 is newer[^`]*)`", TEXT)
    assert quoted
    with pytest.raises(ModelError, match=re.escape(quoted.group(1))):
        model_from_dict({"format": "purenn-model", "version": 2})


def test_the_documented_weight_layout_is_the_one_purenn_computes() -> None:
    """z_j = sum_k weights[j][k] * h_k + weights[j][in]: checked on a 2-input, 2-neuron layer."""
    from purenn.estimator import Classifier

    data = {
        "format": "purenn-model",
        "version": 1,
        "layers": [{"activation": "identity", "weights": [[1.0, 10.0, 100.0], [2.0, 20.0, 200.0]]}],
        "loss": "squared_error",
        "scaling": {"kind": "standardize", "mean": [1.0, 0.0], "std": [2.0, 4.0]},
        "labels": ["a", "b"],
    }
    (outputs,) = Classifier.from_model(model_from_dict(data)).predict_proba([[3.0, 8.0]])
    h = [(3.0 - 1.0) / 2.0, (8.0 - 0.0) / 4.0]
    assert outputs == [1.0 * h[0] + 10.0 * h[1] + 100.0, 2.0 * h[0] + 20.0 * h[1] + 200.0]
