"""Reads of the audit log. Only auditors read it; every other user gets nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Capability


@dataclass(frozen=True)
class AuditEventFilters:
    """What an auditor searches by. Empty values do not filter.

    Dates are whole days in the site's time zone (Europe/Stockholm), both ends included.
    ``up_to_id`` pins a search to the events that existed when it was first made, so
    pages do not shift while new events (the searches themselves among them) arrive.
    """

    actor_id: int | None = None
    actor_kind: str = ""
    object_type: str = ""
    object_id: str = ""
    event_type: str = ""
    date_from: date | None = None
    date_to: date | None = None
    up_to_id: int | None = None

    def as_data(self) -> dict[str, Any]:
        """The filters that are set, as ids, codes and ISO dates: for audit data and links."""
        values: dict[str, Any] = {
            "actor_id": self.actor_id,
            "actor_kind": self.actor_kind,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "event_type": self.event_type,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "up_to_id": self.up_to_id,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _start_of_local_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Every event, newest first, for an auditor; nothing for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.has_capability(Capability.REVIEW_AUDIT_LOG):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").order_by("-id")


def audit_events_search(user: Any, filters: AuditEventFilters) -> QuerySet[AuditEvent]:
    """The events ``user`` may read that match ``filters``, newest first."""
    events = audit_events_visible_to(user)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.actor_kind:
        events = events.filter(actor_kind=filters.actor_kind)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.date_from is not None:
        events = events.filter(occurred_at__gte=_start_of_local_day(filters.date_from))
    if filters.date_to is not None:
        # Up to the start of the next day, so that the whole last day is included.
        events = events.filter(occurred_at__lt=_start_of_local_day(filters.date_to + timedelta(days=1)))
    if filters.up_to_id is not None:
        events = events.filter(id__lte=filters.up_to_id)
    return events


def audit_latest_event_id() -> int:
    """The id of the newest event, 0 when there is none."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@dataclass(frozen=True)
class AnchorStatus:
    """What the audit page says about anchors: ``configured`` (a directory or an address is
    set), the newest anchor file's time (``written``, None if none) and ``problem`` ("" or
    why the newest file cannot be trusted)."""

    configured: bool
    written: datetime | None = None
    problem: str = ""


def audit_anchor_status() -> AnchorStatus:
    """The newest anchor in AUDIT_ANCHOR_DIR, as the auditors' page shows it. Reads a
    directory listing and one file; the full check against the log is `audit_verify`'s."""
    from django.conf import settings

    from hedershus.audit.anchors import AnchorUnreadable, anchor_directory, anchor_latest

    directory = anchor_directory()
    configured = directory is not None or bool(settings.AUDIT_ANCHOR_EMAILS)
    if directory is None:
        return AnchorStatus(configured)
    try:
        newest = anchor_latest(directory)
    except AnchorUnreadable as unreadable:
        return AnchorStatus(configured, problem=str(unreadable))
    return AnchorStatus(configured, written=newest.written if newest else None)
