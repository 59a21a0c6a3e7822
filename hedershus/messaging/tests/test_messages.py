"""Visitor and staff messages (services/messages.py): stored once, in order, encrypted, events
only after commit, acute help and the automatic answer (issue 9, items 2 and 4)."""

from __future__ import annotations

import threading
import uuid
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.exceptions import AccessDenied, InvalidInput, NotFound
from hedershus.core.testing import capture_events, committed_db
from hedershus.messaging import throttle
from hedershus.messaging.attachments import attachment_check
from hedershus.messaging.events import STAFF_QUEUE_GROUP, conversation_group
from hedershus.messaging.models import Conversation, ConversationStatus, Message, SenderKind
from hedershus.messaging.selectors import messages_after
from hedershus.messaging.services.messages import (
    MESSAGE_MAX_CHARS,
    MessageRateLimited,
    message_post_staff,
    message_post_visitor,
    message_text_clean,
    visitor_presence_set,
)
from hedershus.messaging.tests.helpers import centre_always_open, room_make
from hedershus.messaging.tests.test_attachments import png
from hedershus.rooms.events import room_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def room() -> Any:
    centre_always_open()
    return room_make()


def test_a_first_message_opens_a_waiting_conversation_with_seq_1(room: Any) -> None:
    message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej, jag behöver prata")
    conversation = message.conversation
    assert (message.seq, message.sender, conversation.status) == (
        1,
        SenderKind.VISITOR,
        ConversationStatus.WAITING,
    )
    assert conversation.waiting_since is not None and conversation.last_seq == 1
    second = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Är någon där?")
    assert (second.conversation_id, second.seq) == (conversation.pk, 2)
    assert [m["text"] for m in messages_after(conversation, 0)] == ["Hej, jag behöver prata", "Är någon där?"]


def test_the_text_is_encrypted_at_rest(room: Any) -> None:
    secret = "Min bror hotar mig"
    message = message_post_visitor(room=room, client_id=uuid.uuid4(), text=secret)
    stored = Message.objects.values_list("body_encrypted", flat=True).get(pk=message.pk)
    assert secret not in stored and "bror" not in stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_encrypted FROM messaging_message WHERE id = %s", [message.pk])
        assert "bror" not in cursor.fetchone()[0]
    assert messages_after(message.conversation, 0)[0]["text"] == secret


def test_a_retry_with_the_same_client_id_is_stored_once_with_one_event(room: Any) -> None:
    client_id = uuid.uuid4()
    with capture_events() as first_events:
        first = message_post_visitor(room=room, client_id=client_id, text="Hej")
    with capture_events(expected=0):
        again = message_post_visitor(room=room, client_id=str(client_id), text="Hej (igen)")
    assert again.pk == first.pk and again.seq == 1
    assert Message.objects.count() == 1
    assert Conversation.objects.get().last_seq == 1
    hints = [e for e in first_events if e.payload["kind"] == "message"]
    assert len(hints) == 2  # the room's sockets and the staff watching the conversation


def test_a_retry_racing_inside_one_conversation_is_decided_by_the_constraint(room: Any) -> None:
    """The pre-check misses (as when two retries race): the unique constraint still decides."""
    client_id = uuid.uuid4()
    first = message_post_visitor(room=room, client_id=client_id, text="Hej")
    with (
        mock.patch("hedershus.messaging.services.messages._earlier_message", return_value=None),
        capture_events(expected=0),
    ):
        again = message_post_visitor(room=room, client_id=client_id, text="Hej")
    assert again.pk == first.pk
    assert Conversation.objects.get().last_seq == 1  # the retry gave its number back


def test_events_go_out_after_commit_and_name_no_text(room: Any) -> None:
    with capture_events() as events:
        message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="hemligt")
    groups = {e.group for e in events}
    assert groups == {room_group(room), conversation_group(message.conversation_id), STAFF_QUEUE_GROUP}
    assert {"kind": "message", "conversation": message.conversation_id, "seq": 1} in [
        e.payload for e in events
    ]
    assert "hemligt" not in repr(events)


def test_a_post_that_rolls_back_sends_no_event_and_stores_nothing(room: Any) -> None:
    with capture_events(expected=0), pytest.raises(RuntimeError), transaction.atomic():
        message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
        raise RuntimeError("the caller's transaction fails later")
    assert not Message.objects.exists() and not Conversation.objects.exists()


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * (MESSAGE_MAX_CHARS + 1)], ids=["empty", "blank", "too-long"]
)
def test_bad_text_is_refused_with_a_reason_and_nothing_is_stored(room: Any, text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=text)
    assert str(refused.value)
    assert not Message.objects.exists()


def test_a_message_of_the_longest_length_is_accepted(room: Any) -> None:
    message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="å" * MESSAGE_MAX_CHARS)
    assert len(messages_after(message.conversation, 0)[0]["text"]) == MESSAGE_MAX_CHARS


def test_a_bad_client_id_is_refused(room: Any) -> None:
    with pytest.raises(InvalidInput):
        message_post_visitor(room=room, client_id="not-a-uuid", text="Hej")


def test_visitor_messages_are_audited_without_content(room: Any) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="något privat")
    events = AuditEvent.objects.filter(event_type__startswith="messaging.")
    assert {e.event_type for e in events} == {"messaging.conversation_opened", "messaging.message_sent"}
    assert all(e.actor_id is None and e.actor_kind == "visitor" for e in events)
    assert "privat" not in repr([(e.data, e.reason) for e in events])


def test_acute_puts_the_conversation_first_and_alerts_every_counsellor(room: Any) -> None:
    with capture_events() as events:
        message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hjälp", acute=True)
    conversation = Conversation.objects.get()
    assert message.acute and conversation.acute_since is not None
    assert any(
        e.group == STAFF_QUEUE_GROUP and e.payload == {"kind": "acute", "conversation": conversation.pk}
        for e in events
    )
    assert AuditEvent.objects.filter(event_type="messaging.acute_marked").exists()


# --- outside opening hours ---------------------------------------------------------------


def test_outside_hours_one_automatic_answer_per_waiting_period(db: None, counsellor: Any) -> None:
    room = room_make()  # no opening hours: closed
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hallå?")
    conversation = Conversation.objects.get()
    senders = list(Message.objects.filter(conversation=conversation).values_list("sender", flat=True))
    assert senders == [SenderKind.VISITOR, SenderKind.SYSTEM, SenderKind.VISITOR]
    system = messages_after(conversation, 0)[1]
    assert "112" in system["text"]
    # A reply ends the waiting period; the next message outside hours gets a new answer.
    Conversation.objects.filter(pk=conversation.pk).update(assigned_to=counsellor)
    message_post_staff(user=counsellor, conversation=conversation, client_id=uuid.uuid4(), text="Hej!")
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Tack")
    assert Message.objects.filter(sender=SenderKind.SYSTEM).count() == 2


def test_outside_hours_an_acute_message_gets_the_112_and_socialjouren_answer(db: None) -> None:
    room = room_make()
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Nu är det akut", acute=True)
    system = [m for m in messages_after(Conversation.objects.get(), 0) if m["sender"] == "system"]
    assert len(system) == 2
    assert "socialjouren" in system[1]["text"] and system[1]["acute"]


def test_inside_hours_no_automatic_answer(room: Any) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    assert not Message.objects.filter(sender=SenderKind.SYSTEM).exists()


# --- staff replies -----------------------------------------------------------------------


def test_a_counsellors_reply_takes_the_conversation_and_ends_the_wait(room: Any, counsellor: Any) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hjälp", acute=True)
    conversation = Conversation.objects.get()
    with capture_events() as events:
        reply = message_post_staff(
            user=counsellor,
            conversation=conversation,
            client_id=uuid.uuid4(),
            text="Hej, jag heter Counsellor",
        )
    conversation.refresh_from_db()
    assert (reply.seq, reply.sender, reply.author) == (2, SenderKind.STAFF, counsellor)
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assigned_to == counsellor
    assert conversation.waiting_since is None and conversation.acute_since is None
    assert {"kind": "message", "conversation": conversation.pk, "seq": 2} in [
        e.payload for e in events if e.group == room_group(room)
    ]
    assert AuditEvent.objects.filter(event_type="messaging.reply_sent", actor=counsellor).exists()
    payload = messages_after(conversation, 1)[0]
    assert (payload["name"], payload["sender"]) == ("Counsellor", "staff")  # first name only


def test_a_staff_reply_retry_is_stored_once(room: Any, counsellor: Any) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    conversation = Conversation.objects.get()
    client_id = uuid.uuid4()
    first = message_post_staff(user=counsellor, conversation=conversation, client_id=client_id, text="Hej")
    again = message_post_staff(user=counsellor, conversation=conversation, client_id=client_id, text="Hej")
    assert first.pk == again.pk and Message.objects.count() == 2


def test_staff_who_may_not_see_the_conversation_get_not_found(
    room: Any, cast: dict[Role, Any], colleague: Any
) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    conversation = Conversation.objects.get()
    message_post_staff(
        user=cast[Role.COUNSELLOR], conversation=conversation, client_id=uuid.uuid4(), text="Hej"
    )
    # Now it is another counsellor's: a colleague who does not stand in may not answer.
    with pytest.raises(NotFound):
        message_post_staff(user=colleague, conversation=conversation, client_id=uuid.uuid4(), text="Hej")
    for role in roles_without(Capability.HANDLE_CASES):
        with pytest.raises(AccessDenied):
            message_post_staff(user=cast[role], conversation=conversation, client_id=uuid.uuid4(), text="Hej")
    assert Message.objects.count() == 2


# --- presence ----------------------------------------------------------------------------


def test_presence_is_recorded_and_told_to_the_conversations_staff(room: Any) -> None:
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    conversation = Conversation.objects.get()
    with capture_events() as events:
        visitor_presence_set(room, online=True)
    conversation.refresh_from_db()
    assert conversation.visitor_seen_at is not None
    assert [(e.group, e.payload) for e in events] == [
        (
            conversation_group(conversation.pk),
            {"kind": "presence", "conversation": conversation.pk, "online": True},
        )
    ]
    visitor_presence_set(room, online=False)
    conversation.refresh_from_db()
    assert conversation.visitor_seen_at is None


def test_presence_without_a_conversation_records_nothing(room: Any) -> None:
    with capture_events(expected=0):
        assert visitor_presence_set(room, online=True) is None


# --- concurrency (PostgreSQL) --------------------------------------------------------------


@committed_db
def test_concurrent_posts_get_distinct_consecutive_seqs() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    centre_always_open()
    room = room_make()
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="först")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def post(index: int) -> None:
        try:
            barrier.wait()
            for n in range(5):
                message_post_visitor(room=room, client_id=uuid.uuid4(), text=f"{index}-{n}")
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = sorted(Message.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 22))
    assert Conversation.objects.get().last_seq == 21


@committed_db
def test_two_first_messages_at_once_share_one_conversation() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    centre_always_open()
    room = room_make()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait()
            message_post_visitor(room=room, client_id=uuid.uuid4(), text="hej")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert Conversation.objects.count() == 1
    assert sorted(Message.objects.values_list("seq", flat=True)) == [1, 2, 3]


# --- staff downloads -----------------------------------------------------------------------


def test_staff_who_see_the_conversation_open_its_attachment_and_it_is_audited(
    room: Any, counsellor: Any, colleague: Any
) -> None:
    from hedershus.messaging.services.messages import attachment_open_staff

    message = message_post_visitor(
        room=room, client_id=uuid.uuid4(), text="", attachment=attachment_check(png())
    )
    message_post_staff(
        user=counsellor, conversation=message.conversation, client_id=uuid.uuid4(), text="Tack"
    )
    attachment = attachment_open_staff(user=counsellor, message_id=message.pk)
    assert attachment.message_id == message.pk
    event = AuditEvent.objects.get(event_type="messaging.attachment_downloaded")
    assert event.actor == counsellor and event.object_id == str(message.conversation_id)
    with pytest.raises(NotFound):  # now the counsellor's conversation: not the colleague's
        attachment_open_staff(user=colleague, message_id=message.pk)
    assert AuditEvent.objects.filter(event_type="messaging.attachment_downloaded").count() == 1


def test_bidi_override_controls_are_removed_but_direction_marks_kept() -> None:
    # The tester's "\u202eevil" showed a counsellor "live": text in another order than written.
    assert message_text_clean("\u202eevil") == "evil"
    assert message_text_clean("a\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069b") == "ab"
    assert (
        message_text_clean("\u0645\u0631\u062d\u0628\u0627\u200f OK\u200e")
        == "\u0645\u0631\u062d\u0628\u0627\u200f OK\u200e"
    )


# --- the send rate (messaging.throttle) -----------------------------------------------------


def _fill_the_minute(room: Any, settings: Any, monkeypatch: Any, *, per_minute: int = 5) -> float:
    """Sends ``per_minute`` messages at 20 s into a fixed clock minute; returns that time."""
    settings.ROOM_MESSAGES_PER_MINUTE = per_minute
    now = 1_800_000_020.0  # 20 s into a clock minute: 40 s left
    monkeypatch.setattr(throttle, "_now", lambda: now)
    for n in range(per_minute):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=f"hjälp {n}")
    return now


def test_a_visitor_may_send_a_whole_minutes_allowance_at_once_then_is_told_to_wait(
    room: Any, settings: Any, monkeypatch: Any
) -> None:
    _fill_the_minute(room, settings, monkeypatch)
    with pytest.raises(MessageRateLimited) as caught:
        message_post_visitor(room=room, client_id=uuid.uuid4(), text="en till")
    assert caught.value.status == 429 and caught.value.code == "rate_limited"
    assert caught.value.extra == {"retry_after": 40} and "40" in str(caught.value)
    assert Message.objects.count() == 5  # nothing stored


def test_the_send_rate_starts_again_with_the_next_minute_and_refusals_do_not_count(
    room: Any, settings: Any, monkeypatch: Any
) -> None:
    now = _fill_the_minute(room, settings, monkeypatch)
    for _ in range(10):  # a client retrying too early is not held back longer for it
        with pytest.raises(MessageRateLimited):
            message_post_visitor(room=room, client_id=uuid.uuid4(), text="för tidigt")
    monkeypatch.setattr(throttle, "_now", lambda: now + 40)
    for n in range(5):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=f"nästa minut {n}")
    assert Message.objects.count() == 10


def test_at_the_default_rate_a_fast_writers_minute_is_never_refused(room: Any, settings: Any) -> None:
    # Someone in distress sends short messages every 1.5-2 s, at most about 20 in a minute
    # (docs/threat-model.md, "Room opening and send rate limits"): all of them go through.
    assert settings.ROOM_MESSAGES_PER_MINUTE >= 20
    for n in range(20):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=f"hjälp {n}")
    assert Message.objects.filter(sender=SenderKind.VISITOR).count() == 20


def test_the_send_rate_is_per_room(room: Any, settings: Any, monkeypatch: Any) -> None:
    _fill_the_minute(room, settings, monkeypatch)
    other = room_make()
    assert message_post_visitor(room=other, client_id=uuid.uuid4(), text="Hej").seq == 1


def test_an_attachment_counts_against_the_send_rate(room: Any, settings: Any, monkeypatch: Any) -> None:
    settings.ROOM_MESSAGES_PER_MINUTE = 5
    picture = attachment_check(png())
    for _ in range(5):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text="", attachment=picture)
    with pytest.raises(MessageRateLimited):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text="", attachment=picture)


def test_a_retry_of_a_stored_message_is_acknowledged_even_above_the_send_rate(
    room: Any, settings: Any, monkeypatch: Any
) -> None:
    _fill_the_minute(room, settings, monkeypatch)
    stored = Message.objects.order_by("seq").last()
    assert stored is not None
    again = message_post_visitor(room=room, client_id=stored.client_id, text="hjälp 4")
    assert again.pk == stored.pk


def test_counsellors_replies_are_never_limited(
    room: Any, settings: Any, monkeypatch: Any, counsellor: Any
) -> None:
    _fill_the_minute(room, settings, monkeypatch)
    conversation = Conversation.objects.get(room=room)
    for n in range(8):
        reply = f"svar {n}"
        message_post_staff(user=counsellor, conversation=conversation, client_id=uuid.uuid4(), text=reply)
    assert Message.objects.filter(sender=SenderKind.STAFF).count() == 8
