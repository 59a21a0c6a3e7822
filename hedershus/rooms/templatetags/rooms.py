"""Template tags for pages that show a room's frame outside the rooms app (messaging's
conversation page): ``{% load rooms %}`` then ``{% include "rooms/includes/room_nav.html" %}``,
which uses these itself, so the including view passes nothing but ``request``."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from hedershus.rooms import selectors
from hedershus.rooms.links import thread_url
from hedershus.rooms.session import room_from_request

register = template.Library()


@register.simple_tag
def room_thread_url() -> str:
    """The address of the room's conversation (or its overview while there is none)."""
    return thread_url()


@register.simple_tag
def room_frame(request: HttpRequest) -> dict[str, Any]:
    """``{"in_room", "contact_persons", "idle_seconds", "warning_seconds", "idle_minutes",
    "warning_minutes"}``
    for ``request``'s room (``room_from_request``: counts as activity, once per request)."""
    room = getattr(request, "room", None) or room_from_request(request)
    return {
        "in_room": room is not None,
        "contact_persons": selectors.room_contact_persons(room) if room is not None else [],
        "idle_minutes": settings.ROOM_IDLE_MINUTES,
        "idle_seconds": settings.ROOM_IDLE_MINUTES * 60,
        "warning_seconds": settings.ROOM_IDLE_WARNING_MINUTES * 60,
        "warning_minutes": settings.ROOM_IDLE_WARNING_MINUTES,
    }
