"""Two app-server processes share one Redis (issue 9, item 9): a message sent through a
socket on one process reaches a socket held by the other, through the channel layer.

Runs in CI's PostgreSQL + Redis pass (.ci/run); skipped on SQLite, where the in-memory
channel layer is one process's and a second process could never hear the first.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hedershus.core.testing import committed_db
from hedershus.messaging.models import Message
from hedershus.messaging.tests.helpers import centre_always_open, room_make, room_session_key
from hedershus.messaging.tests.live import (
    Thread,
    app_servers,
    frame,
    postgres_and_redis_reason,
    room_socket,
    send_request,
)

# The servers read what this test writes: committed rows, not a rolled-back transaction.
pytestmark = committed_db


@pytest.fixture
def skip_unless_postgres_and_redis() -> None:
    reason = postgres_and_redis_reason()
    if reason:
        pytest.skip(reason)


@pytest.mark.usefixtures("skip_unless_postgres_and_redis")
def test_a_message_sent_through_one_process_reaches_a_socket_on_the_other(tmp_path: Path) -> None:
    centre_always_open()
    room = room_make()
    session_key = room_session_key(room)
    client_id = uuid.uuid4()

    async def scenario(first: int, second: int) -> tuple[dict[str, Any], Thread]:
        sender = await room_socket(first, session_key)
        other_tab = await room_socket(second, session_key)
        try:
            receiver = Thread()
            await other_tab.send(receiver.sync_request())
            receiver.take(await frame(other_tab))
            await sender.send(send_request(client_id, "Hej från en annan process"))
            ack = await frame(sender)
            while client_id.hex not in {uuid.UUID(c).hex for c in receiver.client_ids()}:
                receiver.take(await frame(other_tab))
            return ack, receiver
        finally:
            await sender.close()
            await other_tab.close()

    with app_servers(tmp_path, 2, redis_url=settings.REDIS_URL) as (one, two):
        ack, receiver = asyncio.run(scenario(one.port, two.port))

    message = Message.objects.get(client_id=client_id)
    assert ack == {"type": "ack", "client_id": str(client_id), "seq": message.seq}
    assert receiver.messages[message.seq]["text"] == "Hej från en annan process"
