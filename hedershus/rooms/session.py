"""The room session: which room a browser is in, for how long (issue 9, item 7; R12).

The session holds the room's id (``core.consumers.ROOM_SESSION_KEY``) and the time of the
last activity (``ROOM_ACTIVE_AT_KEY``); never the code or the passphrase. The room session
ends when the visitor leaves, deletes the room or leaves quickly (``/exit`` flushes the
whole session), and after ``ROOM_IDLE_MINUTES`` without a request: a timestamp in the
session, checked on every request here and on every socket message by
``core.consumers.VisitorConsumer``, the same rule (``core.consumers.room_session_live``).
The cookie stays the shell's browser-session cookie: ``set_expiry`` with a number would
make it a persistent cookie, written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hedershus.core.consumers import (
    ROOM_ACTIVE_AT_KEY,
    ROOM_SESSION_KEY,
    room_session_live,
    room_session_mark_active,
)
from hedershus.rooms.models import Room
from hedershus.rooms.services import room_touch

# Set on the request by room_from_request, so one request reads the room once.
_CACHED = "_hedershus_room"
# Left in the session when a room session ended unseen (idle, deleted): the entry form says so.
IDLE_ENDED_KEY = "room_ended_idle"


def room_session_start(request: HttpRequest, room: Room) -> None:
    """Puts ``room`` in ``request``'s session, after a new session key (so a key known
    before entering, e.g. planted by someone else, does not lead into the room)."""
    request.session.cycle_key()
    request.session[ROOM_SESSION_KEY] = str(room.pk)
    room_session_mark_active(request.session)
    setattr(request, _CACHED, room)


def room_session_end(request: HttpRequest) -> None:
    """Takes the room out of ``request``'s session (the rest of the session stays: language
    choice, discreet mode), with a new session key."""
    for key in (ROOM_SESSION_KEY, ROOM_ACTIVE_AT_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()
    setattr(request, _CACHED, None)


def room_from_request(request: HttpRequest) -> Room | None:
    """The room of ``request``'s session, or ``None`` when there is none, the room session
    idled past ``ROOM_IDLE_MINUTES`` (it is ended then), or the room was deleted.

    Counts the request as activity: the idle time starts again, and the room's
    ``last_active_at`` moves on (at most once a minute).
    """
    if hasattr(request, _CACHED):
        cached: Room | None = getattr(request, _CACHED)
        return cached
    session = request.session
    room: Room | None = None
    if session.get(ROOM_SESSION_KEY) is not None:
        if room_session_live(session):
            room = Room.objects.filter(pk=session[ROOM_SESSION_KEY]).first()
        if room is None:
            room_session_end(request)
            # The entry form says why the visitor is there (read and removed by it).
            session[IDLE_ENDED_KEY] = True
        else:
            room_session_mark_active(session)
            room_touch(room)
    setattr(request, _CACHED, room)
    return room


def room_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator: without a room (``room_from_request``), redirect to ``rooms:enter``;
    with one, ``request.room`` is it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        room = room_from_request(request)
        if room is None:
            return redirect("rooms:enter")
        request.room = room  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
