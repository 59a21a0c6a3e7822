"""Retention (R22): how long rooms and conversations are kept, and the job that deletes them.

What is kept how long (settings, documented in docs/operations.md, "Retention"):

- a room unused for ``ROOM_RETENTION_DAYS`` (183) goes with everything in it
  (``hedershus.rooms.retention``): conversations, messages, attachments, transfers, notes,
  saved pages, contact persons;
- a closed conversation goes ``CONVERSATION_RETENTION_DAYS`` (90) after it closed, with its
  messages, their attachments (one-to-one, cascade) and its transfers; the room stays;
- an open conversation with nothing unanswered (``waiting_since`` empty) and no message for
  ``CONVERSATION_IDLE_CLOSE_DAYS`` (30) is closed, so the 90 days start: otherwise a thread a
  counsellor forgot to close would be kept as long as the room. One with an unanswered visitor
  message is never closed by retention: it is in someone's queue, and closing it would hide a
  message the visitor was told was sent; the room's own retention still bounds it;
- an absence goes ``ABSENCE_RETENTION_DAYS`` (90) after it ended.

Standard replies and opening hours hold nothing about people and are kept.

Holds: a conversation linked to a case (cases come with a later issue) must outlive this; the
cases app registers a filter with :func:`register_conversation_retention_hold` (and one for
rooms with ``hedershus.rooms.retention.register_room_retention_hold``) from its AppConfig.

Every run records one audit event, ``messaging.retention_run``, with counts only: those of
messaging's own rules and of every job registered in ``hedershus.core.retention`` (messaging
registers its rules there too, as the jobs ``rooms``, ``conversations`` and ``absences``, so the
retention overview names them like any other; ``retention_declarations.py`` declares what each
culls, counted with the same "expired" queries as below).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from hedershus.audit.services import audit_record
from hedershus.core.retention import add_progress, in_batches, retention_jobs
from hedershus.messaging.models import Absence, Conversation, ConversationStatus
from hedershus.messaging.services.queue import queue_changed
from hedershus.rooms.retention import rooms_delete_expired, rooms_expired

logger = logging.getLogger(__name__)

RETENTION_RUN_EVENT = "messaging.retention_run"

# Each takes the conversations retention would delete and returns the ones it must keep.
ConversationHold = Callable[[QuerySet[Conversation]], QuerySet[Conversation]]
_conversation_holds: list[ConversationHold] = []


def register_conversation_retention_hold(hold: ConversationHold) -> None:
    """Keeps conversations from retention: ``hold(expired)`` returns the ones to keep.

    For the cases app (a later issue): conversations linked to a case are kept as long as
    the case's own retention says. Registering the same function twice has no further effect.
    """
    if hold not in _conversation_holds:
        _conversation_holds.append(hold)


def conversations_expired(*, now: datetime) -> QuerySet[Conversation]:
    """Closed conversations that closed more than ``CONVERSATION_RETENTION_DAYS`` before
    ``now`` (aware) and that no hold keeps."""
    cutoff = now - timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    expired = Conversation.objects.filter(status=ConversationStatus.CLOSED, closed_at__lt=cutoff)
    for hold in _conversation_holds:
        expired = expired.exclude(pk__in=hold(expired).values("pk"))
    return expired


def conversations_idle(*, now: datetime) -> QuerySet[Conversation]:
    """Open conversations with nothing unanswered and no message (nor, if none, creation)
    for ``CONVERSATION_IDLE_CLOSE_DAYS`` before ``now``."""
    cutoff = now - timedelta(days=settings.CONVERSATION_IDLE_CLOSE_DAYS)
    return (
        Conversation.objects.exclude(status=ConversationStatus.CLOSED)
        .filter(waiting_since__isnull=True)
        .alias(last_used=Coalesce("last_message_at", "created_at"))
        .filter(last_used__lt=cutoff)
    )


def conversations_due(*, now: datetime) -> QuerySet[Conversation]:
    """The conversations a run at ``now`` deletes *as conversations*, for the retention
    overview's count (issue 13 item 4): closed ones expired at ``now`` and idle ones the same
    run first closes (``closed_at`` becomes their last use) and then finds expired; not those
    in a room that expires at ``now`` (the ``rooms`` job runs first and they go with it).
    Holds apply as in :func:`conversations_expired`."""
    cutoff = now - timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    # Closing sets ``closed_at`` to the last use (the last message, or creation without one).
    closing_expired = (
        conversations_idle(now=now)
        .filter(Q(last_message_at__lt=cutoff) | Q(last_message_at__isnull=True, created_at__lt=cutoff))
        .values("pk")
    )
    due = Conversation.objects.filter(
        Q(status=ConversationStatus.CLOSED, closed_at__lt=cutoff) | Q(pk__in=closing_expired)
    ).exclude(room__in=rooms_expired(now=now).values("pk"))
    for hold in _conversation_holds:
        due = due.exclude(pk__in=hold(due).values("pk"))
    return due


def conversations_closing(*, now: datetime) -> QuerySet[Conversation]:
    """The conversations a run at ``now`` closes as idle (:func:`conversations_idle`), not
    counting those in a room that expires at ``now`` (deleted with it first)."""
    return conversations_idle(now=now).exclude(room__in=rooms_expired(now=now).values("pk"))


def absences_ended(*, now: datetime) -> QuerySet[Absence]:
    """Absences that ended more than ``ABSENCE_RETENTION_DAYS`` before ``now`` (local dates)."""
    cutoff = timezone.localdate(now) - timedelta(days=settings.ABSENCE_RETENTION_DAYS)
    return Absence.objects.filter(ends_on__lt=cutoff)


def conversations_close_idle(
    *, now: datetime, batch_size: int, progress: dict[str, int] | None = None
) -> int:
    """Closes idle conversations (:func:`conversations_idle`); returns how many (and adds
    each committed batch to ``progress["conversations_closed"]``).

    ``closed_at`` is set to the time of the last message, not to ``now``: the retention
    period counts from when the conversation was last used, whenever this job ran.
    """

    def close(pks: list[int]) -> None:
        # The filter is repeated so a conversation that got a message meanwhile stays open.
        closed = (
            conversations_idle(now=now)
            .filter(pk__in=pks)
            .update(status=ConversationStatus.CLOSED, closed_at=Coalesce("last_message_at", "created_at"))
        )
        if closed:
            # They leave counsellors' "mine" and "standing in" lists: open queues refetch
            # (one hint per batch, after its commit).
            queue_changed()

    return in_batches(
        lambda: conversations_idle(now=now),
        close,
        batch_size,
        lambda n: add_progress(progress, "conversations_closed", n),
    )


def conversations_delete_expired(
    *, now: datetime, batch_size: int, progress: dict[str, int] | None = None
) -> int:
    """Deletes expired conversations (:func:`conversations_expired`) with their messages,
    attachments and transfers; returns how many conversations (and adds each committed batch
    to ``progress["conversations_deleted"]``)."""

    def delete(pks: list[int]) -> None:
        Conversation.objects.filter(pk__in=pks).delete()

    return in_batches(
        lambda: conversations_expired(now=now),
        delete,
        batch_size,
        lambda n: add_progress(progress, "conversations_deleted", n),
    )


def absences_delete_ended(*, now: datetime, batch_size: int, progress: dict[str, int] | None = None) -> int:
    """Deletes absences that ended more than ``ABSENCE_RETENTION_DAYS`` before ``now``
    (:func:`absences_ended`); returns how many (and adds each committed batch to
    ``progress["absences_deleted"]``)."""

    def delete(pks: list[int]) -> None:
        Absence.objects.filter(pk__in=pks).delete()

    return in_batches(
        lambda: absences_ended(now=now),
        delete,
        batch_size,
        lambda n: add_progress(progress, "absences_deleted", n),
    )


# The jobs messaging registers with core.retention (apps.py), first of all: rooms, then the
# conversations left in the rooms that stay, then absences. Each looks its step up by name at
# run time (so a test may replace the step) and reports committed batches to ``progress``.


def rooms_job(now: datetime, batch_size: int, *, progress: dict[str, int] | None = None) -> dict[str, int]:
    """Job ``rooms``: deletes rooms unused for ``ROOM_RETENTION_DAYS`` with everything in them
    (``hedershus.rooms.retention``). Returns ``{"rooms_deleted": n}``."""
    done = rooms_delete_expired(now=now, batch_size=batch_size, progress=progress)
    return {"rooms_deleted": done}


def conversations_job(
    now: datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Job ``conversations``: closes idle conversations, then deletes those closed for
    ``CONVERSATION_RETENTION_DAYS``. Returns ``{"conversations_closed": n,
    "conversations_deleted": n}``."""
    closed = conversations_close_idle(now=now, batch_size=batch_size, progress=progress)
    deleted = conversations_delete_expired(now=now, batch_size=batch_size, progress=progress)
    return {"conversations_closed": closed, "conversations_deleted": deleted}


def absences_job(now: datetime, batch_size: int, *, progress: dict[str, int] | None = None) -> dict[str, int]:
    """Job ``absences``: deletes absences ended ``ABSENCE_RETENTION_DAYS`` ago. Returns
    ``{"absences_deleted": n}``."""
    return {"absences_deleted": absences_delete_ended(now=now, batch_size=batch_size, progress=progress)}


class RetentionRunFailed(RuntimeError):
    """One or more jobs of a retention run failed; ``failed_jobs`` names them in run order.
    The jobs after a failed one still ran, and the run's audit event was recorded."""

    def __init__(self, failed_jobs: list[str]) -> None:
        self.failed_jobs = failed_jobs
        super().__init__("retention jobs failed: " + ", ".join(failed_jobs))


def retention_run(*, now: datetime | None = None, batch_size: int | None = None) -> dict[str, int]:
    """Applies every retention rule once (see the module); returns the counts.

    Returns ``{"rooms_deleted", "conversations_closed", "conversations_deleted",
    "absences_deleted"}`` (ints), and the counts of every other job registered in
    ``core.retention`` (``cases_culled``, ``consultations_culled``, ``sessions_deleted``,
    ``task_results_deleted``). ``now`` (aware) defaults to the current time, ``batch_size``
    to ``RETENTION_BATCH_SIZE``. Idempotent: a second run at the same ``now`` deletes nothing.

    Each job runs on its own: one that fails (an error in its query, a database that went
    away for a moment) is logged and the jobs after it still run, so one broken rule never
    keeps every later record type past its period. Records one ``messaging.retention_run``
    audit event with the counts (numbers only, by what was deleted, every batch committed
    before a failure counted), ``"completed"`` (whether every job finished) and, when one
    failed, ``"failed_jobs"`` (their names, in run order) and ``"failed_job"`` (the first).
    Then raises :class:`RetentionRunFailed` (from the first error) if any job failed, so
    the timer's unit shows as failed.
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    counts = {
        "rooms_deleted": 0,
        "conversations_closed": 0,
        "conversations_deleted": 0,
        "absences_deleted": 0,
    }
    failed: list[str] = []
    first_error: BaseException | None = None
    running = ""
    try:
        # In registration order (core.retention): messaging's own jobs first (rooms, whose
        # conversations go with them, then conversations, absences), then the apps above it.
        for name, job in retention_jobs():
            running = name
            # Each job adds committed batches to ``progress`` as it goes: kept if it fails.
            progress: dict[str, int] = {}
            try:
                result = job(now, batch_size, progress=progress)
            except Exception as error:
                logger.exception("retention job %s failed", name)
                failed.append(name)
                first_error = first_error or error
                counts.update(progress)
                continue
            counts.update(progress)
            counts.update(result)
        running = ""
    finally:
        # ``running`` is still set only when something other than an Exception (an
        # interrupt) stopped the run inside a job.
        if running and running not in failed:
            failed.append(running)
        data: dict[str, Any] = {**counts, "completed": not failed}
        if failed:
            data["failed_job"] = failed[0]
            data["failed_jobs"] = list(failed)
        with transaction.atomic():
            audit_record(RETENTION_RUN_EVENT, data=data)
    if failed:
        raise RetentionRunFailed(failed) from first_error
    return counts
