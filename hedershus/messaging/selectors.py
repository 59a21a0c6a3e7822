"""Reads of a room's conversation for the visitor (issue 9, item 2). The counsellors' reads,
and who may see which conversation, are in ``staff_selectors`` (Engineer C).

Message payloads are the visitor WebSocket protocol's shape (docs/messaging.md): staff are
named by first name only (R10), never by full name or e-mail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hedershus.core.crypto import decrypt_text
from hedershus.messaging.models import Attachment, Conversation, ConversationStatus, Message, SenderKind
from hedershus.rooms.models import Room

# The most messages one sync answer carries; a client behind by more asks again after the last.
SYNC_BATCH = 200


def conversation_open_for_room(room: Room) -> Conversation | None:
    """``room``'s conversation that is not closed (there is at most one), or ``None``."""
    return Conversation.objects.filter(room=room).exclude(status=ConversationStatus.CLOSED).first()


def conversation_for_thread(room: Room) -> Conversation | None:
    """The conversation the room's thread shows: the open one, else the one closed last
    (so a visitor still reads the answers after a counsellor closed it); ``None`` before
    the first message."""
    return conversation_open_for_room(room) or (
        Conversation.objects.filter(room=room).order_by("-created_at", "-pk").first()
    )


def message_payload(message: Message) -> dict[str, Any]:
    """One message as the visitor's protocol sends it (JSON-safe): ``seq``, ``client_id``,
    ``sender`` (visitor/staff/system), ``name`` (a staff author's first name, else ""),
    ``text`` (decrypted), ``acute``, ``created_at`` (ISO 8601, UTC) and ``attachment``
    (``{"id", "content_type", "size"}`` in bytes, or ``None``)."""
    attachment: Attachment | None = getattr(message, "attachment", None)
    author = message.author if message.sender == SenderKind.STAFF else None
    return {
        "seq": message.seq,
        "client_id": str(message.client_id),
        "sender": message.sender,
        "name": (author.first_name if author is not None else "") or "",
        "text": decrypt_text(message.body_encrypted),
        "acute": message.acute,
        "created_at": message.created_at.astimezone(dt.UTC).isoformat(),
        "attachment": (
            {"id": message.pk, "content_type": attachment.content_type, "size": attachment.size}
            if attachment is not None
            else None
        ),
    }


def messages_after(
    conversation: Conversation, after_seq: int, *, limit: int = SYNC_BATCH
) -> list[dict[str, Any]]:
    """The messages of ``conversation`` with ``seq > after_seq``, oldest first, at most
    ``limit`` (the client asks again after the last one it got), as ``message_payload``s.
    Reads the database, never the channel layer: what a reconnecting client missed."""
    messages = (
        Message.objects.filter(conversation=conversation, seq__gt=max(0, int(after_seq)))
        .select_related("author", "attachment")
        .defer("attachment__data_encrypted")
        .order_by("seq")[:limit]
    )
    return [message_payload(message) for message in messages]


def thread_messages(room: Room) -> tuple[Conversation | None, list[dict[str, Any]]]:
    """The conversation the thread shows and its messages (all of them, oldest first)."""
    conversation = conversation_for_thread(room)
    if conversation is None:
        return None, []
    return conversation, messages_after(conversation, 0, limit=10_000)


def earlier_conversations(
    room: Room, current: Conversation | None
) -> list[tuple[Conversation, list[dict[str, Any]]]]:
    """``room``'s closed conversations other than ``current``, oldest first, each with its
    messages (oldest first, as ``message_payload``s): the thread shows them read-only above
    the current one, so a visitor who writes again still reads what was answered before.
    They are there until retention deletes them (``CONVERSATION_RETENTION_DAYS`` after
    closing, ``retention.conversations_expired``); the room holds few, so one query each."""
    closed = Conversation.objects.filter(room=room, status=ConversationStatus.CLOSED)
    if current is not None:
        closed = closed.exclude(pk=current.pk)
    return [
        (conversation, messages_after(conversation, 0, limit=10_000))
        for conversation in closed.order_by("created_at", "pk")
    ]


def attachment_for_room(room: Room, message_id: int) -> Attachment | None:
    """The attachment of message ``message_id`` if it belongs to one of ``room``'s
    conversations, else ``None`` (the caller answers 404: another room's file does not exist)."""
    return Attachment.objects.filter(message_id=message_id, message__conversation__room=room).first()
