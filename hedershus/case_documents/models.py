"""Documents on a case (R19): each document a title and numbered versions, the bytes of each
version encrypted at rest in the database (docs: /tmp/docs_case_documents.md, "Where the bytes
live").

A document belongs to the case's record: nobody edits or deletes one. The one exception is a
wrong upload, which its uploader may withdraw within ``WITHDRAW_WINDOW``: the version's bytes
are removed and the row stays, marked withdrawn, with who and when (``services``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case

# How long after an upload its uploader may withdraw it (a wrong file, the wrong case). Short,
# because after that others may have read it and acted on it: it is then part of the record.
WITHDRAW_WINDOW = dt.timedelta(minutes=30)

# The kinds accepted, by the extension stored and served (checked from the bytes: files.py).
ACCEPTED_EXTENSIONS = ("pdf", "jpg", "png", "docx", "xlsx", "odt", "txt")


class CaseDocument(models.Model):
    """One document on a case: its title (encrypted: a title may name a person) and its
    versions, numbered from 1. ``title_encrypted`` is "" once every version is withdrawn."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title_encrypted = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        indexes = [
            # The case's documents page: a case's documents, newest first.
            models.Index(fields=["case", "-created_at"], name="case_documents_by_case"),
        ]

    def __str__(self) -> str:
        return f"document {self.pk}"


class CaseDocumentVersion(models.Model):
    """One uploaded file of a document, as stored after its check (``files.case_file_check``).

    ``size`` is the stored plaintext's length in bytes, ``sha256`` its SHA-256 in hex
    (checked on every download), ``data_encrypted`` the Fernet token of the bytes
    (``core.crypto.encrypt_bytes``). A withdrawn version keeps its number, type, size and hash
    but not its bytes (``data_encrypted`` empty).
    """

    document = models.ForeignKey(CaseDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    data_encrypted = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason_encrypted = models.TextField(blank=True)

    class Meta:
        ordering = ("document", "number")
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            # Numbers are taken under the document's row lock; this refuses a race that slips by.
            models.UniqueConstraint(
                fields=["document", "number"], name="case_documents_version_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="case_documents_version_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(extension__in=ACCEPTED_EXTENSIONS),
                name="case_documents_version_extension_accepted",
            ),
            # Withdrawn exactly when it says by whom, with a reason.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawal_reason_encrypted=""
                    )
                    | (
                        models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                        & ~models.Q(withdrawal_reason_encrypted="")
                    )
                ),
                name="case_documents_version_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} v{self.number}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def download_name(self) -> str:
        """The file name a download gets: ids only, never a person's name or the title."""
        return f"document-{self.document_id}-v{self.number}.{self.extension}"
