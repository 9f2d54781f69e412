"""Test accuracy of purenn's default model against scikit-learn's MLPClassifier, same splits.

    python bench/accuracy.py                 # purenn, seeds 0-4, both splits
    python bench/accuracy.py --sklearn-only  # just MLPClassifier (needs scikit-learn and numpy)
    python bench/accuracy.py --seeds 2       # fewer seeds
    python bench/accuracy.py --preset long   # a preset's parameters instead of the default's

purenn runs exactly as `purenn train --seed S [--split sequential]` does (with --preset P, with that
preset's parameters: `purenn train --preset P --seed S [--split sequential]`). MLPClassifier, when
scikit-learn is installed, runs with its defaults and random_state=S on the same rows, pixels / 16.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purenn import Classifier  # noqa: E402
from purenn.data import load_digits  # noqa: E402
from purenn.presets import PRESETS, get_preset  # noqa: E402
from purenn.splits import sequential_split, stratified_split, take  # noqa: E402

Split = Callable[[int], Tuple[List[int], List[int]]]


def _splits(labels: List[int]) -> Dict[str, Split]:
    return {
        "stratified 75/25": lambda seed: stratified_split(labels, 0.25, random.Random(seed)),
        "sequential 70/30": lambda seed: sequential_split(len(labels), 0.7),
    }


def _purenn(params: Dict[str, Any]) -> Callable[..., float]:
    def score(
        inputs: List[List[float]], labels: List[int], rows: Tuple[List[int], List[int]], seed: int
    ) -> float:
        train, test = rows
        model = Classifier(**params, seed=seed).fit(take(inputs, train), take(labels, train))
        return model.score(take(inputs, test), take(labels, test))

    return score


def _sklearn(hidden: int) -> Callable[..., float]:
    from sklearn.neural_network import MLPClassifier

    def score(
        inputs: List[List[float]], labels: List[int], rows: Tuple[List[int], List[int]], seed: int
    ) -> float:
        train, test = rows
        scaled = [[p / 16.0 for p in row] for row in inputs]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MLPClassifier(hidden_layer_sizes=(hidden,), random_state=seed)
            model.fit(take(scaled, train), take(labels, train))
        return float(model.score(take(scaled, test), take(labels, test)))

    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sklearn-only", action="store_true")
    parser.add_argument("--preset", default="default", choices=sorted(PRESETS), help="purenn's parameters")
    args = parser.parse_args()
    inputs, raw_labels = load_digits()
    labels = [int(label) for label in raw_labels]
    purenn = {f"purenn {args.preset}": _purenn(get_preset(args.preset).params)}
    models: Dict[str, Callable[..., float]] = {} if args.sklearn_only else purenn
    try:
        models["MLPClassifier(32)"] = _sklearn(32)
        models["MLPClassifier(100)"] = _sklearn(100)
    except ImportError:
        print("(scikit-learn is not installed: purenn only)")
    for split_name, split in _splits(labels).items():
        for model_name, score in models.items():
            scores = [score(inputs, labels, split(seed), seed) for seed in range(args.seeds)]
            print(
                f"{split_name:18} {model_name:20} mean {100 * statistics.mean(scores):.2f}%  "
                f"range {100 * min(scores):.2f} - {100 * max(scores):.2f}%",
                flush=True,
            )


if __name__ == "__main__":
    main()
