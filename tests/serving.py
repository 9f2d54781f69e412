"""What the serve tests share: a small trained model, a real server on a free loopback port, requests.

- train_small_model: a 64-32-10 network trained for a few epochs on the stratified 75/25 split's
  training rows (a few seconds), saved as a model file; returns the test rows too.
- running_server: `purenn serve`'s server in a thread on 127.0.0.1, port 0; stopped afterwards.
- request: one real HTTP request with urllib: (status, decoded JSON or bytes, headers).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from purenn.data import load_digits
from purenn.estimator import Classifier
from purenn.model import save_model
from purenn.serve import Server, make_server
from purenn.splits import stratified_split, take

Rows = List[List[float]]


def train_small_model(path: Path, epochs: int = 10) -> Tuple[Rows, List[Any]]:
    """Train 64-32-10 (the default recipe's other settings, seed 0) and save it; return the test rows."""
    inputs, labels = load_digits()
    train, test = stratified_split(labels, 0.25, random.Random(0))
    classifier = Classifier(hidden=(32,), epochs=epochs, seed=0)
    classifier.fit(take(inputs, train), take(labels, train))
    split = {"kind": "stratified", "test_fraction": 0.25, "seed": 0}
    save_model(classifier.to_model(preset="default", data="digits", split=split), path)
    return take(inputs, test), take(labels, test)


class LockedLog(io.StringIO):
    """The server's log: lines written by many threads, read by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def lines(self) -> List[str]:
        with self.lock:
            return self.getvalue().splitlines()


@contextlib.contextmanager
def running_server(model: Path, *, timeout: float = 2.0) -> Iterator[Tuple[Server, LockedLog]]:
    """A server for model on 127.0.0.1 and a free port, serving in a thread until the block ends."""
    log = LockedLog()
    server = make_server(str(model), "127.0.0.1", 0, timeout=timeout, log=log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def request(
    url: str,
    *,
    method: str = "GET",
    body: Optional[bytes] = None,
    payload: object = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 10.0,
) -> Tuple[int, Any, Dict[str, str]]:
    """Send one request; return (status, JSON if the answer is JSON else bytes, headers)."""
    if payload is not None:
        body = json.dumps(payload).encode()
    sent = {"Content-Type": "application/json"} if body is not None else {}
    sent.update(headers or {})
    call = urllib.request.Request(url, data=body, method=method, headers=sent)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as reply:
            status, data, answer_headers = reply.status, reply.read(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        status, data, answer_headers = error.code, error.read(), dict(error.headers)
    if answer_headers.get("Content-Type", "").startswith("application/json") and data:
        return status, json.loads(data), answer_headers
    return status, data, answer_headers
