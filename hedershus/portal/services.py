"""Writes to the portal's settings. Each records its audit event in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from hedershus.audit.services import audit_record
from hedershus.core.consumers import ROOM_SESSION_KEY
from hedershus.core.realtime import room_sessions_recheck
from hedershus.portal.models import SafetySettings


def quick_exit_url_change(*, actor: Any, url: str) -> SafetySettings:
    """Sets where the quick exit leads. ``actor`` is the administrator, or None for the system
    (``manage.py quick_exit_url``). Raises ValidationError, changing nothing, for a bad URL."""
    with transaction.atomic():
        current, _created = SafetySettings.objects.select_for_update().get_or_create(
            pk=SafetySettings.SINGLETON_PK
        )
        old_url = current.quick_exit_url
        if url == old_url:
            return current
        current.quick_exit_url = url
        current.full_clean()
        current.save()
        audit_record(
            "settings.quick_exit_changed",
            actor=actor,
            target=current,
            data={"old_url": old_url, "new_url": url},
        )
    return current


def quick_exit_session_end(request: HttpRequest) -> None:
    """Ends ``request``'s session for a quick exit (``logout`` flushes an anonymous
    visitor's session too). If the session was in a room, the room's sockets re-check their
    sessions at once (``core.realtime.room_sessions_recheck``): the room's page in another tab
    of this browser closes its socket and takes the conversation off the screen."""
    room_id = request.session.get(ROOM_SESSION_KEY)
    logout(request)
    if room_id is not None:
        room_sessions_recheck(str(room_id))
