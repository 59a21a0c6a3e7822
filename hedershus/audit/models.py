from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hedershus.audit.events import EVENT_TYPES

GENESIS_HASH = "0" * 64


class ActorKind(models.TextChoices):
    USER = "user", _("User")
    VISITOR = "visitor", _("Visitor")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    """One append-only, hash-chained audit event (R20, R23).

    UPDATE and DELETE are refused by database triggers (migration 0002). Each event
    stores the hash of the one before it, so a change made behind the application's
    back breaks the chain and `manage.py audit_verify` names the first broken event.
    A visitor is recorded as "visitor" with no further identity: never an address.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    event_type = models.CharField(_("event"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.event_type}"

    @property
    def event_label(self) -> str:
        """The event type as auditors read it; the code itself if no label is registered."""
        label = EVENT_TYPES.get(self.event_type)
        return str(label) if label is not None else self.event_type

    def compute_hash(self) -> str:
        """SHA-256 over the event's content and the previous event's hash."""
        content = {
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_kind": self.actor_kind,
            "event_type": self.event_type,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "reason": self.reason,
            "request_id": self.request_id,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
