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
visitor's presence for the counsellors: online on connect and offline when a room's last
socket in this process closes (``services.messages.visitor_presence_set``, transitions
only); in between one task per process refreshes every open room's presence in one
statement every ``HEARTBEAT_SECONDS`` (``visitor_presence_refresh``), not one write per
socket. Each socket re-reads its room session only when that session could have idled out
(``ROOM_IDLE_MINUTES`` after its last activity, and at least every ``WATCH_MAX_SECONDS``)
and then closes if it has; it is the server's own clock, not a client message, so an
unattended screen does not keep the room session alive. Messages and hints re-check the
session every time anyway (``check_access``).

Database calls run through ``_db``: on PostgreSQL in a small thread pool of this module's
(``ROOM_DB_THREADS``) instead of Channels' one thread per process that every
``database_sync_to_async`` call queues on; each call is a whole unit of work (its own
transaction, ``close_old_connections`` before and after, as Channels does), so no state
crosses calls. On SQLite (one writer, tests and development) the single thread stays.
docs/messaging.md, "Message path and its cost", says why and what it measured.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from hedershus.core.auth import CLOSE_SIGNED_OUT, session_load
from hedershus.core.consumers import ROOM_ACTIVE_AT_KEY, VisitorConsumer, room_session_live, session_room_id
from hedershus.core.exceptions import ApplicationError, InvalidInput
from hedershus.messaging.selectors import conversation_for_thread, messages_after
from hedershus.messaging.services.messages import (
    message_post_visitor,
    visitor_presence_refresh,
    visitor_presence_set,
)
from hedershus.rooms.events import room_group
from hedershus.rooms.models import Room

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How often a process refreshes its visitors' presence (staff_selectors counts a visitor
# online for VISITOR_ONLINE_SECONDS = 60 after the last refresh, so a process killed with
# kill -9 leaves them online for at most a minute).
HEARTBEAT_SECONDS = 25.0
# The longest a socket goes without re-reading its room session (a session ended elsewhere
# is also caught by the check before every message and hint).
WATCH_MAX_SECONDS = 300.0

# Threads for the room sockets' database calls on PostgreSQL; their connections come from and
# go back to the process's connection pool (settings.DATABASE_POOL_SIZE) around each call.
ROOM_DB_THREADS = 4
_room_db_executor = ThreadPoolExecutor(max_workers=ROOM_DB_THREADS, thread_name_prefix="room-db")


def _db(function: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """``function`` as a coroutine function run in the room sockets' database threads (see
    the module); Channels' ``DatabaseSyncToAsync`` closes old connections around each call."""
    if connection.vendor == "sqlite":
        return database_sync_to_async(function)
    return database_sync_to_async(
        functools.partial(_returning_connection, function), thread_sensitive=False, executor=_room_db_executor
    )


def _returning_connection(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs ``function``, then hands this thread's connection back to the pool.

    Closed here, not left to ``close_old_connections``, which keeps a usable connection after
    a handled error (a retry's IntegrityError) and would hold a pool slot for good. With the
    pool (settings.DATABASE_POOL_SIZE, PostgreSQL) the close is cheap and the next call gets a
    connection that is already open: opening one per call was the largest single cost of a
    message (docs/messaging.md, "Message path and its cost")."""
    try:
        return function(*args, **kwargs)
    finally:
        for database in connections.all(initialized_only=True):
            database.close()


# This process's open room sockets per room id, and the task that refreshes their presence.
_open_rooms: collections.Counter[str] = collections.Counter()
_refresher: asyncio.Task[None] | None = None


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


def _connect(room_id: str) -> bool:
    """One database call per handshake: the room exists, and its visitor is online."""
    room = _room(room_id)
    if room is None:
        return False
    visitor_presence_set(room, online=True)
    return True


def _offline(room_id: str) -> None:
    room = _room(room_id)
    if room is not None:
        visitor_presence_set(room, online=False)


def _room_session_seconds_left(session_key: str | None) -> float | None:
    """Seconds until the room session of ``session_key`` can idle out; ``None`` when it
    has (or the session or its room is gone)."""
    session = session_load(session_key)
    if session is None or not room_session_live(session):
        return None
    return float(session[ROOM_ACTIVE_AT_KEY]) + settings.ROOM_IDLE_MINUTES * 60 - time.time()


async def _presence_refresher() -> None:
    """Refreshes this process's open rooms' presence every ``HEARTBEAT_SECONDS`` while any
    room socket is open (ends when the last one closes)."""
    while _open_rooms:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _db(visitor_presence_refresh)(list(_open_rooms))
        except Exception:  # a database fault must not end presence for every socket
            logger.exception("Refreshing the visitors' presence failed; trying again later.")


def _presence_opened(room_id: str) -> None:
    global _refresher
    _open_rooms[room_id] += 1
    loop = asyncio.get_running_loop()
    if _refresher is None or _refresher.done() or _refresher.get_loop() is not loop:
        _refresher = loop.create_task(_presence_refresher())


def _presence_closed(room_id: str) -> bool:
    """Forgets one socket of ``room_id``; True when it was the room's last in this process."""
    global _refresher
    _open_rooms[room_id] -= 1
    last = _open_rooms[room_id] <= 0
    if last:
        del _open_rooms[room_id]
    if not _open_rooms and _refresher is not None:
        _refresher.cancel()
        _refresher = None
    return last


class RoomConsumer(VisitorConsumer):
    """The room's live thread (see the module for the protocol)."""

    _heartbeat: asyncio.Task[None] | None = None
    # Whether this socket is counted in _open_rooms (connect got that far).
    _counted = False
    # The conversation and the last seq this socket has sent to the client: a hint fills any
    # gap after it (a hint lost with Redis is made good by the next one, not only on reconnect).
    _sent: tuple[Any, int] | None = None

    async def session_room_id(self, *, touch: bool) -> str | None:
        """The session read in the room sockets' database threads (see the module), not
        Channels' single thread."""
        return await _db(session_room_id)(self._session_key(), touch=touch)

    async def connect(self) -> None:
        """Marks the visitor online (one database call), joins the room's group, accepts and
        starts watching the room session."""
        if not await _db(_connect)(self.room_id):
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        # An unsaved instance names the group: the room was read in _connect.
        await self.join(room_group(Room(id=uuid.UUID(self.room_id))))
        await self.accept()
        # Counted only once accepted: a client that drops the handshake makes accept() fail,
        # and then no disconnect() comes to uncount it (the tester kept a visitor "online" for
        # good with five aborted handshakes). Uncounted, the visitor_seen_at written in
        # _connect simply ages out of the online window.
        _presence_opened(self.room_id)
        self._counted = True
        self._heartbeat = asyncio.ensure_future(self._watch())

    async def disconnect(self, code: int) -> None:
        """Stops watching; marks the visitor offline if this was the room's last socket here."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        if self._counted:
            self._counted = False
            if _presence_closed(self.room_id):
                await _db(_offline)(self.room_id)

    async def _watch(self) -> None:
        """Closes the socket once the room session has idled out, reading the session only
        when it could have (see the module)."""
        wait = 0.0
        while True:
            await asyncio.sleep(min(max(wait, 0.0) + 1.0, WATCH_MAX_SECONDS))
            left = await _db(_room_session_seconds_left)(self._session_key())
            if left is None:
                await self.close(code=CLOSE_SIGNED_OUT)
                return
            wait = left

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        """``sync`` and ``send`` (see the module); anything else is an ``invalid`` error frame."""
        kind = content.get("type")
        if kind == "sync":
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise InvalidInput(_("A sync needs the last number the client has."))
            answer = await _db(_sync)(self.room_id, after, content.get("conversation"))
            await self._send_messages(answer, after)
        elif kind == "send":
            client_id = content.get("client_id")
            try:
                seq = await _db(_send)(
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
            answer = await _db(_sync)(self.room_id, after, event.get("conversation"))
            await self._send_messages(answer, after)
            return
        if event.get("kind") == "room.deleted":
            await self.send_json(event)
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        if event.get("kind") == "room.session_ended":
            # A session left the room (another tab's leave or quick exit): if it was this
            # socket's, close now, so that tab stops showing the conversation.
            problem = await self.check_access(touch=False)
            if problem is not None:
                await self.close(code=problem)
            return
        await super().realtime_event(message)
