"""`purenn serve MODEL`: a page to draw a digit on, and the JSON API that reads it.

- Predictor: a loaded model with the image preparation its inputs need; answer(request) -> reply.
- describe_model: the model as GET /model tells it (sizes, activations, labels, training summary).
- make_server: load and check the model, then bind (nothing listens before the model is good).
- add_parser, run: the subcommand, registered by cli.py.

The API (every answer is JSON, every error {"error": "...", "status": N}):
    GET  /           the page (purenn/_static/index.html, page.css, page.js: no CDN, no framework)
    GET  /model      the model's description
    POST /predict    {"bitmap": [[ink 0..1, ...], ...]}  a drawing of any size up to MAX_SIDE
                                                          (e.g. a 32x32 bitmap), prepared as the
                                                          model's data set was (purenn.images)
                  or {"pixels": [v, ...]}                 the model's own input values, e.g. 64 of
                                                          0..16 for the UCI digits
                  -> {"label", "labels", "probabilities", "image" (rows), "max_value", "image_kind"}

Hostile clients cannot take it down: each connection has its own thread, every socket read or
write waits at most --timeout seconds, a request's head (its line and headers) and its body must
each arrive whole within --timeout seconds of their first byte (408), a body may have at most
MAX_BODY_BYTES (413, refused before it is read), and invalid JSON or JSON nested too deeply (400),
wrong fields, sizes or values (422), unknown paths (404), other methods (405), bodies without one
Content-Length of ASCII digits (411, 400) or not JSON (415) get a JSON error; a connection whose
request left a body unread is closed after the answer (the body is never read as a request). One
line per request goes to the log (stderr), its control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, NoReturn, Optional, Tuple

from .errors import PurennError
from .estimator import Classifier
from .images import Bitmap, ImageInput, image_input, image_rows, prepare
from .model import Model, load_model

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_SIDE",
    "Predictor",
    "RequestError",
    "add_parser",
    "describe_model",
    "make_server",
    "run",
]

MAX_BODY_BYTES = 2_000_000  # a 700 x 700 bitmap of 0s and 1s; the page sends 224 x 224
MAX_SIDE = 1024  # rows and columns of a bitmap
DEFAULT_TIMEOUT = 10.0  # seconds
STATIC = Path(__file__).parent / "_static"
_PAGES = {"/": ("index.html", "text/html"), "/page.css": ("page.css", "text/css")}
_PAGES["/page.js"] = ("page.js", "text/javascript")
_ROUTES = {**{path: "GET" for path in _PAGES}, "/model": "GET", "/predict": "POST"}


class RequestError(PurennError):
    """A request the server refuses: status is the HTTP status (4xx), the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _refuse(message: str, status: int = 422) -> NoReturn:
    raise RequestError(status, message)


# -- Reading a request -------------------------------------------------------------------------------


def _json_kind(value: object) -> str:
    """A JSON value named for a message, without printing it whole (it may be large or deep).

    >>> _json_kind(True), _json_kind(None), _json_kind([[0]]), _json_kind("a" * 50)
    ('true', 'null', 'an array', '"aaaaaaaaaaaaaaaa..."')
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (list, dict)):
        return "an array" if isinstance(value, list) else "an object"
    text = json.dumps(str(value))
    return text if len(text) <= 20 else text[:17] + '..."'


def _number_list(values: object, where: str, low: float, high: float) -> List[float]:
    """values, each a JSON number (not true/false, a string, null, ...) in [low, high]."""
    if not isinstance(values, list):
        _refuse(f"{where} must be an array of numbers")
    if not set(map(type, values)) <= {int, float}:  # map and set: a 224 x 224 bitmap in about 1 ms
        bad = next(value for value in values if type(value) not in (int, float))
        _refuse(f"{where} holds {_json_kind(bad)}, not a number")
    if values and (min(values) < low or max(values) > high):
        _refuse(f"{where} holds values outside {low:g}..{high:g}")
    return values


def parse_bitmap(value: object) -> Bitmap:
    """The "bitmap" field: 1..MAX_SIDE rows of equal length, each 1..MAX_SIDE ink values 0..1.

    >>> parse_bitmap([[0, 1], [0.5, 0]])
    [[0, 1], [0.5, 0]]
    >>> parse_bitmap([[0, 1], [2]])
    Traceback (most recent call last):
    ...
    purenn.serve.RequestError: bitmap row 1 has 1 values, row 0 has 2
    """
    if not isinstance(value, list) or not value or len(value) > MAX_SIDE:
        _refuse(f"bitmap must be an array of 1 to {MAX_SIDE} rows")
    width = len(value[0]) if isinstance(value[0], list) else 0
    if not 1 <= width <= MAX_SIDE:
        _refuse(f"bitmap rows must be arrays of 1 to {MAX_SIDE} numbers")
    rows = []
    for y, row in enumerate(value):
        if isinstance(row, list) and len(row) != width:
            _refuse(f"bitmap row {y} has {len(row)} values, row 0 has {width}")
        rows.append(_number_list(row, f"bitmap row {y}", 0.0, 1.0))
    return rows


class Predictor:
    """A model ready to read drawings: its classifier, the layout of its image and its description."""

    def __init__(self, model: Model, source: str) -> None:
        self.classifier = Classifier.from_model(model)
        self.layout: ImageInput = image_input(self.classifier.n_features_in_, model.training, source=source)
        self.description = describe_model(model, self.layout, source)

    def inputs(self, request: object) -> List[float]:
        """The model's input vector from a request object with "bitmap" or "pixels"."""
        if not isinstance(request, dict):
            _refuse('the body must be a JSON object with "bitmap" or "pixels"')
        fields = sorted(set(request) & {"bitmap", "pixels"})
        if len(fields) != 1 or len(request) != 1:
            _refuse(f'the body needs exactly one field, "bitmap" or "pixels"; found {sorted(request)[:5]}')
        if fields == ["bitmap"]:
            return prepare(parse_bitmap(request["bitmap"]), self.layout)
        size = self.classifier.n_features_in_
        pixels = _number_list(request["pixels"], "pixels", 0.0, self.layout.max_value)
        if len(pixels) != size:
            _refuse(f"pixels has {len(pixels)} values; the model reads {size}")
        return pixels

    def answer(self, request: object) -> Dict[str, Any]:
        """The reply to POST /predict: label, every label's probability, the image as the model sees it."""
        values = self.inputs(request)
        (outputs,) = self.classifier.predict_proba([values])
        (label,) = self.classifier.predict([values])
        return {
            "label": label,
            "labels": list(self.classifier.classes_),
            "probabilities": [round(p, 6) for p in outputs],
            "image": image_rows(values, self.layout),
            "max_value": self.layout.max_value,
            "image_kind": self.layout.kind,
        }


_TRAINING_SUMMARY = ("preset", "data", "split", "test_accuracy", "seconds")


def describe_model(model: Model, layout: ImageInput, source: str) -> Dict[str, Any]:
    """What GET /model says: the file, the layer sizes, activations, loss, scaling, labels, the
    image layout and the training summary (not the weights)."""
    network = model.network
    sizes = [len(network[0][0]) - 1] + [len(layer) for layer in network]
    training = model.training if isinstance(model.training, dict) else {}
    return {
        "file": os.path.basename(source),
        "layers": sizes,
        "activations": list(model.activations),
        "loss": model.loss,
        "scaling": {key: value for key, value in model.scaling.items() if key in ("kind", "by")},
        "labels": list(model.labels),
        "image": {**layout._asdict(), "description": layout.describe()},
        "training": {key: training[key] for key in _TRAINING_SUMMARY if key in training},
    }


# -- The HTTP side -------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


# Control characters (C0, DEL, C1) as \xNN in the log: a request cannot end, overwrite or colour a line.
_ESCAPED = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]}


class _HeadReader:
    """A connection's input, read as http.server reads it, with a deadline on each request's head.

    http.server reads the request line and the headers with readline; a client that sends a byte
    now and then would hold the connection for ever, each read waiting less than the socket's
    timeout. Here readline takes what has arrived piece by piece and raises socket.timeout once
    the head is still incomplete `seconds` after its first byte came (restart() before each request).
    """

    def __init__(self, stream: Any, seconds: float) -> None:
        self.stream = stream  # the connection's io.BufferedReader
        self.seconds = seconds
        self.deadline: Optional[float] = None  # None until the request's first byte arrives
        self.expired = False

    def restart(self) -> None:
        """The next request begins: its deadline starts with its first byte."""
        self.deadline, self.expired = None, False

    def readline(self, limit: int = -1) -> bytes:
        """One line with its b"\\n" (or limit bytes, or what came before the end of the input)."""
        parts: List[bytes] = []
        size = 0
        while limit < 0 or size < limit:
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.expired = True
                raise socket.timeout(f"the request's head did not arrive within {self.seconds:g} s")
            try:
                buffered = self.stream.peek(1)  # what has arrived, after at most one socket read
            except socket.timeout:
                self.expired = self.deadline is not None  # a head begun, or an idle connection
                raise
            if not buffered:
                break
            if self.deadline is None:
                self.deadline = time.monotonic() + self.seconds
            end = buffered.find(b"\n") + 1 or len(buffered)
            part = self.stream.read(end if limit < 0 else min(end, limit - size))
            parts.append(part)
            size += len(part)
            if part.endswith(b"\n"):
                break
        return b"".join(parts)

    def read1(self, size: int = -1) -> bytes:
        return bytes(self.stream.read1(size))

    def read(self, size: int = -1) -> bytes:
        return bytes(self.stream.read(size))

    def close(self) -> None:
        self.stream.close()

    @property
    def closed(self) -> bool:
        return bool(self.stream.closed)


class _Handler(BaseHTTPRequestHandler):
    """One connection: routes, JSON errors, body limits, one log line per request."""

    server: "Server"
    _started = 0.0  # when the request began (perf_counter)
    _logged = False  # its log line is written
    _problem = ""  # what went wrong, for the log line
    _allow = ""  # the Allow header of a 405
    _routed = False  # http.server parsed the request and handed it to _route
    _body_read = False  # the request's body, if any, was read whole
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # answers to garbage get a status line and headers too

    def version_string(self) -> str:
        return "purenn"

    def setup(self) -> None:
        super().setup()  # sets the socket's timeout: every read and write waits at most that long
        self.rfile = _HeadReader(self.rfile, self.server.timeout_seconds)  # type: ignore[assignment]
        # Headers and body go out in two writes; without this, Nagle's algorithm holds the body back
        # until the client's delayed ACK of the headers (40 ms on Linux) on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # Routing ------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._route("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._route("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST")

    def __getattr__(self, name: str) -> Callable[[], None]:
        """Any other method (PUT, DELETE, FOO, ...) answers 405, not http.server's 501."""
        if name.startswith("do_"):
            return lambda: self._route(name[3:])
        raise AttributeError(name)

    def _route(self, method: str) -> None:
        self._routed = True
        path = self.path.split("?", 1)[0]
        try:
            allowed = _ROUTES.get(path)
            if allowed is None:
                _refuse(f"no such page: {path[:80]}", 404)
            if method not in (allowed, "HEAD" if allowed == "GET" else ""):
                self._allow = allowed if allowed == "POST" else "GET, HEAD"
                _refuse(f"{path} answers {self._allow}, not {method[:20]}", 405)
            if path == "/predict":
                self._send_json(200, self.server.predictor.answer(self._read_json()))
            elif path == "/model":
                self._send_json(200, self.server.predictor.description)
            else:
                name, kind = _PAGES[path]
                self._send(200, self.server.pages[name], f"{kind}; charset=utf-8")
        except RequestError as error:
            self.send_error(error.status, str(error))
        except Exception as error:  # a bug must not end the server; it is logged in one line
            self._problem = f"{type(error).__name__}: {error}"
            self.send_error(500, "the server failed on this request (see its log)")

    # The body -----------------------------------------------------------------------------

    def _read_json(self) -> object:
        coding = self.headers.get("Transfer-Encoding")
        if coding is not None:  # chunked, or gzip, ...: the length of the body is not known before
            self.close_connection = True
            _refuse(
                f"send the body with a Content-Length, not {coding.strip()[:40] or 'Transfer-Encoding'}", 411
            )
        kind = self.headers.get("Content-Type", "application/json").split(";")[0].strip().lower()
        if kind != "application/json":
            self.close_connection = True
            _refuse(f"the body must be application/json, not {kind[:40]}", 415)
        length = self._content_length()
        body = self._read_body(length)
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        except RecursionError:
            _refuse("the body's JSON is nested too deeply", 400)
        except (UnicodeDecodeError, ValueError) as error:
            _refuse(f"the body is not valid JSON: {str(error)[:100]}", 400)

    def _content_length(self) -> int:
        """The one Content-Length of the request: ASCII digits, at most MAX_BODY_BYTES."""
        texts = {text.strip() for text in self.headers.get_all("Content-Length") or []}
        if not texts:
            self.close_connection = True
            _refuse("the request needs a Content-Length", 411)
        if len(texts) > 1:
            self.close_connection = True
            _refuse(f"the request has {len(texts)} different Content-Lengths", 400)
        text = texts.pop()
        if not (text.isascii() and text.isdigit()):  # not "+5", "1_000", "²" (which int() misreads)
            self.close_connection = True
            _refuse(f"Content-Length {text[:20]!r} is not a number of bytes", 400)
        digits = text.lstrip("0") or "0"
        length = int(digits) if len(digits) <= len(str(MAX_BODY_BYTES)) else MAX_BODY_BYTES + 1
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body is never read: the connection cannot go on
            _refuse(f"the body has {length} bytes; at most {MAX_BODY_BYTES} are accepted", 413)
        return length

    def _read_body(self, length: int) -> bytes:
        """Read length bytes, all within the timeout (a client sending a byte now and then is cut off)."""
        deadline = time.monotonic() + self.server.timeout_seconds
        parts, missing = [], length
        try:
            while missing > 0:
                if time.monotonic() > deadline:
                    raise socket.timeout
                part = self.rfile.read1(min(missing, 65536))
                if not part:
                    self.close_connection = True
                    _refuse(f"the body ended after {length - missing} of {length} bytes", 400)
                parts.append(part)
                missing -= len(part)
            self._body_read = True
        except socket.timeout:
            self.close_connection = True
            _refuse(f"the body did not arrive within {self.server.timeout_seconds:g} s", 408)
        return b"".join(parts)

    # Answers ------------------------------------------------------------------------------

    def _send_json(self, status: int, value: object) -> None:
        self._send(status, json.dumps(value, separators=(",", ":")).encode(), "application/json")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self._unread_rest():
            self.close_connection = True  # what is left (a GET's body, ...) would be read as a request
        if status == 405:
            self.send_header("Allow", self._allow)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        # The log line before the body: when a client has the answer, its line is in the log.
        self.server.log_request_line(self, status, len(body), time.perf_counter() - self._started)
        self._logged = True
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """Every error as JSON, {"error": message, "status": code}, http.server's own too (400, 414, 431)."""
        text = message or self.responses.get(code, ("error",))[0]
        self._problem = self._problem or text
        self._send_json(code, {"error": text, "status": code})

    def _unread_rest(self) -> bool:
        """Whether the connection holds unread parts of this request: a body left unread, or
        anything after a request http.server could not parse."""
        if not self._routed:
            return True
        length = self.headers.get("Content-Length", "0").strip()
        return not self._body_read and (length != "0" or "Transfer-Encoding" in self.headers)

    # The log: one line a request --------------------------------------------------------------

    def handle_one_request(self) -> None:
        self._logged = self._routed = self._body_read = False
        self._problem = self._allow = ""
        self.raw_requestline, self.requestline = b"", ""
        self.command, self.request_version = "", self.default_request_version
        reader: _HeadReader = self.rfile  # type: ignore[assignment]
        reader.restart()
        self._started = time.perf_counter()
        try:
            super().handle_one_request()
        except socket.timeout:  # a write was too slow
            self.close_connection = True
            self._problem = "timed out"
        if reader.expired and not self._logged:  # the head was too slow: say so, if the client listens
            self._answer_late_head()
        # A keep-alive connection that stays idle until the timeout is no request: no line then.
        if not self._logged and (self.raw_requestline or reader.deadline is not None):
            self.server.log_request_line(self, None, 0, time.perf_counter() - self._started)

    def _answer_late_head(self) -> None:
        self.close_connection = True
        message = f"the request's head did not arrive within {self.server.timeout_seconds:g} s"
        self._problem = message
        try:
            self.send_error(408, message)
            self.wfile.flush()
        except OSError:  # the client is gone or does not read: the log line is written already
            pass

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """http.server's own log line of each answer: _send writes ours instead."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        self._problem = (format % args)[:200]


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with a predictor, the static pages read once, and a one-line log."""

    daemon_threads = True  # Ctrl-C does not wait for slow clients
    request_queue_size = 512  # a burst of connections waits in the kernel's queue, not refused

    def __init__(
        self, address: Tuple[str, int], predictor: Predictor, *, timeout: float, log: IO[str]
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.predictor = predictor
        self.timeout_seconds = timeout
        self.log = log
        self.pages = {name: (STATIC / name).read_bytes() for name, _ in _PAGES.values()}
        self._log_lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"timeout": timeout})  # the socket timeout of each connection
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def log_request_line(self, handler: _Handler, status: Optional[int], size: int, seconds: float) -> None:
        """client "METHOD path" status bytes milliseconds [problem]"""
        request = (handler.requestline or "-")[:120]
        line = f'{handler.client_address[0]} "{request}" {status or "-"} {size} {1000 * seconds:.1f}ms'
        if handler._problem and (status is None or status >= 400):
            line += f" ({handler._problem})"
        with self._log_lock:
            self.log.write(line.translate(_ESCAPED) + "\n")
            self.log.flush()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed outside a request (the client left): one line, no traceback."""
        error = sys.exc_info()[1]
        with self._log_lock:
            self.log.write(f"{client_address[0]} connection error: {type(error).__name__}: {error}\n")
            self.log.flush()


def make_server(
    model_path: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    log: Any = None,
) -> Server:
    """Load and check the model (ModelError when it is bad or its input is not an image), then bind.

    Port 0 lets the system pick a free port: read it from server.server_address or server.url.
    """
    predictor = Predictor(load_model(model_path), model_path)
    try:
        return Server((host, port), predictor, timeout=timeout, log=log or sys.stderr)
    except OSError as error:
        raise PurennError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


# -- The command -------------------------------------------------------------------------------------


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0..65535, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 3600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 3600, got {text!r}")
    return value


def add_parser(commands: Any) -> None:
    """Add `serve` to the subcommands of the command line."""
    serve = commands.add_parser(
        "serve",
        help="a page in the browser to draw a digit on, and the JSON API behind it",
        description="Serve a page to draw digits on, read live by MODEL, and POST /predict, GET /model.",
    )
    serve.add_argument("model", metavar="MODEL", help="a model file written by purenn train")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=_port, default=8000, help="the port (0 picks a free one)")
    serve.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, help="seconds a client may take")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (then cli.py says "interrupted" and exits 130)."""
    server = make_server(args.model, args.host, args.port, timeout=args.timeout)
    try:
        print(f"purenn serve: {args.model} at {server.url} (Ctrl-C stops)", flush=True)
        server.serve_forever()
    finally:
        server.server_close()
    return 0
