"""Base WebSocket consumers: request ids, access re-checked on every message, error frames.

Apps subclass :class:`StaffConsumer` (staff and partners, by capability) or
:class:`VisitorConsumer` (an anonymous visitor in a room) and stay thin: ``receive_json``
calls a service through ``database_sync_to_async`` and answers. What the bases do:

- every connection gets a request id, and so does every message on it, the same one that
  HTTP requests get (``core.context.request_id``): audit events recorded by a service
  called from a consumer carry it. A message's id starts with its connection's 24
  characters, so one connection's events are found together; one log line per message,
  with no address, agent or message content (like ``RequestContextMiddleware``);
- access is checked when the socket opens and again, against a fresh read of the session
  and the user, before each message from the client and each event sent to it (events at
  most every ``ACCESS_RECHECK_SECONDS``); the socket is closed with ``CLOSE_SIGNED_OUT``
  (4401) or ``CLOSE_FORBIDDEN`` (4403) once access is gone;
- a message from the person counts as activity, like an HTTP request: it pushes the
  session's idle expiry (``SESSION_IDLE_MINUTES``) forward, at most once a minute. Events
  the server sends do not, so an unattended screen still times out;
- a service's :class:`~hedershus.core.exceptions.ApplicationError` becomes an error frame
  ``{"type": "error", "error": code, "message": ...}`` and the socket stays open; text that
  is not a JSON object, and binary frames, get an ``invalid`` error frame. The message is in
  the socket's language (:func:`socket_language`): the page's, not always Swedish;
- events sent with :func:`hedershus.core.realtime.send_event_on_commit` to a group the
  consumer joined (:meth:`BaseConsumer.join`) are forwarded to the client as they are.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from hedershus.core import context
from hedershus.core.auth import CLOSE_SIGNED_OUT, session_load, session_touch, staff_session_problem
from hedershus.core.exceptions import ApplicationError, InvalidInput

request_log = logging.getLogger("hedershus.request")

# The session key the rooms app sets when a visitor enters a room (with the code and
# passphrase) and removes when they leave: the contract between rooms and VisitorConsumer.
ROOM_SESSION_KEY = "room_id"
# When the visitor last used the room (seconds since the epoch), kept beside ROOM_SESSION_KEY.
# A room session ends after ROOM_IDLE_MINUTES without activity, sooner than the session itself,
# and the rule lives in the session, not the cookie: the cookie must stay a browser-session
# cookie (a cookie with an expiry is written to disk, a trace). The rooms app and
# VisitorConsumer both apply it through room_session_live and room_session_mark_active.
ROOM_ACTIVE_AT_KEY = "room_active_at"

# How stale an access check may be when forwarding a server event (not a client message).
ACCESS_RECHECK_SECONDS = 5.0
# How often a person's messages push the session's idle expiry forward.
SESSION_TOUCH_SECONDS = 60.0


def websocket_stack(routes: list[Any]) -> Any:
    """The stack every WebSocket goes through (``hedershus.asgi``): origin check against
    ``ALLOWED_HOSTS`` and the socket's own address (:class:`SameOriginValidator`), the session
    from its cookie, the user, then ``routes``.

    Tests wrap their own consumers in it, so they run under exactly what production runs.
    """
    return AllowedHostsOriginValidator(SameOriginValidator(AuthMiddlewareStack(URLRouter(routes))))


class SameOriginValidator:
    """Refuses a WebSocket handshake whose ``Origin`` is not the address the socket was opened
    to: its host *and port* must be the ``Host`` header's, or the origin must be listed in
    ``CSRF_TRUSTED_ORIGINS`` (a proxy that rewrites ``Host``), as Django's CSRF check does.

    Channels' ``AllowedHostsOriginValidator`` compares the host name only, so a page served on
    another port of the same host could open a visitor's room socket: browsers treat it as the
    same *site* and send the visitor's SameSite=Lax cookie with the handshake (a tester's
    finding). WebSockets have no CORS; this check is their same-origin rule.
    """

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        """Passes the connection on, or denies it (HTTP 403 to the handshake)."""
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1").lower()
        host = headers.get(b"host", b"").decode("latin-1").lower()
        trusted = {value.lower().rstrip("/") for value in settings.CSRF_TRUSTED_ORIGINS}
        netloc = urlsplit(origin).netloc if origin else ""
        if origin and (origin.rstrip("/") in trusted or (host and netloc == host)):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)


def socket_language(scope: dict[str, Any]) -> str:
    """The language code a socket answers in: ``?lang=`` in its address when the site offers
    that language (visitors' pages pass their own, the one in their URL), else the best match
    of the browser's ``Accept-Language`` header (as ``LocaleMiddleware`` does for the staff
    pages), else ``LANGUAGE_CODE``."""
    offered = {code for code, _name in settings.LANGUAGES}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    for code in query.get("lang", []):
        if code in offered:
            return code
    headers = dict(scope.get("headers", []))
    for code, _quality in parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


class BaseConsumer(AsyncJsonWebsocketConsumer):
    """Request ids, access checks and error frames for every socket (see the module)."""

    groups: list[str]
    connection_id: str
    language: str
    _message_count: int
    _checked_at: float
    _touched_at: float

    async def check_access(self, *, touch: bool) -> int | None:
        """``None`` if the socket may be used now, else the close code. Subclasses decide.

        ``touch``: the check is for a message from the person, so it counts as activity.
        """
        raise NotImplementedError

    # --- dispatch: one request id per connection and per message -------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Runs each incoming message or channel-layer event with its own request id."""
        if message["type"] == "websocket.connect":
            self.connection_id = secrets.token_hex(12)
            self.language = socket_language(self.scope)
            self._message_count = 0
            self._checked_at = self._touched_at = 0.0
        else:
            self._message_count += 1
        request_id = f"{self.connection_id}{self._message_count:08x}"
        token = context.request_id.set(request_id)
        started = time.monotonic()
        try:
            with translation.override(self.language):
                await super().dispatch(message)
        finally:
            context.request_id.reset(token)
            request_log.info(
                "WS %s %s %dms id=%s",
                message["type"],
                self.scope.get("path", ""),
                (time.monotonic() - started) * 1000,
                request_id,
            )

    # --- connect ---------------------------------------------------------------------

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        """Refuses the handshake (with the close code) unless access holds; else ``connect()``."""
        problem = await self.check_access(touch=True)
        if problem is not None:
            await self.close(code=problem)
            return
        self._checked_at = self._touched_at = time.monotonic()
        await super().websocket_connect(message)

    async def connect(self) -> None:
        """Accepts; subclasses join their groups first (``await self.join(...)``)."""
        await self.accept()

    async def join(self, group: str) -> None:
        """Adds this socket to channel-layer ``group``; it is left again on disconnect."""
        await self.channel_layer.group_add(group, self.channel_name)
        # A new list: appending would change a ``groups`` list declared on the class.
        self.groups = [*self.groups, group]

    # --- messages from the client -------------------------------------------------------

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Re-checks access, decodes the JSON object and hands it to ``receive_json``."""
        now = time.monotonic()
        touch = now - self._touched_at >= SESSION_TOUCH_SECONDS
        problem = await self.check_access(touch=touch)
        if problem is not None:
            await self.close(code=problem)
            return
        self._checked_at = now
        if touch:
            self._touched_at = now
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_error(InvalidInput(_("A message must be a JSON object.")))
            return
        try:
            await self.receive_json(content, **kwargs)
        except ApplicationError as error:
            await self.send_error(error)

    async def send_error(self, error: ApplicationError) -> None:
        """Sends ``error`` to the client as an error frame; the socket stays open."""
        await self.send_json(
            {**error.extra, "type": "error", "error": error.code, "message": str(error.message)}
        )

    # --- events from services (send_event_on_commit) -----------------------------------

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """Forwards an event to the client, after re-checking access if the last check is stale.

        Override to filter or reshape events; call ``super()`` to send.
        """
        now = time.monotonic()
        if now - self._checked_at >= ACCESS_RECHECK_SECONDS:
            problem = await self.check_access(touch=False)
            if problem is not None:
                await self.close(code=problem)
                return
            self._checked_at = now
        await self.send_json(message["event"])

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None


class StaffConsumer(BaseConsumer):
    """A socket for signed-in staff or partners holding :attr:`capability`.

    Refused (and later closed) unless the session is live (not signed out, not idle past
    ``SESSION_IDLE_MINUTES``), the account active and unlocked with a second factor, and
    the user's current role grants ``capability`` (``hedershus.core.auth.staff_session_problem``).
    ``self.scope["user"]`` is the user as of the handshake; services called from a message
    should take the user from :meth:`current_user`.
    """

    capability: ClassVar[str]

    async def check_access(self, *, touch: bool) -> int | None:
        """See :func:`hedershus.core.auth.staff_session_problem`."""
        return await database_sync_to_async(staff_session_problem)(
            self._session_key(), self.capability, touch=touch
        )

    async def current_user(self) -> Any:
        """The signed-in user, read from the database now (role and state as of this message)."""
        return await database_sync_to_async(get_user_model()._default_manager.get)(pk=self.scope["user"].pk)


class VisitorConsumer(BaseConsumer):
    """A socket for an anonymous visitor in one room, bound to the room of their session.

    The rooms app sets ``session[ROOM_SESSION_KEY]`` (the room's id) when a visitor enters
    a room and removes it when they leave; this base refuses a socket without it, stores
    it as :attr:`room_id`, and closes the socket once the session no longer holds that
    room (left, signed out of the room, or the room idle past ``ROOM_IDLE_MINUTES``). The room is
    never taken from the URL or a message: only the session says which room this is.
    """

    room_id: str

    async def session_room_id(self, *, touch: bool) -> str | None:
        """:func:`session_room_id` for this socket's session; subclasses may run it elsewhere
        than Channels' single database thread."""
        return await database_sync_to_async(session_room_id)(self._session_key(), touch=touch)

    async def check_access(self, *, touch: bool) -> int | None:
        """``None`` while the session still holds the room this socket opened for."""
        room_id = await self.session_room_id(touch=touch)
        if room_id is None:
            return CLOSE_SIGNED_OUT
        if not hasattr(self, "room_id"):
            self.room_id = room_id
        elif room_id != self.room_id:  # the session moved to another room
            return CLOSE_SIGNED_OUT
        return None


def _room_clock() -> float:
    """Seconds since the epoch; one place, so tests can move the room sessions' clock."""
    return time.time()


def room_session_live(session: Any) -> bool:
    """True when ``session`` holds a room used within the last ``ROOM_IDLE_MINUTES`` (issue 9,
    item 7). A session without the activity time counts as idle: it cannot be trusted."""
    if session.get(ROOM_SESSION_KEY) is None:
        return False
    active_at = session.get(ROOM_ACTIVE_AT_KEY)
    if not isinstance(active_at, int | float):
        return False
    return _room_clock() - active_at < settings.ROOM_IDLE_MINUTES * 60


def room_session_mark_active(session: Any) -> float:
    """Records now as the room's last activity in ``session`` (not saved here); returns it."""
    now = _room_clock()
    session[ROOM_ACTIVE_AT_KEY] = now
    return now


def session_room_id(session_key: str | None, *, touch: bool) -> str | None:
    """The id of the room the session ``session_key`` is live in, or None (no such session,
    no room, or the room idle past ``ROOM_IDLE_MINUTES``). ``touch``: a message from the
    visitor, so the room's activity time and the session's idle expiry move forward (saved).
    Synchronous: reads and may write the session store."""
    session = session_load(session_key)
    if session is None:
        return None
    room_id = session.get(ROOM_SESSION_KEY)
    if room_id is None or not room_session_live(session):
        return None
    if touch:
        room_session_mark_active(session)
        if not session_touch(session):
            return None
    return str(room_id)
