"""Train a digit classifier with the scikit-learn-style API, save it, load it, and report on it.

    python examples/classify_digits.py [--hidden 32] [--epochs 15] [--out digits-model.json]

The vendored 8x8 digits, a stratified 75/25 split, `Classifier.fit`, then per-class precision and
recall and the confusion matrix of the test set; the model goes to a JSON file and comes back.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone

from purenn import Classifier  # noqa: E402
from purenn.data import load_digits  # noqa: E402
from purenn.metrics import confusion_matrix, format_report  # noqa: E402
from purenn.model import load_model, save_model  # noqa: E402
from purenn.splits import stratified_split, take  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=32, help="hidden units (default 32)")
    parser.add_argument("--epochs", type=int, default=15, help="epochs (default 15)")
    parser.add_argument("--out", help="model file (default: a temporary file, removed at the end)")
    options = parser.parse_args()

    pixels, labels = load_digits()
    train_rows, test_rows = stratified_split(labels, 0.25, random.Random(0))
    model = Classifier(hidden=(options.hidden,), epochs=options.epochs, dropout=0.0, seed=0)
    model.fit(take(pixels, train_rows), take(labels, train_rows))
    print(
        f"trained {model.n_features_in_}-{options.hidden}-{len(model.classes_)} for {options.epochs} epochs"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = options.out or os.path.join(folder, "digits-model.json")
        save_model(model.to_model(), path)
        loaded = Classifier.from_model(load_model(path))
        test_pixels, test_labels = take(pixels, test_rows), take(labels, test_rows)
        predicted = loaded.predict(test_pixels)
        assert predicted == model.predict(test_pixels)  # the file holds the very same network
        print(f"saved to and loaded from {path if options.out else 'a temporary JSON file'}")

    print(f"test accuracy: {loaded.score(test_pixels, test_labels):.2%} on {len(test_rows)} images\n")
    print(format_report(test_labels, predicted, loaded.classes_))
    print("confusion matrix (rows: true digit, columns: predicted):")
    for digit, row in zip(loaded.classes_, confusion_matrix(test_labels, predicted, loaded.classes_)):
        print(f"  {digit}: " + " ".join(f"{count:3d}" for count in row))


if __name__ == "__main__":
    main()
