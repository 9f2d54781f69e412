"""purenn.workflow: `purenn train`'s flow as a library, the same model the command writes."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from purenn.cli import main
from purenn.errors import PurennError
from purenn.estimator import Classifier
from purenn.matlab import mat_bytes
from purenn.model import load_model
from purenn.train import History
from purenn.workflow import (
    DataSource,
    Recipe,
    Split,
    prepare_training,
    recorded_test_split,
    train_recipe,
)


def _without_times(training: Dict[str, Any]) -> Dict[str, Any]:
    """A training record without what the clock says (seconds, each epoch's seconds)."""
    record = {key: value for key, value in training.items() if key != "seconds"}
    record["history"] = [{k: v for k, v in epoch.items() if k != "seconds"} for epoch in record["history"]]
    return record


def test_train_recipe_makes_the_model_purenn_train_saves(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "m.json"
    flags = ["--hidden", "8", "--epochs", "2", "--seed", "3", "--split", "random", "--test-fraction", "0.2"]
    assert main(["train", *flags, "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    trained = train_recipe(
        Classifier(hidden=(8,), epochs=2, seed=3),
        DataSource("digits"),
        Recipe(split="random", test_fraction=0.2, seed=3),
    )
    saved = load_model(out)
    assert trained.model.network == saved.network and trained.model.scaling == saved.scaling
    assert _without_times(trained.model.training) == _without_times(saved.training)
    assert trained.prepared.split == Split("random", 0.2, 3) and trained.tested
    assert len(trained.prepared.train_labels) + len(trained.shown_labels) == 1797
    correct = f"({trained.correct}/{len(trained.shown_labels)})"
    assert f"test accuracy: {100 * trained.accuracy:.2f}% {correct} on the random split, seed 3" in printed


def test_the_recorded_test_split_is_the_rows_it_was_tested_on() -> None:
    trained = train_recipe(Classifier(hidden=(4,), epochs=1, seed=1), DataSource("digits"), Recipe(seed=5))
    inputs, labels, described = recorded_test_split("m.json", trained.model.training)
    assert (inputs, labels) == (trained.shown_inputs, trained.shown_labels)
    assert described == "the stratified test split of digits (seed 5)"


def test_split_none_trains_on_every_row_and_shows_them() -> None:
    trained = train_recipe(Classifier(hidden=(4,), epochs=1), DataSource("digits"), Recipe(split="none"))
    assert not trained.tested and trained.prepared.test_labels == []
    assert len(trained.shown_labels) == len(trained.prepared.train_labels) == 1797
    assert trained.model.training["train_accuracy"] == trained.accuracy
    assert "test_accuracy" not in trained.model.training
    _, labels, described = recorded_test_split("m.json", trained.model.training)
    assert len(labels) == 1797 and described.endswith("its training data (split none)")


def test_a_test_fraction_asks_for_a_test_set() -> None:
    source = DataSource("digits")
    with pytest.raises(PurennError, match="--test-fraction needs a test set"):
        prepare_training(Classifier(), source, Recipe(split="none", test_fraction=0.3))
    # a preset that trains on every row (ng-ex4) gets a stratified split for a test fraction
    prepared = prepare_training(Classifier(), source, Recipe(preset="ng-ex4", test_fraction=0.3))
    assert prepared.split == Split("stratified", 0.3, 0)


def test_a_resumed_model_keeps_its_split_unless_the_recipe_names_one() -> None:
    source, resumed = DataSource("digits"), {"resumed_from": "m.json", "recorded_split": ("random", 0.3, 5)}
    kept = prepare_training(Classifier(), source, Recipe(seed=1, **resumed))
    assert kept.split == Split("random", 0.3, 5) and len(kept.test_labels) == round(0.3 * 1797)
    named = prepare_training(Classifier(), source, Recipe(split="sequential", seed=1, **resumed))
    assert named.split == Split("sequential", 0.3, 1)


def test_a_recipe_that_scales_every_row_fits_the_scaling_before_the_split() -> None:
    prepared = prepare_training(Classifier(), DataSource("digits"), Recipe(fit_scaling_on="all"))
    assert isinstance(prepared.classifier.scaling, dict)  # fitted on all 1797 rows, kept by fit
    resumed = Recipe(fit_scaling_on="all", resumed_from="m.json")
    fresh = prepare_training(Classifier(), DataSource("digits"), resumed)
    assert fresh.classifier.scaling == "divide"  # a resumed model keeps its own scaling


def test_progress_hears_every_epoch_and_the_train_accuracy_is_measured_at_the_end() -> None:
    heard: List[Tuple[int, int]] = []

    def progress(record: History, epochs: int) -> None:
        heard.append((record.epoch, epochs))

    classifier = Classifier(hidden=(4,), epochs=3, measure_train_accuracy=False)
    trained = prepare_training(classifier, DataSource("digits")).fit(progress=progress)
    assert heard == [(1, 3), (2, 3), (3, 3)]
    assert trained.train_accuracy(measure=False) is None  # --no-train-accuracy
    measured = trained.train_accuracy()
    assert measured is not None and 0.0 <= measured <= 1.0


def _labels_one_to_ten(folder: Path, per_class: int) -> DataSource:
    rng = random.Random(0)
    rows = [[rng.random() for _ in range(4)] for _ in range(10 * per_class)]
    labels = [[float(1 + k % 10)] for k in range(10 * per_class)]
    path = folder / "ex4.mat"
    path.write_bytes(mat_bytes({"X": rows, "y": labels}))
    return DataSource(str(path))


def test_the_note_on_labels_one_to_ten_comes_as_soon_as_they_are_read(tmp_path: Path) -> None:
    told: List[Tuple[str, str]] = []
    prepared = prepare_training(
        Classifier(hidden=(3,)), _labels_one_to_ten(tmp_path, 8), notice=lambda *said: told.append(said)
    )
    assert told == [
        ("note", "the labels are 1..10; if 10 stands for the digit 0 (as in ex4data1.mat), --relabel 10=0")
    ]
    assert prepared.data_options == {"image_order": "column-major"}  # recorded: MAT-files unroll by columns
    told.clear()
    with pytest.raises(PurennError, match="empty"):  # one row per class: no test rows to keep
        prepare_training(
            Classifier(), _labels_one_to_ten(tmp_path, 1), notice=lambda *said: told.append(said)
        )
    assert [kind for kind, _ in told] == ["note"]  # said before the split failed


def test_the_memory_warning_counts_the_rows_of_a_full_batch() -> None:
    """Measured (audit of issue 12): 64-2000-10 on the digits took 477 MB at --batch-size 0 and
    81 MB at 32; the weights alone (150 000) said 38 MB. A full batch's layers are counted too."""
    told: List[Tuple[str, str]] = []
    prepare_training(
        Classifier(hidden=(20000,), batch_size=0),
        DataSource("digits"),
        notice=lambda *said: told.append(said),
    )
    assert [kind for kind, _ in told] == ["warning"], told
    assert "batches of 1347 rows" in told[0][1], told
    told.clear()
    prepare_training(
        Classifier(hidden=(20000,), batch_size=32), DataSource("digits"), notice=lambda *s: told.append(s)
    )
    assert told == []
