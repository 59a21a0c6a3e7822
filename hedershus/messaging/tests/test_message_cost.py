"""What the message path costs in SQL statements (issue 9, item 9: delivery latency).

Each visitor message runs in one process's database thread, so every statement here delays
every socket of that process. The ceilings are today's counts: a change that adds a
statement to every message fails here and must say why when it raises one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hedershus.messaging.models import Conversation
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.messaging.tests.helpers import centre_always_open, room_make

pytestmark = pytest.mark.django_db


def _statements(queries: CaptureQueriesContext) -> list[str]:
    # Savepoints are bookkeeping of the guarantees (the unique constraint decides inside
    # one), not reads or writes; the audit sealing is the audit app's and not counted here.
    return [
        q["sql"]
        for q in queries.captured_queries
        if "SAVEPOINT" not in q["sql"]
        and "audit_auditseal" not in q["sql"]
        and "audit_auditpending ORDER BY" not in q["sql"]
    ]


def test_a_visitor_message_in_an_open_conversation_costs_at_most_eight_statements(db: Any) -> None:
    centre_always_open()
    room = room_make()
    message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    with CaptureQueriesContext(connection) as queries:
        message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej igen")
    statements = _statements(queries)
    # earlier client id, open conversation, seq (UPDATE ... RETURNING), insert, audit event
    # (2), opening hours, room activity
    assert len(statements) <= 8, "\n".join(statements)
    assert not any('FROM "rooms_room"' in sql for sql in statements), "the room is read again"
    assert sum('SELECT "messaging_conversation"' in sql for sql in statements) == 1
    # The returned message's conversation holds what the UPDATE wrote, without a re-read.
    stored = Conversation.objects.get()
    assert (
        (message.conversation.last_seq, message.conversation.waiting_since)
        == (
            stored.last_seq,
            stored.waiting_since,
        )
        == (2, stored.waiting_since)
    )
    assert message.conversation.last_message_at == stored.last_message_at


def test_a_first_message_costs_at_most_sixteen_statements(db: Any) -> None:
    centre_always_open()
    room = room_make()
    with CaptureQueriesContext(connection) as queries:
        message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    statements = _statements(queries)
    assert len(statements) <= 16, "\n".join(statements)
    assert not any('FROM "rooms_room"' in sql for sql in statements), "the room is read again"
