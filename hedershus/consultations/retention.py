"""Retention of consultations (R22).

- **Linked to a case**: the consultation is an entry in that case. Its last activity moves
  the case's cull date (``register_last_entry_source`` in ``apps.py``), and when the case is
  culled the consultation goes with it, inside the culling transaction
  (``consultations_culled_with_cases``, a cull guard), so nothing of the thread outlives it.
- **Without a case**: deleted ``CONSULTATION_RETENTION_DAYS`` (default 730, two years)
  after its last activity (a message, taking, closing), open or not: advice without a case
  is kept long enough for a professional to come back to it, and no longer. The job
  (``consultations_cull_expired``) runs in the daily ``manage.py retention_run``.

Each culled consultation leaves one ``consultation.culled`` event with its id and unit;
the audit log holds no subject or message, so nothing is left to scrub there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from hedershus.audit.services import audit_record
from hedershus.consultations.models import Consultation
from hedershus.core.retention import add_progress

CULLED_EVENT = "consultation.culled"


def retention_days() -> int:
    """How many days a consultation without a case is kept after its last activity
    (the setting ``CONSULTATION_RETENTION_DAYS``, 730 by default)."""
    return int(settings.CONSULTATION_RETENTION_DAYS)


def consultations_expired(*, now: dt.datetime) -> QuerySet[Consultation]:
    """Consultations without a case whose last activity is more than ``retention_days()``
    before ``now``: what the job deletes and what the retention overview counts."""
    cutoff = now - dt.timedelta(days=retention_days())
    return Consultation.objects.filter(case__isnull=True, last_activity_at__lt=cutoff)


def _cull(ids: list[int], reason: str) -> int:
    """Deletes consultations ``ids`` (their messages cascade), one event each."""
    units = dict(Consultation.objects.filter(pk__in=ids).values_list("pk", "unit_id"))
    Consultation.objects.filter(pk__in=ids).delete()
    for consultation_id in ids:
        audit_record(
            CULLED_EVENT,
            object_type="consultations.consultation",
            object_id=consultation_id,
            data={"unit": units.get(consultation_id), "reason": reason},
        )
    return len(ids)


def consultations_cull_expired(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Deletes the consultations :func:`consultations_expired` finds, ``batch_size`` per
    transaction, each batch re-checked under a row lock (one that got a case or a message
    meanwhile stays). Returns ``{"consultations_culled": n}`` (and adds each committed batch
    to ``progress``, for the run's audit event)."""
    expired = list(consultations_expired(now=now).order_by("pk").values_list("pk", flat=True))
    culled = 0
    for start in range(0, len(expired), batch_size):
        with transaction.atomic():
            ids = list(
                consultations_expired(now=now)
                .select_for_update()
                .filter(pk__in=expired[start : start + batch_size])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if ids:
                culled += _cull(ids, "expired")
        add_progress(progress, "consultations_culled", len(ids))
    return {"consultations_culled": culled}


@contextmanager
def consultations_culled_with_cases(case_ids: list[int]) -> Iterator[None]:
    """A cull guard (``cases.retention.register_cull_guard``): the consultations of the cases
    being culled go with them, in the same transaction."""
    ids = list(Consultation.objects.filter(case_id__in=case_ids).order_by("pk").values_list("pk", flat=True))
    if ids:
        _cull(ids, "case_culled")
    yield
