"""`purenn serve`: a real server on a free loopback port, real requests with urllib and sockets.

The good requests, every kind of bad one (each a 4xx with a JSON error, the server still up after
them), a few hundred concurrent requests from threads, one log line per request, and the command in
a subprocess: its address line, Ctrl-C, bad models refused before it listens.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from serving import LockedLog, Rows, request, running_server, train_small_model

from purenn.cli import main
from purenn.estimator import Classifier
from purenn.images import uci_bitmap, uci_counts
from purenn.model import load_model
from purenn.serve import MAX_BODY_BYTES, MAX_SIDE, Server

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 1.0  # the test server's --timeout: slow clients are cut off after this


@pytest.fixture(scope="module")
def trained(tmp_path_factory: Any) -> Tuple[Path, Rows, List[Any]]:
    model = tmp_path_factory.mktemp("serve") / "model.json"
    test_inputs, test_labels = train_small_model(model, epochs=5)
    return model, test_inputs, test_labels


@pytest.fixture(scope="module")
def served(trained: Tuple[Path, Rows, List[Any]]) -> Iterator[Tuple[Server, LockedLog]]:
    with running_server(trained[0], timeout=TIMEOUT) as running:
        yield running


@pytest.fixture(scope="module")
def classifier(trained: Tuple[Path, Rows, List[Any]]) -> Classifier:
    return Classifier.from_model(load_model(trained[0]))


def url(server: Server, path: str = "/") -> str:
    return server.url.rstrip("/") + path


def still_up(server: Server) -> None:
    status, answer, _ = request(url(server, "/model"))
    assert status == 200 and answer["layers"] == [64, 32, 10]


# -- Good requests ---------------------------------------------------------------------------


def test_the_page_and_its_files_are_served_from_the_package(served: Tuple[Server, LockedLog]) -> None:
    server, _ = served
    status, page, headers = request(url(server))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    text = page.decode()
    assert '<canvas id="canvas"' in text and 'src="page.js"' in text and 'href="page.css"' in text
    for name, kind in [("page.js", "text/javascript"), ("page.css", "text/css")]:
        status, data, headers = request(url(server, "/" + name))
        assert status == 200 and headers["Content-Type"].startswith(kind) and len(data) > 500
        assert b"http://" not in data and b"https://" not in data  # no CDN, nothing from elsewhere
    assert b"http://" not in page and b"https://" not in page
    status, data, headers = request(url(server), method="HEAD")
    assert status == 200 and data == b"" and int(headers["Content-Length"]) == len(page)


def test_get_model_describes_the_model(served: Tuple[Server, LockedLog]) -> None:
    status, answer, _ = request(url(served[0], "/model"))
    assert status == 200
    assert answer["layers"] == [64, 32, 10] and answer["labels"] == list(range(10))
    assert answer["activations"] == ["relu", "softmax"] and answer["loss"] == "cross_entropy"
    assert answer["image"]["kind"] == "uci-8x8" and answer["image"]["side"] == 8
    assert answer["training"]["split"]["kind"] == "stratified"
    assert "layers" in answer and "weights" not in json.dumps(answer)


def test_64_pixels_get_the_models_answer(
    served: Tuple[Server, LockedLog], trained: Tuple[Path, Rows, List[Any]], classifier: Classifier
) -> None:
    _, test_inputs, _ = trained
    for pixels in test_inputs[:10]:
        status, answer, _ = request(url(served[0], "/predict"), method="POST", payload={"pixels": pixels})
        assert status == 200
        assert answer["label"] == classifier.predict([pixels])[0]
        expected = classifier.predict_proba([pixels])[0]
        assert answer["probabilities"] == pytest.approx(expected, abs=1e-6)
        assert math.fsum(answer["probabilities"]) == pytest.approx(1.0, abs=1e-5)
        assert answer["image"] == [pixels[8 * r : 8 * r + 8] for r in range(8)]
        assert answer["labels"] == list(range(10)) and answer["max_value"] == 16


def test_a_bitmap_is_prepared_on_the_server(
    served: Tuple[Server, LockedLog], trained: Tuple[Path, Rows, List[Any]], classifier: Classifier
) -> None:
    _, test_inputs, _ = trained
    for pixels in test_inputs[:10]:
        bitmap = uci_bitmap(pixels)  # a 32x32 bitmap; drawn 3 times as large it must read the same
        large = [[value for value in row for _ in range(3)] for row in bitmap for _ in range(3)]
        counts = uci_counts(bitmap)
        for drawing in (bitmap, large):
            status, answer, _ = request(
                url(served[0], "/predict"), method="POST", payload={"bitmap": drawing}
            )
            assert status == 200
            assert [value for row in answer["image"] for value in row] == counts
            assert answer["label"] == classifier.predict([counts])[0]


def test_an_empty_drawing_is_an_empty_image(served: Tuple[Server, LockedLog]) -> None:
    status, answer, _ = request(url(served[0], "/predict"), method="POST", payload={"bitmap": [[0] * 5] * 5})
    assert status == 200 and answer["image"] == [[0.0] * 8] * 8


def test_a_connection_is_kept_alive_between_requests(served: Tuple[Server, LockedLog]) -> None:
    import http.client

    host, port = served[0].server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=5)
    try:
        for _ in range(3):
            connection.request(
                "POST", "/predict", json.dumps({"pixels": [0] * 64}), {"Content-Type": "application/json"}
            )
            reply = connection.getresponse()
            assert reply.status == 200 and json.loads(reply.read())["image"] == [[0] * 8] * 8
        connection.request("POST", "/predict", "{oops", {"Content-Type": "application/json"})
        reply = connection.getresponse()
        assert reply.status == 400 and "not valid JSON" in json.loads(reply.read())["error"]
        connection.request("GET", "/model")  # a 400 after a whole body keeps the connection
        reply = connection.getresponse()
        assert reply.status == 200 and reply.getheader("Connection") is None
        reply.read()
        connection.request("PUT", "/predict", b"{} GET /model HTTP/1.1\r\n\r\n")  # its body is not read:
        reply = connection.getresponse()  # the connection is closed, not read on as a request
        assert reply.status == 405 and reply.getheader("Connection") == "close"
    finally:
        connection.close()


# -- Bad requests: a 4xx with a JSON error, and the server goes on ------------------------------

BAD_BODIES = [
    (b"{not json", 400, "not valid JSON"),
    (b'{"pixels": [NaN]}', 400, "not valid JSON"),
    (b"\xff\xfe", 400, "not valid JSON"),
    (b"[1, 2]", 422, "JSON object"),
    (b"{}", 422, "exactly one field"),
    (b'{"pixels": [0], "bitmap": [[0]]}', 422, "exactly one field"),
    (b'{"pixels": [0], "extra": 1}', 422, "exactly one field"),
    (b'{"pixels": "0 0 0"}', 422, "array of numbers"),
    (json.dumps({"pixels": [0] * 63}).encode(), 422, "has 63 values"),
    (json.dumps({"pixels": [0] * 65}).encode(), 422, "has 65 values"),
    (json.dumps({"pixels": [17] + [0] * 63}).encode(), 422, "outside 0..16"),
    (json.dumps({"pixels": [-1] + [0] * 63}).encode(), 422, "outside 0..16"),
    (json.dumps({"pixels": [True] + [0] * 63}).encode(), 422, "not a number"),
    (json.dumps({"pixels": ["1"] + [0] * 63}).encode(), 422, "not a number"),
    (b'{"pixels": [1e400' + b", 0" * 63 + b"]}", 422, "outside 0..16"),  # JSON's 1e400 is infinite
    (json.dumps({"bitmap": []}).encode(), 422, "1 to 1024 rows"),
    (json.dumps({"bitmap": [[]]}).encode(), 422, "1 to 1024 numbers"),
    (json.dumps({"bitmap": [0, 1]}).encode(), 422, "rows must be arrays"),
    (json.dumps({"bitmap": [[0, 1], [1]]}).encode(), 422, "row 1 has 1 values"),
    (json.dumps({"bitmap": [[0, 1], 7]}).encode(), 422, "row 1 must be an array"),
    (json.dumps({"bitmap": [[0, 2]]}).encode(), 422, "outside 0..1"),
    (json.dumps({"bitmap": [[0, None]]}).encode(), 422, "not a number"),
    (json.dumps({"bitmap": [[0]] * (MAX_SIDE + 1)}).encode(), 422, "1 to 1024 rows"),
    (json.dumps({"bitmap": [[0] * (MAX_SIDE + 1)]}).encode(), 422, "1 to 1024 numbers"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),  # not a RecursionError's 500
    (b'{"pixels": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", 400, "nested too deeply"),
    (b'{"pixels": [' + b"[" * 900 + b"]" * 900 + b"]}", 422, "holds an array, not a number"),
    (b'{"bitmap": [["' + b"x" * 100_000 + b'"]]}', 422, 'holds "xxxxxxxxxxxxxxxx...", not'),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_BODIES)
def test_a_bad_body_gets_a_json_error(
    served: Tuple[Server, LockedLog], body: bytes, status: int, message: str
) -> None:
    got, answer, headers = request(url(served[0], "/predict"), method="POST", body=body)
    assert (got, answer["status"]) == (status, status)
    assert message in answer["error"] and headers["Content-Type"] == "application/json"


BAD_ROUTES = [
    ("GET", "/nothing-here", 404, "no such page"),
    ("GET", "/../../etc/passwd", 404, "no such page"),
    ("POST", "/model", 405, "answers GET, HEAD"),
    ("GET", "/predict", 405, "answers POST"),
    ("HEAD", "/predict", 405, ""),
    ("PUT", "/predict", 405, "answers POST"),
    ("DELETE", "/", 405, "answers GET"),
    ("PATCH", "/model", 405, "answers GET"),
    ("BREW", "/", 405, "not BREW"),
]


@pytest.mark.parametrize(("method", "path", "status", "message"), BAD_ROUTES)
def test_unknown_paths_and_wrong_methods(
    served: Tuple[Server, LockedLog], method: str, path: str, status: int, message: str
) -> None:
    got, answer, headers = request(
        url(served[0], path), method=method, body=b"{}" if method != "HEAD" else None
    )
    assert got == status
    if method != "HEAD":
        assert answer["status"] == status and message in answer["error"]
    if status == 405:
        assert headers["Allow"] in ("GET, HEAD", "POST")


def raw_exchange(server: Server, data: bytes) -> Tuple[int, Dict[str, Any]]:
    """Send bytes on a raw socket; return the status and the JSON answer."""
    with socket.create_connection(server.server_address[:2], timeout=10) as connection:
        connection.sendall(data)
        reply = b""
        while True:
            part = connection.recv(65536)
            if not part:
                break
            reply += part
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_a_body_over_the_limit_is_refused_before_it_is_read(served: Tuple[Server, LockedLog]) -> None:
    head = (
        "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    )
    status, answer = raw_exchange(served[0], head.encode() + b'{"pixels": [')
    assert status == 413 and str(MAX_BODY_BYTES) in answer["error"]
    still_up(served[0])


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ("", 411, "needs a Content-Length"),
        ("Transfer-Encoding: chunked\r\n", 411, "not chunked"),
        ("Content-Length: ten\r\n", 400, "not a number of bytes"),
        ("Content-Length: -5\r\n", 400, "not a number of bytes"),
        ("Content-Type: text/html\r\nContent-Length: 2\r\n", 415, "application/json"),
        ("Transfer-Encoding: gzip\r\nContent-Length: 2\r\n", 411, "not gzip"),
        ("Content-Length: \u00b2\r\n", 400, "not a number of bytes"),  # "²".isdigit(), int("²") fails
        ("Content-Length: 1_0\r\n", 400, "not a number of bytes"),
        ("Content-Length: 2\r\nContent-Length: 500\r\n", 400, "2 different Content-Lengths"),
        (f"Content-Length: {'9' * 5000}\r\n", 413, f"at most {MAX_BODY_BYTES}"),  # past int()'s 4300 digits
        (f"Content-Length: {'0' * 5000}2\r\n", 422, "exactly one field"),  # 2 bytes, "{}"
    ],
)
def test_a_body_without_a_usable_length_or_type(
    served: Tuple[Server, LockedLog], headers: str, status: int, message: str
) -> None:
    head = f"POST /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n"
    got, answer = raw_exchange(served[0], head.encode("latin-1") + b"{}")
    assert got == status and message in answer["error"]


def test_a_body_the_server_does_not_read_is_never_read_as_a_request(served: Tuple[Server, LockedLog]) -> None:
    server, log = served
    before = len(log.lines())
    smuggled = b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
    head = b"GET /model HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    with socket.create_connection(server.server_address[:2], timeout=10) as connection:
        connection.sendall(head + smuggled)
        reply = b""
        while True:
            part = connection.recv(65536)
            if not part:
                break
            reply += part
    assert reply.startswith(b"HTTP/1.1 200 ") and reply.count(b"HTTP/1.1 ") == 1
    assert b"Connection: close" in reply
    assert not any("/nothing" in line for line in log.lines()[before:])


def test_a_slow_body_is_cut_off_after_the_timeout(served: Tuple[Server, LockedLog]) -> None:
    head = (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    started = time.monotonic()
    status, answer = raw_exchange(served[0], head + b'{"pixels": [')  # and then nothing
    assert status == 408 and "did not arrive" in answer["error"]
    assert TIMEOUT * 0.9 < time.monotonic() - started < TIMEOUT + 5


def test_a_body_sent_a_byte_at_a_time_is_cut_off_too(served: Tuple[Server, LockedLog]) -> None:
    host, port = served[0].server_address[:2]
    head = (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(head)
        try:
            for _ in range(int(4 * TIMEOUT / 0.1)):  # each byte well within the socket timeout
                connection.sendall(b" ")
                time.sleep(0.1)
        except OSError:  # the server closed the connection: what we want
            pass
        reply = connection.recv(65536)
    assert b" 408 " in reply.split(b"\r\n")[0]
    assert time.monotonic() - started < 4 * TIMEOUT + 5


def trickle(server: Server, head: bytes, seconds: float) -> Tuple[bytes, float]:
    """Send head a byte every 0.1 s (each well within the socket timeout) for up to seconds, then
    read the answer; return it and the time it took."""
    started = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=10) as connection:
        try:
            for byte in head[: int(seconds / 0.1)]:
                connection.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:  # the server closed the connection: what we want
            pass
        reply = connection.recv(65536)
    return reply, time.monotonic() - started


@pytest.mark.parametrize(
    "head",
    [
        b"GET /model HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n",  # slow headers
        b"GET /" + b"a" * 100 + b" HTTP/1.1\r\n\r\n",  # a slow request line
    ],
)
def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(
    served: Tuple[Server, LockedLog], head: bytes
) -> None:
    server, log = served
    reply, seconds = trickle(server, head, 4 * TIMEOUT)
    assert reply.split(b"\r\n")[0] == b"HTTP/1.1 408 Request Timeout"
    assert json.loads(reply.partition(b"\r\n\r\n")[2])["error"].startswith(
        "the request's head did not arrive"
    )
    assert seconds < 3 * TIMEOUT
    assert any(" 408 " in line and "head did not arrive" in line for line in log.lines())
    still_up(server)


def test_a_head_that_stops_coming_gets_a_408(served: Tuple[Server, LockedLog]) -> None:
    status, answer = raw_exchange(served[0], b"GET /model HTTP/1.1\r\nHost: x\r\n")  # no blank line
    assert status == 408 and "head did not arrive" in answer["error"]


def test_control_characters_in_a_request_are_escaped_in_the_log(served: Tuple[Server, LockedLog]) -> None:
    server, log = served
    before = len(log.lines())
    raw_exchange(server, b"GET /\x1b[2J\x1b[31mred\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    raw_exchange(server, b"GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n")
    lines = log.lines()[before:]
    assert len(lines) == 2 and all(char >= " " for line in lines for char in line)
    assert '"GET /\\x1b[2J\\x1b[31mred\\x00 HTTP/1.1" 404' in lines[0]
    assert '"GET /a\\x0db HTTP/1.1" 400' in lines[1]


def test_garbage_and_oversized_request_lines(served: Tuple[Server, LockedLog]) -> None:
    status, answer = raw_exchange(served[0], b"this is not http\r\n\r\n")
    assert status == 400 and answer["status"] == 400
    status, answer = raw_exchange(served[0], b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
    assert status == 414
    still_up(served[0])


def test_every_request_is_one_log_line(served: Tuple[Server, LockedLog]) -> None:
    server, log = served
    before = len(log.lines())
    request(url(server, "/model"))
    request(url(server, "/predict"), method="POST", body=b"{bad")
    request(url(server, "/missing"))
    lines = log.lines()[before:]
    assert len(lines) == 3, lines
    assert lines[0].startswith('127.0.0.1 "GET /model HTTP/1.1" 200 ') and lines[0].endswith("ms")
    assert '"POST /predict HTTP/1.1" 400 ' in lines[1] and "(the body is not valid JSON: " in lines[1]
    assert '"GET /missing HTTP/1.1" 404 ' in lines[2] and "(no such page: /missing)" in lines[2]


def test_a_few_hundred_concurrent_requests(
    served: Tuple[Server, LockedLog], trained: Tuple[Path, Rows, List[Any]], classifier: Classifier
) -> None:
    server, _ = served
    _, test_inputs, _ = trained
    cases = [test_inputs[i % len(test_inputs)] for i in range(300)]
    expected = classifier.predict(cases)

    def ask(pixels: List[float]) -> Any:
        status, answer, _ = request(
            url(server, "/predict"), method="POST", payload={"pixels": pixels}, timeout=30
        )
        assert status == 200
        return answer["label"]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        labels = list(pool.map(ask, cases, timeout=120))
    assert labels == expected
    assert time.monotonic() - started < 120
    still_up(server)


# -- The command -----------------------------------------------------------------------------


def start(*argv: str) -> "subprocess.Popen[str]":
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "purenn", "serve", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def test_the_command_prints_its_address_serves_and_stops_on_ctrl_c(
    trained: Tuple[Path, Rows, List[Any]],
) -> None:
    process = start(str(trained[0]), "--port", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"purenn serve: {trained[0]} at http://127.0.0.1:") and "Ctrl-C" in line
        address = line.split(" at ")[1].split()[0]
        status, answer, _ = request(address + "model")
        assert status == 200 and answer["layers"] == [64, 32, 10]
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    lines = err.splitlines()
    assert lines[-1] == "purenn serve: interrupted" and "Traceback" not in err
    assert len(lines) == 2 and '"GET /model HTTP/1.1" 200' in lines[0]  # one line a request


def test_a_model_that_is_not_an_image_is_refused_before_listening(
    tmp_path: Path, trained: Tuple[Path, Rows, List[Any]]
) -> None:
    data = tmp_path / "three.csv"
    data.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 2}" for i in range(40)) + "\n")
    model = tmp_path / "three.json"
    assert (
        main(["train", "--data", str(data), "--hidden", "3", "--epochs", "1", "--quiet", "--out", str(model)])
        == 0
    )
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"format": "purenn-model", "version": 1, "layers": [')
    odd_order = tmp_path / "odd-order.json"
    document = json.loads(trained[0].read_text())
    document["training"]["image_order"] = ["row"]  # a list where a word belongs
    odd_order.write_text(json.dumps(document))
    cases = [
        (str(model), "has 3 inputs: not an image"),
        (str(odd_order), "records the image order ['row']"),
        (str(corrupt), "invalid JSON"),
        (str(tmp_path / "missing.json"), "missing.json"),
    ]
    for path, message in cases:
        process = start(path, "--port", "0")
        out, err = process.communicate(timeout=30)
        assert process.returncode == 2 and out == ""
        assert len(err.splitlines()) == 1 and err.startswith("purenn serve: error: ") and message in err


def test_a_port_in_use_or_a_bad_port_is_one_line(trained: Tuple[Path, Rows, List[Any]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start(str(trained[0]), "--port", str(port))
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and out == "" and len(err.splitlines()) == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in err
    process = start(str(trained[0]), "--port", "70000")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "expected a port number" in err and "Traceback" not in err


# -- Other image sizes ---------------------------------------------------------------------------


def image_model(path: Path, prepare_image: Any, **training: Any) -> Classifier:
    """A tiny model trained on 40 digits prepared by prepare_image (MNIST's 784 or ex4's 400 inputs)."""
    from purenn.data import load_digits
    from purenn.model import save_model

    inputs, labels = load_digits()
    rows = [prepare_image(uci_bitmap(x)) for x in inputs[:40]]
    classifier = Classifier(hidden=(8,), epochs=2, seed=0).fit(rows, labels[:40])
    save_model(classifier.to_model(**training), path)
    return classifier


@pytest.mark.parametrize(
    ("inputs", "training", "kind", "side", "order"),
    [
        (784, {}, "mnist-28x28", 28, "row"),
        (400, {}, "ex4-20x20", 20, "column"),
        (400, {"image": {"shape": [20, 20], "order": "row"}}, "ex4-20x20", 20, "row"),
    ],
)
def test_mnist_and_ex4_models_are_served_with_their_preparation(
    tmp_path: Path, inputs: int, training: Dict[str, Any], kind: str, side: int, order: str
) -> None:
    from purenn.images import image_input, mnist_image, prepare

    layout = image_input(inputs, training)
    model = tmp_path / "model.json"
    classifier = image_model(model, lambda bitmap: prepare(bitmap, layout), **training)
    drawing = uci_bitmap([0, 0, 16, 16, 16, 16, 0, 0] * 8)  # a thick bar
    with running_server(model) as (server, _):
        status, described, _ = request(url(server, "/model"))
        assert status == 200 and described["image"]["kind"] == kind and described["image"]["order"] == order
        status, answer, _ = request(url(server, "/predict"), method="POST", payload={"bitmap": drawing})
        assert status == 200 and len(answer["image"]) == side and len(answer["image"][0]) == side
        expected = prepare(drawing, layout)
        assert answer["label"] == classifier.predict([expected])[0]
        if kind == "mnist-28x28":
            assert [v for row in answer["image"] for v in row] == pytest.approx(mnist_image(drawing))
        status, answer, _ = request(url(server, "/predict"), method="POST", payload={"pixels": expected})
        assert status == 200 and answer["label"] == classifier.predict([expected])[0]
        top = layout.max_value
        status, answer, _ = request(
            url(server, "/predict"), method="POST", payload={"pixels": [top * 1.5] * inputs}
        )
        assert status == 422 and f"outside 0..{top:g}" in answer["error"]
