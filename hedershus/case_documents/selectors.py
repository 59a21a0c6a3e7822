"""Reads of a case's documents. Who may open the case is decided by
``hedershus.cases.selectors.case_get_for_user`` (the views and services call it first); these
add the documents' own rule and keep every read inside the one case, so a document id from
another case is never found under this case's address. Audit events of reads: ``services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hedershus.case_documents.models import CaseDocument, CaseDocumentVersion
from hedershus.cases.models import Case
from hedershus.cases.selectors import user_may_see_protected_fields
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import AccessDenied, NotFound


class ProtectedDocuments(AccessDenied):
    """A case with protected identity: its documents are for the assigned staff only (403)."""

    code = "protected_documents"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This case has protected identity. Its documents may show where the person lives, "
                "so only the staff assigned to the case see them."
            )
        )


def documents_open_check(user: Any, case: Case) -> None:
    """Raises ``ProtectedDocuments`` if ``user`` may open ``case`` but not its documents.

    Rule (R20, skyddade personuppgifter): in a case with protected identity, identity and
    location show to the assigned staff only. A document (a letter, a contract, a decision)
    can carry both and cannot be redacted field by field, so the whole of it is treated as a
    protected field (``cases.selectors.user_may_see_protected_fields``).
    """
    if not user_may_see_protected_fields(user, case):
        raise ProtectedDocuments()


def _versions_without_bytes() -> models.QuerySet[CaseDocumentVersion]:
    # A version's bytes are up to ~27 MB encrypted: never load them to list versions.
    return CaseDocumentVersion.objects.defer("data_encrypted").select_related("uploaded_by", "withdrawn_by")


@dataclass(frozen=True)
class DocumentRow:
    """A document as its pages show it: the decrypted title ("" if withdrawn) and its
    versions, oldest first (``CaseDocumentVersion`` without their bytes)."""

    document: CaseDocument
    title: str
    versions: list[CaseDocumentVersion]

    @property
    def pk(self) -> int:
        return self.document.pk

    @property
    def latest(self) -> CaseDocumentVersion | None:
        """The newest version not withdrawn, or ``None`` if all are."""
        present = [v for v in self.versions if not v.withdrawn]
        return present[-1] if present else None


def _row(document: CaseDocument) -> DocumentRow:
    title = decrypt_text(document.title_encrypted) if document.title_encrypted else ""
    return DocumentRow(document, title, list(document.versions.all()))


def documents_of_case(case: Case) -> list[DocumentRow]:
    """Every document of ``case``, newest first, with its versions (two queries). The caller
    has checked access (``case_get_for_user`` and ``documents_open_check``)."""
    documents = (
        CaseDocument.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(models.Prefetch("versions", queryset=_versions_without_bytes()))
    )
    return [_row(document) for document in documents]


def document_of_case(case: Case, document_id: int) -> DocumentRow:
    """Document ``document_id`` of ``case`` with its versions; ``NotFound`` if there is none
    in this case (a document of another case is not found here, whatever its id)."""
    document = (
        CaseDocument.objects.filter(case=case, pk=document_id)
        .select_related("created_by")
        .prefetch_related(models.Prefetch("versions", queryset=_versions_without_bytes()))
        .first()
    )
    if document is None:
        raise NotFound(_("No such document in this case."))
    return _row(document)


def documents_last_entries(case_ids: list[int]) -> dict[int, dt.datetime]:
    """{case id: when a document or version was last uploaded or withdrawn in it}, for case
    retention's "last entry" (``cases.retention.register_last_entry_source``)."""
    from django.db.models import Max

    newest: dict[int, dt.datetime] = {}
    rows = CaseDocumentVersion.objects.filter(document__case_id__in=case_ids).values("document__case_id")
    for field in ("uploaded_at", "withdrawn_at"):
        for row in rows.annotate(newest=Max(field)):
            moment = row["newest"]
            case_id = row["document__case_id"]
            if moment is not None and (case_id not in newest or moment > newest[case_id]):
                newest[case_id] = moment
    return newest
