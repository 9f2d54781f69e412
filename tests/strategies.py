"""The suite's training cases and its gradient-check report; the strategies are public in purenn.testing.

Every gradient test records its example's worst error here; conftest.py prints the worst of each
check at the end of the run.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from hypothesis import strategies as st

from purenn.testing import L2_CHOICES, TrainingCase, training_cases

# Filled by the gradient tests, printed by conftest.py at the end of the run.
GRADIENT_REPORT: Dict[str, List[float]] = {}


def record_gradient_error(check: str, error: float) -> None:
    """Remember one example's worst relative error under the name of its check."""
    GRADIENT_REPORT.setdefault(check, []).append(error)


def every_case(dropout: Optional[bool] = None) -> st.SearchStrategy[TrainingCase]:
    """purenn.testing.training_cases with everything drawn: L2 from L2_CHOICES, dropout or not."""
    return training_cases(l2=L2_CHOICES, dropout=dropout)
