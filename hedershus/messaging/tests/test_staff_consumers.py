"""The counsellors' socket at /ws/staff/conversations/ (staff_consumers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from conftest import _make_user
from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.auth import CLOSE_FORBIDDEN
from hedershus.core.consumers import websocket_stack
from hedershus.core.crypto import encrypt_text
from hedershus.core.realtime import send_event_on_commit
from hedershus.core.testing import committed_db
from hedershus.messaging.models import Conversation, ConversationStatus, Message, SenderKind
from hedershus.messaging.routing import websocket_urlpatterns
from hedershus.messaging.services import queue as queue_services
from hedershus.messaging.tests.helpers import room_make

pytestmark = [committed_db, pytest.mark.asyncio]

APPLICATION = websocket_stack(websocket_urlpatterns)
URL = "/ws/staff/conversations/"


def _session_key_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


async def _connect(user: User) -> tuple[bool, Any, WebsocketCommunicator]:
    key = await database_sync_to_async(_session_key_of)(user)
    communicator = WebsocketCommunicator(
        APPLICATION,
        URL,
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()),
        ],
    )
    connected, code = await communicator.connect()
    return connected, code, communicator


def _conversation(**fields: Any) -> Conversation:
    fields.setdefault("status", ConversationStatus.WAITING)
    conversation = Conversation.objects.create(room=room_make(), **fields)
    Message.objects.create(
        conversation=conversation,
        seq=1,
        client_id="00000000-0000-4000-8000-000000000001",
        sender=SenderKind.VISITOR,
        body_encrypted=encrypt_text("Hjälp"),
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=1)
    return conversation


def _acute_now(conversation_id: int) -> None:
    # What services.messages sends for a message marked "I need help now".
    send_event_on_commit("staff.queue", {"kind": "acute", "conversation": conversation_id})


async def test_the_queue_socket_hears_acute_conversations(counsellor: User) -> None:
    conversation = await database_sync_to_async(_conversation)()
    connected, _code, communicator = await _connect(counsellor)
    assert connected
    await database_sync_to_async(_acute_now)(conversation.pk)
    assert await communicator.receive_json_from(timeout=2) == {
        "kind": "acute",
        "conversation": conversation.pk,
    }
    await communicator.disconnect()


async def test_the_queue_socket_hears_a_claim_as_a_queue_change(counsellor: User, colleague: User) -> None:
    conversation = await database_sync_to_async(_conversation)()
    connected, _code, communicator = await _connect(counsellor)
    assert connected
    await database_sync_to_async(queue_services.conversation_claim)(user=colleague, conversation=conversation)
    assert await communicator.receive_json_from(timeout=2) == {"kind": "queue"}
    await communicator.disconnect()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMINISTRATOR, Role.AUDITOR, Role.PARTNER])
async def test_roles_without_handle_cases_are_refused(role: Role, db: None) -> None:
    user = await database_sync_to_async(_make_user)(role, f"{role}-socket@example.org")
    connected, code, _ = await _connect(user)
    assert (connected, code) == (False, CLOSE_FORBIDDEN)


async def test_subscribing_to_a_conversation_i_may_see_brings_its_hints_and_sync_its_messages(
    counsellor: User,
) -> None:
    conversation = await database_sync_to_async(_conversation)(
        status=ConversationStatus.ACTIVE, assigned_to=counsellor
    )
    _connected, _code, communicator = await _connect(counsellor)
    await communicator.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    assert await communicator.receive_json_from() == {"type": "subscribed", "conversation": conversation.pk}
    await communicator.send_json_to({"type": "sync", "conversation": conversation.pk, "after": 0})
    answer = await communicator.receive_json_from()
    assert answer["type"] == "messages" and [m["text"] for m in answer["messages"]] == ["Hjälp"]
    assert await database_sync_to_async(
        AuditEvent.objects.filter(event_type="conversation.read", actor=counsellor).exists
    )()
    await database_sync_to_async(queue_services.conversation_close)(
        user=counsellor, conversation=conversation
    )
    hints = [await communicator.receive_json_from(timeout=2) for _ in range(2)]
    assert {"kind": "conversation", "conversation": conversation.pk} in hints
    await communicator.disconnect()


async def test_someone_elses_conversation_cannot_be_subscribed_nor_synced(counsellor: User) -> None:
    other = await database_sync_to_async(_make_user)(Role.COUNSELLOR, "other-socket@example.org")
    conversation = await database_sync_to_async(_conversation)(
        status=ConversationStatus.ACTIVE, assigned_to=other
    )
    _connected, _code, communicator = await _connect(counsellor)
    for message in (
        {"type": "subscribe", "conversation": conversation.pk},
        {"type": "sync", "conversation": conversation.pk, "after": 0},
    ):
        await communicator.send_json_to(message)
        answer = await communicator.receive_json_from()
        assert answer["type"] == "error" and answer["error"] == "not_found"
    await communicator.disconnect()


async def test_a_socket_stops_hearing_a_conversation_handed_to_someone_else(
    counsellor: User, colleague: User
) -> None:
    conversation = await database_sync_to_async(_conversation)(
        status=ConversationStatus.ACTIVE, assigned_to=counsellor
    )
    _connected, _code, communicator = await _connect(counsellor)
    await communicator.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await communicator.receive_json_from()
    await database_sync_to_async(queue_services.conversation_transfer)(
        user=counsellor, conversation=conversation, to_staff=colleague, reason="holiday"
    )
    # Only the queue hint arrives; the conversation's own hint is withheld.
    assert await communicator.receive_json_from(timeout=2) == {"kind": "queue"}
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_a_bad_message_gets_an_error_frame(counsellor: User) -> None:
    _connected, _code, communicator = await _connect(counsellor)
    for message in (
        {"type": "dance"},
        {"type": "subscribe", "conversation": "1"},
        {"type": "sync", "conversation": 1, "after": -1},
    ):
        await communicator.send_json_to(message)
        assert (await communicator.receive_json_from())["error"] == "invalid"
    await communicator.disconnect()
