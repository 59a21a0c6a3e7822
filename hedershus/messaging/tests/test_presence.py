"""The visitor's presence for the counsellors, kept cheap (issue 9, items 3 and 9): written
on the online/offline transitions and refreshed for all of a process's room sockets in one
statement per heartbeat, while the queue still shows online and offline correctly."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hedershus.core.testing import SentEvent, capture_events, committed_db
from hedershus.messaging import consumers
from hedershus.messaging.events import STAFF_QUEUE_GROUP
from hedershus.messaging.models import Conversation
from hedershus.messaging.services.messages import (
    message_post_visitor,
    visitor_presence_refresh,
    visitor_presence_set,
)
from hedershus.messaging.staff_selectors import visitor_online
from hedershus.messaging.tests.helpers import centre_always_open, room_make
from hedershus.messaging.tests.test_consumers import _in_memory_layer, _open  # noqa: F401


def _conversation_in_new_room() -> Conversation:
    room = room_make()
    return message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej").conversation


@pytest.mark.django_db
def test_one_refresh_is_one_update_for_every_room_and_tells_staff_only_of_changes() -> None:
    centre_always_open()
    conversations = [_conversation_in_new_room() for _ in range(5)]
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Conversation.objects.filter(pk__in=[c.pk for c in conversations[1:]]).update(visitor_seen_at=long_ago)
    Conversation.objects.filter(pk=conversations[0].pk).update(visitor_seen_at=None)  # never seen
    with CaptureQueriesContext(connection) as queries, capture_events() as events:
        refreshed = visitor_presence_refresh([c.room_id for c in conversations])
    assert refreshed == 5
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1, writes
    # Only the conversation with no presence before changed state (it appeared online); the
    # queue pages hear it once.
    assert [e.payload for e in events] == [
        {"kind": "presence", "conversation": conversations[0].pk, "online": True},
        {"kind": "queue"},
    ]
    for conversation in conversations:
        conversation.refresh_from_db()
        assert visitor_online(conversation)


@pytest.mark.django_db
def test_a_visitor_leaving_or_coming_back_reaches_the_queue_pages_at_once() -> None:
    # The tester's queue kept "online" for 70 s after the visitor left, until a reload: only
    # the conversation page heard the presence hint.
    centre_always_open()
    conversation = _conversation_in_new_room()
    with capture_events() as events:
        visitor_presence_set(conversation.room, online=False)
    assert SentEvent(group=STAFF_QUEUE_GROUP, payload={"kind": "queue"}) in events
    with capture_events() as events:
        visitor_presence_set(conversation.room, online=True)
    assert SentEvent(group=STAFF_QUEUE_GROUP, payload={"kind": "queue"}) in events


@pytest.mark.django_db
def test_a_second_tab_of_a_visitor_already_online_does_not_refetch_every_queue() -> None:
    centre_always_open()
    conversation = _conversation_in_new_room()  # online: the visitor just wrote
    with capture_events() as events:
        visitor_presence_set(conversation.room, online=True)
    assert [e.payload["kind"] for e in events] == ["presence"]


@pytest.mark.django_db
def test_a_visitor_who_just_wrote_is_online_without_any_socket() -> None:
    # The queue said "not online" right after a visitor wrote (and always without JavaScript).
    centre_always_open()
    conversation = _conversation_in_new_room()
    assert conversation.visitor_seen_at is not None
    conversation.refresh_from_db()
    assert visitor_online(conversation)


@pytest.mark.django_db
def test_a_refresh_of_no_rooms_touches_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert visitor_presence_refresh([]) == 0
    assert queries.captured_queries == []


@committed_db
@pytest.mark.asyncio
async def test_the_heartbeat_refreshes_presence_and_the_last_tab_closing_sets_offline(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 0.05)
    await database_sync_to_async(centre_always_open)()
    conversation = await database_sync_to_async(_conversation_in_new_room)()
    room = await database_sync_to_async(lambda: conversation.room)()
    _key, first_tab = await _open(room)
    _key2, second_tab = await _open(room)
    stale = timezone.now() - dt.timedelta(minutes=10)
    await database_sync_to_async(Conversation.objects.filter(pk=conversation.pk).update)(
        visitor_seen_at=stale
    )
    for _attempt in range(100):
        await asyncio.sleep(0.05)
        await database_sync_to_async(conversation.refresh_from_db)()
        if conversation.visitor_seen_at is not None and conversation.visitor_seen_at > stale:
            break
    assert visitor_online(conversation), "the process's heartbeat did not refresh the presence"
    await first_tab.disconnect()
    await database_sync_to_async(conversation.refresh_from_db)()
    assert visitor_online(conversation), "one tab closing must not set a visitor with another tab offline"
    await second_tab.disconnect()
    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.visitor_seen_at is None and not visitor_online(conversation)
    assert consumers._refresher is None and not consumers._open_rooms
