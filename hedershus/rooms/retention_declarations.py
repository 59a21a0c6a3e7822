"""What rooms keep and how long (R22; ``hedershus.core.retention``): a room goes, with
everything in it, ``ROOM_RETENTION_DAYS`` after it was last used (job ``rooms``, registered by
messaging, which runs it: ``hedershus/rooms/retention.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import PeriodUnit, RetentionDeclaration, after, declare_retention
from hedershus.rooms.retention import rooms_expired


def register() -> None:
    """Declares the rooms app's record types (from ``RoomsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="rooms.Room",
            personal_data=True,
            rule=after("ROOM_RETENTION_DAYS", PeriodUnit.DAYS, _("the room was last used")),
            settings=("ROOM_RETENTION_DAYS",),
            job="rooms",
            due=lambda now: rooms_expired(now=now).count(),
        ),
        RetentionDeclaration(model="rooms.ContactPerson", personal_data=True, parent="rooms.Room"),
        RetentionDeclaration(model="rooms.SavedPage", personal_data=True, parent="rooms.Room"),
        RetentionDeclaration(model="rooms.Note", personal_data=True, parent="rooms.Room"),
    )
