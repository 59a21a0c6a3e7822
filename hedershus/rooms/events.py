"""The rooms app's audit event types and its real-time group (issue 9).

Audit events from rooms are recorded with ``visitor=True`` and are content-free: they name the
room by its random id and never hold a code, a passphrase, a note's text or a saved page's
title (what a visitor reads is theirs). Real-time events are hints: ``{"kind": "room.deleted"}``
to ``room_group(room)``, the group the visitor's sockets join.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from hedershus.core.realtime import room_group_name


class RoomEvent(StrEnum):
    OPENED = "room.opened"
    ENTERED = "room.entered"
    ENTRY_FAILED = "room.entry_failed"
    ENTRY_PAUSED = "room.entry_paused"
    LEFT = "room.left"
    PASSPHRASE_SET = "room.passphrase_set"  # noqa: S105  (an event name, not a password)
    DELETED = "room.deleted"
    PAGE_SAVED = "room.page_saved"
    PAGE_REMOVED = "room.page_removed"
    NOTE_CREATED = "room.note_created"
    NOTE_CHANGED = "room.note_changed"
    NOTE_DELETED = "room.note_deleted"


EVENT_LABELS = {
    RoomEvent.OPENED: _("Room opened by a visitor"),
    RoomEvent.ENTERED: _("Room entered with its code"),
    RoomEvent.ENTRY_FAILED: _("Room entry failed: wrong passphrase for an existing room"),
    RoomEvent.ENTRY_PAUSED: _("Room entry paused after wrong passphrases"),
    RoomEvent.LEFT: _("Room left by its visitor"),
    RoomEvent.PASSPHRASE_SET: _("Room passphrase set or changed"),
    RoomEvent.DELETED: _("Room deleted with everything in it"),
    RoomEvent.PAGE_SAVED: _("Page saved in a room"),
    RoomEvent.PAGE_REMOVED: _("Saved page removed from a room"),
    RoomEvent.NOTE_CREATED: _("Note written in a room"),
    RoomEvent.NOTE_CHANGED: _("Note changed in a room"),
    RoomEvent.NOTE_DELETED: _("Note deleted from a room"),
}


def room_group(room: Any) -> str:
    """The channel-layer group of ``room``'s visitor sockets: ``"room.<uuid hex>"``
    (``core.realtime.room_group_name``, which core's own hints use too)."""
    return room_group_name(str(room.id))
