"""The ng-ex4 preset against its tutorial's own code (seeds/003_4f994167da4e8f2e.txt), and the command
line on MAT-files: train, evaluate, predict and show --data FILE.mat."""

from __future__ import annotations

import json
import math
import pathlib
import random
from typing import Any, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import _run  # main(argv) -> (status, stdout, stderr), SystemExit included

from purenn.errors import PurennError
from purenn.estimator import Classifier
from purenn.figures import digit_grid_text
from purenn.matlab import COLUMN_MAJOR, image_in_rows, load_mat, mat_bytes
from purenn.model import load_model
from purenn.presets import PRESETS, get_preset
from purenn.splits import relabel


def test_ng_ex4_is_the_last_preset_and_the_tutorials_set_up() -> None:
    assert list(PRESETS)[-1] == "ng-ex4"
    preset = get_preset("ng-ex4")
    settings = Classifier(**preset.params).settings()
    assert settings.hidden == (25,) and settings.activations() == ["sigmoid", "sigmoid"]
    assert settings.loss == "binary_cross_entropy"  # -sum_k [y log a + (1 - y) log(1 - a)]
    assert (settings.l2, settings.l2_over_samples) == (1.0, True)  # Lambda/(2m) sum Theta[:, 1:]**2
    assert (settings.init, settings.draw_biases, settings.train_biases) == ("glorot", True, True)
    assert (settings.rate, settings.batch_size, settings.epochs) == (0.8, 0, 800)  # alpha, full batch
    assert (settings.schedule, settings.momentum, settings.dropout) == ("constant", 0.0, 0.0)
    assert settings.decision == "argmax" and settings.measure_train_accuracy is False
    assert preset.params["scaling"] == "none"  # the tutorial feeds X as it is
    assert (preset.split, preset.test_fraction) == ("none", 0.0)  # trained (and measured) on every row


def test_initial_weights_lie_in_the_tutorials_epsilon() -> None:
    """epi = sqrt(6)/sqrt(L_in + L_out), L_in without the bias: 0.1188 for 400-25, 0.4140 for 25-10.
    (The prose says 0.12; its code computes this.) Biases are drawn too: rand(L_out, L_in + 1)."""
    network = Classifier(**get_preset("ng-ex4").params).settings().new_network(400, 10, random.Random(0))
    for layer, (fan_in, fan_out) in zip(network, [(400, 25), (25, 10)]):
        epsilon = math.sqrt(6) / math.sqrt(fan_in + fan_out)
        weights = [w for neuron in layer for w in neuron]
        assert max(abs(w) for w in weights) <= epsilon
        assert max(abs(w) for w in weights) > 0.98 * epsilon  # drawn from the whole range
        assert all(neuron[-1] != 0.0 for neuron in layer)  # the bias column is drawn as well


# -- The tutorial's code, run with NumPy ----------------------------------------------------------


def _tutorial_gradient_descent(
    np: Any, theta1: Any, theta2: Any, X: Any, y: Any, alpha: float, iters: int, lam: float
) -> Tuple[Any, Any, List[float]]:
    """costFunction and gradientDescent as the tutorial writes them (Theta's bias is column 0).

    sigmoidGradient is not printed in the tutorial; it is Ng's ex4 function g(z)(1 - g(z)), the
    "a(1-a)" of its text, applied to z = xi @ Theta1.T.
    """

    def sigmoid(z: Any) -> Any:
        return 1 / (1 + np.exp(-z))

    def sigmoid_gradient(z: Any) -> Any:
        return sigmoid(z) * (1 - sigmoid(z))

    def cost_function(theta1: Any, theta2: Any, X: Any, y: Any, num_labels: int, Lambda: float) -> Any:
        m = X.shape[0]
        X = np.column_stack((np.ones((m, 1)), X))
        a2 = sigmoid(X @ theta1.T)
        a2 = np.hstack((np.ones((m, 1)), a2))
        a3 = sigmoid(a2 @ theta2.T)
        y_matrix = np.zeros((m, num_labels))
        for i in range(1, num_labels + 1):
            y_matrix[:, i - 1][:, np.newaxis] = np.where(y == i, 1, 0)
        J = np.sum(np.sum(-y_matrix * np.log(a3) - (1 - y_matrix) * np.log(1 - a3)))
        reg = Lambda / (2 * m) * (np.sum(theta1[:, 1:] ** 2) + np.sum(theta2[:, 1:] ** 2))
        J = (1 / m) * J
        reg_J = J + reg
        grad1 = np.zeros(theta1.shape)
        grad2 = np.zeros(theta2.shape)
        for i in range(m):
            xi = X[i, :]
            a2i = a2[i, :]
            a3i = a3[i, :]
            d3 = a3i - y_matrix[i, :]
            d2 = (theta2.T @ d3.T) * sigmoid_gradient(np.hstack((1, xi @ theta1.T)))
            grad1 = grad1 + d2[1:][:, np.newaxis] @ xi[:, np.newaxis].T
            grad2 = grad2 + d3.T[:, np.newaxis] @ a2i[:, np.newaxis].T
        grad1 = 1 / m * grad1
        grad2 = 1 / m * grad2
        grad1_reg = grad1 + Lambda / m * np.hstack((np.zeros((theta1.shape[0], 1)), theta1[:, 1:]))
        grad2_reg = grad2 + Lambda / m * np.hstack((np.zeros((theta2.shape[0], 1)), theta2[:, 1:]))
        return reg_J, grad1_reg, grad2_reg

    history = []
    for _ in range(iters):
        cost, grad1, grad2 = cost_function(theta1, theta2, X, y, theta2.shape[0], lam)
        theta1 = theta1 - alpha * grad1
        theta2 = theta2 - alpha * grad2
        history.append(float(cost))
    return theta1, theta2, history


def _as_theta(np: Any, layer: List[List[float]]) -> Any:
    """A purenn layer (bias last) as the tutorial's Theta (bias in column 0)."""
    return np.array([[neuron[-1], *neuron[:-1]] for neuron in layer])


def test_the_preset_follows_the_tutorials_code_step_by_step() -> None:
    """Same start, same data: purenn's ng-ex4 steps and the tutorial's gradientDescent agree."""
    np = pytest.importorskip("numpy")
    rng = random.Random(5)
    n_features, m, iterations = 16, 40, 5
    X = [[rng.uniform(-0.1, 1.0) for _ in range(n_features)] for _ in range(m)]
    y = [1 + k % 10 for k in range(m)]  # labels 1..10, as ex4data1.mat's
    params = {**get_preset("ng-ex4").params, "epochs": iterations, "seed": 3}
    start = Classifier(**params).settings().new_network(n_features, 10, random.Random(3))
    classifier = Classifier(**params).fit(X, y)  # draws the same start from seed 3
    theta1, theta2, costs = _tutorial_gradient_descent(
        np,
        _as_theta(np, start[0]),
        _as_theta(np, start[1]),
        np.array(X),
        np.array(y)[:, None],
        0.8,
        iterations,
        1.0,
    )
    assert classifier.classes_ == list(range(1, 11))  # output k is label k + 1, as argmax + 1
    assert [record.loss for record in classifier.history_] == pytest.approx(costs, rel=1e-12)
    assert np.allclose(_as_theta(np, classifier.network_[0]), theta1, rtol=0, atol=1e-12)
    assert np.allclose(_as_theta(np, classifier.network_[1]), theta2, rtol=0, atol=1e-12)


# -- The command line on MAT-files --------------------------------------------------------------

SIDE = 4


def _bar_image(digit: int) -> List[List[float]]:
    """A 4x4 picture whose ink says the class and its orientation: row `digit % 4` is inked."""
    return [
        [1.0 if r == digit % SIDE or (c == 0 and digit >= SIDE) else 0.0 for c in range(SIDE)]
        for r in range(SIDE)
    ]


def _mat_data(folder: pathlib.Path, n: int = 80) -> pathlib.Path:
    """n 4x4 images unrolled column-major (MATLAB's X(:)), labels 1..8 with 8 for the class 0."""
    rows, labels = [], []
    for k in range(n):
        digit = k % 8
        image = _bar_image(digit)
        rows.append([image[r][c] + 0.01 * (k % 3) for c in range(SIDE) for r in range(SIDE)])
        labels.append([float(8 if digit == 0 else digit)])
    path = folder / "bars.mat"
    path.write_bytes(mat_bytes({"X": rows, "y": labels}))
    return path


def test_train_ng_ex4_on_every_row_reports_training_accuracy(tmp_path: pathlib.Path, capsys: Any) -> None:
    data, out = _mat_data(tmp_path), tmp_path / "m.json"
    status, stdout, stderr = _run(
        capsys, "train", "--preset", "ng-ex4", "--epochs", "3", "--data", str(data), "--out", str(out)
    )
    assert status == 0 and stderr == ""
    assert (
        f"on all 80 rows of {data}" in stdout
        and "train accuracy: " in stdout
        and "test accuracy" not in stdout
    )
    assert "no test set" in stdout
    model = load_model(out)
    assert model.training["split"]["kind"] == "none" and model.labels == list(range(1, 9))
    reported = float(stdout.split("train accuracy: ")[1].split("%")[0])
    assert abs(reported - 100 * model.training["train_accuracy"]) < 0.006
    status, stdout, _ = _run(capsys, "evaluate", str(out))
    assert status == 0 and "all 80 rows of" in stdout and "its training data (split none)" in stdout
    assert abs(float(stdout.split("accuracy: ")[1].split("%")[0]) - reported) < 0.006


def test_train_ng_ex4_with_a_split_reports_both(tmp_path: pathlib.Path, capsys: Any) -> None:
    data = _mat_data(tmp_path)
    for extra in (["--split", "stratified"], ["--test-fraction", "0.25"]):
        status, stdout, _ = _run(
            capsys,
            "train",
            "--preset",
            "ng-ex4",
            "--epochs",
            "2",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "m.json"),
            *extra,
        )
        assert status == 0 and "train accuracy: " in stdout and "test accuracy: " in stdout
        assert (
            "on the stratified split" in stdout and "on 64 samples" in stdout
        )  # 10 per class, 2 of each (2.5 rounded) kept


def test_relabel_is_explicit_recorded_and_reused(tmp_path: pathlib.Path, capsys: Any) -> None:
    data, out = _mat_data(tmp_path), tmp_path / "m.json"
    status, stdout, _ = _run(
        capsys,
        "train",
        "--hidden",
        "6",
        "--epochs",
        "30",
        "--rate",
        "0.5",
        "--data",
        str(data),
        "--out",
        str(out),
        "--relabel",
        "8=0",
    )
    assert status == 0 and "--relabel" not in stdout  # the hint is for labels 1..10 only
    model = load_model(out)
    assert model.labels == list(range(8)) and model.training["data_options"] == {
        "relabel": [[8, 0]],
        "image_order": "column-major",
    }
    status, stdout, _ = _run(capsys, "evaluate", str(out), str(data))  # the recorded renaming applies
    assert status == 0 and "all 80 rows" in stdout
    status, stdout, _ = _run(capsys, "predict", str(out), "--data", str(data), "--index", "0")
    assert status == 0 and "(label: 0)" in stdout


def test_labels_one_to_ten_get_a_hint(tmp_path: pathlib.Path, capsys: Any) -> None:
    rows = [[float(k % 7), float(k % 5)] for k in range(40)]
    path = tmp_path / "ten.mat"
    path.write_bytes(mat_bytes({"X": rows, "y": [[float(1 + k % 10)] for k in range(40)]}))
    status, stdout, _ = _run(
        capsys,
        "train",
        "--hidden",
        "3",
        "--epochs",
        "1",
        "--data",
        str(path),
        "--out",
        str(tmp_path / "m.json"),
    )
    assert status == 0
    assert (
        "note: the labels are 1..10; if 10 stands for the digit 0 (as in ex4data1.mat), --relabel 10=0"
        in stdout
    )


def test_show_draws_column_major_images_upright(tmp_path: pathlib.Path, capsys: Any) -> None:
    data = _mat_data(tmp_path)
    status, stdout, _ = _run(capsys, "show", "--data", str(data), "--start", "1", "--count", "1")
    assert status == 0
    upright = digit_grid_text([[v for row in _bar_image(1) for v in row]], [1], side=SIDE, max_value=1.0)
    assert stdout.rstrip("\n") == upright.rstrip("\n")
    status, stdout, _ = _run(
        capsys, "show", "--data", str(data), "--start", "1", "--count", "1", "--image-order", "row-major"
    )
    assert status == 0 and stdout.rstrip("\n") != upright.rstrip("\n")  # as stored: transposed


def test_plots_of_a_mat_file_are_upright(tmp_path: pathlib.Path, capsys: Any) -> None:
    data, plots = _mat_data(tmp_path), tmp_path / "plots"
    status, _, _ = _run(
        capsys,
        "train",
        "--preset",
        "ng-ex4",
        "--epochs",
        "1",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "m.json"),
        "--plots",
        str(plots),
    )
    assert status == 0 and sorted(p.name for p in plots.iterdir()) == [
        "confusion.svg",
        "digits.png",
        "learning_curves.svg",
        "weights.svg",
    ]


def test_image_in_rows_inverts_matlab_unrolling() -> None:
    image = _bar_image(5)
    unrolled = [image[r][c] for c in range(SIDE) for r in range(SIDE)]
    assert image_in_rows(unrolled, SIDE, COLUMN_MAJOR) == [v for row in image for v in row]


BAD = [
    (["train", "--data", "{v73}"], "a MATLAB v7.3 MAT-file, which is HDF5 inside"),
    (
        ["train", "--data", "{mat}", "--inputs-variable", "Z"],
        'no variable "Z" (it holds X (80x16 double), y (80x1 double))',
    ),
    (
        ["train", "--data", "{mat}", "--labels-variable", "X"],
        "the inputs and the labels cannot both be variable",
    ),
    (["train", "--data", "digits", "--inputs-variable", "X"], "only for MAT-files"),
    (["train", "--data", "{mat}", "--relabel", "8"], "argument --relabel: expected OLD=NEW pairs like 10=0"),
    (["train", "--data", "{mat}", "--relabel", "8=1"], "relabel 8 as 1: the data already has a label 1"),
    (
        ["train", "--data", "{mat}", "--split", "none", "--test-fraction", "0.2"],
        "--test-fraction needs a test set",
    ),
    (["train", "--data", "{mat}", "--image-order", "diagonal"], "argument --image-order: invalid choice"),
    (["show", "--data", "{mat}", "--labels", "x.idx"], "--labels is only for IDX images"),
    (["evaluate", "{model}", "{v73}"], "a MATLAB v7.3 MAT-file"),
]


@pytest.mark.parametrize("argv, expected", BAD)
def test_bad_mat_input_one_line_exit_2(
    argv: List[str], expected: str, tmp_path: pathlib.Path, capsys: Any
) -> None:
    v73 = tmp_path / "v73.mat"
    v73.write_bytes(
        b"MATLAB 7.3 MAT-file".ljust(124, b" ") + b"\x00\x02IM" + b"\0" * 384 + b"\x89HDF\r\n\x1a\n"
    )
    values = {"mat": str(_mat_data(tmp_path)), "v73": str(v73), "model": str(tmp_path / "m.json")}
    if "{model}" in argv:
        assert (
            _run(
                capsys,
                "train",
                "--hidden",
                "2",
                "--epochs",
                "1",
                "--data",
                values["mat"],
                "--out",
                values["model"],
            )[0]
            == 0
        )
    status, _, stderr = _run(capsys, *[a.format(**values) for a in argv])
    assert status == 2 and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert expected in stderr, stderr


def test_relabel_refuses_renaming_twice() -> None:
    with pytest.raises(PurennError, match="renamed twice"):
        relabel([1, 2], [(1, 5), (1, 6)])
    assert relabel([1, 2], [(1, 2), (2, 1)]) == [2, 1]  # a swap merges nothing


def test_model_file_records_what_evaluate_needs(tmp_path: pathlib.Path, capsys: Any) -> None:
    data, out = _mat_data(tmp_path), tmp_path / "m.json"
    argv = [
        "train",
        "--hidden",
        "2",
        "--epochs",
        "1",
        "--data",
        str(data),
        "--out",
        str(out),
        "--image-order",
        "row-major",
        "--relabel",
        "8=0",
    ]
    assert _run(capsys, *argv)[0] == 0
    options = json.loads(out.read_text())["training"]["data_options"]
    assert options == {"relabel": [[8, 0]], "image_order": "row-major"}  # as stated, not the .mat default
    pixels = " ".join(["1"] * 4 + ["0"] * 12)  # the top row inked, row by row, as the model says
    status, stdout, _ = _run(capsys, "predict", str(out), "--pixels", pixels)
    lines = stdout.splitlines()
    assert status == 0 and lines[0].strip() and not lines[1].strip()
    out.write_text(out.read_text().replace('"row-major"', '"column-major"'))
    status, stdout, _ = _run(capsys, "predict", str(out), "--pixels", pixels)
    lines = stdout.splitlines()
    assert status == 0 and all(line.startswith(lines[0][:2]) and line[:2].strip() for line in lines[:4])


def test_the_progress_line_shows_from_the_first_iteration(tmp_path: pathlib.Path) -> None:
    """`purenn train --preset ng-ex4` with stderr on a terminal: the bar is drawn after iteration 1."""
    pty = pytest.importorskip("pty")
    import os
    import subprocess
    import sys

    data = _mat_data(tmp_path)
    controller, terminal = pty.openpty()
    root = pathlib.Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "purenn", "train", "--preset", "ng-ex4", "--epochs", "3", "--data", str(data),
         "--out", str(tmp_path / "m.json")],
        stdout=subprocess.PIPE, stderr=terminal, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300,
    )  # fmt: skip
    os.close(terminal)
    drawn = os.read(controller, 65536).decode()
    os.close(controller)
    assert done.returncode == 0, drawn
    assert drawn.index("epoch 1/3 [") < drawn.index("epoch 2/3 [") < drawn.index("epoch 3/3 [")


@pytest.mark.slow
def test_the_benchmark_runs_on_a_small_file(tmp_path: pathlib.Path) -> None:
    """bench/ng_ex4.py as the README gives it, on 50 images and 2 iterations (its timings are not tested)."""
    import subprocess
    import sys

    bench = pathlib.Path(__file__).resolve().parent.parent / "bench" / "ng_ex4.py"
    run = [sys.executable, str(bench), "--per-class", "5"]
    done = subprocess.run([*run, "--iterations", "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "ng-ex4, 2 iterations on 50 x 400" in done.stdout and "iteration 2/2: " in done.stdout
    assert "training accuracy" in done.stdout
    written = tmp_path / "like.mat"
    assert subprocess.run([*run, "--write", str(written)], capture_output=True, timeout=300).returncode == 0
    inputs, labels = load_mat(written)
    assert (len(inputs), len(inputs[0]), labels[:5], labels[-1]) == (50, 400, [10] * 5, 9)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.integers(0, 3000),
    packed=st.booleans(),
)
def test_damaged_mat_files_on_the_command_line(
    tmp_path: pathlib.Path, capsys: Any, edits: List[Tuple[int, int]], cut: int, packed: bool
) -> None:
    """`purenn show --data damaged.mat`: the digits, or one line and exit status 2; never a traceback."""
    content = bytearray(
        mat_bytes(
            {"X": [[float(k % 5)] * 16 for k in range(20)], "y": [[float(k % 3)] for k in range(20)]},
            compress=packed,
        )
    )
    for position, value in edits:
        if position < len(content):
            content[position] = value
    path = tmp_path / "damaged.mat"
    path.write_bytes(bytes(content[:cut]) if cut < len(content) else bytes(content))
    status, _, stderr = _run(capsys, "show", "--data", str(path), "--count", "2")
    assert status in (0, 2) and "Traceback" not in stderr
    assert stderr.count("\n") == (1 if status == 2 else 0), stderr
