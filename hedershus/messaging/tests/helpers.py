"""Helpers for messaging's visitor-side tests: rooms made directly, a visitor's session in a
room, and an always-open centre."""

from __future__ import annotations

import datetime as dt
import secrets
from importlib import import_module
from typing import Any

from django.conf import settings

from hedershus.core.consumers import ROOM_SESSION_KEY, room_session_mark_active
from hedershus.messaging.hours import END_OF_DAY
from hedershus.messaging.models import OpeningHours
from hedershus.rooms.models import Room


def room_make(language: str = "sv") -> Room:
    """A room as the rooms app would store it (the code itself is never needed here)."""
    return Room.objects.create(code_digest=secrets.token_hex(32), language=language)


def room_enter(client: Any, room: Room) -> Any:
    """Puts ``room`` in ``client``'s session, as entering it with its code does."""
    session = client.session
    session[ROOM_SESSION_KEY] = str(room.pk)
    room_session_mark_active(session)
    session.save()
    return client


def room_session_key(room: Room | None) -> str:
    """A stored session holding ``room`` (or none), for WebSocket tests: its session key."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    if room is not None:
        session[ROOM_SESSION_KEY] = str(room.pk)
        room_session_mark_active(session)
    session.create()
    return str(session.session_key)


def centre_always_open() -> None:
    """Opening hours all day, every day: no automatic answers."""
    for weekday in range(7):
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(0), closes=END_OF_DAY)
