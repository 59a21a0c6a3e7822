"""The counsellors' WebSocket at /ws/staff/conversations/ (issue 9, item 3).

Every socket joins "staff.queue" and so hears ``{"kind": "queue"}`` and ``{"kind": "acute",
"conversation": id}``. Protocol, JSON objects both ways (it mirrors the visitor's):

- client ``{"type": "subscribe", "conversation": id}`` -> server ``{"type": "subscribed",
  "conversation": id}``, after checking that the user sees it
  (``staff_selectors.conversations_visible_to``; else a ``not_found`` error frame); the
  socket then hears that conversation's hints: ``{"kind": "message", "conversation": id,
  "seq": n}``, ``{"kind": "presence", ...}``, ``{"kind": "conversation", ...}``;
- client ``{"type": "sync", "conversation": id, "after": seq}`` -> server ``{"type":
  "messages", "conversation": id, "messages": [...]}`` (``selectors.message_payload``
  shape), read from the database and audited as ``conversation.read``.

Hints carry no text; the page fetches what changed. A conversation hint is re-checked
against the user's access before it is forwarded, so a socket stops hearing a conversation
handed to someone else.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils.translation import gettext as _

from hedershus.accounts.models import User
from hedershus.audit.services import audit_record
from hedershus.core.access import Capability
from hedershus.core.consumers import StaffConsumer
from hedershus.core.exceptions import InvalidInput, NotFound
from hedershus.messaging.events import STAFF_QUEUE_GROUP, conversation_group
from hedershus.messaging.models import Conversation
from hedershus.messaging.selectors import messages_after
from hedershus.messaging.staff_selectors import conversations_visible_to


def _visible(user_id: int, conversation_id: int) -> Conversation | None:
    user = User.objects.filter(pk=user_id).first()
    return conversations_visible_to(user).filter(pk=conversation_id).first() if user else None


def _sync(user_id: int, conversation_id: int, after: int) -> dict[str, Any] | None:
    conversation = _visible(user_id, conversation_id)
    if conversation is None:
        return None
    found = messages_after(conversation, after)
    if found:
        with transaction.atomic():
            audit_record(
                "conversation.read",
                actor=_user(user_id),
                target=conversation,
                data={"up_to_seq": found[-1]["seq"], "after": after},
            )
    return {"type": "messages", "conversation": conversation.pk, "messages": found}


def _user(user_id: int) -> Any:
    return User.objects.get(pk=user_id)


def _conversation_id(content: dict[str, Any]) -> int:
    value = content.get("conversation")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(_("Name a conversation by its number."))
    return value


class StaffConversationsConsumer(StaffConsumer):
    """The queue and the conversations a counsellor has open (see the module)."""

    capability = Capability.HANDLE_CASES

    async def connect(self) -> None:
        """Joins the queue group, then accepts."""
        await self.join(STAFF_QUEUE_GROUP)
        await self.accept()

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        """``subscribe`` and ``sync`` (see the module); anything else gets an error frame."""
        kind = content.get("type")
        if kind == "subscribe":
            conversation_id = _conversation_id(content)
            if await database_sync_to_async(_visible)(self.scope["user"].pk, conversation_id) is None:
                raise NotFound(_("The conversation was not found."))
            group = conversation_group(conversation_id)
            if group not in self.groups:
                await self.join(group)
            await self.send_json({"type": "subscribed", "conversation": conversation_id})
        elif kind == "sync":
            conversation_id = _conversation_id(content)
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise InvalidInput(_("“after” must be a message number."))
            answer = await database_sync_to_async(_sync)(self.scope["user"].pk, conversation_id, after)
            if answer is None:
                raise NotFound(_("The conversation was not found."))
            await self.send_json(answer)
        else:
            raise InvalidInput(_("Unknown message type."))

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """Forwards queue hints as they are; a conversation's hint only while the user still
        sees that conversation (else the socket leaves its group)."""
        event = message.get("event", {})
        conversation_id = event.get("conversation")
        group = conversation_group(conversation_id) if isinstance(conversation_id, int) else None
        about_one = event.get("kind") not in {"queue", "acute"} and group in self.groups
        user_id = self.scope["user"].pk
        if about_one and await database_sync_to_async(_visible)(user_id, conversation_id) is None:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups = [name for name in self.groups if name != group]
            return
        await super().realtime_event(message)
