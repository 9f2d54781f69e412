"""What `purenn predict` and `purenn evaluate` write for programs: CSV rows and JSON documents.

- prediction_rows: one record per input row: its number, true label, prediction, probabilities.
- predictions_csv: those records as CSV text, a header then one line per row.
- predictions_json, evaluation_json: the same, and an evaluation, as JSON-able dicts.
- write_text: write text to a file atomically (the command checks the path first).

A prediction of None (the strict decision rule left the row undecided) is an empty CSV field and a
JSON null. Probabilities are printed with repr (17 significant digits): read back, they are the
same floats.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, List, Optional, Sequence

from .files import write_atomically
from .metrics import accuracy, classification_report, confusion_matrix
from .vectors import Label

__all__ = ["evaluation_json", "prediction_rows", "predictions_csv", "predictions_json", "write_text"]

Record = Dict[str, Any]


def prediction_rows(
    outputs: Sequence[Sequence[float]],
    predictions: Sequence[Optional[Label]],
    labels: Optional[Sequence[Label]] = None,
) -> List[Record]:
    """Return a record per row: {"row", "label" (when labels are given), "prediction", "outputs"}.

    >>> prediction_rows([[0.25, 0.75]], [1], [0])
    [{'row': 0, 'label': 0, 'prediction': 1, 'outputs': [0.25, 0.75]}]
    """
    records = []
    for index, (row_outputs, prediction) in enumerate(zip(outputs, predictions)):
        record: Record = {"row": index}
        if labels is not None:
            record["label"] = labels[index]
        record["prediction"] = prediction
        record["outputs"] = list(row_outputs)
        records.append(record)
    return records


def predictions_csv(records: Sequence[Record], classes: Sequence[Label]) -> str:
    """Return the records as CSV: row, [label,] prediction, then one column per class's output.

    >>> print(predictions_csv([{"row": 0, "prediction": "b", "outputs": [0.25, 0.75]}], ["a", "b"]), end="")
    row,prediction,output_a,output_b
    0,b,0.25,0.75
    """
    has_labels = bool(records) and "label" in records[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["row", *(["label"] if has_labels else []), "prediction", *(f"output_{c}" for c in classes)]
    writer.writerow(header)
    for record in records:
        first = [record["row"], *([record["label"]] if has_labels else [])]
        prediction = "" if record["prediction"] is None else record["prediction"]
        writer.writerow([*first, prediction, *(repr(value) for value in record["outputs"])])
    return buffer.getvalue()


def predictions_json(model: str, data: str, records: Sequence[Record], classes: Sequence[Label]) -> Record:
    """Return the predictions as one JSON-able document: the model, the data, classes, rows."""
    return {"model": model, "data": data, "classes": list(classes), "rows": list(records)}


def evaluation_json(
    model: str,
    data: str,
    labels: Sequence[Label],
    predictions: Sequence[Optional[Label]],
    classes: Sequence[Label],
) -> Record:
    """Return what `purenn evaluate` prints as a JSON-able dict.

    Keys: model, data, samples, accuracy, undecided, classes, confusion_matrix (rows are true
    classes, columns predicted, in classes order, then a last "undecided" column when the strict
    rule left some rows undecided), and report: precision, recall, f1 and support per class.

    >>> result = evaluation_json("m.json", "d.csv", [0, 1, 1], [0, 1, 0], [0, 1])
    >>> result["accuracy"], result["confusion_matrix"], result["report"][1]["recall"]
    (0.6666666666666666, [[1, 0], [1, 1]], 0.5)
    """
    matrix = confusion_matrix(labels, predictions, list(classes))
    return {
        "model": model,
        "data": data,
        "samples": len(labels),
        "accuracy": accuracy(labels, predictions),
        "undecided": sum(prediction is None for prediction in predictions),
        "classes": list(classes),
        "confusion_matrix": matrix,
        "report": [scores._asdict() for scores in classification_report(labels, predictions, list(classes))],
    }


def write_text(path: str, text: str) -> None:
    """Write text (UTF-8) to path atomically (files.write_atomically); check path with check_output first."""
    write_atomically(path, text.encode("utf-8"))
