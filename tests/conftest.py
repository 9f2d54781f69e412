"""Hypothesis profiles and the gradient-check report.

- "ci" (chosen when the CI environment variable is set): derandomized, no example database, no
  deadline, so a CI run is the same every time and shared-machine noise cannot fail it.
- "dev" (the default): random, more examples, with the local example database.
- "mutation" (bench/mutation.sh): like "ci" with 10 examples and no shrinking, for mutation testing.
Pick one with HYPOTHESIS_PROFILE=ci|dev|thorough|mutation.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from strategies import GRADIENT_REPORT

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", deadline=None, max_examples=2000, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is a kill: no need to shrink it
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# A job started in the background of a shell without job control (`python -m pytest &`, a CI lane)
# starts with SIGINT ignored, and every purenn it spawns would inherit that: the Ctrl-C tests would
# then see nothing interrupted. Python's own handler instead, as an interactive start gets: a
# handler, unlike SIG_IGN, is reset to the default in the children.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for check, errors in sorted(GRADIENT_REPORT.items()):
        terminalreporter.write_line(f"{check}: worst {max(errors):.3g} over {len(errors)} examples")
