"""The default `purenn train` against the earlier default, side by side in one run.

    python bench/default_speed.py                 # 2 alternating rounds, seed 0 (~5 min on CPython 3.11)
    python bench/default_speed.py --rounds 3 --seed 1
    python bench/default_speed.py --quick         # 8 hidden units, 1 and 3 epochs: proves it runs
    pypy3 bench/default_speed.py                  # any interpreter: it runs its own
    python bench/default_speed.py --baseline ../old-checkout   # this checkout's default against
                                                  # another revision's (git worktree add ../old-checkout REV)

Each round runs, as subprocesses of this interpreter in a scratch directory, the two commands a
user types, one after the other:

    python -m purenn train --seed S --out new.json                               (the default)
    python -m purenn train --seed S --epochs 60 --train-accuracy --out old.json  (today's settings
                                                                                  given as flags)

The second is the earlier default as flags: the same network and steps for 60 epochs with the
training accuracy measured after every epoch (the preset `long`). The wall time of each command
counts everything the user waits for: start-up, reading and splitting the digits, training, the
test, saving the model. The script prints each round, the medians, the ratio new / old (the
issue's target: at most 1/3) and the test accuracy each command printed.

With --baseline DIR it compares instead the default command run from this checkout with the same
command run from DIR (another checkout of purenn): what a change of the code, not of the
settings, did to the time a user waits.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "default": [],
    "earlier default (--epochs 60 --train-accuracy)": ["--epochs", "60", "--train-accuracy"],
}
QUICK = {
    "default, 8 hidden, 1 epoch": ["--hidden", "8", "--epochs", "1"],
    "earlier, 8 hidden, 3 epochs": ["--hidden", "8", "--epochs", "3", "--train-accuracy"],
}


def run_train(flags: List[str], seed: int, out: Path, root: Path = ROOT) -> Tuple[float, str]:
    """Wall seconds of `python -m purenn train --seed S --out OUT FLAGS` with purenn from `root`,
    and its test accuracy line."""
    command = [sys.executable, "-m", "purenn", "train", "--seed", str(seed), "--out", str(out), *flags]
    environment = {**os.environ, "PYTHONPATH": str(root)}
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=out.parent)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.strip()}")
    accuracy = next(line for line in completed.stdout.splitlines() if line.startswith("test accuracy:"))
    return seconds, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="the --seed of both commands (default 0)")
    parser.add_argument("--quick", action="store_true", help="8 hidden units, 1 and 3 epochs, 1 round")
    parser.add_argument("--baseline", type=Path, help="a purenn checkout to time against")
    options = parser.parse_args()
    commands = QUICK if options.quick else COMMANDS
    roots = {name: ROOT for name in commands}
    if options.baseline is not None:
        if not (options.baseline / "purenn" / "__init__.py").is_file():
            raise SystemExit(f"--baseline {options.baseline}: not a purenn checkout (no purenn/__init__.py)")
        flags = next(iter(commands.values()))
        commands = {"this checkout": flags, f"baseline {options.baseline}": flags}
        roots = {"this checkout": ROOT, f"baseline {options.baseline}": options.baseline.resolve()}
    options.rounds = 1 if options.quick else options.rounds
    print(f"{sys.implementation.name} {sys.version.split()[0]}, seed {options.seed}, {options.rounds} rounds")
    times: Dict[str, List[float]] = {name: [] for name in commands}
    accuracies: Dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(1, options.rounds + 1):
            for name, flags in commands.items():
                seconds, accuracy = run_train(flags, options.seed, Path(scratch) / "model.json", roots[name])
                times[name].append(seconds)
                accuracies[name] = accuracy
                print(f"round {round_number} {name:48} {seconds:7.1f} s  {accuracy}", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    new, old = medians.values()
    for name, median in medians.items():
        print(f"median {name:47} {median:7.1f} s  {accuracies[name]}")
    if options.baseline is not None:
        print(f"ratio  this checkout / baseline = {new / old:.3f}")
    else:
        print(f"ratio  default / earlier default = {new / old:.3f} (target: at most {1 / 3:.3f})")


if __name__ == "__main__":
    main()
