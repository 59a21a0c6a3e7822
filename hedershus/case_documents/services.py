"""Every write on a case's documents, and the audit events of every read (R19, R20).

Each service checks access itself (``cases.selectors.case_get_for_user``, then the documents'
own rule ``selectors.documents_open_check``), whatever the view did, and records its audit
event in the same transaction as its change. Events name the case and carry the document's
id, the version's number, the checked type and size: never a title, a file name or content.

The file check (``files.case_file_check``: parsing, re-encoding) runs before the transaction,
so no database lock waits on it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.case_documents.files import CheckedFile, case_file_check
from hedershus.case_documents.models import WITHDRAW_WINDOW, CaseDocument, CaseDocumentVersion
from hedershus.case_documents.selectors import (
    DocumentRow,
    document_of_case,
    documents_of_case,
    documents_open_check,
)
from hedershus.cases.models import Case
from hedershus.cases.selectors import case_get_for_user
from hedershus.core.crypto import decrypt_bytes, encrypt_bytes, encrypt_text
from hedershus.core.exceptions import AccessDenied, ApplicationError, Conflict, InvalidInput, NotFound
from hedershus.core.text import bidi_controls_strip, has_visible_text

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 500


class DocumentDamaged(ApplicationError):
    """A stored version whose bytes no longer match the SHA-256 taken at upload (or cannot
    be decrypted): not handed out, logged and audited (``case_document.integrity_failed``).
    A 409 with a message, not a server error: the person needs to know what to do."""

    status = 409
    code = "document_damaged"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This version cannot be handed out: its stored file no longer matches the "
                "fingerprint taken when it was uploaded, so it may have been damaged or changed. "
                "The fault has been recorded. Tell your system administrator the document and "
                "version number; the other versions are not affected."
            )
        )


@dataclass(frozen=True)
class Download:
    """A version's bytes for the download view: ``filename`` (ids only), ``content_type``
    and the plaintext ``data``."""

    filename: str
    content_type: str
    data: bytes


def _case_for(actor: Any, case_id: int) -> Case:
    """The case, if ``actor`` may open it and its documents (``NotFound``, ``CaseReasonRequired``,
    ``ProtectedDocuments`` otherwise)."""
    case = case_get_for_user(actor, case_id)
    documents_open_check(actor, case)
    return case


def _title_clean(title: str) -> str:
    """The title as stored: without bidi controls (they can make a title read as another)
    and surrounding space; ``InvalidInput`` if nothing visible is left (white space and
    zero-width characters only) or it is longer than ``TITLE_MAX_LENGTH``."""
    cleaned = bidi_controls_strip(title).strip()
    if not has_visible_text(cleaned):
        raise InvalidInput(_("Give the document a title."), extra={"field": "title"})
    if len(cleaned) > TITLE_MAX_LENGTH:
        raise InvalidInput(
            _("The title is too long: at most %(limit_value)d characters; this one has %(show_value)d.")
            % {"limit_value": TITLE_MAX_LENGTH, "show_value": len(cleaned)},
            extra={"field": "title"},
        )
    return cleaned


def _version_create(
    document: CaseDocument, number: int, checked: CheckedFile, actor: Any, now: Any
) -> CaseDocumentVersion:
    return CaseDocumentVersion.objects.create(
        document=document,
        number=number,
        extension=checked.extension,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        data_encrypted=encrypt_bytes(checked.data),
        uploaded_by=actor,
        uploaded_at=now,
    )


def _event_data(version: CaseDocumentVersion) -> dict[str, Any]:
    return {
        "document": version.document_id,
        "version": version.number,
        "type": version.extension,
        "size": version.size,
    }


def document_upload(
    *, actor: Any, case_id: int, title: str, file_name: str, data: bytes
) -> CaseDocumentVersion:
    """Adds a new document to case ``case_id``: ``title`` (stored encrypted) and its version 1,
    the checked bytes of the uploaded file (``file_name`` for its extension only, ``data`` its
    bytes) encrypted, with size, type and SHA-256. Audited as ``case_document.uploaded``.

    Raises ``DocumentRefused``/``InvalidInput`` (400: the file or title; nothing stored),
    ``NotFound``, ``CaseReasonRequired`` or ``ProtectedDocuments`` (access).
    """
    title = _title_clean(title)
    checked = case_file_check(file_name, data)
    with transaction.atomic():
        case = _case_for(actor, case_id)
        now = timezone.now()
        document = CaseDocument.objects.create(
            case=case, title_encrypted=encrypt_text(title), created_by=actor, created_at=now
        )
        version = _version_create(document, 1, checked, actor, now)
        audit_record("case_document.uploaded", actor=actor, target=case, data=_event_data(version))
    return version


def document_version_add(
    *, actor: Any, case_id: int, document_id: int, file_name: str, data: bytes
) -> CaseDocumentVersion:
    """Adds the next version (highest number + 1, under the document's row lock) of document
    ``document_id`` of case ``case_id``; the earlier versions stay as they are. Audited as
    ``case_document.version_added``.

    Raises ``DocumentRefused`` (400, nothing stored), ``NotFound`` (no such document in this
    case), ``Conflict`` (every version withdrawn: upload it as a new document), or the access
    errors of ``document_upload``.
    """
    checked = case_file_check(file_name, data)
    with transaction.atomic():
        case = _case_for(actor, case_id)
        document = CaseDocument.objects.select_for_update().filter(case=case, pk=document_id).first()
        if document is None:
            raise NotFound(_("No such document in this case."))
        if not document.title_encrypted:
            raise Conflict(
                _("Every version of this document was withdrawn. Upload the file as a new document.")
            )
        latest = document.versions.aggregate(latest=Max("number"))["latest"] or 0
        version = _version_create(document, latest + 1, checked, actor, timezone.now())
        audit_record("case_document.version_added", actor=actor, target=case, data=_event_data(version))
    return version


def documents_list_open(*, actor: Any, case_id: int) -> tuple[Case, list[DocumentRow]]:
    """The case and its documents (titles decrypted, versions without bytes), for the
    documents page; the read is audited (``case_document.listed``, with the count)."""
    with transaction.atomic():
        case = _case_for(actor, case_id)
        rows = documents_of_case(case)
        audit_record("case_document.listed", actor=actor, target=case, data={"documents": len(rows)})
    return case, rows


def document_open(*, actor: Any, case_id: int, document_id: int) -> tuple[Case, DocumentRow]:
    """The case and one of its documents with every version, for the versions page; audited
    (``case_document.viewed``). ``NotFound`` for a document not in this case."""
    with transaction.atomic():
        case = _case_for(actor, case_id)
        row = document_of_case(case, document_id)
        audit_record("case_document.viewed", actor=actor, target=case, data={"document": row.pk})
    return case, row


def document_download(*, actor: Any, case_id: int, document_id: int, number: int) -> Download:
    """Version ``number`` of document ``document_id`` of case ``case_id``, decrypted and
    checked against its SHA-256 and size. Audited as ``case_document.downloaded``
    (document id and version, no content).

    Raises ``NotFound`` (no such version in this case), ``Conflict`` (withdrawn),
    ``DocumentDamaged`` (409: the bytes do not match; logged and audited as
    ``case_document.integrity_failed``, nothing handed out), or the access errors.
    """
    with transaction.atomic():
        case = _case_for(actor, case_id)
        version = (
            CaseDocumentVersion.objects.filter(document__case=case, document_id=document_id, number=number)
            .select_related("document")
            .first()
        )
        if version is None:
            raise NotFound(_("No such version of this document."))
        if version.withdrawn:
            raise Conflict(
                _("This version was withdrawn by the person who uploaded it. It cannot be downloaded.")
            )
        data = _decrypted_if_intact(version)
        event = "case_document.downloaded" if data is not None else "case_document.integrity_failed"
        audit_record(event, actor=actor, target=case, data=_event_data(version))
    if data is None:
        # Ids only: never the title or content. The event above is committed for the auditor.
        logger.error(
            "Case document failed its integrity check: case=%s document=%s version=%s",
            case.pk,
            version.document_id,
            version.number,
        )
        raise DocumentDamaged()
    return Download(version.download_name, version.content_type, data)


def _decrypted_if_intact(version: CaseDocumentVersion) -> bytes | None:
    """The plaintext if it decrypts and matches the stored size and SHA-256, else ``None``."""
    try:
        data = decrypt_bytes(bytes(version.data_encrypted))
    except InvalidToken:
        return None
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != version.size or not hmac.compare_digest(digest, version.sha256):
        return None
    return data


def document_version_withdraw(
    *, actor: Any, case_id: int, document_id: int, number: int, reason: str
) -> CaseDocumentVersion:
    """Withdraws a wrong upload: version ``number`` of document ``document_id``, by the
    person who uploaded it, within ``WITHDRAW_WINDOW`` (30 minutes) of the upload.

    The version's bytes are removed; its row stays (number, type, size, hash, uploader),
    marked withdrawn with who, when and ``reason`` (encrypted), so the record shows that
    something was there and why it went. When no version of the document is left, its title
    is removed too (a wrong document's title may name someone). Audited as
    ``case_document.withdrawn``. Rule and reasons: /tmp/docs_case_documents.md, "Withdrawing".

    Returns the version unchanged (no event) if it is already withdrawn. Raises
    ``InvalidInput`` (no reason, or too long), ``NotFound``, ``AccessDenied`` (not the
    uploader), ``Conflict`` (the window has passed), or the access errors.
    """
    reason = bidi_controls_strip(reason).strip()
    if not reason:
        raise InvalidInput(_("Say why the file is withdrawn."), extra={"field": "reason"})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("The reason is too long: at most %(max)d characters.") % {"max": REASON_MAX_LENGTH},
            extra={"field": "reason"},
        )
    with transaction.atomic():
        case = _case_for(actor, case_id)
        document = CaseDocument.objects.select_for_update().filter(case=case, pk=document_id).first()
        if document is None:
            raise NotFound(_("No such document in this case."))
        version = document.versions.filter(number=number).first()
        if version is None:
            raise NotFound(_("No such version of this document."))
        if version.withdrawn:
            return version
        if version.uploaded_by_id != actor.pk:
            raise AccessDenied(_("Only the person who uploaded a file may withdraw it."))
        now = timezone.now()
        if now - version.uploaded_at > WITHDRAW_WINDOW:
            raise Conflict(
                _(
                    "A file can be withdrawn only within %(minutes)d minutes of its upload. "
                    "This one is now part of the case's record; if it must not be here, tell "
                    "the case's supervisor."
                )
                % {"minutes": int(WITHDRAW_WINDOW.total_seconds() // 60)}
            )
        version.data_encrypted = b""
        version.withdrawn_at = now
        version.withdrawn_by = actor
        version.withdrawal_reason_encrypted = encrypt_text(reason)
        version.save(
            update_fields=["data_encrypted", "withdrawn_at", "withdrawn_by", "withdrawal_reason_encrypted"]
        )
        whole = not document.versions.filter(withdrawn_at__isnull=True).exists()
        if whole:
            document.title_encrypted = ""
            document.save(update_fields=["title_encrypted"])
        audit_record(
            "case_document.withdrawn",
            actor=actor,
            target=case,
            data={**_event_data(version), "whole_document": whole},
        )
    return version
