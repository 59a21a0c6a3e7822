"""Cases and answers for the assessments tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, CaseAssignment

_numbers = itertools.count(1)


def case_make(*assigned: Any, supervisor: Any = None) -> Case:
    """A case with ``assigned`` staff and ``supervisor``."""
    opener = assigned[0] if assigned else supervisor
    case = Case.objects.create(
        reference=f"T-{next(_numbers):05d}",
        opened_by=opener,
        opened_at=timezone.now(),
        supervisor=supervisor,
    )
    for user in assigned:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=timezone.now())
    return case


def phq9(*values: int, difficulty: str = "1") -> dict[str, str]:
    """PHQ-9 answers: ``values`` for items 1-9 (missing ones 0)."""
    padded = list(values) + [0] * (9 - len(values))
    answers = {f"item{i}": str(v) for i, v in enumerate(padded, start=1)}
    answers["difficulty"] = difficulty if any(padded) else ""
    return answers


def phq9_total(total: int) -> dict[str, str]:
    """PHQ-9 answers summing to ``total`` (filled from item 1, at most 3 each; item 9 kept 0
    up to 24 so the trigger stays out of the band tests)."""
    values = [0] * 9
    left = total
    for index in [*range(8), 8]:
        values[index] = min(3, left)
        left -= values[index]
    assert left == 0
    return phq9(*values)


def asq(q1: int = 0, q2: int = 0, q3: int = 0, q4: int = 0, q5: int | None = None) -> dict[str, str]:
    return {
        "q1": str(q1),
        "q2": str(q2),
        "q3": str(q3),
        "q4": str(q4),
        "q5": "" if q5 is None else str(q5),
    }


def judgement(
    factors: dict[str, str], acute: str = "high", future: str = "medium", severity: str = "low"
) -> dict[str, str]:
    """Judgement form fields: ``factors`` id → rating; the three levels with reasons."""
    data = {f"factor-{key}": rating for key, rating in factors.items()}
    data.update({f"note-{key}": f"note on {key}" for key in factors})
    for name, level in (("acute", acute), ("future", future), ("severity", severity)):
        data[f"level-{name}"] = level
        data[f"reason-{name}"] = f"reason for {name}"
    return data
