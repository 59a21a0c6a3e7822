"""Retention of data-subject requests (R22): a request, with its encrypted identity number and
its item decisions, is deleted ``SUBJECT_ACCESS_RETENTION_DAYS`` (730) after it was delivered
or refused, or after it was received if it never got that far (one prepared or approved and
then left). The extract itself is never stored. Each deletion leaves one audit event,
``subject_access.culled``, naming the request's id only.

Registered as the job ``subject_access`` with ``hedershus.core.retention``; runs in the daily
``manage.py retention_run``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from hedershus.audit.services import audit_record
from hedershus.core.retention import add_progress, in_batches
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest

CULLED_EVENT = "subject_access.culled"


def requests_expired(*, now: dt.datetime) -> QuerySet[SubjectAccessRequest]:
    """The requests past retention at ``now``: what the job deletes and the overview counts."""
    cutoff = now - dt.timedelta(days=settings.SUBJECT_ACCESS_RETENTION_DAYS)
    return SubjectAccessRequest.objects.filter(
        Q(status=RequestStatus.DELIVERED, delivered_at__lt=cutoff)
        | Q(status=RequestStatus.REFUSED, decided_at__lt=cutoff)
        | Q(status__in=(RequestStatus.PREPARED, RequestStatus.APPROVED), received_on__lt=cutoff.date())
    )


def requests_cull_expired(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Deletes what :func:`requests_expired` finds, ``batch_size`` per transaction
    (``core.retention.in_batches``: each batch found again under a row lock, so one that changed
    meanwhile is judged on what it is now). Returns ``{"subject_access_requests_culled": n}``
    and adds each committed batch to ``progress`` (the run's audit event)."""

    def cull(ids: list[int]) -> None:
        SubjectAccessRequest.objects.filter(pk__in=ids).delete()
        for request_id in ids:
            audit_record(
                CULLED_EVENT, object_type=SubjectAccessRequest._meta.label_lower, object_id=request_id
            )

    culled = in_batches(
        lambda: requests_expired(now=now),
        cull,
        batch_size,
        lambda n: add_progress(progress, "subject_access_requests_culled", n),
    )
    return {"subject_access_requests_culled": culled}
