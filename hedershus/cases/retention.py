"""Retention of cases (R22): a closed case is culled, with everything recorded in it,
``CASE_RETENTION_YEARS`` after its last entry (5 by default: the social services act's rule
for personal files; 10 for an installation that is a health care provider: settings.py).

"Its last entry" is the newest of: the case's own changes (``updated_at``, closing), its
contacts, flags and decisions, and whatever the apps written on a case report through
:func:`register_last_entry_source` (journal entries, assessments, documents, follow-ups).
A case still open is never culled, however old.

Culling deletes the case row; everything recorded in it goes with it by the database's
cascade. Signed journal entries refuse deletion (journal's triggers) unless a permit says
the case is being culled: the journal app registers that permit as a cull guard
(:func:`register_cull_guard`), entered around every deletion here. Each culled case leaves
one audit event, ``case.culled``, naming only its id (the reference is gone with the case)
and the year it was closed: nothing about the people in it.

The job is registered with ``core.retention`` and runs daily in ``manage.py retention_run``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.cases.models import Case, CaseStatus, Contact, Decision, Flag
from hedershus.core.retention import add_progress
from hedershus.messaging.models import Conversation

CULLED_EVENT = "case.culled"
RETENTION_EVENT_TYPES: dict[str, Promise] = {CULLED_EVENT: _("Retention: a closed case culled")}

# ``source(case_ids)`` → {case id: the newest moment something was recorded in that case}
# (cases with nothing recorded are left out).
LastEntrySource = Callable[[list[int]], dict[int, dt.datetime]]
# ``guard(case_ids)`` → a context manager inside which those cases may be deleted.
CullGuard = Callable[[list[int]], AbstractContextManager[None]]
# By name: AppConfig.ready may run more than once in tests; a name registered again replaces.
_last_entry_sources: dict[str, LastEntrySource] = {}
_cull_guards: dict[str, CullGuard] = {}


def register_last_entry_source(name: str, source: LastEntrySource) -> None:
    """Adds a source of "last entry" times: an app that records things on a case."""
    _last_entry_sources[name] = source


def register_cull_guard(name: str, guard: CullGuard) -> None:
    """Adds a guard entered around every deletion of expired cases (journal's permit)."""
    _cull_guards[name] = guard


def last_entry_source_for(model: type[Any], *fields: str) -> LastEntrySource:
    """A source reading the newest of ``fields`` (datetimes) of ``model``'s rows per
    ``case_id``: for apps whose records point at a case with a ``case`` foreign key."""

    def source(case_ids: list[int]) -> dict[int, dt.datetime]:
        newest: dict[int, dt.datetime] = {}
        for field in fields:
            rows = model.objects.filter(case_id__in=case_ids).values("case_id").annotate(newest=Max(field))
            _newest(newest, ((row["case_id"], row["newest"]) for row in rows))
        return newest

    return source


def _newest(into: dict[int, dt.datetime], rows: Iterable[tuple[int, dt.datetime | None]]) -> None:
    for case_id, moment in rows:
        if moment is not None and (case_id not in into or moment > into[case_id]):
            into[case_id] = moment


def cases_last_entry(case_ids: list[int]) -> dict[int, dt.datetime]:
    """{case id: the newest moment anything was recorded in it} for ``case_ids`` (aware
    datetimes). Every case has one: its own ``updated_at``."""
    newest: dict[int, dt.datetime] = {}
    cases = Case.objects.filter(pk__in=case_ids)
    _newest(newest, cases.values_list("pk", "updated_at"))
    _newest(newest, cases.values_list("pk", "closed_at"))
    for model, field in (
        (Contact, "created_at"),
        (Contact, "occurred_at"),
        (Decision, "decided_at"),
        (Flag, "raised_at"),
        (Flag, "lifted_at"),
    ):
        rows = model.objects.filter(case_id__in=case_ids).values("case_id").annotate(newest=Max(field))
        _newest(newest, ((row["case_id"], row["newest"]) for row in rows))
    for source in _last_entry_sources.values():
        _newest(newest, source(case_ids).items())
    return newest


def conversations_held_by_cases(expired: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Messaging's retention hold (``register_conversation_retention_hold``): a conversation
    taken into a case stays as long as the case does, so the case keeps its thread; it still
    goes with its room (room retention, or the visitor deleting it: their right, R11)."""
    return expired.filter(pk__in=Contact.objects.filter(conversation__isnull=False).values("conversation_id"))


def _years_later(day: dt.date, years: int) -> dt.date:
    """``day`` moved ``years`` ahead; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def case_cull_date(case: Case) -> dt.date | None:
    """The day a closed ``case`` will be culled (local date), or None while it is open: its
    last entry's date plus ``CASE_RETENTION_YEARS``. A later entry moves the day."""
    if case.status != CaseStatus.CLOSED:
        return None
    last = cases_last_entry([case.pk])[case.pk]
    return _years_later(timezone.localdate(last), settings.CASE_RETENTION_YEARS)


def cases_expired(*, now: dt.datetime) -> list[int]:
    """Ids of the closed cases whose cull date has come at ``now``, lowest first."""
    today = timezone.localdate(now)
    # Closed long enough ago is necessary (closing is an entry): a cheap first filter.
    oldest = _years_later(today, -settings.CASE_RETENTION_YEARS)
    candidates = list(
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__date__lte=oldest)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = []
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        last = cases_last_entry(chunk)
        expired += [
            pk
            for pk in chunk
            if _years_later(timezone.localdate(last[pk]), settings.CASE_RETENTION_YEARS) <= today
        ]
    return expired


def cases_due(now: dt.datetime) -> int:
    """How many cases the next run at ``now`` would cull: the length of :func:`cases_expired`,
    the job's own list (for the retention overview). Its cost is bounded by the closed cases
    closed ``CASE_RETENTION_YEARS`` ago or more (the cheap first filter), a few aggregate
    queries per 500 of them."""
    return len(cases_expired(now=now))


def cases_cull_expired(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Deletes every closed case whose cull date has come, ``batch_size`` cases per
    transaction; returns ``{"cases_culled": n}`` (and adds each committed batch to
    ``progress``, for the run's audit event). Each case is checked again under a row lock
    (a case reopened meanwhile stays) and leaves one content-free ``case.culled`` event."""
    culled = 0
    expired = cases_expired(now=now)
    for start in range(0, len(expired), batch_size):
        with transaction.atomic():
            ids = list(
                Case.objects.select_for_update()
                .filter(pk__in=expired[start : start + batch_size], status=CaseStatus.CLOSED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            closed_years = dict(Case.objects.filter(pk__in=ids).values_list("pk", "closed_at__year"))
            with ExitStack() as guards:
                for guard in _cull_guards.values():
                    guards.enter_context(guard(ids))
                Case.objects.filter(pk__in=ids).delete()
            for case_id in ids:
                audit_record(
                    CULLED_EVENT,
                    object_type="cases.case",
                    object_id=case_id,
                    data={"closed_year": closed_years.get(case_id)},
                )
            culled += len(ids)
        add_progress(progress, "cases_culled", len(ids))
    return {"cases_culled": culled}
