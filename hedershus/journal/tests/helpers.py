"""Builders for the journal's tests: a case with its assigned staff, entries in each state."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, CaseAssignment
from hedershus.journal import services
from hedershus.journal.models import JournalEntry

_numbers = itertools.count(1)


def case_make(*assigned: Any, supervisor: Any = None) -> Case:
    """A new case (opened by the first assigned user) with ``assigned`` working on it."""
    now = timezone.now()
    opener = assigned[0] if assigned else supervisor
    case = Case.objects.create(
        reference=f"T-{next(_numbers):05d}", opened_by=opener, opened_at=now, supervisor=supervisor
    )
    for user in assigned:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=now)
    return case


def draft_make(author: Any, case: Case, text: str = "Samtal med kontaktpersonen.") -> JournalEntry:
    return services.entry_draft_create(user=author, case=case, text=text)


def signed_make(author: Any, case: Case, text: str = "Samtal med kontaktpersonen.") -> JournalEntry:
    draft = draft_make(author, case, text)
    return services.entry_sign(user=author, case=case, entry_id=draft.pk)


def correction_make(author: Any, case: Case, corrected: JournalEntry, text: str = "Rättat.") -> JournalEntry:
    draft = services.entry_draft_create(user=author, case=case, text=text, corrects_id=corrected.pk)
    return services.entry_sign(user=author, case=case, entry_id=draft.pk)
