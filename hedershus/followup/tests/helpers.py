"""Builders for follow-up's tests: a case with its assigned staff."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, CaseAssignment

_numbers = itertools.count(1)


def case_make(*assigned: Any, supervisor: Any = None) -> Case:
    """A new case (opened by the first assigned user) with ``assigned`` working on it."""
    now = timezone.now()
    opener = assigned[0] if assigned else supervisor
    case = Case.objects.create(
        reference=f"F-{next(_numbers):05d}", opened_by=opener, opened_at=now, supervisor=supervisor
    )
    for user in assigned:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=now)
    return case
