"""purenn.images: drawings and PNG pictures prepared as the data sets' images were, without a browser.

Properties: the UCI counts do not depend on where the digit is drawn or how large (whole-number
scales), the aspect ratio is kept, MNIST's centre of mass lands on the centre, a 400-input model's
pixels go column by column; the 1797 digits survive the trip 8x8 -> 32x32 bitmap -> 8x8.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purenn.cli import main
from purenn.data import load_digits
from purenn.errors import DataError, ModelError
from purenn.figures import _png
from purenn.images import (
    ImageInput,
    bitmap_from_png,
    ex4_image,
    fit_into_box,
    image_input,
    image_rows,
    ink_bounds,
    mnist_image,
    png_input,
    prepare,
    resample,
    uci_bitmap,
    uci_counts,
)
from purenn.splits import stratified_split, take

DIGITS = load_digits()


def enlarged(bitmap: List[List[int]], scale: int, top: int, left: int, size: int) -> List[List[int]]:
    """The bitmap drawn scale times as large at (top, left) on a size x size sheet."""
    sheet = [[0] * size for _ in range(size)]
    for y, row in enumerate(bitmap):
        for x, value in enumerate(row):
            for dy in range(scale):
                sheet[top + y * scale + dy][left + x * scale : left + (x + 1) * scale] = [value] * scale
    return sheet


@settings(max_examples=40)  # each example scales a drawing of up to 159 x 159 pixels
@given(st.integers(0, 1796), st.integers(1, 4), st.integers(0, 30), st.integers(0, 30))
def test_uci_counts_do_not_depend_on_where_or_how_large(index: int, scale: int, top: int, left: int) -> None:
    bitmap = uci_bitmap(DIGITS[0][index])
    assert uci_counts(enlarged(bitmap, scale, top, left, 32 * scale + 31)) == uci_counts(bitmap)


@settings(max_examples=50)
@given(st.lists(st.sampled_from([0.0, 16.0, 4.0, 11.0, 7.0]), min_size=64, max_size=64))
def test_uci_bitmap_has_exactly_the_block_counts(counts: List[float]) -> None:
    bitmap = uci_bitmap(counts)
    blocks = [
        sum(sum(bitmap[y][4 * c : 4 * c + 4]) for y in range(4 * r, 4 * r + 4))
        for r in range(8)
        for c in range(8)
    ]
    assert blocks == counts


def test_the_digits_survive_the_trip_through_a_32x32_bitmap() -> None:
    """uci_counts(uci_bitmap(x)) against x, every 4th digit: measured 221 of 450 back exactly, a mean
    difference of 0.80 per pixel (values 0..16): where a block's few pixels sat is lost, so the crop
    may differ (all 1797: 891 exactly, 0.80)."""
    inputs = DIGITS[0][::4]
    differences = [sum(abs(a - b) for a, b in zip(uci_counts(uci_bitmap(x)), x)) / 64 for x in inputs]
    assert sum(differences) / len(differences) < 1.0
    assert sum(d == 0 for d in differences) > 200


def test_the_aspect_ratio_is_kept_and_the_ink_centred() -> None:
    bar = [[0] * 9 + [1] * 2 + [0] * 9 for _ in range(40)]  # 2 wide, 40 tall: 2 of 32 columns wide
    fitted = fit_into_box(bar, 32)
    assert (len(fitted), len(fitted[0])) == (32, 2)
    counts = uci_counts(bar)  # columns 15 and 16, on either side of a block edge
    assert [counts[8 * r : 8 * r + 8] for r in range(8)] == [[0, 0, 0, 4, 4, 0, 0, 0]] * 8
    wide = [[1] * 64 for _ in range(32)]  # twice as wide as tall: 16 of 32 rows, rows 8..23
    assert uci_counts(wide) == [0.0] * 16 + [16.0] * 32 + [0.0] * 16


def test_crop_bounds_and_scaling_by_area() -> None:
    assert ink_bounds([[0.0, 0.4], [0.6, 0.0]]) == (1, 0, 2, 1)
    assert resample([[1, 0, 1]], 1, 1) == [[round(2 / 3, 12)]]
    assert resample([[0.0, 1.0]], 4, 2) == [[0.0, 0.0, 1.0, 1.0]] * 2
    assert fit_into_box([[0] * 4] * 4, 32) == []
    assert uci_counts([[0] * 4] * 4) == [0.0] * 64


def centre_of_mass(image: List[float], side: int) -> tuple:
    total = sum(image)
    return (
        sum(v * (i // side) for i, v in enumerate(image)) / total,
        sum(v * (i % side) for i, v in enumerate(image)) / total,
    )


@settings(max_examples=40)
@given(st.integers(0, 1796), st.integers(1, 3), st.integers(0, 20))
def test_mnist_and_ex4_fit_the_box_and_centre_the_mass(index: int, scale: int, offset: int) -> None:
    drawing = enlarged(uci_bitmap(DIGITS[0][index]), scale, offset, 20 - offset, 32 * scale + 20)
    for prepare_image, side, box, ink in [(mnist_image, 28, 20, 255.0), (ex4_image, 20, 14, 1.0)]:
        image = prepare_image(drawing)
        assert len(image) == side * side and min(image) >= 0.0 and max(image) == pytest.approx(ink)
        rows = [image[side * r : side * (r + 1)] for r in range(side)]
        top, left, bottom, right = ink_bounds(rows, threshold=1e-9) or (0, 0, 0, 0)
        assert max(bottom - top, right - left) == box
        row, column = centre_of_mass(image, side)
        assert abs(row - (side - 1) / 2) <= 0.5 and abs(column - (side - 1) / 2) <= 0.5


def test_image_inputs_from_the_input_count_or_the_model() -> None:
    assert image_input(64) == ImageInput("uci-8x8", 8, "row", 16.0)
    assert image_input(784) == ImageInput("mnist-28x28", 28, "row", 255.0)
    assert image_input(400) == ImageInput("ex4-20x20", 20, "column", 1.0)
    assert image_input(400, {"image": {"shape": [20, 20], "order": "row"}}).order == "row"
    assert image_input(400, {"image_shape": [20, 20], "image_order": "F"}).order == "column"
    assert image_input(400, {"data_options": {"image_order": "row-major"}}).order == "row"
    assert image_input(784, {"data_options": {"image_order": "column-major"}}).order == "column"
    with pytest.raises(ModelError, match="m.json has 65 inputs: not an image"):
        image_input(65, source="m.json")
    with pytest.raises(ModelError, match=r"image shape \[28, 28\]; ex4-20x20 needs \[20, 20\]"):
        image_input(400, {"image": {"shape": [28, 28]}})
    with pytest.raises(ModelError, match="image order 'diagonal'"):
        image_input(400, {"image_order": "diagonal"})
    for order in (["row"], {"row": 1}, 5):  # not a word: one line, not a TypeError
        with pytest.raises(ModelError, match=re.escape(f"m.json records the image order {order!r}")):
            image_input(64, {"image": {"shape": [8, 8], "order": order}}, source="m.json")
    with pytest.raises(ModelError, match="m.json: training.image is 'yes'; expected"):
        image_input(64, {"image": "yes"}, source="m.json")


def test_a_400_input_model_reads_column_by_column() -> None:
    drawing = [[1] * 3 + [0] * 27 for _ in range(30)]  # a bar at the left
    by_rows, by_columns = ex4_image(drawing), prepare(drawing, image_input(400))
    assert by_columns == [by_rows[20 * y + x] for x in range(20) for y in range(20)]
    assert image_rows(by_columns, image_input(400)) == [by_rows[20 * y : 20 * (y + 1)] for y in range(20)]
    assert prepare(drawing, image_input(784)) == mnist_image(drawing)


def picture_of(bitmap: List[List[int]], *, dark_ink: bool = True, scale: int = 3) -> bytes:
    """A grey PNG of the bitmap: black ink on white paper, or white on black."""
    big = enlarged(bitmap, scale, 5, 5, 32 * scale + 10)
    return _png.png_bytes([[(255 - 255 * v) if dark_ink else 255 * v for v in row] for row in big])


def test_png_pictures_of_either_polarity_give_the_counts(tmp_path: Path) -> None:
    bitmap = uci_bitmap(DIGITS[0][7])
    for dark_ink in (True, False):
        path = tmp_path / f"digit-{dark_ink}.png"
        path.write_bytes(picture_of(bitmap, dark_ink=dark_ink))
        assert png_input(str(path), 64) == uci_counts(bitmap)


def test_transparent_pixels_are_paper_and_colour_is_luma() -> None:
    ink, clear = (0, 0, 0, 255), (0, 0, 0, 0)
    rows = bytes([*clear, *ink, *clear])
    image = _png.PngImage(3, 1, 4, 6, [rows])
    assert bitmap_from_png(image) == [[0.0, 1.0, 0.0]]
    red = _png.read_png(_png.png_bytes([[(255, 255, 255), (255, 0, 0)]], color=True))
    assert bitmap_from_png(red)[0][1] == pytest.approx(1 - 0.299)  # red is as dark as grey 0.299
    with pytest.raises(DataError, match="all one shade"):
        bitmap_from_png(_png.read_png(_png.png_bytes([[200, 200], [200, 200]])))


def test_predict_image_reads_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs, labels = DIGITS
    train, test = stratified_split(labels, 0.25, random.Random(0))
    from purenn.estimator import Classifier
    from purenn.model import save_model

    classifier = Classifier(hidden=(16,), epochs=3, seed=0).fit(take(inputs, train), take(labels, train))
    model = tmp_path / "model.json"
    save_model(classifier.to_model(), model)
    picture = tmp_path / "digit.png"
    bitmap = uci_bitmap(inputs[test[0]])
    picture.write_bytes(picture_of(bitmap))
    assert main(["predict", str(model), "--image", str(picture)]) == 0
    expected = classifier.predict([uci_counts(bitmap)])[0]
    assert capsys.readouterr().out.splitlines()[-1] == f"prediction: {expected}"
    (tmp_path / "text.png").write_text("not a picture")
    assert main(["predict", str(model), "--image", str(tmp_path / "text.png")]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("text.png: not a PNG file (its first bytes are not the PNG signature)")
    )


def test_predict_image_draws_a_column_by_column_image_upright(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from purenn.estimator import Classifier
    from purenn.model import save_model

    layout = image_input(400)  # no recorded order: column by column, as ex4data1.mat stores them
    rows = [prepare(uci_bitmap(x), layout) for x in DIGITS[0][:20]]
    save_model(
        Classifier(hidden=(4,), epochs=1, seed=0).fit(rows, DIGITS[1][:20]).to_model(), tmp_path / "m.json"
    )
    bar = [[1 if 14 <= x < 18 else 0 for x in range(32)] for _ in range(32)]  # an upright bar
    picture = tmp_path / "bar.png"
    picture.write_bytes(picture_of(bar))
    assert main(["predict", str(tmp_path / "m.json"), "--image", str(picture)]) == 0
    drawing = capsys.readouterr().out.splitlines()[:20]  # the 20 rows of the image, then the bars
    inked = [line for line in drawing if line.strip()]
    assert len(inked) == 14  # the bar fills the 14-pixel box from top to bottom, not from left to right
