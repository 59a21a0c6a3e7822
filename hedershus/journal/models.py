"""A case's journal (R21): entries signed by their author, with time and role, never changed.

A draft (``signed_at`` NULL) belongs to its author alone until it is signed: only they see,
change or delete it (services, selectors). Once signed, an entry is a record: the database
itself refuses to UPDATE or DELETE it (triggers, migration 0002, on SQLite and PostgreSQL),
so no code path, bug or console session can change what was signed. A mistake is corrected
by a new signed entry that ``corrects`` the old one; the old one stays as it was.

The one way a signed entry leaves the database is culling a whole expired case (R22): the
retention job writes a ``CullingPermit`` for the case in the transaction that deletes it
(``hedershus.journal.retention.culling_permitted``), and the triggers let a signed entry be
deleted only while its case holds a permit of that same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case
from hedershus.core.access import Role
from hedershus.core.crypto import decrypt_text


class JournalEntry(models.Model):
    """One journal entry of a case.

    ``text_encrypted``: the text, encrypted at rest (``core.crypto.encrypt_text``; read it
    through ``text``). ``author_role`` and ``author_name`` are taken at signing, so the
    record says who signed and in what capacity even if the account changes later; both are
    empty on a draft. ``corrects``: the signed entry this one corrects (RESTRICT: an entry
    that is corrected cannot go before its correction, except together, when a case is culled).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journal_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journal_entries"
    )
    text_encrypted = models.TextField()
    created_at = models.DateTimeField(_("written"))
    updated_at = models.DateTimeField(_("last changed"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    author_role = models.CharField(_("role when signed"), max_length=32, blank=True, default="")
    author_name = models.CharField(_("signed by"), max_length=300, blank=True, default="")
    # Picked by the form that wrote the draft, so a post sent twice (a double click, a
    # retry on a slow connection) stores one draft (Zulip's idempotent sends).
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="corrections",
    )

    class Meta:
        ordering = ("-signed_at", "-id")
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            # Signed exactly when a role and a name were recorded.
            models.CheckConstraint(
                condition=(Q(signed_at__isnull=True) & Q(author_role="") & Q(author_name=""))
                | (Q(signed_at__isnull=False) & Q(author_role__in=Role.values) & ~Q(author_name="")),
                name="journal_entry_signed_with_role_and_name",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_at__gte=F("created_at")),
                name="journal_entry_signed_after_written",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(corrects=F("id")),
                name="journal_entry_not_its_own_correction",
            ),
            # One signed correction per entry: a later one corrects the correction, so the
            # chain of versions stays a line, never a fork.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(signed_at__isnull=False),
                name="journal_entry_corrected_once",
            ),
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=Q(client_id__isnull=False),
                name="journal_entry_written_once",
            ),
        ]
        indexes = [
            # The journal page: a case's signed entries, newest first.
            models.Index(
                fields=["case", "-signed_at"],
                condition=Q(signed_at__isnull=False),
                name="journal_signed_by_case",
            ),
            # An author's drafts (the case page and the start page's stale drafts).
            models.Index(
                fields=["author", "created_at"],
                condition=Q(signed_at__isnull=True),
                name="journal_drafts_by_author",
            ),
        ]

    def __str__(self) -> str:
        state = "signed" if self.signed_at else "draft"
        return f"journal entry {self.pk} ({state}) in case {self.case_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def text(self) -> str:
        """The decrypted text (raises ``cryptography.fernet.InvalidToken`` if tampered with)."""
        return decrypt_text(self.text_encrypted)

    @property
    def author_role_label(self) -> str:
        """The role at signing, in the reader's language."""
        return str(Role(self.author_role).label) if self.author_role in Role.values else self.author_role


class CullingPermit(models.Model):
    """Written by the retention job in the transaction that culls ``case_id`` (R22); the
    triggers let that case's signed entries be deleted only while it exists, and on
    PostgreSQL only in the transaction that wrote it (``transaction_id``, set by the database).

    No foreign key to the case on purpose: the case's deletion must not take the permit
    with it before the entries. ``hedershus.journal.retention.culling_permitted`` removes it
    again before the transaction ends.
    """

    case_id = models.BigIntegerField(unique=True)
    transaction_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("culling permit")
        verbose_name_plural = _("culling permits")

    def __str__(self) -> str:
        return f"culling permit for case {self.case_id}"
