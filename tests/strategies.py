"""The gradient-check report of the test suite; the strategies themselves are public in purenn.testing.

Every gradient test records its example's worst error here; conftest.py prints the worst of each
check at the end of the run.
"""

from __future__ import annotations

from typing import Dict, List

# Filled by the gradient tests, printed by conftest.py at the end of the run.
GRADIENT_REPORT: Dict[str, List[float]] = {}


def record_gradient_error(check: str, error: float) -> None:
    """Remember one example's worst relative error under the name of its check."""
    GRADIENT_REPORT.setdefault(check, []).append(error)
