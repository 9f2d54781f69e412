"""Requests per second that `purenn serve` sustains on loopback, from client threads.

    python bench/serve_load.py                      # 2000 requests of each kind, 16 threads
    python bench/serve_load.py --requests 500 --threads 8 --model model.json

The server runs as `python -m purenn serve MODEL --port 0` in its own process (so the clients'
threads do not share its interpreter lock); the clients are threads here, each with its own
connection. Three kinds of request, each timed on its own:
    pixels             POST /predict {"pixels": 64 values}, the connection kept alive
    pixels, new conn.  the same, a new TCP connection for every request
    page bitmap        POST /predict {"bitmap": 224 x 224}, what the page sends while you draw
Reported: requests per second, the median and 95th percentile latency, and any non-200 answers.
Bounded: every request has a 30 s timeout, and the run stops after --requests of each kind.
The model, when not given, is 64-32-10 trained for 10 epochs (seed 0).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from purenn.data import load_digits  # noqa: E402
from purenn.images import uci_bitmap  # noqa: E402


def page_bitmap(pixels: Sequence[float], cell: int = 6, size: int = 224) -> List[List[int]]:
    """A test digit as the page would send it: its 32x32 bitmap drawn cell times as large.

    >>> bitmap = page_bitmap([16.0] * 64, cell=1, size=40)
    >>> len(bitmap), sum(map(sum, bitmap))
    (40, 1024)
    """
    sheet = [[0] * size for _ in range(size)]
    margin = (size - 32 * cell) // 2
    for y, row in enumerate(uci_bitmap(pixels)):
        for x, value in enumerate(row):
            if value:
                for dy in range(cell):
                    sheet[margin + y * cell + dy][margin + x * cell : margin + (x + 1) * cell] = [1] * cell
    return sheet


def _client(
    address: Tuple[str, int],
    bodies: List[bytes],
    keep_alive: bool,
    latencies: List[float],
    failures: List[str],
) -> None:
    connection: Optional[http.client.HTTPConnection] = None
    for body in bodies:
        if connection is None:
            connection = http.client.HTTPConnection(*address, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("POST", "/predict", body, {"Content-Type": "application/json"})
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                failures.append(str(reply.status))
        except OSError as error:
            failures.append(type(error).__name__)
            connection.close()
            connection = None
            continue
        latencies.append(time.perf_counter() - started)
        if not keep_alive:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def load(
    address: Tuple[str, int], bodies: List[bytes], threads: int, keep_alive: bool
) -> Tuple[float, List[float], List[str]]:
    """Send the bodies from threads (an equal share each); return (seconds, latencies, failures)."""
    latencies: List[float] = []
    failures: List[str] = []
    shares = [bodies[i::threads] for i in range(threads)]
    workers = [
        threading.Thread(target=_client, args=(address, share, keep_alive, latencies, failures))
        for share in shares
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(600)
    return time.perf_counter() - started, latencies, failures


def _small_model(path: Path) -> None:
    import random

    from purenn.estimator import Classifier
    from purenn.model import save_model
    from purenn.splits import stratified_split, take

    inputs, labels = load_digits()
    train, _ = stratified_split(labels, 0.25, random.Random(0))
    classifier = Classifier(hidden=(32,), epochs=10, seed=0).fit(take(inputs, train), take(labels, train))
    save_model(classifier.to_model(), path)


def _start_server(model: Path, log: Path) -> Tuple["subprocess.Popen[str]", Tuple[str, int]]:
    command = [sys.executable, "-m", "purenn", "serve", str(model), "--port", "0"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "w") as errors:  # the child keeps its own copy of the file
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=environment)
    assert process.stdout is not None
    line = process.stdout.readline()  # purenn serve: MODEL at http://127.0.0.1:PORT/ (Ctrl-C stops)
    if " at http://" not in line:
        process.kill()
        raise SystemExit(f"the server did not start: {log.read_text()}")
    host, port = line.split(" at http://")[1].split("/")[0].rsplit(":", 1)
    return process, (host, int(port))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests of each kind (default 2000)")
    parser.add_argument("--threads", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--model", help="a 64-input model file (default: train a small one)")
    args = parser.parse_args(argv)
    inputs, _ = load_digits()
    pixels = [json.dumps({"pixels": inputs[i % len(inputs)]}).encode() for i in range(args.requests)]
    bitmaps = [json.dumps({"bitmap": page_bitmap(inputs[i % 50])}).encode() for i in range(50)]
    with tempfile.TemporaryDirectory() as scratch:
        model = Path(args.model) if args.model else Path(scratch) / "model.json"
        if not args.model:
            _small_model(model)
        process, address = _start_server(model, Path(scratch) / "log.txt")
        try:
            print(f"{args.requests} requests of each kind, {args.threads} client threads, ", end="")
            print(f"server {address[0]}:{address[1]}")
            kinds = [
                ("pixels", pixels, True),
                ("pixels, new conn.", pixels, False),
                ("page bitmap", [bitmaps[i % 50] for i in range(args.requests)], True),
            ]
            for name, bodies, keep_alive in kinds:
                seconds, latencies, failures = load(address, bodies, args.threads, keep_alive)
                latencies.sort()
                p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
                print(
                    f"{name:<18} {len(latencies) / seconds:8.0f} requests/s   median "
                    f"{1000 * statistics.median(latencies):6.1f} ms   p95 {1000 * p95:6.1f} ms   "
                    f"{len(failures)} failed  ({len(bodies[0])} bytes a request)"
                )
            lines = len((Path(scratch) / "log.txt").read_text().splitlines())
            print(f"server log: {lines} lines for {3 * args.requests} requests")
        finally:
            process.terminate()
            process.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
