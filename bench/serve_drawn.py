"""How well the page of `purenn serve` reads test digits drawn on it, stroke by stroke, in Chromium.

    python bench/serve_drawn.py                        # the first 100 test digits, a fresh small model
    python bench/serve_drawn.py --count 450 --model model.json
    python bench/serve_drawn.py --count 1 --screenshot docs/serve.png   # a freehand 5, for the README

Each digit of the test split (stratified 75/25, seed 0, as `purenn train` splits) becomes a 32x32
bitmap with the same 4x4 block counts (purenn.images.uci_bitmap), drawn on the page's canvas with
pointer strokes at 6 canvas pixels per bitmap pixel: one stroke per run of ink in a bitmap row, with
the pen as wide as a bitmap pixel. The page sends its canvas to the server, which crops, scales and
counts it; we read the label the page shows. Reported: how many the page labels right, against how
many the model labels right from the digits' own 8x8 images.

Needs selenium (the `integration` extra), Chromium and ChromeDriver (Debian: chromium,
chromium-driver). The model, when not given, is 64-32-10 trained for 10 epochs (seed 0).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from purenn.data import load_digits  # noqa: E402
from purenn.images import uci_bitmap  # noqa: E402
from purenn.splits import stratified_split, take  # noqa: E402

CELL = 6  # canvas pixels per bitmap pixel: the 32x32 bitmap covers 192 of the canvas's 224
MARGIN = 16
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=860,560",
]


def browser_paths() -> Optional[Tuple[str, str]]:
    """(chromium, chromedriver) when both are installed, else None.

    >>> paths = browser_paths()
    >>> paths is None or all(Path(path).exists() for path in paths)
    True
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def start_browser(user_data_dir: str) -> Any:
    """Headless Chromium under ChromeDriver with a fresh profile (selenium imported here only)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = browser_paths()
    if paths is None:
        raise RuntimeError("Chromium and ChromeDriver are not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def ink_runs(row: Sequence[int]) -> List[Tuple[int, int]]:
    """(first, last) column of each run of ink in a bitmap row.

    >>> ink_runs([0, 1, 1, 0, 1, 0])
    [(1, 2), (4, 4)]
    """
    runs, start = [], None
    for x, value in enumerate([*row, 0]):
        if value and start is None:
            start = x
        elif not value and start is not None:
            runs.append((start, x - 1))
            start = None
    return runs


def draw_bitmap(
    driver: Any,
    bitmap: Sequence[Sequence[int]],
    cell: int = CELL,
    margin: int = MARGIN,
    pointer: str = "mouse",
) -> int:
    """Draw the bitmap on the page's canvas with strokes, one per run of ink in a row, the pen
    cell pixels wide (round caps: a run from x0 to x1 covers canvas x0 * cell .. (x1 + 1) * cell).
    pointer: "mouse", or "touch" (a finger) or "pen" (the page reads all three as pointer events).
    Returns the number of strokes."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.ID, "canvas")
    set_pen(driver, cell)
    centre = canvas.size["width"] / 2  # both kinds of action count offsets from the centre
    mouse = pointer == "mouse"
    chain = ActionChains(driver, duration=0)
    builder = None if mouse else ActionBuilder(driver, mouse=PointerInput(pointer, pointer), duration=0)
    strokes = 0
    for y, row in enumerate(bitmap):
        for first, last in ink_runs(row):
            top = int(margin + y * cell + cell / 2 - centre)
            left, right = (int(margin + x * cell + cell / 2 - centre) for x in (first, last))
            if builder is None:
                chain.move_to_element_with_offset(canvas, left, top).click_and_hold()
                chain.move_to_element_with_offset(canvas, right, top).release()
            else:
                builder.pointer_action.move_to(canvas, left, top).pointer_down()
                builder.pointer_action.move_to(canvas, right, top).pointer_up()
            strokes += 1
    (chain if builder is None else builder).perform()
    return strokes


def set_pen(driver: Any, width: int) -> None:
    """Move the page's pen-width slider to width (as dragging it would, input event included)."""
    from selenium.webdriver.common.by import By

    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
        driver.find_element(By.ID, "pen"),
        width,
    )


# A "5" as a hand draws it, two strokes of canvas points (for the screenshot in the README).
FREEHAND_FIVE = [
    [(152, 38), (128, 37), (104, 38), (84, 40)],
    [
        (84, 40),
        (80, 72),
        (76, 104),
        (96, 96),
        (122, 95),
        (146, 106),
        (160, 130),
        (158, 158),
        (142, 178),
        (116, 188),
        (90, 184),
        (70, 170),
    ],
]


def draw_strokes(driver: Any, strokes: Sequence[Sequence[Tuple[int, int]]], pen: int = 16) -> None:
    """Draw polylines of canvas points with the mouse, the pen pen pixels wide."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.ID, "canvas")
    set_pen(driver, pen)
    centre = canvas.size["width"] / 2
    actions = ActionChains(driver, duration=20)
    for stroke in strokes:
        (x, y), rest = stroke[0], stroke[1:]
        actions.move_to_element_with_offset(canvas, int(x - centre), int(y - centre)).click_and_hold()
        for x, y in rest:
            actions.move_to_element_with_offset(canvas, int(x - centre), int(y - centre))
        actions.release()
    actions.perform()


def shown_label(driver: Any, timeout: float = 20.0) -> str:
    """The label the page shows once it has the answer for the drawing as it is now."""
    from selenium.webdriver.support.ui import WebDriverWait

    def answered(driver: Any) -> Any:
        return driver.execute_script(
            "const l = document.getElementById('label'), c = document.getElementById('canvas');"
            "return l.dataset.version === c.dataset.version ? l.textContent : null;"
        )

    return str(WebDriverWait(driver, timeout).until(answered))


def clear(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "clear").click()


def test_digits(count: int) -> Tuple[List[List[float]], List[int]]:
    """The first count digits of the stratified 75/25 test split, seed 0."""
    inputs, labels = load_digits()
    _, test = stratified_split(labels, 0.25, random.Random(0))
    return take(inputs, test[:count]), [int(label) for label in take(labels, test[:count])]


def _small_model(path: Path) -> None:
    from purenn.estimator import Classifier
    from purenn.model import save_model

    inputs, labels = load_digits()
    train, _ = stratified_split(labels, 0.25, random.Random(0))
    classifier = Classifier(hidden=(32,), epochs=10, seed=0).fit(take(inputs, train), take(labels, train))
    save_model(classifier.to_model(preset="default", data="digits"), path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100, help="test digits to draw (default 100)")
    parser.add_argument("--model", help="a 64-input model file (default: train a small one)")
    parser.add_argument("--screenshot", help="save a PNG of the page with the last digit drawn")
    args = parser.parse_args(argv)
    if browser_paths() is None:
        print("needs chromium and chromedriver", file=sys.stderr)
        return 2
    from purenn.estimator import Classifier
    from purenn.model import load_model
    from purenn.serve import make_server

    with tempfile.TemporaryDirectory() as scratch:
        model = Path(args.model) if args.model else Path(scratch) / "model.json"
        if not args.model:
            _small_model(model)
        images, labels = test_digits(args.count)
        classifier = Classifier.from_model(load_model(model))
        direct = sum(p == t for p, t in zip(classifier.predict(images), labels))
        server = make_server(str(model), "127.0.0.1", 0, log=io.StringIO())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        driver = start_browser(str(Path(scratch) / "profile"))
        try:
            driver.get(server.url)
            right, started = 0, time.perf_counter()
            for index, (image, label) in enumerate(zip(images, labels)):
                if index:
                    clear(driver)
                draw_bitmap(driver, uci_bitmap(image))
                shown = shown_label(driver)
                right += shown == str(label)
            seconds = time.perf_counter() - started
            if args.screenshot:
                clear(driver)
                draw_strokes(driver, FREEHAND_FIVE)
                print(f"the freehand 5 of the screenshot reads as {shown_label(driver)}")
                driver.save_screenshot(args.screenshot)
        finally:
            driver.quit()
            server.shutdown()
            server.server_close()
    n = len(labels)
    print(f"the page read {right} of {n} drawn test digits right ({100 * right / n:.1f}%), ", end="")
    print(f"{seconds / n:.2f} s each")
    print(
        f"the model read {direct} of {n} of the same digits' own 8x8 images right ({100 * direct / n:.1f}%)"
    )
    if args.screenshot:
        print(f"wrote {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
