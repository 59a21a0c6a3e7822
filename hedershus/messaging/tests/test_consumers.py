"""The visitor's socket at /ws/room/ (consumers.RoomConsumer): send -> ack after commit, sync
after a sequence number, live delivery of replies, presence, and a session that left the room
is closed (issue 9, item 2).

Consumers read the database from other threads, so these tests commit (``committed_db``).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from hedershus.core.auth import CLOSE_SIGNED_OUT
from hedershus.core.consumers import websocket_stack
from hedershus.core.testing import committed_db
from hedershus.messaging.models import Conversation, Message
from hedershus.messaging.routing import websocket_urlpatterns
from hedershus.messaging.services.messages import message_post_staff, message_post_visitor
from hedershus.messaging.tests.helpers import centre_always_open, room_make, room_session_key
from hedershus.rooms.models import Room

pytestmark = [committed_db, pytest.mark.asyncio]

APPLICATION = websocket_stack(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _communicator(
    session_key: str | None, path: str = "/ws/room/", extra: list[tuple[bytes, bytes]] | None = None
) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), *(extra or [])]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(APPLICATION, path, headers=headers)


async def _open(room: Room) -> tuple[str, WebsocketCommunicator]:
    key = await database_sync_to_async(room_session_key)(room)
    communicator = _communicator(key)
    connected, code = await communicator.connect()
    assert connected, code
    return key, communicator


async def _room() -> Room:
    await database_sync_to_async(centre_always_open)()
    return await database_sync_to_async(room_make)()


async def test_a_socket_without_a_room_is_refused(db: None) -> None:
    key = await database_sync_to_async(room_session_key)(None)
    communicator = _communicator(key)
    connected, code = await communicator.connect()
    assert (connected, code) == (False, CLOSE_SIGNED_OUT)
    await communicator.disconnect()


async def test_send_is_acknowledged_with_its_seq_after_commit() -> None:
    room = await _room()
    _key, socket = await _open(room)
    client_id = str(uuid.uuid4())
    await socket.send_json_to({"type": "send", "client_id": client_id, "text": "Hej", "acute": False})
    frames = [await socket.receive_json_from(timeout=5) for _ in range(2)]
    ack = next(f for f in frames if f.get("type") == "ack")
    assert ack == {"type": "ack", "client_id": client_id, "seq": 1}
    stored = await database_sync_to_async(Message.objects.get)(client_id=client_id)
    assert stored.seq == 1  # committed when acknowledged: another connection reads it
    # The hint that followed brought the message itself, read from the database.
    pushed = next(f for f in frames if f.get("type") == "messages")
    assert [m["text"] for m in pushed["messages"]] == ["Hej"]
    await socket.disconnect()


async def test_a_resend_with_the_same_client_id_gets_the_same_seq() -> None:
    room = await _room()
    _key, socket = await _open(room)
    client_id = str(uuid.uuid4())
    acks = []
    for _ in range(2):
        await socket.send_json_to({"type": "send", "client_id": client_id, "text": "Hej", "acute": False})
        while True:
            frame = await socket.receive_json_from(timeout=5)
            if frame.get("type") == "ack":
                acks.append(frame["seq"])
                break
    assert acks == [1, 1]
    assert await database_sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


async def test_a_refused_message_is_an_error_frame_naming_the_client_id() -> None:
    room = await _room()
    _key, socket = await _open(room)
    client_id = str(uuid.uuid4())
    await socket.send_json_to({"type": "send", "client_id": client_id, "text": "   ", "acute": False})
    frame = await socket.receive_json_from(timeout=5)
    assert frame["type"] == "error" and frame["error"] == "invalid" and frame["client_id"] == client_id
    assert frame["message"]
    assert not await database_sync_to_async(Message.objects.exists)()
    await socket.disconnect()


def _three_messages_and_a_reply(room: Room, counsellor: Any) -> Conversation:
    for text in ("ett", "två", "tre"):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=text)
    conversation = Conversation.objects.get(room=room)
    message_post_staff(user=counsellor, conversation=conversation, client_id=uuid.uuid4(), text="svar")
    return conversation


async def test_sync_after_a_seq_returns_exactly_the_missed_messages(counsellor: Any) -> None:
    room = await _room()
    conversation = await database_sync_to_async(_three_messages_and_a_reply)(room, counsellor)
    _key, socket = await _open(room)
    await socket.send_json_to({"type": "sync", "after": 2, "conversation": conversation.pk})
    frame = await socket.receive_json_from(timeout=5)
    assert frame["type"] == "messages" and frame["reset"] is False
    assert [(m["seq"], m["text"], m["sender"]) for m in frame["messages"]] == [
        (3, "tre", "visitor"),
        (4, "svar", "staff"),
    ]
    assert frame["messages"][1]["name"] == "Counsellor"
    await socket.disconnect()


async def test_sync_naming_an_older_conversation_resets_to_the_current_one(counsellor: Any) -> None:
    room = await _room()
    conversation = await database_sync_to_async(_three_messages_and_a_reply)(room, counsellor)
    _key, socket = await _open(room)
    await socket.send_json_to({"type": "sync", "after": 3, "conversation": conversation.pk + 1000})
    frame = await socket.receive_json_from(timeout=5)
    assert frame["reset"] is True and [m["seq"] for m in frame["messages"]] == [1, 2, 3, 4]
    await socket.disconnect()


async def test_a_bad_sync_is_an_error_frame() -> None:
    room = await _room()
    _key, socket = await _open(room)
    await socket.send_json_to({"type": "sync", "after": "x"})
    assert (await socket.receive_json_from(timeout=5))["type"] == "error"
    await socket.disconnect()


async def test_a_counsellors_reply_reaches_the_visitors_socket(counsellor: Any) -> None:
    room = await _room()
    await database_sync_to_async(message_post_visitor)(room=room, client_id=uuid.uuid4(), text="Hej")
    conversation = await database_sync_to_async(Conversation.objects.get)(room=room)
    _key, socket = await _open(room)
    await database_sync_to_async(message_post_staff)(
        user=counsellor, conversation=conversation, client_id=uuid.uuid4(), text="Hej, jag heter C"
    )
    frame = await socket.receive_json_from(timeout=5)
    assert frame["type"] == "messages"
    assert [m["text"] for m in frame["messages"]] == ["Hej, jag heter C"]
    await socket.disconnect()


async def test_presence_is_set_on_connect_and_cleared_on_disconnect() -> None:
    room = await _room()
    await database_sync_to_async(message_post_visitor)(room=room, client_id=uuid.uuid4(), text="Hej")
    conversation = await database_sync_to_async(Conversation.objects.get)(room=room)
    layer = get_channel_layer()
    staff_channel = await layer.new_channel()
    await layer.group_add(f"conversation.{conversation.pk}", staff_channel)
    _key, socket = await _open(room)
    event = await layer.receive(staff_channel)
    assert event["event"] == {"kind": "presence", "conversation": conversation.pk, "online": True}
    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.visitor_seen_at is not None
    await socket.disconnect()
    event = await layer.receive(staff_channel)
    assert event["event"]["online"] is False
    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.visitor_seen_at is None


async def test_a_session_that_left_the_room_is_closed_at_the_next_message() -> None:
    room = await _room()
    key, socket = await _open(room)
    await database_sync_to_async(Session.objects.filter(session_key=key).delete)()
    await socket.send_json_to({"type": "sync", "after": 0})
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
    await socket.disconnect()


async def test_a_deleted_room_is_told_and_the_socket_closed() -> None:
    from hedershus.rooms.services import room_delete

    room = await _room()
    _key, socket = await _open(room)
    await database_sync_to_async(room_delete)(room)
    assert await socket.receive_json_from(timeout=5) == {"kind": "room.deleted"}
    assert (await socket.receive_output(timeout=5))["type"] == "websocket.close"
    await socket.disconnect()


def _post_without_hint(room: Room, text: str) -> None:
    """A message whose real-time hint is lost (as when Redis restarts at that moment)."""
    from unittest import mock

    with mock.patch("hedershus.core.realtime._send_now"):
        message_post_visitor(room=room, client_id=uuid.uuid4(), text=text)


async def test_a_lost_hint_is_made_good_by_the_next_one(counsellor: Any) -> None:
    room = await _room()
    await database_sync_to_async(message_post_visitor)(room=room, client_id=uuid.uuid4(), text="ett")
    conversation = await database_sync_to_async(Conversation.objects.get)(room=room)
    _key, socket = await _open(room)
    await socket.send_json_to({"type": "sync", "after": 0, "conversation": None})
    first = await socket.receive_json_from(timeout=5)
    assert [m["seq"] for m in first["messages"]] == [1]
    await database_sync_to_async(_post_without_hint)(room, "två")
    await database_sync_to_async(message_post_staff)(
        user=counsellor, conversation=conversation, client_id=uuid.uuid4(), text="tre"
    )
    frame = await socket.receive_json_from(timeout=5)
    assert [(m["seq"], m["text"]) for m in frame["messages"]] == [(2, "två"), (3, "tre")]
    await socket.disconnect()


async def test_a_handshake_that_fails_at_accept_leaves_the_room_uncounted(monkeypatch: Any) -> None:
    # The tester's aborted handshakes: accept() fails when the client has gone, no disconnect()
    # follows, and a socket counted before accept kept the visitor "online" for good.
    from hedershus.messaging import consumers

    room = await _room()

    async def gone(self: Any, *args: Any, **kwargs: Any) -> None:
        raise ConnectionResetError("the client dropped the handshake")

    monkeypatch.setattr(consumers.RoomConsumer, "accept", gone)
    key = await database_sync_to_async(room_session_key)(room)
    communicator = _communicator(key)
    with pytest.raises(ConnectionResetError):
        await communicator.connect()
    assert str(room.pk) not in consumers._open_rooms


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/ws/room/?lang=ar", b"sv", "نوع رسالة غير معروف."),  # the page's language first
        ("/ws/room/?lang=en", b"sv", "Unknown message type."),
        ("/ws/room/?lang=xx", b"so, en;q=0.5", "Nooca fariinta lama yaqaan."),  # then the browser's
        ("/ws/room/", b"", "Okänd meddelandetyp."),  # else the site's
    ],
)
async def test_error_frames_are_in_the_pages_language(path: str, accept: bytes, expected: str) -> None:
    room = await _room()
    key = await database_sync_to_async(room_session_key)(room)
    socket = _communicator(key, path, [(b"accept-language", accept)])
    connected, code = await socket.connect()
    assert connected, code
    await socket.send_json_to({"type": "nope"})
    frame = await socket.receive_json_from(timeout=5)
    while frame.get("type") != "error":
        frame = await socket.receive_json_from(timeout=5)
    assert frame["message"] == expected
    await socket.disconnect()


async def _answer_to(socket: WebsocketCommunicator, client_id: str) -> dict[str, Any]:
    """The ack or error frame for ``client_id`` (hints in between are skipped)."""
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame.get("type") in ("ack", "error") and frame.get("client_id") == client_id:
            return frame


async def test_above_the_send_rate_a_send_gets_rate_limited_with_retry_after(settings: Any) -> None:
    settings.ROOM_MESSAGES_PER_MINUTE = 5
    room = await _room()
    _key, socket = await _open(room)
    for n in range(5):
        client_id = str(uuid.uuid4())
        send = {"type": "send", "client_id": client_id, "text": f"hjälp {n}", "acute": False}
        await socket.send_json_to(send)
        assert (await _answer_to(socket, client_id))["type"] == "ack"
    client_id = str(uuid.uuid4())
    await socket.send_json_to({"type": "send", "client_id": client_id, "text": "en till", "acute": False})
    frame = await _answer_to(socket, client_id)
    assert frame["type"] == "error" and frame["error"] == "rate_limited"
    assert 1 <= frame["retry_after"] <= 60 and frame["message"]
    assert not await database_sync_to_async(Message.objects.filter(client_id=client_id).exists)()
    await socket.disconnect()


@pytest.mark.parametrize(("method", "path"), [("post", "/en/room/leave/"), ("get", "/exit")])
async def test_leaving_in_one_tab_closes_the_room_socket_of_another_at_once(method: str, path: str) -> None:
    # Another tab of the same browser kept showing the conversation after "Leave the room"
    # or a quick exit until the socket's next periodic check (a tester's finding).
    room = await _room()
    key, socket = await _open(room)

    def leave() -> int:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        return getattr(client, method)(path).status_code

    assert await database_sync_to_async(leave)() == 302
    output = await socket.receive_output(timeout=3)  # far less than WATCH_MAX_SECONDS
    while output["type"] != "websocket.close":
        output = await socket.receive_output(timeout=3)
    assert output["code"] == CLOSE_SIGNED_OUT
    # The browser answers a close with its own; without it the consumer's disconnect() never
    # runs and this process keeps counting the room as open (presence tests saw it).
    await socket.disconnect()


async def test_another_visitors_leave_does_not_close_this_socket() -> None:
    room = await _room()
    _key, socket = await _open(room)
    other_key = await database_sync_to_async(room_session_key)(room)  # the room on another device

    def leave() -> None:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = other_key
        client.post("/en/room/leave/")

    await database_sync_to_async(leave)()
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()
