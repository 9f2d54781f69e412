"""The page of `purenn serve` in a real browser: headless Chromium under ChromeDriver (Selenium).

Test digits are drawn on the canvas stroke by stroke with the mouse (bench/serve_drawn.py has the
drawing code, and measures the accuracy over many digits); the page must show the right label, the
8x8 image the server made of the drawing and a bar per class. Skipped when selenium, Chromium or
ChromeDriver is missing (CI's integration job installs them).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
from serving import request, running_server, train_small_model

pytest.importorskip("selenium")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import serve_drawn  # noqa: E402

from purenn.images import uci_bitmap, uci_counts  # noqa: E402

pytestmark = pytest.mark.slow  # a server, Chromium and a trained model

if serve_drawn.browser_paths() is None:
    pytest.skip("Chromium and ChromeDriver are not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory: Any) -> Iterator[Tuple[Any, str]]:
    """The page of a freshly trained small model, open in headless Chromium with a fresh profile."""
    directory = tmp_path_factory.mktemp("browser")
    train_small_model(directory / "model.json", epochs=10)
    with running_server(directory / "model.json", timeout=5.0) as (server, _):
        driver = serve_drawn.start_browser(str(directory / "profile"))
        try:
            driver.get(server.url)
            yield driver, server.url
        finally:
            driver.quit()


def first_of_each_class() -> List[Tuple[List[float], int]]:
    images, labels = serve_drawn.test_digits(60)
    return [
        next((image, label) for image, label in zip(images, labels) if label == digit) for digit in range(10)
    ]


def shown_image(driver: Any) -> List[float]:
    """The 8x8 image the page shows, read back from its canvas: ink 0..16 from each cell's grey."""
    levels = driver.execute_script(
        "const c = document.getElementById('seen'), s = c.width / 8, d = c.getContext('2d');"
        "const out = []; for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++)"
        "  out.push(d.getImageData(x * s + s / 2, y * s + s / 2, 1, 1).data[0]); return out;"
    )
    return [round(16 * (255 - level) / 255) for level in levels]


def test_the_page_loads_with_a_bar_per_class(page: Tuple[Any, str]) -> None:
    driver, _ = page
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: len(d.find_elements("css selector", "#bars li")) == 10)
    assert "64-32-10" in driver.find_element("id", "model").text
    assert driver.find_element("id", "label").text == "?"


def test_drawn_test_digits_are_read_right(page: Tuple[Any, str]) -> None:
    """One test digit of each class, drawn stroke by stroke: the label shown, the image shown."""
    driver, url = page
    right = []
    for image, label in first_of_each_class():
        serve_drawn.clear(driver)
        bitmap = uci_bitmap(image)
        strokes = serve_drawn.draw_bitmap(driver, bitmap)
        assert strokes >= 10
        shown = serve_drawn.shown_label(driver)
        # What the page shows is what the server answers for the drawing's 8x8 image.
        seen = shown_image(driver)
        status, answer, _ = request(url + "predict", method="POST", payload={"pixels": seen})
        assert status == 200 and str(answer["label"]) == shown
        # The drawing was read as the digit's own counts, give or take the canvas's antialiasing.
        counts = uci_counts(bitmap)
        assert sum(abs(a - b) for a, b in zip(seen, counts)) / 64 < 1.0
        bars = driver.find_elements("css selector", "#bars li.best .name")
        assert [bar.text for bar in bars] == [shown]
        right.append(shown == str(label))
    assert right[0], "the first test digit, a 0, was not read as 0"
    assert sum(right) >= 9, f"only {sum(right)} of 10 drawn digits read right"


@pytest.mark.parametrize("pointer", ["touch", "pen"])
def test_a_finger_or_a_pen_draws_as_the_mouse_does(page: Tuple[Any, str], pointer: str) -> None:
    """Pointer events of a touch screen and of a pen draw too: the page reads the same image."""
    driver, _ = page
    image, label = first_of_each_class()[0]
    bitmap = uci_bitmap(image)
    serve_drawn.clear(driver)
    driver.execute_script(  # note the kind of every pointer that touches the canvas
        "window.pointerKinds = []; if (!window.kindsNoted) { window.kindsNoted = true;"
        "  document.getElementById('canvas').addEventListener("
        "    'pointerdown', (event) => window.pointerKinds.push(event.pointerType)); }"
    )
    strokes = serve_drawn.draw_bitmap(driver, bitmap, pointer=pointer)
    assert serve_drawn.shown_label(driver) == str(label)
    assert driver.execute_script("return window.pointerKinds;") == [pointer] * strokes
    counts = uci_counts(bitmap)
    assert sum(abs(a - b) for a, b in zip(shown_image(driver), counts)) / 64 < 1.0


def test_clear_empties_the_canvas_and_the_answer(page: Tuple[Any, str]) -> None:
    driver, _ = page
    image, _ = first_of_each_class()[1]
    serve_drawn.draw_bitmap(driver, uci_bitmap(image))
    assert serve_drawn.shown_label(driver) != "?"
    serve_drawn.clear(driver)
    assert driver.find_element("id", "label").text == "?"
    ink = driver.execute_script(
        "const c = document.getElementById('canvas');"
        "const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "return pixels.some((v, i) => i % 4 === 3 && v > 0);"
    )
    assert ink is False
