"""Helpers for the cases app's tests: a case opened through the service, a room
conversation with one visitor message."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, Channel
from hedershus.cases.services import ContactInput, case_open
from hedershus.messaging.models import Conversation
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.rooms.models import Room


def phone_contact(note: str = "") -> ContactInput:
    return ContactInput(channel=Channel.PHONE, occurred_at=timezone.now(), duration_minutes=15, note=note)


def case_make(opener: Any, **kwargs: Any) -> Case:
    """A case opened by ``opener`` (assigned) for a phone call."""
    return case_open(actor=opener, contact=phone_contact(), **kwargs)


def conversation_make(text: str = "Jag behöver hjälp") -> Conversation:
    """A room with one visitor message: its conversation waits in the queue."""
    room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
    message = message_post_visitor(room=room, client_id=uuid.uuid4(), text=text)
    return message.conversation
