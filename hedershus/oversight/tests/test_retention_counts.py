"""The retention overview's counts are what the next run does (issue 13 item 4, a tester's
findings): taken at the next run's time, conversations going with their expiring room not
counted twice, idle conversations the run closes and then deletes counted, and the closing
shown; the last run's counts under their names."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.utils import timezone, translation

from conftest import sign_in
from hedershus.audit.services import audit_record
from hedershus.core.crypto import encrypt_text
from hedershus.core.retention import next_run
from hedershus.messaging.models import Absence, Conversation, ConversationStatus, Message, SenderKind
from hedershus.messaging.retention import RETENTION_RUN_EVENT, retention_run
from hedershus.oversight import selectors
from hedershus.rooms.models import Room

URL = "/staff/oversight/retention/"
DAY = dt.timedelta(days=1)

pytestmark = pytest.mark.django_db


def _times(settings: Any) -> tuple[dt.datetime, dt.datetime]:
    """(now, the next run): the page is read at 14:00, the run is at 03:15 the next day."""
    settings.RETENTION_RUN_TIME = "03:15"
    now = timezone.make_aware(dt.datetime(2026, 6, 14, 14, 0))
    run = next_run(now)
    assert run == timezone.make_aware(dt.datetime(2026, 6, 15, 3, 15))
    return now, run


def _room(run: dt.datetime, *, idle_days: float) -> Room:
    room = Room.objects.create(code_digest=uuid.uuid4().hex, language="sv")
    Room.objects.filter(pk=room.pk).update(last_active_at=run - idle_days * DAY, created_at=run - 900 * DAY)
    return room


def _conversation(
    room: Room, run: dt.datetime, *, last_days: float, closed_days: float | None = None, waiting: bool = False
) -> Conversation:
    status = ConversationStatus.CLOSED if closed_days is not None else ConversationStatus.ACTIVE
    conversation = Conversation.objects.create(room=room, status=status)
    Message.objects.create(
        conversation=conversation,
        seq=1,
        client_id=uuid.uuid4(),
        sender=SenderKind.VISITOR,
        body_encrypted=encrypt_text("hej"),
    )
    last = run - last_days * DAY
    Conversation.objects.filter(pk=conversation.pk).update(
        last_seq=1,
        created_at=last - DAY,
        last_message_at=last,
        waiting_since=last if waiting else None,
        closed_at=run - closed_days * DAY if closed_days is not None else None,
    )
    return conversation


def _rows() -> dict[str, selectors.RetentionRow]:
    with translation.override("en"):
        return {row.label: row for group in selectors.retention_overview().groups for row in group.rows}


def test_the_pages_counts_are_what_the_next_run_does(
    client: Any, administrator: Any, counsellor: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now, run = _times(settings)
    days = settings.CONVERSATION_RETENTION_DAYS  # 90; idle close after 30; rooms after 183
    # A room that expires at the run, with an expired closed conversation: goes with its room.
    expiring = _room(run, idle_days=settings.ROOM_RETENTION_DAYS + 1)
    _conversation(expiring, run, last_days=300, closed_days=days + 10)
    # Live rooms: an expired closed conversation (deleted) ...
    _conversation(_room(run, idle_days=1), run, last_days=days + 20, closed_days=days + 5)
    # ... an open one idle past the retention period (closed, then deleted in the same run) ...
    _conversation(_room(run, idle_days=1), run, last_days=days + 3)
    # ... an open one idle for 40 days (closed, kept) ...
    _conversation(_room(run, idle_days=1), run, last_days=40)
    # ... one that becomes idle only between now and the run (counted: the run closes it) ...
    _conversation(_room(run, idle_days=1), run, last_days=settings.CONVERSATION_IDLE_CLOSE_DAYS + 0.2)
    # ... and one with an unanswered message (never closed by retention).
    _conversation(_room(run, idle_days=1), run, last_days=days + 3, waiting=True)
    # An absence that ends its period between now and the run, one well past it.
    today = timezone.localdate(run)
    Absence.objects.create(
        staff=administrator,
        stand_in=counsellor,
        starts_on=today - 200 * DAY,
        ends_on=today - (settings.ABSENCE_RETENTION_DAYS + 1) * DAY,
    )
    Absence.objects.create(
        staff=administrator, stand_in=counsellor, starts_on=today - 400 * DAY, ends_on=today - 300 * DAY
    )

    monkeypatch.setattr(timezone, "now", lambda: now)
    rows = _rows()
    page_due = {
        "rooms_deleted": rows["rooms.Room"].due,
        "conversations_deleted": rows["messaging.Conversation"].due,
        "conversations_closed": dict(rows["messaging.Conversation"].also_due)["Closed as idle"],
        "absences_deleted": rows["messaging.Absence"].due,
    }
    assert page_due == {
        "rooms_deleted": 1,
        "conversations_deleted": 2,
        "conversations_closed": 3,
        "absences_deleted": 2,
    }
    sign_in(client, administrator)
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    conversations = page.split('id="messagingconversation"')[1].split("</article>")[0]
    assert '<dd class="retention-due">2</dd>' in conversations
    assert (
        "Next run: Closed as idle" in conversations
        and '<dd class="retention-also-due">3</dd>' in conversations
    )
    assert "counted as at the next run's time" in page

    # Read again after signing in: the session the sign-in made expires before the run too.
    overview = selectors.retention_overview()
    counts = retention_run(now=run)

    for key, due in page_due.items():
        assert counts[key] == due, key
    deleted = {key: n for key, n in counts.items() if key != "conversations_closed" and n}
    assert overview.due_total == sum(deleted.values()), deleted


def test_the_count_is_taken_at_the_next_runs_time_not_now(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now, run = _times(settings)
    # Expires between now (14:00) and the run (03:15 next day).
    _room(run, idle_days=settings.ROOM_RETENTION_DAYS + 0.1)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert _rows()["rooms.Room"].due == 1
    assert retention_run(now=run)["rooms_deleted"] == 1


def test_the_last_runs_counts_are_named_and_an_unknown_key_is_shown_as_it_is(
    client: Any, auditor: Any
) -> None:
    audit_record(
        RETENTION_RUN_EVENT,
        data={
            "absences_deleted": 2,
            "conversations_closed": 1,
            "a_new_jobs_very_long_count_key_deleted": 4,
            "completed": True,
        },
    )
    sign_in(client, auditor)
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Absences deleted: 2" in page and "Conversations closed as idle: 1" in page
    assert "<code>a_<wbr>new_<wbr>jobs_<wbr>very_<wbr>long_<wbr>count_<wbr>key_<wbr>deleted</code>: 4" in page
    assert "absences_deleted" not in page
    swedish = client.get(URL).content.decode()
    assert "Frånvaror raderade: 2" in swedish


def test_a_run_with_failed_jobs_names_them_all(client: Any, auditor: Any) -> None:
    audit_record(
        RETENTION_RUN_EVENT,
        data={
            "rooms_deleted": 1,
            "completed": False,
            "failed_job": "rooms",
            "failed_jobs": ["rooms", "cases"],
        },
    )
    sign_in(client, auditor)
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"failed in the jobs: rooms, cases", page)
