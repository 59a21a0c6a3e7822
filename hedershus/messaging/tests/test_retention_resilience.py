"""A retention job that fails does not stop the jobs after it (issue 13 item 4, a tester's
finding: a bad CASE_RETENTION_YEARS failed the cases job and no later job ran); the run's one
audit event names every failed job and the command still exits non-zero. At the largest
periods the settings allow, the run and the overview compute."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from hedershus.audit.models import AuditEvent
from hedershus.core import retention as core_retention
from hedershus.messaging import retention
from hedershus.oversight.selectors import retention_overview
from hedershus.rooms.models import Room

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    return AuditEvent.objects.filter(event_type=retention.RETENTION_RUN_EVENT).order_by("-pk").first()  # type: ignore[return-value]


def _broken(now: datetime, batch_size: int, *, progress: dict[str, int] | None = None) -> dict[str, int]:
    raise ValueError("year 0 is out of range")


def test_the_jobs_after_a_failed_one_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    room = Room.objects.create(code_digest=uuid.uuid4().hex, language="sv")
    Room.objects.filter(pk=room.pk).update(last_active_at=NOW - 400 * DAY)
    ran: list[str] = []
    for name, job in core_retention.retention_jobs():

        def recording(
            now: datetime, batch_size: int, *, progress: Any = None, _n: str = name, _j: Any = job
        ) -> Any:
            ran.append(_n)
            return _j(now, batch_size, progress=progress)

        monkeypatch.setitem(core_retention._jobs, name, cast(Any, recording))
    names = [name for name, _job in core_retention.retention_jobs()]
    monkeypatch.setitem(core_retention._jobs, "cases", _broken)
    monkeypatch.setitem(core_retention._jobs, "absences", _broken)

    with pytest.raises(retention.RetentionRunFailed) as failure:
        retention.retention_run(now=NOW)

    assert failure.value.failed_jobs == ["absences", "cases"]
    assert ran == [name for name in names if name not in {"absences", "cases"}]
    assert names.index("cases") < len(names) - 1  # some job comes after it, and ran
    assert not Room.objects.exists()
    data = _event().data
    assert data["completed"] is False
    assert data["failed_jobs"] == ["absences", "cases"] and data["failed_job"] == "absences"
    assert data["rooms_deleted"] == 1


def test_the_command_exits_non_zero_naming_the_failed_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(core_retention._jobs, "cases", _broken)
    with pytest.raises(CommandError, match="Retention jobs failed: cases; the others ran"):
        call_command("retention_run", "--here", stdout=io.StringIO())
    assert _event().data["failed_jobs"] == ["cases"]


def test_the_queued_task_fails_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(core_retention._jobs, "cases", _broken)
    with pytest.raises(CommandError, match="The retention task failed"):
        call_command("retention_run", stdout=io.StringIO())


def test_a_run_and_the_overview_compute_at_the_largest_periods_allowed(settings: Any) -> None:
    for name in (
        "ROOM_RETENTION_DAYS",
        "CONVERSATION_RETENTION_DAYS",
        "CONVERSATION_IDLE_CLOSE_DAYS",
        "ABSENCE_RETENTION_DAYS",
        "CONSULTATION_RETENTION_DAYS",
        "SUBJECT_ACCESS_RETENTION_DAYS",
        "TASK_RESULT_RETENTION_DAYS",
    ):
        setattr(settings, name, settings.RETENTION_MAX_DAYS)
    settings.CASE_RETENTION_YEARS = settings.RETENTION_MAX_YEARS
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        retention_overview()
    assert _event() is None
    retention.retention_run(now=NOW)
    assert _event().data["completed"] is True
