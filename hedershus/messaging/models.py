"""Conversations between a visitor's room and the centre (R7, R8, R10).

One thread holds live chat and messages answered later. Every message has a per-conversation
sequence number (``seq``, from ``Conversation.last_seq`` incremented in the same transaction)
and a client-chosen id (``client_id``): both unique per conversation, so a retried send is
stored once and a reconnecting client asks for everything after the last ``seq`` it has.
Message text, transfer reasons and attachment bytes are encrypted at rest (``core.crypto``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")  # in the queue, nobody has claimed it
    ACTIVE = "active", pgettext_lazy("conversation", "Active")  # a counsellor has it
    CLOSED = "closed", _("Closed")


class Conversation(models.Model):
    """A thread between one room and the centre. A room has at most one open conversation."""

    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(
        _("status"), max_length=16, choices=ConversationStatus.choices, default=ConversationStatus.WAITING
    )
    # The counsellor who has it (ACTIVE), or the contact person it is routed to while WAITING.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the visitor marks a message "I need help now"; cleared when a counsellor replies.
    acute_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The oldest visitor message not yet answered (None when answered): the queue's waiting time.
    waiting_since = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    # Presence: the visitor's socket refreshes this; "online" when recent.
    visitor_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["room"],
                condition=~models.Q(status="closed"),
                name="messaging_conversation_one_open_per_room",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["waiting", "active", "closed"]),
                name="messaging_conversation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "waiting_since"], name="messaging_queue_idx")]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class SenderKind(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("Automatic")  # the opening-hours answer, transfers shown to the visitor


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    client_id = models.UUIDField()
    sender = models.CharField(max_length=16, choices=SenderKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_encrypted = models.TextField()
    acute = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("conversation", "seq")
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="messaging_message_seq_once"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"], name="messaging_message_client_id_once"
            ),
            models.CheckConstraint(
                condition=models.Q(sender__in=["visitor", "staff", "system"]),
                name="messaging_message_sender_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(models.Model):
    """An image (re-encoded without metadata) or PDF; the bytes encrypted, in the database so
    they go with the room and need no second store to delete from."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="attachment")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    data_encrypted = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class Transfer(models.Model):
    """A conversation handed from one counsellor to another, with the reason (encrypted)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="transfers")
    from_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class StandardReply(models.Model):
    """A saved reply counsellors insert; supervisors edit them. Holds no personal data."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=12)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("title", "language")
        verbose_name = _("standard reply")
        verbose_name_plural = _("standard replies")
        constraints = [
            models.UniqueConstraint(fields=["title", "language"], name="messaging_standardreply_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class OpeningHours(models.Model):
    """When the centre answers, per weekday (0 = Monday); several rows per day allowed."""

    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ("weekday", "opens")
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="messaging_openinghours_weekday"),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="messaging_openinghours_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens}-{self.closes}"


class Absence(models.Model):
    """A staff member away (dates inclusive), and who stands in for them (R10)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    stand_in = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stand_ins")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="messaging_absence_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(staff=models.F("stand_in")), name="messaging_absence_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"absence {self.pk}"
