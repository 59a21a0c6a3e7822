"""Staff and visitor sockets: who may connect, re-checked on every message (core/consumers.py).

Consumers read the database from other threads, so these tests commit for real
(``transaction=True``); the suite empties the database after each despite the audit
log's triggers (``hedershus.core.testing``).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import path
from django.utils import timezone

from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.core import consumers as core_consumers
from hedershus.core import context
from hedershus.core.access_testing import for_roles_without
from hedershus.core.auth import CLOSE_FORBIDDEN, CLOSE_SIGNED_OUT
from hedershus.core.consumers import (
    ROOM_SESSION_KEY,
    StaffConsumer,
    VisitorConsumer,
    room_session_mark_active,
    websocket_stack,
)
from hedershus.core.exceptions import Conflict
from hedershus.core.realtime import send_event_on_commit
from hedershus.core.testing import committed_db

pytestmark = [committed_db, pytest.mark.asyncio]


def _record_user_view(user_id: int) -> None:
    """Stands in for an app's service: records an audit event from a consumer's message."""
    user = User.objects.get(pk=user_id)
    audit_record("user.viewed", actor=user, target=user)


class CaseQueueConsumer(StaffConsumer):
    capability = "handle_cases"

    async def connect(self) -> None:
        await self.join("test.queue")
        await self.accept()

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content.get("action") == "take":
            raise Conflict("Someone else already took this conversation.", extra={"id": 3})
        if content.get("action") == "audit":
            await database_sync_to_async(_record_user_view)(self.scope["user"].pk)
        user = await self.current_user()
        await self.send_json({"ok": True, "role": user.role, "request_id": context.request_id.get()})


class RoomConsumer(VisitorConsumer):
    async def connect(self) -> None:
        await self.join(f"test.room.{self.room_id}")
        await self.accept()

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        await self.send_json({"room": self.room_id})


APPLICATION = websocket_stack(
    [path("ws/test/queue/", CaseQueueConsumer.as_asgi()), path("ws/test/room/", RoomConsumer.as_asgi())]
)


def _session_key_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


def _visitor_session(room_id: str | None) -> str:
    from importlib import import_module

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    if room_id is not None:
        session[ROOM_SESSION_KEY] = room_id
        room_session_mark_active(session)
    session.create()
    return str(session.session_key)


def _communicator(
    url: str, session_key: str | None, origin: str = "http://localhost"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(APPLICATION, url, headers=headers)


async def _connect(url: str, session_key: str | None) -> tuple[bool, Any, WebsocketCommunicator]:
    communicator = _communicator(url, session_key)
    connected, code = await communicator.connect()
    if not connected:
        await communicator.disconnect()  # as the server does after a refused handshake
    return connected, code, communicator


async def _assert_closed_with(communicator: WebsocketCommunicator, code: int) -> None:
    output = await communicator.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": code}
    await communicator.disconnect()  # what the browser answers; lets the consumer end


# --- staff: who may connect --------------------------------------------------------------


async def test_a_counsellor_signed_in_with_a_second_factor_connects(counsellor: User) -> None:
    key = await database_sync_to_async(_session_key_of)(counsellor)
    connected, _code, communicator = await _connect("/ws/test/queue/", key)
    assert connected
    await communicator.send_json_to({"action": "ping"})
    assert (await communicator.receive_json_from())["ok"] is True
    await communicator.disconnect()


async def test_an_anonymous_socket_is_refused_as_signed_out(db: None) -> None:
    connected, code, _ = await _connect("/ws/test/queue/", None)
    assert (connected, code) == (False, CLOSE_SIGNED_OUT)


async def test_a_user_without_a_second_factor_is_refused(user_without_mfa: User) -> None:
    key = await database_sync_to_async(_session_key_of)(user_without_mfa)
    connected, code, _ = await _connect("/ws/test/queue/", key)
    assert (connected, code) == (False, CLOSE_SIGNED_OUT)


@for_roles_without(CaseQueueConsumer.capability)
async def test_a_role_without_the_capability_is_refused(counsellor: User, role: str) -> None:
    await database_sync_to_async(User.objects.filter(pk=counsellor.pk).update)(role=role)
    key = await database_sync_to_async(_session_key_of)(counsellor)
    connected, code, _ = await _connect("/ws/test/queue/", key)
    assert (connected, code) == (False, CLOSE_FORBIDDEN)


async def test_a_supervisor_holds_the_capability_too(supervisor: User) -> None:
    key = await database_sync_to_async(_session_key_of)(supervisor)
    connected, _code, communicator = await _connect("/ws/test/queue/", key)
    assert connected
    await communicator.disconnect()


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://localhost:9999",  # another port of the same host: same site, another origin
        "http://localhost.evil.example",
        "null",
        "",
    ],
)
async def test_a_socket_from_another_origin_is_refused(counsellor: User, origin: str) -> None:
    key = await database_sync_to_async(_session_key_of)(counsellor)
    communicator = _communicator("/ws/test/queue/", key, origin=origin)
    connected, _code = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_a_trusted_origin_behind_a_proxy_that_rewrites_host_is_accepted(
    counsellor: User, settings: Any
) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://hedershus.example.se"]
    settings.ALLOWED_HOSTS = ["localhost", "hedershus.example.se"]
    application = websocket_stack([path("ws/test/queue/", CaseQueueConsumer.as_asgi())])  # reads them
    key = await database_sync_to_async(_session_key_of)(counsellor)
    headers = [
        (b"origin", b"https://hedershus.example.se"),
        (b"host", b"127.0.0.1:8000"),  # what the proxy passes on
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()),
    ]
    communicator = WebsocketCommunicator(application, "/ws/test/queue/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected
    await communicator.disconnect()


# --- staff: re-checked on every message ---------------------------------------------------


async def _open_counsellor_socket(counsellor: User) -> tuple[str, WebsocketCommunicator]:
    key = await database_sync_to_async(_session_key_of)(counsellor)
    connected, code, communicator = await _connect("/ws/test/queue/", key)
    assert connected, code
    return key, communicator


async def test_a_role_change_closes_the_socket_at_the_next_message(counsellor: User) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await database_sync_to_async(User.objects.filter(pk=counsellor.pk).update)(role="editor")
    await communicator.send_json_to({"action": "ping"})
    await _assert_closed_with(communicator, CLOSE_FORBIDDEN)


async def test_signing_out_closes_the_socket_at_the_next_message(counsellor: User) -> None:
    key, communicator = await _open_counsellor_socket(counsellor)
    await database_sync_to_async(Session.objects.filter(session_key=key).delete)()
    await communicator.send_json_to({"action": "ping"})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


async def test_an_idle_session_closes_the_socket_at_the_next_message(counsellor: User) -> None:
    key, communicator = await _open_counsellor_socket(counsellor)
    past = timezone.now() - datetime.timedelta(seconds=1)
    await database_sync_to_async(Session.objects.filter(session_key=key).update)(expire_date=past)
    await communicator.send_json_to({"action": "ping"})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"locked_until": timezone.now() + datetime.timedelta(hours=1)},
        {"password": "changed-elsewhere"},  # a password change ends the other sessions
    ],
    ids=["deactivated", "locked", "password-changed"],
)
async def test_an_account_change_closes_the_socket_at_the_next_message(
    counsellor: User, change: dict[str, Any]
) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await database_sync_to_async(User.objects.filter(pk=counsellor.pk).update)(**change)
    await communicator.send_json_to({"action": "ping"})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


async def test_a_message_counts_as_activity_and_pushes_the_idle_expiry(
    counsellor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_consumers, "SESSION_TOUCH_SECONDS", 0.0)
    key, communicator = await _open_counsellor_socket(counsellor)
    soon = timezone.now() + datetime.timedelta(seconds=30)
    await database_sync_to_async(Session.objects.filter(session_key=key).update)(expire_date=soon)
    await communicator.send_json_to({"action": "ping"})
    await communicator.receive_json_from()
    session = await database_sync_to_async(Session.objects.get)(session_key=key)
    assert session.expire_date > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    await communicator.disconnect()


async def test_an_event_is_not_forwarded_once_access_is_gone(
    counsellor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_consumers, "ACCESS_RECHECK_SECONDS", 0.0)
    _key, communicator = await _open_counsellor_socket(counsellor)
    await database_sync_to_async(User.objects.filter(pk=counsellor.pk).update)(role="editor")
    await database_sync_to_async(send_event_on_commit)("test.queue", {"kind": "conversation.waiting"})
    await _assert_closed_with(communicator, CLOSE_FORBIDDEN)


# --- events, errors and request ids -------------------------------------------------------


async def test_an_event_sent_after_commit_reaches_the_socket(counsellor: User) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await database_sync_to_async(send_event_on_commit)(
        "test.queue", {"kind": "conversation.waiting", "id": 5}
    )
    assert await communicator.receive_json_from() == {"kind": "conversation.waiting", "id": 5}
    await communicator.disconnect()


async def test_an_application_error_becomes_an_error_frame_and_the_socket_stays_open(
    counsellor: User,
) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await communicator.send_json_to({"action": "take"})
    assert await communicator.receive_json_from() == {
        "type": "error",
        "error": "conflict",
        "message": "Someone else already took this conversation.",
        "id": 3,
    }
    await communicator.send_json_to({"action": "ping"})
    assert (await communicator.receive_json_from())["ok"] is True
    await communicator.disconnect()


@pytest.mark.parametrize("frame", ["not json", "[1, 2]", '"text"'])
async def test_a_message_that_is_not_a_json_object_gets_an_error_frame(counsellor: User, frame: str) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await communicator.send_to(text_data=frame)
    assert (await communicator.receive_json_from())["error"] == "invalid"
    await communicator.disconnect()


async def test_every_message_has_its_own_request_id_and_audit_events_carry_it(counsellor: User) -> None:
    _key, communicator = await _open_counsellor_socket(counsellor)
    await communicator.send_json_to({"action": "audit"})
    first = (await communicator.receive_json_from())["request_id"]
    await communicator.send_json_to({"action": "ping"})
    second = (await communicator.receive_json_from())["request_id"]
    await communicator.disconnect()
    assert len(first) == len(second) == 32
    assert first != second
    assert first[:24] == second[:24]  # the same connection
    event = await database_sync_to_async(AuditEvent.objects.get)(event_type="user.viewed")
    assert event.request_id == first


# --- visitors --------------------------------------------------------------------------------


async def test_a_visitor_in_a_room_connects_to_that_room(db: None) -> None:
    key = await database_sync_to_async(_visitor_session)("42")
    connected, _code, communicator = await _connect("/ws/test/room/", key)
    assert connected
    await communicator.send_json_to({})
    assert await communicator.receive_json_from() == {"room": "42"}
    await database_sync_to_async(send_event_on_commit)("test.room.42", {"kind": "message.posted"})
    assert await communicator.receive_json_from() == {"kind": "message.posted"}
    await communicator.disconnect()


@pytest.mark.parametrize("session", ["none", "without-room"])
async def test_a_visitor_without_a_room_is_refused(db: None, session: str) -> None:
    key = None if session == "none" else await database_sync_to_async(_visitor_session)(None)
    connected, code, _ = await _connect("/ws/test/room/", key)
    assert (connected, code) == (False, CLOSE_SIGNED_OUT)


async def test_leaving_the_room_closes_the_visitor_socket_at_the_next_message(db: None) -> None:
    key = await database_sync_to_async(_visitor_session)("42")
    connected, _code, communicator = await _connect("/ws/test/room/", key)
    assert connected

    def leave() -> None:
        from importlib import import_module

        session = import_module(settings.SESSION_ENGINE).SessionStore(key)
        del session[ROOM_SESSION_KEY]
        session.save()

    await database_sync_to_async(leave)()
    await communicator.send_json_to({})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


async def test_an_expired_visitor_session_closes_the_socket_at_the_next_message(db: None) -> None:
    key = await database_sync_to_async(_visitor_session)("42")
    connected, _code, communicator = await _connect("/ws/test/room/", key)
    assert connected
    past = timezone.now() - datetime.timedelta(seconds=1)
    await database_sync_to_async(Session.objects.filter(session_key=key).update)(expire_date=past)
    await communicator.send_json_to({})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


async def test_a_room_idle_past_room_idle_minutes_closes_the_visitor_socket(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = await database_sync_to_async(_visitor_session)("42")
    connected, _code, communicator = await _connect("/ws/test/room/", key)
    assert connected
    # The session itself is still live: only the room's own idle rule (issue 9, item 7) ends it.
    later = time.time() + settings.ROOM_IDLE_MINUTES * 60 + 1
    monkeypatch.setattr("hedershus.core.consumers._room_clock", lambda: later)
    await communicator.send_json_to({})
    await _assert_closed_with(communicator, CLOSE_SIGNED_OUT)


async def test_a_room_session_without_an_activity_time_is_refused(db: None) -> None:
    def session_without_time() -> str:
        from importlib import import_module

        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[ROOM_SESSION_KEY] = "42"
        session.create()
        return str(session.session_key)

    key = await database_sync_to_async(session_without_time)()
    connected, code, _ = await _connect("/ws/test/room/", key)
    assert (connected, code) == (False, CLOSE_SIGNED_OUT)


async def test_the_socket_log_names_type_path_and_id_but_never_the_query_string(
    counsellor: User, caplog: pytest.LogCaptureFixture
) -> None:
    key = await database_sync_to_async(_session_key_of)(counsellor)
    connected, _code, communicator = await _connect("/ws/test/queue/?q=forced+marriage", key)
    assert connected
    await communicator.send_json_to({"action": "ping", "note": "private words"})
    await communicator.receive_json_from()
    await communicator.disconnect()
    lines = [r.getMessage() for r in caplog.records if r.name == "hedershus.request"]
    assert any(line.startswith("WS websocket.receive /ws/test/queue/ ") for line in lines)
    assert not any("forced" in line or "private" in line or "q=" in line for line in lines)
