from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hedershus.audit import keys
from hedershus.audit.chain import GENESIS_HASH, LEGACY_KEY_ID, canonical_content, digest, seal_content
from hedershus.audit.events import EVENT_TYPES

__all__ = ["GENESIS_HASH", "LEGACY_KEY_ID", "ActorKind", "AuditEvent", "AuditPending", "AuditSeal"]


class ActorKind(models.TextChoices):
    USER = "user", _("User")
    VISITOR = "visitor", _("Visitor")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    """One append-only, signed audit event (R20, R23).

    UPDATE, DELETE and replacing inserts are refused by database triggers (migrations 0002
    and 0003). Each event is signed with a key kept outside the database (HMAC, ``key_id``
    names the key; see ``chain.py``). Events up to migration 0005 also store the hash of the
    one before it (``prev_hash``); later ones have ``prev_hash`` None and are put in order by
    their ``AuditSeal``. A change made behind the application's back breaks a signature or a
    link, even if the changer recomputes every hash, and `manage.py audit_verify` names the
    first broken event.
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
        # The (actor, occurred_at) index serves lookups by actor: one index less to update on
        # every audited write (migration 0006).
        db_index=False,
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    event_type = models.CharField(_("event"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The chained events' link (up to migration 0005); NULL for sealed events: NULL, not "",
    # because the column is UNIQUE (no fork) and NULLs never clash.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64)
    # Which AUDIT_HMAC_KEYS key signed the event; "" for the plain SHA-256 events recorded
    # before the chain was keyed (migration 0003), which verify only as the chain's prefix.
    key_id = models.CharField(max_length=keys.KEY_ID_LENGTH, blank=True, default=LEGACY_KEY_ID)
    # Random, signed with a sealed event: two such events alike to the microsecond still
    # have different hashes. "" for chained events, whose link already tells them apart.
    nonce = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ("-id",)
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            # A user acts as "user"; a visitor or the system has no further identity.
            models.CheckConstraint(
                condition=(
                    models.Q(actor_kind=ActorKind.USER, actor__isnull=False)
                    | models.Q(actor_kind__in=[ActorKind.VISITOR, ActorKind.SYSTEM], actor__isnull=True)
                ),
                name="audit_event_actor_matches_kind",
            ),
            # Each event follows exactly one: two events after the same one would fork the chain.
            # Partial: only the chained events before migration 0005 have a link, so sealed
            # events (every new one) add no entry to this index (migration 0007).
            models.UniqueConstraint(
                fields=["prev_hash"],
                condition=models.Q(prev_hash__isnull=False),
                name="audit_event_chained_prev_hash_unique",
            ),
            # A constraint, not unique=True: on PostgreSQL that would add a second index for
            # LIKE queries, which nothing runs on hashes (migration 0006).
            models.UniqueConstraint(fields=["hash"], name="audit_event_hash_unique"),
        ]
        indexes = [
            # As a Meta index for the same reason: no LIKE index beside it.
            models.Index(fields=["event_type"], name="audit_event_type_idx"),
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

    @property
    def object_label(self) -> str:
        """The object as auditors read it: its record type's name in the active language and
        its id ("Ärende 12", "Samtal 7"); the stored type itself when it names no installed
        model ("other.thing 3"). ``object_type`` stays what the search filters by."""
        try:
            name = capfirst(str(apps.get_model(self.object_type)._meta.verbose_name))
        except (LookupError, ValueError):
            name = self.object_type
        return f"{name} {self.object_id}".strip()

    def compute_hash(self, verification_keys: dict[str, bytes] | None = None) -> str:
        """The event's hash from its content: HMAC-SHA-256 under the key named by ``key_id``,
        or plain SHA-256 for a legacy event. Raises ``chain.UnknownAuditKey`` if ``key_id``
        names no configured key. ``verification_keys`` saves looking the keys up per event."""
        content = canonical_content(
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_kind=self.actor_kind,
            event_type=self.event_type,
            object_type=self.object_type,
            object_id=self.object_id,
            reason=self.reason,
            request_id=self.request_id,
            data=self.data,
            prev_hash=self.prev_hash,
            key_id=self.key_id,
            nonce=self.nonce,
        )
        if verification_keys is None:
            verification_keys = keys.verification_keys()
        return digest(content, self.key_id, verification_keys)


class AuditSeal(models.Model):
    """Puts one sealed event in the log's order: the signed chain of seals (migration 0005).

    Written after the event's transaction committed, by ``services.audit_seal_pending``
    under a short lock, so recording an event never waits for other transactions. Each seal
    names its event (id and hash), the hash of the seal before it (the first: the last
    chained event's) and is signed like an event. Append-only like events (same triggers);
    an event is sealed at most once (UNIQUE ``event``), the chain cannot fork (UNIQUE
    ``prev_hash``). Removing an event means removing its seal, which breaks the next link.
    """

    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal")
    event_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=keys.KEY_ID_LENGTH)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        # Constraints, not unique=True: on PostgreSQL that adds a second index for LIKE
        # queries beside each, which nothing runs on hashes (migration 0007).
        constraints = [
            models.UniqueConstraint(fields=["prev_hash"], name="audit_seal_prev_hash_unique"),
            models.UniqueConstraint(fields=["hash"], name="audit_seal_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"seal of event {self.event_id}"

    def compute_hash(self, verification_keys: dict[str, bytes] | None = None) -> str:
        """The seal's HMAC-SHA-256 under the key ``key_id`` names (``chain.UnknownAuditKey``
        if it names no configured key)."""
        content = seal_content(
            event_id=self.event_id,
            event_hash=self.event_hash,
            prev_hash=self.prev_hash,
            sealed_at=self.sealed_at,
            key_id=self.key_id,
        )
        if verification_keys is None:
            verification_keys = keys.verification_keys()
        return digest(content, self.key_id, verification_keys)


class AuditPending(models.Model):
    """A work list, not a record: the events committed and not yet sealed.

    ``audit_record`` adds a row in the event's transaction; the sealer removes it when it
    seals the event. Not append-only and not trusted: a row lost or removed leaves its event
    unsealed, which ``audit_verify`` reports once the grace period is over.
    """

    event = models.OneToOneField(AuditEvent, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        verbose_name = _("event waiting for its seal")
        verbose_name_plural = _("events waiting for their seal")

    def __str__(self) -> str:
        return f"event {self.event_id} waiting for its seal"
