"""Retention of data-subject requests: deleted SUBJECT_ACCESS_RETENTION_DAYS after they ended
(delivered or refused) or after they were received if they never ended; nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.core.crypto import encrypt_text
from hedershus.core.retention import retention_declarations
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest
from hedershus.subject_access.retention import CULLED_EVENT, requests_cull_expired, requests_expired
from hedershus.subject_access.tests.test_services import _prepare

DAYS = 730


def _ended(request: SubjectAccessRequest, status: str, days_ago: int, decider: Any) -> None:
    """Puts ``request`` in ``status``, decided (and delivered) ``days_ago``, received a week before."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    fields: dict[str, Any] = {
        "status": status,
        "decided_by": decider,
        "decided_at": when,
        "received_on": (when - dt.timedelta(days=7)).date(),
    }
    if status == RequestStatus.DELIVERED:
        fields["delivered_at"] = when
    if status == RequestStatus.REFUSED:
        fields["refusal_reason_encrypted"] = encrypt_text("not the person")
    SubjectAccessRequest.objects.filter(pk=request.pk).update(**fields)


def _received(request: SubjectAccessRequest, days_ago: int) -> None:
    SubjectAccessRequest.objects.filter(pk=request.pk).update(
        received_on=(timezone.now() - dt.timedelta(days=days_ago)).date()
    )


@pytest.fixture
def requests(family: Any, settings: Any) -> dict[str, SubjectAccessRequest]:
    settings.SUBJECT_ACCESS_RETENTION_DAYS = DAYS
    # One request made by the service (received today, being prepared), copied for the others.
    made = {"a": _prepare(family.counsellor)}
    names = [
        "delivered_old", "delivered_recent", "refused_old", "refused_recent", "abandoned_old",
        "abandoned_recent",
    ]  # fmt: skip
    for name in names:
        copy = SubjectAccessRequest.objects.get(pk=made["a"].pk)
        copy.pk = None
        copy.save()
        made[name] = copy
    _ended(made["delivered_old"], RequestStatus.DELIVERED, DAYS + 1, family.supervisor)
    _ended(made["delivered_recent"], RequestStatus.DELIVERED, DAYS - 1, family.supervisor)
    _ended(made["refused_old"], RequestStatus.REFUSED, DAYS + 1, family.supervisor)
    _ended(made["refused_recent"], RequestStatus.REFUSED, DAYS - 1, family.supervisor)
    _received(made["abandoned_old"], DAYS + 1)
    _received(made["abandoned_recent"], DAYS - 1)
    return made


def test_a_request_goes_its_period_after_it_ended_or_was_received(requests):
    expired = {r.pk for r in requests_expired(now=timezone.now())}
    assert expired == {requests[n].pk for n in ("delivered_old", "refused_old", "abandoned_old")}
    assert requests_cull_expired(timezone.now(), 2) == {"subject_access_requests_culled": 3}
    left = set(SubjectAccessRequest.objects.values_list("pk", flat=True))
    assert left == {requests[n].pk for n in ("a", "delivered_recent", "refused_recent", "abandoned_recent")}
    events = AuditEvent.objects.filter(event_type=CULLED_EVENT)
    assert sorted(int(e.object_id) for e in events) == sorted(
        requests[n].pk for n in ("delivered_old", "refused_old", "abandoned_old")
    )
    assert all(not e.data for e in events)  # the id only: no number, no counts of persons


def test_the_overview_counts_what_the_job_deletes(requests):
    model = "subject_access.SubjectAccessRequest"
    declaration = next(d for d in retention_declarations() if d.model == model)
    assert declaration.job == "subject_access"
    assert declaration.due is not None and declaration.due(timezone.now()) == 3
    assert requests_cull_expired(timezone.now(), 200)["subject_access_requests_culled"] == 3
    assert declaration.due(timezone.now()) == 0
