"""The one API that writes audit events. Only other apps' services call it."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.events import EVENT_TYPES
from hedershus.audit.models import GENESIS_HASH, ActorKind, AuditEvent
from hedershus.core import context

# Any constant works: it names the lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x48454452  # "HEDR"


def _lock_chain() -> None:
    # On SQLite the IMMEDIATE transaction mode already serialises writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


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
    """Appends one event to the chain, inside the caller's transaction.

    Being in the same transaction as the change it records means a change is never
    committed without its event, nor an event without its change. ``actor`` is the
    user who acted; ``visitor=True`` records an anonymous visitor; neither means the
    system itself. ``data`` holds small, non-identifying details (ids, old and new role).
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
    with transaction.atomic():
        _lock_chain()
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
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
            prev_hash=previous or GENESIS_HASH,
        )
        key_id, key = keys.signing_key()
        event.key_id = key_id
        event.hash = event.compute_hash({key_id: key})
        event.save(force_insert=True)
    return event


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
