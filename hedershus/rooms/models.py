"""Anonymous visitor rooms (R9, R7): found by a keyed hash of a code the server never stores.

A room holds nothing that names its visitor. The code (``rooms.codes``) is shown once; the
database keeps only ``code_digest``, an HMAC of the normalised code under a pepper kept
outside the database (``ROOM_CODE_PEPPERS``), so a copy of the database alone cannot test
guesses. An optional passphrase is kept as an Argon2id hash. Conversations and messages
live in ``messaging`` and go with the room when it is deleted (``on_delete=CASCADE``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    """One visitor's room. ``id`` is random and never shown: the session holds it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # HMAC-SHA256 (hex) of the normalised code under the current pepper.
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Argon2id hash (argon2-cffi's encoded form); empty when the visitor chose none.
    passphrase_hash = models.CharField(max_length=255, blank=True, editable=False)
    # The interface language the room was opened in: replies and standard replies use it.
    language = models.CharField(_("language"), max_length=12)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Any visitor or staff activity; retention deletes rooms idle for ROOM_RETENTION_DAYS.
    last_active_at = models.DateTimeField(_("last active at"), auto_now_add=True)
    # Set at the first return with the code: that visit shows the code once more.
    first_returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Per-room throttle on passphrase guesses (the code already matched).
    passphrase_failures = models.PositiveIntegerField(default=0, editable=False)
    passphrase_blocked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        # Never the code (not stored) nor anything the visitor wrote.
        return f"room {str(self.id)[:8]}"


class ContactPerson(models.Model):
    """A staff member the visitor has talked to (R10): the room lists them by first name only,
    and a returning visitor's new conversation goes to the latest active one."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="contact_persons")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)
    last_contact_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.UniqueConstraint(fields=["room", "staff"], name="rooms_contactperson_once"),
        ]

    def __str__(self) -> str:
        return f"contactperson {self.pk}"


class SavedPage(models.Model):
    """A knowledge-bank page the visitor keeps in the room (not on their device)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="saved_pages")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved page")
        verbose_name_plural = _("saved pages")
        constraints = [
            models.UniqueConstraint(fields=["room", "page"], name="rooms_savedpage_once"),
        ]

    def __str__(self) -> str:
        return f"savedpage {self.pk}"


class Note(models.Model):
    """A note the visitor writes for themselves; the text is encrypted (``core.crypto``)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="notes")
    text_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"note {self.pk}"
