"""Objects for the access matrix's rows of the counsellors' pages (core/tests/test_access_matrix.py)."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone

from hedershus.messaging.models import Absence, Conversation, ConversationStatus, StandardReply
from hedershus.rooms.models import Room


def waiting_conversation(target: Any) -> dict[str, Any]:
    """A new conversation waiting, unassigned, in the shared queue."""
    room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
    conversation = Conversation.objects.create(
        room=room, status=ConversationStatus.WAITING, waiting_since=timezone.now()
    )
    return {"pk": conversation.pk}


def standard_reply(target: Any) -> dict[str, Any]:
    reply = StandardReply.objects.create(title=f"Hej {secrets.token_hex(4)}", language="sv", body="Hej!")
    return {"pk": reply.pk}


def absence_of_target(target: Any) -> dict[str, Any]:
    """An absence of the matrix's target user (a counsellor), today, with a stand-in."""
    from conftest import _make_user

    stand_in = _make_user("counsellor", f"stand-in-{secrets.token_hex(4)}@example.org")
    today = timezone.localdate()
    absence = Absence.objects.create(staff=target, stand_in=stand_in, starts_on=today, ends_on=today)
    return {"pk": absence.pk}


def waiting_attachment(target: Any) -> dict[str, Any]:
    """A visitor's picture in a new conversation waiting in the shared queue."""
    import uuid

    from hedershus.messaging.attachments import attachment_check
    from hedershus.messaging.services.messages import message_post_visitor
    from hedershus.messaging.tests.test_attachments import png

    room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
    message = message_post_visitor(
        room=room, client_id=uuid.uuid4(), text="", attachment=attachment_check(png())
    )
    return {"message_id": message.pk}
