"""Writes of follow-up (R18): each in one transaction with its audit event. The caller has
opened the case through ``cases.selectors.case_get_for_user`` (access is decided there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.cases.models import Case
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.followup.models import (
    DomainRating,
    FollowUp,
    LifeDomain,
    MeasureKind,
    ProtectiveMeasure,
    Rating,
)

# How far ahead a follow-up or a measure may be dated: a typing mistake, not a plan.
FUTURE_DAYS_ALLOWED = 0
# How far back: older than this is a typing mistake (0001-01-01 from a date field, or 1800),
# which would also stretch the timeline's chart until nothing else could be read.
PAST_YEARS_ALLOWED = 20


def _not_in_future(day: dt.date, message: Any) -> None:
    if day > timezone.localdate() + dt.timedelta(days=FUTURE_DAYS_ALLOWED):
        raise InvalidInput(message)
    today = timezone.localdate()
    if day < today.replace(year=today.year - PAST_YEARS_ALLOWED, day=min(today.day, 28)):
        raise InvalidInput(
            _("The date cannot be more than %(years)s years ago: check the year.")
            % {"years": PAST_YEARS_ALLOWED}
        )


def follow_up_record(
    *, user: Any, case: Case, held_on: dt.date, ratings: dict[str, int], note: str = ""
) -> FollowUp:
    """Records a follow-up of ``case`` held on ``held_on`` with ``ratings`` (``LifeDomain``
    value → 1..5 on the ``Rating`` scale; domains not assessed are left out) and an optional
    note (encrypted). Raises ``InvalidInput`` for an unknown domain, a rating outside 1..5,
    no rating at all or a date in the future; ``Conflict`` if the case already has a
    follow-up that day. Audited as ``followup.recorded`` (date and domains rated, no values).
    """
    unknown = set(ratings) - set(LifeDomain.values)
    if unknown:
        raise InvalidInput(_("Unknown life domain."))
    if not ratings:
        raise InvalidInput(_("Rate at least one life domain."))
    if any(value not in Rating.values for value in ratings.values()):
        raise InvalidInput(_("Each rating is a step from 1 to 5."))
    _not_in_future(held_on, _("A follow-up cannot be dated in the future."))
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                case=case,
                held_on=held_on,
                note_encrypted=encrypt_text(note) if note.strip() else "",
                recorded_by=user,
                recorded_at=timezone.now(),
            )
            DomainRating.objects.bulk_create(
                DomainRating(follow_up=follow_up, domain=domain, rating=value)
                for domain, value in ratings.items()
            )
            audit_record(
                "followup.recorded",
                actor=user,
                target=follow_up,
                data={"case": case.pk, "held_on": held_on.isoformat(), "domains": sorted(ratings)},
            )
    except IntegrityError:
        raise Conflict(_("This case already has a follow-up on that day.")) from None
    return follow_up


def measure_add(
    *, user: Any, case: Case, kind: str, started_on: dt.date, ended_on: dt.date | None = None, note: str = ""
) -> ProtectiveMeasure:
    """Records a protective measure of ``kind`` (a ``MeasureKind`` value) from ``started_on``,
    until ``ended_on`` if it already ended. Raises ``InvalidInput`` for an unknown kind, a
    start in the future or an end before the start. Audited as ``followup.measure_added``."""
    if kind not in MeasureKind.values:
        raise InvalidInput(_("Unknown protective measure."))
    _not_in_future(started_on, _("A measure cannot start in the future."))
    if ended_on is not None and ended_on < started_on:
        raise InvalidInput(_("A measure cannot end before it starts."))
    with transaction.atomic():
        measure = ProtectiveMeasure.objects.create(
            case=case,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            note_encrypted=encrypt_text(note) if note.strip() else "",
            recorded_by=user,
            recorded_at=timezone.now(),
            ended_by=user if ended_on is not None else None,
        )
        audit_record(
            "followup.measure_added",
            actor=user,
            target=measure,
            data={"case": case.pk, "kind": kind, "started_on": started_on.isoformat()},
        )
    return measure


def measure_end(*, user: Any, case: Case, measure_id: int, ended_on: dt.date) -> ProtectiveMeasure:
    """Ends measure ``measure_id`` of ``case`` on ``ended_on`` (under a row lock). Raises
    ``NotFound`` if it is not this case's, ``Conflict`` if it has already ended and
    ``InvalidInput`` for an end before its start or in the future."""
    _not_in_future(ended_on, _("A measure cannot end in the future: record the end when it has happened."))
    with transaction.atomic():
        measure = ProtectiveMeasure.objects.select_for_update().filter(case=case, pk=measure_id).first()
        if measure is None:
            raise NotFound(_("No such measure."))
        if measure.ended_on is not None:
            raise Conflict(_("This measure has already ended."))
        if ended_on < measure.started_on:
            raise InvalidInput(_("A measure cannot end before it starts."))
        measure.ended_on = ended_on
        measure.ended_by = user
        measure.save(update_fields=["ended_on", "ended_by"])
        audit_record(
            "followup.measure_ended",
            actor=user,
            target=measure,
            data={"case": case.pk, "ended_on": ended_on.isoformat()},
        )
    return measure


def timeline_viewed(*, user: Any, case: Case) -> None:
    """Records that ``user`` read ``case``'s timeline (ratings, measures, contacts, risk)."""
    with transaction.atomic():
        audit_record("followup.timeline_viewed", actor=user, target=case)
