"""The daily run (``retention_run``) runs every job registered in ``core.retention`` and its
one audit event carries every job's counts, numbers only; a run that fails part-way records
what was committed before the failure and which job failed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session

from hedershus.audit.models import AuditEvent
from hedershus.core import retention as core_retention
from hedershus.core.retention import retention_declarations, retention_jobs
from hedershus.messaging import retention
from hedershus.rooms.models import Room
from hedershus.rooms.retention import rooms_expired

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db


def _idle_rooms(n: int) -> None:
    for _ in range(n):
        room = Room.objects.create(code_digest=uuid.uuid4().hex, language="sv")
        Room.objects.filter(pk=room.pk).update(last_active_at=NOW - 400 * DAY, created_at=NOW - 400 * DAY)


def _event() -> AuditEvent:
    return AuditEvent.objects.filter(event_type=retention.RETENTION_RUN_EVENT).order_by("-pk").first()  # type: ignore[return-value]


def test_every_registered_job_runs_and_its_counts_are_in_the_event() -> None:
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=NOW - DAY)
    _idle_rooms(2)

    counts = retention.retention_run(now=NOW)

    data = _event().data
    for key in (
        "rooms_deleted",
        "conversations_closed",
        "conversations_deleted",
        "absences_deleted",
        "sessions_deleted",
        "task_results_deleted",
        "editing_sessions_deleted",
        "form_states_deleted",
        "cases_culled",
        "consultations_culled",
    ):
        assert key in counts and data[key] == counts[key], key
    assert data["rooms_deleted"] == 2 and data["sessions_deleted"] == 1 and data["completed"] is True
    # Numbers only: nothing in the event but counts and the flag.
    assert all(isinstance(value, int) for value in data.values())


def test_the_due_count_of_a_job_matches_what_its_run_deletes() -> None:
    _idle_rooms(3)
    [rooms] = [d for d in retention_declarations() if d.model == "rooms.Room"]
    assert rooms.due is not None and rooms.due(NOW) == 3
    assert retention.retention_run(now=NOW)["rooms_deleted"] == 3
    assert rooms.due(NOW) == 0


def test_a_job_failing_part_way_leaves_what_it_committed_and_its_name_in_the_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _idle_rooms(3)

    def one_batch_then_fail(**kwargs: Any) -> int:
        # One batch of one room committed and reported, then the database goes away.
        rooms_expired(now=kwargs["now"]).order_by("pk").first().delete()  # type: ignore[union-attr]
        core_retention.add_progress(kwargs["progress"], "rooms_deleted", 1)
        raise RuntimeError("database went away")

    monkeypatch.setattr(retention, "rooms_delete_expired", one_batch_then_fail)
    with pytest.raises(RuntimeError):
        retention.retention_run(now=NOW)

    data = _event().data
    assert data["completed"] is False and data["failed_job"] == "rooms"
    assert data["rooms_deleted"] == 1 and Room.objects.count() == 2


def test_a_registered_job_failing_after_a_batch_keeps_its_count(monkeypatch: pytest.MonkeyPatch) -> None:
    Session.objects.bulk_create(
        [Session(session_key=f"s{i:031d}", session_data="", expire_date=NOW - DAY) for i in range(3)]
    )
    real = dict(retention_jobs())["sessions"]

    def sessions_then_failure(
        now: datetime, batch_size: int, *, progress: dict[str, int] | None = None
    ) -> dict[str, int]:
        real(now, 2, progress=progress)  # commits two batches (2 + 1)
        raise RuntimeError("disk full")

    monkeypatch.setitem(core_retention._jobs, "sessions", sessions_then_failure)
    with pytest.raises(RuntimeError):
        retention.retention_run(now=NOW)
    data = _event().data
    assert data["sessions_deleted"] == 3 and data["failed_job"] == "sessions" and data["completed"] is False
