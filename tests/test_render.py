"""Tests of purenn.figures: PNG files read back byte by byte, SVG parsed, terminal text checked.

The PNG files are decoded by purenn.figures._png.read_png, whose own tests (tests/test_png.py) build their
files by hand from the PNG specification.
"""

from __future__ import annotations

import csv
import math
import os
import random
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from purenn import figures as render
from purenn.errors import PurennError
from purenn.figures import _png

DIGITS_CSV = Path(__file__).resolve().parent.parent / "purenn" / "_data" / "digits.csv"
SVG = "{http://www.w3.org/2000/svg}"
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
FRAME_GREY = (200, 200, 200)
SEVEN = ["###", "..#", "..#", ".#.", ".#."]  # the font's "7", 3 x 5 dots

Colour = Tuple[int, ...]


# -- PNG files, read back by purenn's reader (tests/test_png.py checks it against the specification)


class Picture(NamedTuple):
    width: int
    height: int
    colour_type: int
    rows: List[List[Colour]]  # grey pixels are 1-tuples

    def at(self, x: int, y: int) -> Colour:
        return self.rows[y][x]


def read_png(data: bytes) -> Picture:
    """Decode a PNG file into rows of pixel tuples."""
    image = _png.read_png(data)
    rows = [[image.pixel(x, y) for x in range(image.width)] for y in range(image.height)]
    return Picture(image.width, image.height, image.colour_type, rows)


def first_place(picture: Picture, colour: Colour) -> Tuple[int, int]:
    """(x, y) of the first pixel of the colour, row by row."""
    for y, row in enumerate(picture.rows):
        if colour in row:
            return row.index(colour), y
    raise AssertionError(f"no pixel of colour {colour}")


def count_colour(picture: Picture, colour: Colour) -> int:
    return sum(row.count(colour) for row in picture.rows)


# -- Data ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits() -> List[Tuple[List[float], int]]:
    """The vendored UCI digits: 64 pixel ints 0..16, then the label."""
    with open(DIGITS_CSV, newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 1797
    return [([float(value) for value in row[:64]], int(row[64])) for row in rows]


def random_layer(units: int = 16, inputs: int = 64, seed: int = 1) -> List[List[float]]:
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 0.3) for _ in range(inputs + 1)] for _ in range(units)]


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def of_class(root: ET.Element, tag: str, name: str) -> List[ET.Element]:
    return [element for element in root.iter(f"{SVG}{tag}") if element.get("class") == name]


def rgb(hex_colour: Optional[str]) -> Tuple[int, int, int]:
    assert hex_colour is not None and hex_colour.startswith("#") and len(hex_colour) == 7
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


# -- png_bytes ----------------------------------------------------------------------------------

grey_rows = st.integers(1, 6).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 255), min_size=width, max_size=width), min_size=1, max_size=6
    )
)
colour_rows = st.integers(1, 5).flatmap(
    lambda width: st.lists(
        st.lists(
            st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)),
            min_size=width,
            max_size=width,
        ),
        min_size=1,
        max_size=5,
    )
)


@given(grey_rows)
def test_a_grey_picture_reads_back_unchanged(rows: List[List[int]]) -> None:
    picture = read_png(render.png_bytes(rows))
    assert (picture.width, picture.height, picture.colour_type) == (len(rows[0]), len(rows), 0)
    assert [[pixel[0] for pixel in row] for row in picture.rows] == rows


@given(colour_rows)
def test_a_colour_picture_reads_back_unchanged(rows: List[List[Tuple[int, int, int]]]) -> None:
    picture = read_png(render.png_bytes(rows, color=True))
    assert (picture.width, picture.height, picture.colour_type) == (len(rows[0]), len(rows), 2)
    assert picture.rows == rows


def test_the_reader_notices_a_damaged_file() -> None:
    data = bytearray(render.png_bytes([[0, 255], [255, 0]]))
    data[20] ^= 1  # a bit of IHDR's height, so its CRC no longer matches
    with pytest.raises(PurennError, match="bad CRC"):
        read_png(bytes(data))


@pytest.mark.parametrize(
    ("rows", "color"),
    [
        ([], False),  # no rows
        ([[]], False),  # no columns
        ([[0, 1], [2]], False),  # ragged
        ([[256]], False),
        ([[-1]], False),
        ([[1.0]], False),  # a float is not a grey level
        ([[True]], False),  # nor is a bool
        ([[(1, 2, 3)]], False),  # a colour in a grey picture
        ([[7]], True),  # a grey level in a colour picture
        ([[(1, 2)]], True),  # two channels
        ([[(1, 2, 300)]], True),
    ],
)
def test_png_bytes_refuses_bad_pictures(rows: List[List[object]], color: bool) -> None:
    with pytest.raises(PurennError):
        render.png_bytes(rows, color=color)  # type: ignore[arg-type]


# -- Writing files ------------------------------------------------------------------------------


def test_write_png_writes_the_encoded_rows_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    rows = [[0, 64], [128, 255]]
    target = tmp_path / "picture.png"
    render.write_png(target, rows)
    assert target.read_bytes() == render.png_bytes(rows)
    render.write_png(target, render.png_bytes([[9]]))  # replaces the file, from bytes
    assert read_png(target.read_bytes()).rows == [[(9,)]]
    assert os.listdir(tmp_path) == ["picture.png"]


def test_written_files_get_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.write_bytes(b"")
    render.write_png(tmp_path / "picture.png", [[0]])
    mode = stat.S_IMODE(os.stat(tmp_path / "picture.png").st_mode)
    assert mode == stat.S_IMODE(os.stat(reference).st_mode)


def test_write_svg_writes_utf8_text_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    text = render.confusion_svg([[1, 0], [0, 1]], ["a→", "b"])
    target = tmp_path / "matrix.svg"
    render.write_svg(str(target), text)
    assert target.read_text(encoding="utf-8") == text
    assert os.listdir(tmp_path) == ["matrix.svg"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")

    def refuse(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        render.write_png(target, [[0]])
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["picture.png"]


def test_writers_refuse_what_is_not_their_format_and_write_nothing(tmp_path: Path) -> None:
    with pytest.raises(PurennError):
        render.write_png(tmp_path / "a.png", b"GIF89a")
    with pytest.raises(PurennError):
        render.write_png(tmp_path / "b.png", [[0, 1], [2]])
    with pytest.raises(PurennError):
        render.write_svg(tmp_path / "c.svg", "hello")
    assert os.listdir(tmp_path) == []


# -- Digits as PNG ------------------------------------------------------------------------------


def digit_origin(picture: Picture) -> Tuple[int, int]:
    """Top-left pixel of the first digit: one pixel inside its grey frame."""
    x, y = first_place(picture, FRAME_GREY)
    return x + 1, y + 1


def test_digit_grid_png_draws_ink_dark_and_background_white(digits: List) -> None:
    images = [image for image, _ in digits[1:21]]  # digits[1], a "1", has full ink (16)
    labels = [label for _, label in digits[1:21]]
    picture = read_png(render.digit_grid_png(images, labels))
    left, top = digit_origin(picture)
    scale = 4
    for index, value in enumerate(images[0]):
        row, column = divmod(index, 8)
        for dx, dy in [(0, 0), (scale - 1, scale - 1)]:
            grey = picture.at(left + column * scale + dx, top + row * scale + dy)
            assert grey[0] == grey[1] == grey[2]
            assert abs(grey[0] - (255 - 255 * value / 16)) <= 0.5
            assert (grey[0] == 0) == (value == 16) and (grey[0] == 255) == (value == 0)
    assert 16.0 in images[0] and 0.0 in images[0]  # both cases were met
    assert count_colour(picture, (214, 39, 40)) == 0  # no predictions: nothing red


def test_digit_grid_png_lays_out_columns_with_small_margins(digits: List) -> None:
    images = [image for image, _ in digits[:23]]
    labels = [label for _, label in digits[:23]]
    picture = read_png(render.digit_grid_png(images, labels, columns=10, scale=4))
    cell = 8 * 4 + 4  # the image and a two-pixel frame on each side
    assert picture.width == 2 + 10 * (cell + 2)
    assert picture.height == 2 + 3 * (cell + 2 + 5 * 2 + 2 + 2)  # + the 5-dot label, 2 px around


def test_digit_grid_png_writes_the_label_in_the_pixel_font() -> None:
    picture = read_png(render.digit_grid_png([[0.0] * 64], [7], scale=4))
    _, top = digit_origin(picture)
    below = [(x, y) for y in range(top + 32, picture.height) for x in range(picture.width)]
    ink = [(x, y) for x, y in below if picture.at(x, y) == BLACK]
    x0, y0 = min(x for x, _ in ink), min(y for _, y in ink)
    dots = [
        "".join("#" if picture.at(x0 + 2 * column, y0 + 2 * row) == BLACK else "." for column in range(3))
        for row in range(5)
    ]
    assert dots == SEVEN
    assert len(ink) == 4 * sum(line.count("#") for line in SEVEN)  # 2 x 2 pixels a dot


def test_digit_grid_png_marks_wrong_predictions_in_red(digits: List) -> None:
    images = [image for image, _ in digits[:4]]
    labels = [label for _, label in digits[:4]]
    right = read_png(render.digit_grid_png(images, labels, predictions=labels))
    assert count_colour(right, (214, 39, 40)) == 0
    wrong = list(labels)
    wrong[2] = (labels[2] + 1) % 10
    picture = read_png(render.digit_grid_png(images, labels, predictions=wrong))
    red = [(x, y) for y, row in enumerate(picture.rows) for x, p in enumerate(row) if p == (214, 39, 40)]
    assert red
    # All of it in the third cell: its frame and the prediction under it.
    cell_width = (picture.width - 2) // 4
    assert {(x - 2) // cell_width for x, _ in red} == {2}
    frame = 2 * (8 * 4 + 4) * 2 + 2 * (8 * 4 + 2) * 2  # two rings, 36 and 34 pixels a side
    assert len(red) > frame


@pytest.mark.parametrize(
    "call",
    [
        lambda: render.digit_grid_png([], []),
        lambda: render.digit_grid_png([[0.0] * 63], [1]),
        lambda: render.digit_grid_png([[0.0] * 64], [1, 2]),
        lambda: render.digit_grid_png([[0.0] * 64], [1], predictions=[]),
        lambda: render.digit_grid_png([[math.nan] + [0.0] * 63], [1]),
        lambda: render.digit_grid_png([[0.0] * 64], [1], columns=0),
        lambda: render.digit_grid_png([[0.0] * 64], [1], scale=0),
        lambda: render.digit_grid_png([[0.0] * 64], [1], max_value=0),
        lambda: render.digit_grid_svg([[0.0] * 16], [1]),
        lambda: render.digit_grid_svg([[0.0] * 16], [1], side=4, columns=-1),
        lambda: render.digit_text([0.0] * 65),
        lambda: render.digit_grid_text([[0.0] * 64], []),
    ],
)
def test_digit_pictures_refuse_bad_input(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PurennError):
        call()


# -- Digits as SVG ------------------------------------------------------------------------------


def test_digit_grid_svg_has_a_cell_per_pixel_and_a_caption_per_digit(digits: List) -> None:
    images = [image for image, _ in digits[:12]]
    labels = [label for _, label in digits[:12]]
    predictions: List[object] = list(labels)
    predictions[3], predictions[7] = (labels[3] + 1) % 10, None
    root = parse_svg(render.digit_grid_svg(images, labels, predictions=predictions))
    groups = of_class(root, "g", "digit")
    assert len(groups) == 12
    for group, image, label, prediction in zip(groups, images, labels, predictions):
        cells = [rect for rect in group.iter(f"{SVG}rect") if rect.get("class") == "pixel"]
        assert len(cells) == 64
        for cell, value in zip(cells, image):
            red, green, blue = rgb(cell.get("fill"))
            assert red == green == blue and abs(red - (255 - 255 * value / 16)) <= 0.5
        (caption,) = of_class(group, "text", "label")
        shown = "?" if prediction is None else prediction
        assert caption.text == f"{label}→{shown}"
        wrong = prediction != label
        assert (caption.get("fill") == "#d62728") == wrong
        (frame,) = of_class(group, "rect", "frame")
        assert (frame.get("stroke") == "#d62728") == wrong


def test_digit_grid_svg_escapes_labels() -> None:
    root = parse_svg(render.digit_grid_svg([[0.0] * 4], ['<a & "b">'], side=2))
    (caption,) = of_class(root, "text", "label")
    assert caption.text == '<a & "b">'


# -- Weights ------------------------------------------------------------------------------------


def unit_origin(picture: Picture, unit: int, columns: int, scale: int, side: int = 8) -> Tuple[int, int]:
    """Top-left pixel of a unit's image: margin 2, grid step framed + 2, frame 1."""
    framed = side * scale + 2
    row, column = divmod(unit, columns)
    return 2 + column * (framed + 2) + 1, 2 + row * (framed + 2) + 1


def weight_colour(picture: Picture, unit: int, index: int, scale: int = 6) -> Colour:
    left, top = unit_origin(picture, unit, columns=8, scale=scale)
    row, column = divmod(index, 8)
    return picture.at(left + column * scale + scale // 2, top + row * scale + scale // 2)


def test_weights_png_is_white_at_zero_red_above_and_blue_below() -> None:
    layer = random_layer()
    layer[0][:4] = [0.0, 0.05, -0.05, 2.0]  # 2.0 is the largest |w|: full red
    picture = read_png(render.weights_png(layer))
    assert (picture.width, picture.height) == (2 + 8 * 52, 2 + 2 * 52)
    assert first_place(picture, FRAME_GREY) == (2, 2)
    assert weight_colour(picture, 0, 0) == WHITE
    red, green, blue = weight_colour(picture, 0, 1)
    assert red > blue and red > green
    red, green, blue = weight_colour(picture, 0, 2)
    assert blue > red
    assert weight_colour(picture, 0, 3) == (178, 24, 43)
    for unit in range(16):
        for index in range(64):
            weight = layer[unit][index]
            red, green, blue = weight_colour(picture, unit, index)
            assert (red > blue) == (weight > 0) and (blue > red) == (weight < 0)


def test_weights_png_shares_one_scale_and_ignores_the_bias() -> None:
    layer = [[0.25] * 64 + [5.0], [0.25] * 63 + [1.0, -9.0]]
    picture = read_png(render.weights_png(layer))
    assert weight_colour(picture, 0, 0) == weight_colour(picture, 1, 0)  # same weight, same colour
    assert weight_colour(picture, 1, 63) == (178, 24, 43)  # the layer's largest |w|
    assert weight_colour(picture, 0, 0) != (178, 24, 43)
    changed = [unit[:-1] + [0.0] for unit in layer]
    assert render.weights_png(changed) == render.weights_png(layer)


def test_weights_png_of_all_zeros_is_white_not_an_error() -> None:
    picture = read_png(render.weights_png([[0.0] * 5], side=2, scale=3))
    left, top = unit_origin(picture, 0, columns=8, scale=3, side=2)
    assert all(picture.at(left + x, top + y) == WHITE for x in range(6) for y in range(6))


@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=4, max_size=4), st.floats(-1, 1))
@example([0.0, 0.0, 4.0, 0.0078125], 0.0)  # 1/512 of the scale: once drawn pure white
@example([0.0, 0.0, 5.0, -0.03125], 0.0)  # once drawn a grey with red == blue
def test_weights_svg_colour_follows_the_sign_of_each_weight(weights: List[float], bias: float) -> None:
    root = parse_svg(render.weights_svg([weights + [bias]], side=2))
    fills = [rgb(cell.get("fill")) for cell in of_class(root, "rect", "pixel")]
    assert len(fills) == 4
    for weight, (red, green, blue) in zip(weights, fills):
        assert (red > blue) == (weight > 0)
        assert (blue > red) == (weight < 0)
        assert ((red, green, blue) == WHITE) == (weight == 0)


def test_weights_svg_draws_each_unit_with_its_bias() -> None:
    layer = random_layer()
    root = parse_svg(render.weights_svg(layer))
    units = of_class(root, "g", "unit")
    assert len(units) == 16
    assert len(of_class(root, "rect", "pixel")) == 16 * 64
    for unit, weights in zip(units, layer):
        (bias,) = of_class(unit, "text", "bias")
        assert bias.text == f"b={weights[-1]:+.2f}"
    assert len(of_class(root, "rect", "legend")) == 21


@pytest.mark.parametrize(
    "layer",
    [[], [[0.0] * 64], [[0.0] * 65, [0.0] * 66], [[math.inf] + [0.0] * 64], [["0"] * 65]],
)
def test_weight_pictures_refuse_bad_layers(layer: List[List[float]]) -> None:
    with pytest.raises(PurennError):
        render.weights_png(layer)
    with pytest.raises(PurennError):
        render.weights_svg(layer)


# -- Confusion matrices -------------------------------------------------------------------------


def fake_confusion(seed: int = 3) -> List[List[int]]:
    """Ten true classes, eleven columns (the last "none"), mostly on the diagonal."""
    rng = random.Random(seed)
    matrix = [[rng.randrange(3) for _ in range(11)] for _ in range(10)]
    for row in range(10):
        matrix[row][row] = 30 + rng.randrange(20)
    matrix[4] = [0] * 11  # a class with no samples
    return matrix


def test_confusion_svg_has_a_shaded_cell_and_a_count_per_entry() -> None:
    matrix = fake_confusion()
    labels: List[object] = [*range(10), "none"]
    root = parse_svg(render.confusion_svg(matrix, labels))  # type: ignore[arg-type]
    cells = of_class(root, "rect", "cell")
    counts = of_class(root, "text", "count")
    assert len(cells) == len(counts) == 110
    assert [int(text.text or "") for text in counts] == [count for row in matrix for count in row]
    shades = [rgb(cell.get("fill")) for cell in cells]
    for row, counts_row in enumerate(matrix):
        total = sum(counts_row)
        for column, count in enumerate(counts_row):
            shade = shades[row * 11 + column]
            assert (shade == WHITE) == (count == 0)
            if total and count:
                assert shade[0] < 255  # darker the larger the share
    diagonal = [shades[row * 11 + row] for row in range(10) if row != 4]
    off_diagonal = [shades[row * 11 + (row + 1) % 11] for row in range(10)]
    assert max(red for red, _, _ in diagonal) < min(red for red, _, _ in off_diagonal)


def test_confusion_svg_names_the_axes_and_the_classes() -> None:
    root = parse_svg(render.confusion_svg(fake_confusion(), list(range(10))))  # "none" added
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "true" in texts and "predicted" in texts
    names = [element.text for element in of_class(root, "text", "class-name")]
    assert names.count("none") == 1  # a column name, not a row name
    assert all(names.count(str(label)) == 2 for label in range(10))  # a row and a column each


@pytest.mark.parametrize(
    ("matrix", "labels"),
    [
        ([], ["a"]),
        ([[1, 0], [0, 1]], ["a"]),  # too few labels
        ([[1, 0]], ["a", "b", "c"]),  # too many labels
        ([[1, 0], [0]], ["a", "b"]),  # ragged
        ([[1, -1], [0, 1]], ["a", "b"]),
        ([[1, 0.5], [0, 1]], ["a", "b"]),
    ],
)
def test_confusion_pictures_refuse_bad_matrices(matrix: List[List[int]], labels: List[str]) -> None:
    with pytest.raises(PurennError):
        render.confusion_svg(matrix, labels)


# -- Learning curves ----------------------------------------------------------------------------


def fake_history(epochs: int = 12) -> List[Dict[str, object]]:
    history: List[Dict[str, object]] = []
    for epoch in range(1, epochs + 1):
        history.append(
            {
                "epoch": epoch,
                "loss": 2.3 / epoch,
                "train_accuracy": 1 - 0.8 / epoch,
                "validation_accuracy": None if epoch % 4 == 0 else 1 - 0.9 / epoch,
            }
        )
    return history


def points(polyline: ET.Element) -> List[Tuple[float, float]]:
    pairs = (pair.split(",") for pair in (polyline.get("points") or "").split())
    return [(float(x), float(y)) for x, y in pairs]


def test_learning_curves_draw_a_point_per_recorded_epoch() -> None:
    history = fake_history()
    root = parse_svg(render.learning_curves_svg(history))
    curves = {curve.get("data-name"): points(curve) for curve in of_class(root, "polyline", "curve")}
    assert sorted(curves) == ["loss", "train", "validation"]
    assert len(curves["loss"]) == len(curves["train"]) == 12
    assert len(curves["validation"]) == 9  # every fourth epoch has none
    for line in curves.values():
        xs = [x for x, _ in line]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
    loss_ys = [y for _, y in curves["loss"]]
    assert loss_ys == sorted(loss_ys)  # loss falls: drawn lower (larger y) each epoch
    train_ys = [y for _, y in curves["train"]]
    assert train_ys == sorted(train_ys, reverse=True)  # accuracy rises: smaller y


def test_learning_curves_label_axes_ticks_and_legend() -> None:
    history = fake_history()
    root = parse_svg(render.learning_curves_svg(history))
    titles = [element.text for element in of_class(root, "text", "axis-title")]
    assert titles.count("epoch") == 2 and "loss" in titles and "accuracy" in titles
    assert [element.text for element in of_class(root, "text", "legend")] == ["train", "validation"]
    ticks = [float(element.text or "") for element in of_class(root, "text", "tick")]
    assert len(ticks) >= 10
    losses = [float(entry["loss"]) for entry in history]  # type: ignore[arg-type]
    assert min(ticks) <= min(losses) and max(ticks) >= max(losses)
    assert min(ticks) <= 1 and max(ticks) >= 12  # the epochs


def test_learning_curves_without_accuracy_draw_the_loss_alone() -> None:
    history = [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.25, "train_accuracy": None}]
    root = parse_svg(render.learning_curves_svg(history))
    assert len(of_class(root, "polyline", "curve")) == 1
    assert of_class(root, "text", "legend") == []
    assert "not recorded" in [element.text for element in root.iter(f"{SVG}text")]


def test_learning_curves_of_one_epoch_still_have_axes() -> None:
    history = [{"epoch": 1, "loss": 0.5, "train_accuracy": 1.0, "validation_accuracy": 1.0}]
    root = parse_svg(render.learning_curves_svg(history))
    ticks = [float(element.text or "") for element in of_class(root, "text", "tick")]
    assert 1.0 in ticks and all(tick >= 0 for tick in ticks)
    assert len(of_class(root, "circle", "marker")) == 3  # a lone point is drawn as a dot


@pytest.mark.parametrize(
    "history",
    [
        [],
        [{"epoch": 1}],
        [{"loss": 1.0}],
        [{"epoch": 1, "loss": math.nan}],
        [{"epoch": 1, "loss": "1"}],
        [{"epoch": 1, "loss": 1.0, "train_accuracy": 1.5}],
        [{"epoch": 1, "loss": 1.0, "validation_accuracy": -0.1}],
        [[1, 1.0]],
    ],
)
def test_learning_curves_refuse_bad_history(history: Sequence[object]) -> None:
    with pytest.raises(PurennError):
        render.learning_curves_svg(history)  # type: ignore[arg-type]


# -- Terminal text ------------------------------------------------------------------------------


def test_digit_text_draws_each_pixel_two_characters_wide() -> None:
    pixels = [16.0, 0.0, 4.0, 8.0, 12.0, 16.0, 0.0, 0.0, 0.0]
    assert render.digit_text(pixels, side=3) == "██  ░░\n▒▒▓▓██\n"


def test_digit_text_of_a_real_digit(digits: List) -> None:
    image, _ = digits[0]
    lines = render.digit_text(image).split("\n")
    assert len(lines) == 8
    for row, line in enumerate(lines):
        assert len(line) <= 16 and set(line) <= set(" ░▒▓█")
        pixels = image[row * 8 : (row + 1) * 8]
        assert line[::2] == line[1::2]  # every pixel two equal characters
        assert (line == "") == (max(pixels) < 2)  # blank rows (under 1/8 ink) are empty lines
    assert sum(line.count("█") for line in lines) == 2 * sum(value >= 14 for value in image)


def test_digit_grid_text_puts_digits_side_by_side_with_labels() -> None:
    full, empty = [16.0] * 4, [0.0] * 4
    text = render.digit_grid_text([full, empty, full], [1, 2, 3], predictions=[1, 5, 3], side=2, columns=2)
    first, second = text.split("\n\n")
    # Each column is as wide as the widest caption, "2→5 ✗"; captions are centred in it.
    assert first.split("\n") == ["████", "████", " 1→1   2→5 ✗"]
    assert second.split("\n") == ["████", "████", " 3→3"]


def test_confusion_text_aligns_columns() -> None:
    matrix = [[120, 3, 0], [7, 98, 11]]
    text = render.confusion_text(matrix, ["cat", "dog"], ["cat", "dog", "none"])
    lines = text.split("\n")
    assert len(lines) == 3 and len({len(line) for line in lines}) == 1
    assert lines[0].split() == ["true\\predicted", "cat", "dog", "none"]
    assert [line.split()[1:] for line in lines[1:]] == [["120", "3", "0"], ["7", "98", "11"]]
    ends = {line.rfind(token) + len(token) for line, token in zip(lines, ["dog", "3", "98"])}
    assert len(ends) == 1  # the "dog" column is right-aligned


def test_confusion_text_refuses_a_matrix_that_does_not_fit_its_labels() -> None:
    with pytest.raises(PurennError):
        render.confusion_text([[1, 2]], ["a", "b"], ["a", "b"])
    with pytest.raises(PurennError):
        render.confusion_text([[1, 2, 3]], ["a"], ["a", "b"])
