"""The one API that writes audit events. Only other apps' services call it."""

from __future__ import annotations

import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.anchors import (
    Anchor,
    AnchorNotConfigured,
    AnchorRefused,
    AnchorUnreadable,
    anchor_alarm_mail,
    anchor_current,
    anchor_directory,
    anchor_file_names,
    anchor_file_write,
    anchor_latest_file,
    anchor_lock,
    anchor_mail,
    anchor_problem,
    file_digest,
)
from hedershus.audit.events import EVENT_TYPES
from hedershus.audit.models import ActorKind, AuditEvent, AuditPending, AuditSeal
from hedershus.core import context

logger = logging.getLogger("hedershus.audit")

# Any constant works: it names the lock that serialises the seal chain on PostgreSQL. Until
# migration 0005 it serialised every audited transaction until its commit.
_CHAIN_LOCK_KEY = 0x48454452  # "HEDR"
# Events sealed per round of the sealer: one short transaction each.
SEAL_BATCH = 500
SEALING_STARTED_EVENT = "audit.sealing_started"
# Held by the dedicated sealer (`manage.py audit_sealer`, audit/sealer.py) for as long as it
# runs: a session lock, so PostgreSQL lets it go the moment the sealer's connection ends.
# Below 2**31, so pg_locks shows it as objid with classid 0.
SEALER_PRESENT_KEY = 0x48454453  # "HEDS"
# How long a process trusts what it last saw about the dedicated sealer (seconds): one
# pg_locks query per process at most this often, not one per audited write.
SEALER_CHECK_SECONDS = 5.0
# (monotonic time of the last look, whether a sealer ran then): per process; a race between
# two threads only means an extra look.
_sealer_seen: tuple[float, bool] = (float("-inf"), False)


def audit_record(
    event_type: str,
    *,
    actor: Any = None,
    visitor: bool = False,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Records one signed event, inside the caller's transaction.

    Being in the same transaction as the change it records means a change is never
    committed without its event, nor an event without its change. ``actor`` is the
    user who acted; ``visitor=True`` records an anonymous visitor; neither means the
    system itself. ``data`` holds small, non-identifying details (ids, old and new role).

    The event takes no lock: it is signed on its own (HMAC over its content and a random
    nonce) and queued, and once the caller's transaction has committed it is sealed into the
    log's order (on SQLite, which runs one writer at a time, at once, in the same
    transaction). On PostgreSQL the dedicated sealer (`manage.py audit_sealer`) seals it
    within ``sealer.POLL_SECONDS``; when none runs, ``audit_seal_pending`` runs after the
    commit. Raises ValueError for an unknown event type or for both a user and a visitor as
    actor.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown audit event type: {event_type!r}")
    if actor is not None and visitor:
        raise ValueError("An event has either a user or a visitor as actor, not both.")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    kind = ActorKind.USER if actor is not None else ActorKind.VISITOR if visitor else ActorKind.SYSTEM
    # No savepoint of its own: if recording fails, the caller's change must not commit either.
    with transaction.atomic(savepoint=False):
        key_id, key = keys.signing_key()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor,
            actor_kind=kind,
            event_type=event_type,
            object_type=object_type,
            object_id=str(object_id),
            reason=reason,
            request_id=context.request_id.get(),
            data=data or {},
            prev_hash=None,
            key_id=key_id,
            nonce=secrets.token_hex(16),
        )
        event.hash = event.compute_hash({key_id: key})
        if connection.vendor == "postgresql":
            _insert_and_queue(event)
            if not dedicated_sealer_running():
                # robust: a failed seal must not turn a committed change into an error page;
                # the next sealer, or `manage.py audit_seal`, seals the event later.
                transaction.on_commit(audit_seal_pending, robust=True)
        else:
            event.save(force_insert=True)
            AuditPending.objects.create(event=event)
            _seal_queued()
    return event


_EVENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_kind",
    "event_type",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "data",
    "prev_hash",
    "hash",
    "key_id",
    "nonce",
)
# Constant SQL: the column names are this module's own.
_INSERT_AND_QUEUE = (
    f"WITH event AS (INSERT INTO audit_auditevent ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('%s::jsonb' if c == 'data' else '%s' for c in _EVENT_COLUMNS)}) RETURNING id) "
    "INSERT INTO audit_auditpending (event_id) SELECT id FROM event RETURNING event_id"
)


def _insert_and_queue(event: AuditEvent) -> None:
    """Inserts the event and its queue row in one statement (PostgreSQL): one round trip
    less on every audited write. Values go to psycopg as they are (it adapts datetimes and
    strings); ``data`` as JSON text cast to jsonb, encoded as the model's JSONField does (it
    has no encoder of its own) and as its hash already was (``chain.canonical_content``)."""
    params = [getattr(event, column) for column in _EVENT_COLUMNS]
    params[_EVENT_COLUMNS.index("data")] = json.dumps(event.data)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_AND_QUEUE, params)
        row = cursor.fetchone()
    assert row is not None  # an INSERT … RETURNING of one row returns it
    event.pk = row[0]
    event._state.adding = False
    event._state.db = connection.alias


def dedicated_sealer_running() -> bool:
    """Whether a dedicated sealer (`manage.py audit_sealer`) holds its presence lock on this
    database (PostgreSQL; False on other databases). Looked up at most every
    SEALER_CHECK_SECONDS per process, so an audited write pays for it almost never.

    While one runs, writers leave sealing to it and pay only their own commit; when it
    stops, its lock goes with its connection, and within SEALER_CHECK_SECONDS writers seal
    after their commits again (the first of them seals what the sealer left)."""
    global _sealer_seen
    if connection.vendor != "postgresql":
        return False
    now = time.monotonic()
    checked_at, running = _sealer_seen
    if now - checked_at < SEALER_CHECK_SECONDS:
        return running
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = 0 AND objid = %s AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
            [SEALER_PRESENT_KEY],
        )
        row = cursor.fetchone()
    running = bool(row and row[0])
    _sealer_seen = (now, running)
    return running


def forget_dedicated_sealer() -> None:
    """Makes the next ``dedicated_sealer_running`` look again (tests; a sealer starting)."""
    global _sealer_seen
    _sealer_seen = (float("-inf"), False)


def _take_seal_lock(wait: bool) -> bool:
    """Takes the seal chain's lock for this connection (PostgreSQL, released by
    ``_release_seal_lock``); False if another process holds it and ``wait`` is False.

    A session lock taken in one round trip, not a transaction's: the sealer after every
    commit tries it, and most tries fail while another process seals."""
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_CHAIN_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_CHAIN_LOCK_KEY])
        row = cursor.fetchone()
        return bool(row and row[0])


def _release_seal_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_CHAIN_LOCK_KEY])


def _seal_chain_head() -> str:
    """The hash the next seal links to: the newest seal's, or for the first seal the
    ``audit.sealing_started`` event's (migration 0005), the last event of the old chain."""
    head = AuditSeal.objects.order_by("-id").values_list("hash", flat=True).first()
    if head is not None:
        return head
    anchor = (
        AuditEvent.objects.filter(event_type=SEALING_STARTED_EVENT, prev_hash__isnull=False)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    if anchor is None:
        raise RuntimeError("The audit log has no audit.sealing_started event: run the migrations.")
    return anchor


def _seal_queued(*, asynchronous_commit: bool = False) -> int:
    """Seals up to SEAL_BATCH queued events, lowest id first; the caller holds the lock and
    a transaction. Returns how many it sealed. Few round trips: it runs after every commit.

    ``asynchronous_commit`` (PostgreSQL, only for a transaction of the sealer's own): the
    seals need not wait for the disk. A crash may lose this transaction's seals, but then
    also its removal of their events from the queue (one WAL, in order), so those events are
    sealed again; the events themselves were committed durably with what they record.
    """
    with connection.cursor() as cursor:
        # Only committed queue rows are visible: events still in flight are sealed after
        # their own commit. An event already sealed (a queue row restored by hand) is skipped.
        if connection.vendor == "postgresql":
            cursor.execute(
                "WITH taken AS (DELETE FROM audit_auditpending WHERE event_id IN "
                "(SELECT event_id FROM audit_auditpending ORDER BY event_id LIMIT %s) RETURNING event_id) "
                "SELECT e.id, e.hash FROM taken JOIN audit_auditevent e ON e.id = taken.event_id "
                "WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) ORDER BY e.id",
                [SEAL_BATCH],
            )
        else:
            # SQLite has no DELETE inside WITH: two statements, in its one writer's transaction.
            cursor.execute(
                "DELETE FROM audit_auditpending WHERE event_id IN "
                "(SELECT event_id FROM audit_auditpending ORDER BY event_id LIMIT %s) RETURNING event_id",
                [SEAL_BATCH],
            )
            taken = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT e.id, e.hash FROM audit_auditevent e WHERE e.id IN "  # noqa: S608
                f"({', '.join(['%s'] * len(taken)) or 'NULL'}) "
                "AND NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) ORDER BY e.id",
                taken,
            )
        events = cursor.fetchall()
        if not events:
            return 0
        if asynchronous_commit:
            cursor.execute(
                "SELECT set_config('synchronous_commit', 'off', true), "
                "(SELECT hash FROM audit_auditseal ORDER BY id DESC LIMIT 1)"
            )
        else:
            cursor.execute("SELECT '', (SELECT hash FROM audit_auditseal ORDER BY id DESC LIMIT 1)")
        row = cursor.fetchone()
    previous = row[1] if row and row[1] is not None else _seal_chain_head()
    key_id, key = keys.signing_key()
    sealed_at = timezone.now()
    seals = []
    for event_id, event_hash in events:
        seal = AuditSeal(
            event_id=event_id,
            event_hash=event_hash,
            prev_hash=previous,
            key_id=key_id,
            sealed_at=sealed_at,
        )
        seal.hash = seal.compute_hash({key_id: key})
        previous = seal.hash
        seals.append(seal)
    # One INSERT: its rows take their ids in this order, which is the chain's order.
    AuditSeal.objects.bulk_create(seals)
    return len(seals)


def _seal_round() -> int:
    """One transaction sealing up to SEAL_BATCH queued events (the caller holds the lock)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        return _seal_queued(asynchronous_commit=outermost and connection.vendor == "postgresql")


def audit_seal_pending(*, wait: bool = False, max_rounds: int = 100) -> int:
    """Seals every committed event that waits for its seal; returns how many it sealed.

    Runs after each audited transaction commits (PostgreSQL) and from `manage.py audit_seal`
    (``wait=True``, the safety net for events whose sealer failed). Each round is one short
    transaction sealing up to SEAL_BATCH events under the seal lock. Without ``wait`` it
    returns at once when another process holds the lock: that process looks for waiting
    events again after it has let the lock go, so it sees every event committed before this
    one tried, and none is left behind. ``max_rounds`` bounds the work of one call.
    """
    if connection.vendor != "postgresql":
        # SQLite runs one writer at a time: no lock to take.
        total = 0
        for _round in range(max_rounds):
            sealed = _seal_round()
            total += sealed
            if sealed < SEAL_BATCH:
                break
        return total
    total = 0
    rounds = 0
    while rounds < max_rounds:
        if not _take_seal_lock(wait):
            return total
        try:
            while rounds < max_rounds:
                rounds += 1
                sealed = _seal_round()
                total += sealed
                if sealed < SEAL_BATCH:
                    break
        finally:
            _release_seal_lock()
        # After the lock is released: events committed while it was held are seen here.
        if not AuditPending.objects.exists():
            break
    return total


def audit_search_record(*, actor: Any, filters: dict[str, Any], page: int) -> AuditEvent:
    """An auditor read the log: reading events is reading personal data about staff."""
    return audit_record(
        "audit.searched", actor=actor, object_type="audit.auditevent", data={**filters, "page": page}
    )


def audit_export_start(
    *, actor: Any, events: models.QuerySet[AuditEvent], filters: dict[str, Any]
) -> tuple[models.QuerySet[AuditEvent], int]:
    """Records an export before any row leaves, and returns exactly the rows it counted.

    The rows are pinned to the events that existed before the export event, so the count
    in the event matches the file: events are append-only, so nothing below the pin changes
    while the rows stream after this transaction has committed.
    """
    with transaction.atomic():
        up_to_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if filters.get("up_to_id") is not None:
            up_to_id = min(up_to_id, filters["up_to_id"])
        rows = events.filter(id__lte=up_to_id)
        count = rows.count()
        audit_record(
            "audit.exported",
            actor=actor,
            object_type="audit.auditevent",
            data={**filters, "up_to_id": up_to_id, "rows": count},
        )
    return rows, count


def _anchor_previous(directory: Path, addresses: list[str]) -> str:
    """The SHA-256 of the newest anchor file in ``directory`` ("" when there is none), after
    checking the log still holds what it counted; raises AnchorRefused (logged, and mailed as
    an alarm to ``addresses``) when it does not, or when that file is unreadable or forged."""
    refusal: AnchorRefused | None = None
    previous = ""
    try:
        latest = anchor_latest_file(directory)
    except AnchorUnreadable as unreadable:
        names = anchor_file_names(directory)
        refusal = AnchorRefused(str(unreadable), names[-1] if names else "")
        latest = None
    if latest is not None:
        newest, newest_name, newest_content = latest
        problem = anchor_problem(newest)
        if problem:
            refusal = AnchorRefused(problem, newest_name)
        previous = file_digest(newest_content)
    if refusal is not None:
        logger.error("audit anchor refused: %s", refusal)
        if addresses:
            try:
                anchor_alarm_mail(refusal.file_name, addresses)
            except Exception:
                logger.exception("the audit anchor alarm could not be mailed")
        raise refusal
    return previous


def audit_anchor_write(*, actor: Any = None) -> tuple[Anchor, str]:
    """Writes an anchor of the log's head (``anchors.py``) to AUDIT_ANCHOR_DIR and mails it to
    AUDIT_ANCHOR_EMAILS, then records ``audit.anchored`` (ids and counts only).

    First it checks the log against the newest anchor file: if the log no longer holds what
    that anchor counted (the newest events removed behind the application's back), or that
    file is unreadable or forged, it writes nothing, logs an error, mails an alarm (the fact
    and the file's name, nothing else) to AUDIT_ANCHOR_EMAILS and raises AnchorRefused: an
    anchor of the shortened log would hide the removal from the next ``audit_verify``
    (issue 13 item 2). The new anchor records the SHA-256 of that file (the chain of
    anchors, ``anchors.anchor_chain_problem``).

    Returns the anchor and the file's name ("" when only mailed). ``actor``: the auditor who
    asked for it, or None for the schedule (`manage.py audit_anchor`). Raises
    AnchorNotConfigured when both settings are empty, AnchorRefused as above, OSError when
    the directory cannot be written, and whatever the mail backend raises: a failed anchor
    is reported, never passed over (no event is recorded then)."""
    directory = anchor_directory()
    addresses = list(settings.AUDIT_ANCHOR_EMAILS)
    if directory is None and not addresses:
        raise AnchorNotConfigured("Set AUDIT_ANCHOR_DIR or AUDIT_ANCHOR_EMAILS (docs/operations.md).")
    if directory is None:
        anchor, name = anchor_current(), ""
    else:
        # One writer at a time: two anchors chained to the same file would break the chain.
        with anchor_lock(directory):
            anchor = anchor_current(_anchor_previous(directory, addresses))
            name = anchor_file_write(anchor, directory).name
    if addresses:
        anchor_mail(anchor, addresses)
    audit_record(
        "audit.anchored",
        actor=actor,
        object_type="audit.auditseal",
        object_id=anchor.head_seal_id or "",
        data={
            "events": anchor.events,
            "max_event_id": anchor.max_event_id,
            "file": bool(name),
            "mailed": len(addresses),
        },
    )
    return anchor, name
