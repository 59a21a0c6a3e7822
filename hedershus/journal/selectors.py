"""Reads of a case's journal that apply its rules (R21): drafts only to their author.

The case itself comes from ``hedershus.cases.selectors.case_get_for_user`` (who may open
it); these decide what of its journal a user sees. Drafts are visible to their author alone,
and their text too: until it is signed, an entry is not part of the record, and colleagues
must not act on text its author has not vouched for (docs: "The journal").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case
from hedershus.core.exceptions import NotFound
from hedershus.journal.models import JournalEntry

# Days after which an unsigned draft shows on its author's start page (settings override).
DRAFT_STALE_DAYS_DEFAULT = 3


def draft_stale_days() -> int:
    """``settings.JOURNAL_DRAFT_STALE_DAYS`` (days, default 3; at least 0)."""
    return max(0, int(getattr(settings, "JOURNAL_DRAFT_STALE_DAYS", DRAFT_STALE_DAYS_DEFAULT)))


def journal_signed_entries(case: Case) -> QuerySet[JournalEntry]:
    """``case``'s signed entries, newest signature first, each with ``signed_corrections``
    (a list of at most one entry: the signed correction of it, with its author)."""
    corrections = JournalEntry.objects.filter(signed_at__isnull=False).select_related("author")
    return (
        JournalEntry.objects.filter(case=case, signed_at__isnull=False)
        .select_related("author", "corrects")
        .prefetch_related(Prefetch("corrections", queryset=corrections, to_attr="signed_corrections"))
        .order_by("-signed_at", "-id")
    )


def journal_drafts_of(user: Any, case: Case) -> QuerySet[JournalEntry]:
    """``user``'s own drafts in ``case``, oldest first (nobody else's)."""
    return JournalEntry.objects.filter(case=case, author_id=user.pk, signed_at__isnull=True).order_by(
        "created_at", "id"
    )


def journal_draft_get_for_user(user: Any, case: Case, entry_id: int) -> JournalEntry:
    """``user``'s draft ``entry_id`` in ``case``. ``NotFound`` for anything else: another
    person's draft, a signed entry, another case's entry, no such entry."""
    entry = (
        JournalEntry.objects.filter(pk=entry_id, case=case, author_id=user.pk, signed_at__isnull=True)
        .select_related("corrects")
        .first()
    )
    if entry is None:
        raise NotFound(_("No such draft."))
    return entry


def journal_signed_entry_get(case: Case, entry_id: int) -> JournalEntry:
    """Signed entry ``entry_id`` of ``case`` (``NotFound`` otherwise, drafts included)."""
    entry = (
        JournalEntry.objects.filter(pk=entry_id, case=case, signed_at__isnull=False)
        .select_related("author")
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


def journal_signed_correction_id(entry: JournalEntry) -> int | None:
    """The id of the signed correction of ``entry`` (None if it has none): an entry is
    corrected once, so its correction form is refused before anything is written."""
    return (
        JournalEntry.objects.filter(corrects=entry, signed_at__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )


def journal_stale_drafts(user: Any, *, now: dt.datetime | None = None) -> QuerySet[JournalEntry]:
    """``user``'s unsigned drafts written more than ``draft_stale_days()`` days ago, oldest
    first, with their case (for its number). No text is read."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=draft_stale_days())
    return (
        JournalEntry.objects.filter(author_id=user.pk, signed_at__isnull=True, created_at__lt=cutoff)
        .select_related("case")
        .only("id", "created_at", "case__id", "case__reference")
        .order_by("created_at", "id")
    )


def journal_own_entry_get(user: Any, case: Case, entry_id: int) -> JournalEntry:
    """``user``'s own entry ``entry_id`` in ``case``, draft or signed (``NotFound``
    otherwise): to tell a second click on "Sign" that the entry is already signed."""
    entry = JournalEntry.objects.filter(pk=entry_id, case=case, author_id=user.pk).first()
    if entry is None:
        raise NotFound(_("No such draft."))
    return entry


def journal_page_of_entry(case: Case, entry_id: int, page_size: int) -> int | None:
    """The page (from 1, newest first, ``page_size`` a page) of the journal that shows
    signed entry ``entry_id`` of ``case``; None if there is no such signed entry."""
    entry = JournalEntry.objects.filter(pk=entry_id, case=case, signed_at__isnull=False).first()
    if entry is None:
        return None
    newer = (
        JournalEntry.objects.filter(case=case, signed_at__isnull=False)
        .filter(Q(signed_at__gt=entry.signed_at) | Q(signed_at=entry.signed_at, id__gt=entry.pk))
        .count()
    )
    return newer // page_size + 1
