"""The visitor's WebSocket at /ws/room/ (issue 9, item 2): live chat in the room's thread.

Protocol (docs/messaging.md, "Conversations and real time"), JSON objects both ways:

- client ``{"type": "sync", "after": seq, "conversation": id | null}`` -> server
  ``{"type": "messages", "conversation": id | null, "reset": bool, "messages": [...]}``:
  every message after ``after``, read from the database. ``reset`` is true when the room's
  conversation is not the one the client named (a new one was opened after the last
  closed): the list then starts at the first message and replaces what the client shows.
- client ``{"type": "send", "client_id": uuid, "text": str, "acute": bool}`` -> server
  ``{"type": "ack", "client_id": uuid, "seq": n}``, sent only after the service returned,
  that is after the transaction committed; a retry with the same ``client_id`` gets the
  same ``seq``. A refusal is an error frame (``{"type": "error", "error": code, "message":
  text, "client_id": uuid}``) and nothing was stored.
- server-initiated: ``{"type": "messages", ...}`` with new messages when the room's group
  hears of one (the hint carries only the number; the text is read from the database,
  never passed through Redis), and ``{"kind": "room.deleted"}`` before the socket closes.

The room comes from the session only (``VisitorConsumer``). The socket also keeps the
visitor's presence for the counsellors (``services.messages.visitor_presence_set``): on
connect, every ``HEARTBEAT_SECONDS`` while open, and off on disconnect. The heartbeat is
the server's own, not a client message, so an unattended screen does not keep the room
session alive; it also closes the socket once the room session has idled out.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from hedershus.core.auth import CLOSE_SIGNED_OUT
from hedershus.core.consumers import VisitorConsumer
from hedershus.core.exceptions import ApplicationError, InvalidInput
from hedershus.messaging.selectors import conversation_for_thread, messages_after
from hedershus.messaging.services.messages import message_post_visitor, visitor_presence_set
from hedershus.rooms.events import room_group
from hedershus.rooms.models import Room

# How often an open socket refreshes the visitor's presence and re-checks the room session.
HEARTBEAT_SECONDS = 25.0


def _room(room_id: str) -> Room | None:
    return Room.objects.filter(pk=room_id).first()


def _sync(room_id: str, after: int, conversation_id: Any) -> dict[str, Any]:
    room = _room(room_id)
    conversation = conversation_for_thread(room) if room is not None else None
    if conversation is None:
        return {"type": "messages", "conversation": None, "reset": False, "messages": []}
    reset = conversation_id != conversation.pk
    return {
        "type": "messages",
        "conversation": conversation.pk,
        "reset": reset,
        "messages": messages_after(conversation, 0 if reset else after),
    }


def _send(room_id: str, client_id: str, text: Any, acute: bool) -> int:
    room = _room(room_id)
    if room is None:
        raise InvalidInput(_("This room no longer exists."))
    return message_post_visitor(room=room, client_id=client_id, text=text, acute=acute).seq


def _presence(room_id: str, online: bool) -> None:
    room = _room(room_id)
    if room is not None:
        visitor_presence_set(room, online=online)


class RoomConsumer(VisitorConsumer):
    """The room's live thread (see the module for the protocol)."""

    _heartbeat: asyncio.Task[None] | None = None
    # The conversation and the last seq this socket has sent to the client: a hint fills any
    # gap after it (a hint lost with Redis is made good by the next one, not only on reconnect).
    _sent: tuple[Any, int] | None = None

    async def connect(self) -> None:
        """Joins the room's group, accepts, marks the visitor online and starts the heartbeat."""
        room = await database_sync_to_async(_room)(self.room_id)
        if room is None:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        await self.join(room_group(room))
        await self.accept()
        await database_sync_to_async(_presence)(self.room_id, True)
        self._heartbeat = asyncio.ensure_future(self._beat())

    async def disconnect(self, code: int) -> None:
        """Stops the heartbeat and marks the visitor offline."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        if hasattr(self, "room_id"):
            await database_sync_to_async(_presence)(self.room_id, False)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            problem = await self.check_access(touch=False)
            if problem is not None:
                await self.close(code=problem)
                return
            await database_sync_to_async(_presence)(self.room_id, True)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        """``sync`` and ``send`` (see the module); anything else is an ``invalid`` error frame."""
        kind = content.get("type")
        if kind == "sync":
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise InvalidInput(_("A sync needs the last number the client has."))
            answer = await database_sync_to_async(_sync)(self.room_id, after, content.get("conversation"))
            await self._send_messages(answer, after)
        elif kind == "send":
            client_id = content.get("client_id")
            try:
                seq = await database_sync_to_async(_send)(
                    self.room_id, str(client_id), content.get("text"), content.get("acute") is True
                )
            except ApplicationError as error:
                error.extra = {**error.extra, "client_id": str(client_id)}
                raise
            await self.send_json({"type": "ack", "client_id": str(client_id), "seq": seq})
        else:
            raise InvalidInput(_("Unknown message type."))

    async def _send_messages(self, answer: dict[str, Any], after: int) -> None:
        last = max([m["seq"] for m in answer["messages"]], default=0 if answer["reset"] else after)
        if self._sent is not None and self._sent[0] == answer["conversation"] and not answer["reset"]:
            last = max(last, self._sent[1])
        self._sent = (answer["conversation"], last)
        await self.send_json(answer)

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """A new message in the room: sends the messages after the hinted one's predecessor
        (read from the database, so no text travels through the channel layer). A deleted
        room: tells the client, then closes."""
        event = message["event"]
        if event.get("kind") == "message":
            problem = await self.check_access(touch=False)
            if problem is not None:
                await self.close(code=problem)
                return
            seq = event.get("seq")
            after = seq - 1 if isinstance(seq, int) and seq > 0 else 0
            if self._sent is not None and self._sent[0] == event.get("conversation"):
                after = min(after, self._sent[1])
            answer = await database_sync_to_async(_sync)(self.room_id, after, event.get("conversation"))
            await self._send_messages(answer, after)
            return
        if event.get("kind") == "room.deleted":
            await self.send_json(event)
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        await super().realtime_event(message)
