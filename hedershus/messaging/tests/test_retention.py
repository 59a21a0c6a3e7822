"""Retention (R22): what the daily job deletes, what it keeps, its audit event, idempotence.

The clock is fixed: every test passes the same ``NOW`` (or patches ``timezone.now`` for the
command) and dates rows relative to it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from hedershus.audit.models import AuditEvent
from hedershus.core.crypto import encrypt_text
from hedershus.core.testing import capture_events
from hedershus.messaging import retention
from hedershus.messaging.events import STAFF_QUEUE_GROUP
from hedershus.messaging.models import (
    Absence,
    Attachment,
    Conversation,
    ConversationStatus,
    Message,
    SenderKind,
    Transfer,
)
from hedershus.rooms import retention as room_retention
from hedershus.rooms.models import ContactPerson, Note, Room, SavedPage

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db


def _room(*, idle_days: float, code: str | None = None) -> Room:
    room = Room.objects.create(code_digest=code or uuid.uuid4().hex, language="sv")
    Room.objects.filter(pk=room.pk).update(last_active_at=NOW - idle_days * DAY, created_at=NOW - 400 * DAY)
    room.refresh_from_db()
    return room


def _conversation(
    room: Room,
    *,
    status: str = ConversationStatus.CLOSED,
    closed_days_ago: float | None = None,
    last_message_days_ago: float = 100,
    waiting: bool = False,
) -> Conversation:
    conversation = Conversation.objects.create(room=room, status=status)
    last = NOW - last_message_days_ago * DAY
    message = Message.objects.create(
        conversation=conversation,
        seq=1,
        client_id=uuid.uuid4(),
        sender=SenderKind.VISITOR,
        body_encrypted=encrypt_text("hej"),
    )
    Attachment.objects.create(message=message, content_type="image/png", size=3, data_encrypted=b"xyz")
    Conversation.objects.filter(pk=conversation.pk).update(
        last_seq=1,
        created_at=last - DAY,
        last_message_at=last,
        waiting_since=last if waiting else None,
        closed_at=NOW - closed_days_ago * DAY if closed_days_ago is not None else None,
    )
    conversation.refresh_from_db()
    return conversation


def _everything_in_room(room: Room, staff: Any) -> None:
    conversation = _conversation(room, closed_days_ago=1)
    Transfer.objects.create(
        conversation=conversation, from_staff=staff, to_staff=staff, reason_encrypted=encrypt_text("x")
    )
    Note.objects.create(room=room, text_encrypted=encrypt_text("min anteckning"))
    SavedPage.objects.create(room=room, page=Page.objects.order_by("pk").first())
    ContactPerson.objects.create(room=room, staff=staff)


def _retention_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=retention.RETENTION_RUN_EVENT).order_by("pk"))


def test_a_room_idle_past_its_retention_goes_with_everything_in_it(counsellor: Any, settings: Any) -> None:
    settings.ROOM_RETENTION_DAYS = 183
    expired = _room(idle_days=183.1)
    _everything_in_room(expired, counsellor)

    counts = retention.retention_run(now=NOW)

    assert counts["rooms_deleted"] == 1
    assert not Room.objects.filter(pk=expired.pk).exists()
    for model in (Conversation, Message, Attachment, Transfer, Note, SavedPage, ContactPerson):
        assert model.objects.count() == 0, model.__name__


def test_a_room_used_within_its_retention_is_kept_with_everything_in_it(counsellor: Any) -> None:
    kept = _room(idle_days=182.9)
    _everything_in_room(kept, counsellor)

    retention.retention_run(now=NOW)

    assert Room.objects.filter(pk=kept.pk).exists()
    for model in (Conversation, Message, Attachment, Transfer, Note, SavedPage, ContactPerson):
        assert model.objects.count() == 1, model.__name__


def test_a_closed_conversation_goes_after_its_retention_and_the_room_stays(settings: Any) -> None:
    settings.CONVERSATION_RETENTION_DAYS = 90
    room = _room(idle_days=1)
    old = _conversation(room, closed_days_ago=90.1)
    recent = _conversation(room, closed_days_ago=89.9)

    counts = retention.retention_run(now=NOW)

    assert counts["conversations_deleted"] == 1
    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Message.objects.filter(conversation=old).exists()
    assert Attachment.objects.count() == 1  # the kept conversation's, not the deleted one's
    assert Room.objects.filter(pk=room.pk).exists()


def test_an_idle_open_conversation_with_nothing_unanswered_is_closed_and_counts_from_its_last_message(
    settings: Any,
) -> None:
    settings.CONVERSATION_IDLE_CLOSE_DAYS = 30
    settings.CONVERSATION_RETENTION_DAYS = 90
    idle = _conversation(_room(idle_days=1), status=ConversationStatus.ACTIVE, last_message_days_ago=31)
    busy = _conversation(_room(idle_days=1), status=ConversationStatus.ACTIVE, last_message_days_ago=29)

    counts = retention.retention_run(now=NOW)

    idle.refresh_from_db()
    busy.refresh_from_db()
    assert counts["conversations_closed"] == 1
    assert idle.status == ConversationStatus.CLOSED
    assert idle.closed_at == idle.last_message_at  # not the time the job ran
    assert busy.status == ConversationStatus.ACTIVE
    # 90 days after its last message it goes, like any closed conversation.
    assert idle.last_message_at is not None
    assert retention.retention_run(now=idle.last_message_at + 90.1 * DAY)["conversations_deleted"] == 1


def test_closing_idle_conversations_tells_the_counsellors_queues_after_commit(counsellor: Any) -> None:
    # They drop out of the assigned counsellor's "mine" list: an open queue page must refetch.
    idle = _conversation(_room(idle_days=1), status=ConversationStatus.ACTIVE, last_message_days_ago=31)
    Conversation.objects.filter(pk=idle.pk).update(assigned_to=counsellor)

    with capture_events() as events:
        retention.retention_run(now=NOW)

    assert [e.payload for e in events if e.group == STAFF_QUEUE_GROUP] == [{"kind": "queue"}]


def test_a_run_that_closes_nothing_tells_no_queue() -> None:
    _conversation(_room(idle_days=1), status=ConversationStatus.ACTIVE, last_message_days_ago=2)

    with capture_events() as events:
        retention.retention_run(now=NOW)

    assert [e for e in events if e.group == STAFF_QUEUE_GROUP] == []


def test_a_conversation_with_an_unanswered_visitor_message_is_never_closed_by_retention() -> None:
    waiting = _conversation(
        _room(idle_days=1), status=ConversationStatus.WAITING, last_message_days_ago=150, waiting=True
    )

    counts = retention.retention_run(now=NOW)

    waiting.refresh_from_db()
    assert waiting.status == ConversationStatus.WAITING
    assert counts["conversations_closed"] == counts["conversations_deleted"] == 0


def test_an_absence_goes_after_its_retention(counsellor: Any, colleague: Any, settings: Any) -> None:
    settings.ABSENCE_RETENTION_DAYS = 90
    today = NOW.date()
    old = Absence.objects.create(
        staff=counsellor, stand_in=colleague, starts_on=date(2026, 1, 1), ends_on=today - 91 * DAY
    )
    recent = Absence.objects.create(
        staff=counsellor, stand_in=colleague, starts_on=date(2026, 1, 1), ends_on=today - 89 * DAY
    )

    assert retention.retention_run(now=NOW)["absences_deleted"] == 1
    assert list(Absence.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_each_run_records_one_audit_event_with_counts_only(counsellor: Any) -> None:
    _everything_in_room(_room(idle_days=200), counsellor)
    _conversation(_room(idle_days=1), closed_days_ago=100)

    retention.retention_run(now=NOW)

    [event] = _retention_events()
    messaging_counts = {
        "rooms_deleted": 1,
        "conversations_closed": 0,
        "conversations_deleted": 1,
        "absences_deleted": 0,
        "completed": True,
    }
    assert {key: event.data[key] for key in messaging_counts} == messaging_counts
    # The jobs of the apps above messaging (core.retention: cases, consultations, ...) add
    # counts of their own: numbers only, nothing else.
    others = {key: value for key, value in event.data.items() if key not in messaging_counts}
    assert "cases_culled" in others
    assert all(isinstance(value, int) and not isinstance(value, bool) for value in others.values())
    assert event.actor is None and event.object_id == ""


def test_a_second_run_deletes_nothing_more_and_says_so(counsellor: Any) -> None:
    _everything_in_room(_room(idle_days=200), counsellor)
    kept = _room(idle_days=10)
    _conversation(kept, closed_days_ago=100)

    first = retention.retention_run(now=NOW)
    second = retention.retention_run(now=NOW)

    assert first["rooms_deleted"] == 1 and first["conversations_deleted"] == 1
    assert set(second.values()) == {0}
    assert Room.objects.get() == kept
    assert [event.data["rooms_deleted"] for event in _retention_events()] == [1, 0]


def test_a_backlog_is_deleted_in_batches_of_short_transactions() -> None:
    for _ in range(5):
        _room(idle_days=300)

    with CaptureQueriesContext(connection) as queries:
        deleted = room_retention.rooms_delete_expired(now=NOW, batch_size=2)

    assert deleted == 5
    assert not Room.objects.exists()
    room_deletes = [q for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "rooms_room"')]
    assert len(room_deletes) == 3  # 2 + 2 + 1, each in its own transaction


def test_a_registered_hold_keeps_a_conversation_and_its_room(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "_conversation_holds", [])
    monkeypatch.setattr(room_retention, "_room_holds", [])
    held_room = _room(idle_days=300)
    held = _conversation(held_room, closed_days_ago=300)
    free = _conversation(_room(idle_days=1), closed_days_ago=300)
    # What the cases app will register: conversations (and their rooms) linked to a case.
    retention.register_conversation_retention_hold(lambda expired: expired.filter(pk=held.pk))
    room_retention.register_room_retention_hold(lambda expired: expired.filter(pk=held_room.pk))

    counts = retention.retention_run(now=NOW)

    assert counts["rooms_deleted"] == 0 and counts["conversations_deleted"] == 1
    assert Conversation.objects.filter(pk=held.pk).exists()
    assert not Conversation.objects.filter(pk=free.pk).exists()


def test_a_failing_step_still_records_what_was_deleted_and_fails_loudly(
    counsellor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _everything_in_room(_room(idle_days=200), counsellor)

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(retention, "conversations_delete_expired", broken)
    with pytest.raises(RuntimeError):
        retention.retention_run(now=NOW)

    [event] = _retention_events()
    assert event.data["rooms_deleted"] == 1
    assert event.data["completed"] is False
    assert not Room.objects.exists()  # the rooms batch was committed before the failure


def test_the_command_runs_the_task_and_prints_the_counts(counsellor: Any) -> None:
    _everything_in_room(_room(idle_days=200), counsellor)
    out = StringIO()

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("retention_run", stdout=out)

    assert json.loads(out.getvalue())["rooms_deleted"] == 1
    assert not Room.objects.exists()
    assert len(_retention_events()) == 1


def test_the_command_fails_when_the_task_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(retention, "conversations_close_idle", broken)
    with pytest.raises(CommandError):
        call_command("retention_run", stdout=StringIO())
    assert _retention_events()[0].data["completed"] is False


def test_the_command_can_run_the_rules_in_its_own_process(counsellor: Any) -> None:
    _everything_in_room(_room(idle_days=200), counsellor)
    out = StringIO()

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("retention_run", "--here", stdout=out)

    assert json.loads(out.getvalue())["rooms_deleted"] == 1
