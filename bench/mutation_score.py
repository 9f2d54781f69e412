"""The mutation score per engine module, from mutmut's results in mutants/ (see bench/mutation.sh).

    python bench/mutation_score.py [MODULE ...]         # the modules' scores, then the total
    python bench/mutation_score.py --survivors [MODULE]  # the names of the mutants that survived

A mutant is killed when a test failed with it (mutmut's exit codes 1 and 3) or it ran past its
time limit (a timeout: the change made the engine loop or crawl, which the tests noticed). It
survived when every test passed (0) or no test covers its function (33, "no tests"). Not yet
run (None) counts in neither.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Optional

MODULES = ["vectors", "activations", "losses", "network", "gradcheck", "batch", "kernels", "sample_loops"]
KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0, 5, 33}


def outcomes(root: Path, module: str) -> Dict[str, Optional[int]]:
    """mutant name -> mutmut's exit code (None: not run yet) for one module."""
    meta = root / "mutants" / "purenn" / f"{module}.py.meta"
    if not meta.exists():
        return {}
    exit_codes: Dict[str, Optional[int]] = json.loads(meta.read_text())["exit_code_by_key"]
    return exit_codes


def score_line(module: str, codes: List[Optional[int]]) -> str:
    """One module's line: killed / decided, and how many are left to run.

    >>> score_line("vectors", [1, 1, 0, None, 36])
    'vectors: 3 of 4 killed (75.0%), 1 survived, 1 not run yet'
    """
    killed = sum(code in KILLED for code in codes)
    survived = sum(code in SURVIVED for code in codes)
    decided = killed + survived
    percent = f"{100.0 * killed / decided:.1f}%" if decided else "-"
    waiting = sum(code is None for code in codes)
    other = len(codes) - decided - waiting
    text = f"{module}: {killed} of {decided} killed ({percent}), {survived} survived, {waiting} not run yet"
    return text + (f", {other} other (segfault/suspicious)" if other else "")


def main(argv: List[str]) -> int:
    root = Path.cwd()
    if argv[:1] == ["--survivors"]:
        for module in argv[1:] or MODULES:
            for name, code in sorted(outcomes(root, module).items()):
                if code in SURVIVED:
                    print(name)
        return 0
    everything: List[Optional[int]] = []
    for module in argv or MODULES:
        codes = list(outcomes(root, module).values())
        everything += codes
        print(score_line(module, codes))
    if not argv:
        print(score_line("all engine modules", everything))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
