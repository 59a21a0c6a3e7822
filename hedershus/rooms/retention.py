"""Room retention (R22): a room nobody has used for ``ROOM_RETENTION_DAYS`` is deleted.

Everything in the room goes with it through the database's cascades: conversations, their
messages, attachments and transfers (``messaging``), notes, saved pages and contact persons.
Deletion runs in batches of ``RETENTION_BATCH_SIZE`` rooms, one short transaction each, so a
large backlog never holds one long transaction or lock. The job that calls this and records
the run's audit event is ``hedershus.messaging.retention.retention_run``.

Holds: a later app that must keep some rooms longer (a case linked to a conversation in the
room) registers a filter with :func:`register_room_retention_hold`; a room any hold keeps is
not deleted, however long it has been idle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hedershus.core.retention import add_progress
from hedershus.rooms.models import Room

# Each takes the rooms retention would delete and returns the ones it must keep.
RoomHold = Callable[[QuerySet[Room]], QuerySet[Room]]
_room_holds: list[RoomHold] = []


def register_room_retention_hold(hold: RoomHold) -> None:
    """Keeps rooms from retention: ``hold(expired_rooms)`` returns the rooms to keep.

    Called from an AppConfig.ready() (e.g. the cases app: rooms with a conversation linked
    to an open case). Registering the same function twice has no further effect.
    """
    if hold not in _room_holds:
        _room_holds.append(hold)


def rooms_expired(*, now: datetime) -> QuerySet[Room]:
    """Rooms whose ``last_active_at`` is more than ``ROOM_RETENTION_DAYS`` before ``now``
    (an aware datetime) and that no hold keeps."""
    cutoff = now - timedelta(days=settings.ROOM_RETENTION_DAYS)
    expired = Room.objects.filter(last_active_at__lt=cutoff)
    for hold in _room_holds:
        expired = expired.exclude(pk__in=hold(expired).values("pk"))
    return expired


def rooms_delete_expired(
    *, now: datetime | None = None, batch_size: int | None = None, progress: dict[str, int] | None = None
) -> int:
    """Deletes every expired room (see :func:`rooms_expired`) with all it holds; returns how many
    (and adds each committed batch to ``progress["rooms_deleted"]``, for the run's audit event).

    ``now`` defaults to the current time; ``batch_size`` to ``RETENTION_BATCH_SIZE``. Each
    batch is its own transaction: the rooms are locked and the age re-checked inside it, so a
    room a visitor entered meanwhile is kept. Safe to run twice or concurrently (the second
    run finds nothing). Sends no real-time event: a room idle this long has no open socket
    (the room session ends after ``ROOM_IDLE_MINUTES``).
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                rooms_expired(now=now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return deleted
            # Cascades delete conversations, messages, attachments, notes, saved pages.
            Room.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
        add_progress(progress, "rooms_deleted", len(batch))
