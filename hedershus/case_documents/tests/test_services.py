"""Case documents' services: the type from the bytes, encryption at rest, versions, integrity,
withdrawal, access and audit events (R19, R20)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from hedershus.audit.models import AuditEvent
from hedershus.case_documents import services
from hedershus.case_documents.files import CONTENT_TYPES, DocumentRefused, case_file_check
from hedershus.case_documents.models import WITHDRAW_WINDOW, CaseDocument, CaseDocumentVersion
from hedershus.case_documents.selectors import ProtectedDocuments
from hedershus.case_documents.tests.helpers import (
    EXECUTABLE,
    _names_js,
    case_make,
    docx,
    jpeg_with_gps,
    odt,
    pdf,
    png,
)
from hedershus.cases.selectors import CaseReasonRequired
from hedershus.core.crypto import decrypt_bytes, decrypt_text, encrypt_bytes
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are checked in English (the default language is Swedish)."""
    with translation.override("en"):
        yield


def upload(
    actor: Any, case: Any, name: str = "beslut.pdf", data: bytes | None = None, title: str = "Beslut"
) -> Any:
    return services.document_upload(
        actor=actor, case_id=case.pk, title=title, file_name=name, data=pdf() if data is None else data
    )


# --- Type from the bytes ---------------------------------------------------------------


def test_a_pdf_named_png_is_refused_and_the_message_says_it_is_a_pdf():
    with pytest.raises(DocumentRefused) as refused:
        case_file_check("photo.png", pdf())
    assert "PDF" in str(refused.value) and ".png" in str(refused.value)
    # ... and as every other kind of name too: the name must agree with the bytes.
    for name in ("photo.jpg", "letter.docx", "note.txt", "sheet.xlsx"):
        with pytest.raises(DocumentRefused):
            case_file_check(name, pdf())
    assert case_file_check("photo.pdf", pdf()).extension == "pdf"


def test_a_png_named_pdf_or_jpg_is_refused():
    for name in ("bild.pdf", "bild.jpg", "bild.docx"):
        with pytest.raises(DocumentRefused):
            case_file_check(name, png())


@pytest.mark.parametrize("name", ["program.pdf", "program.txt", "program.docx", "program.png", "program.exe"])
def test_an_executable_is_refused_whatever_its_name(name):
    with pytest.raises(DocumentRefused):
        case_file_check(name, EXECUTABLE)


@pytest.mark.parametrize("extra", [None, _names_js], ids=["open-action", "document-level"])
def test_a_pdf_with_javascript_is_refused(extra):
    data = pdf(js="app.alert(1)") if extra is None else pdf(extra=extra)
    with pytest.raises(DocumentRefused) as refused:
        case_file_check("rapport.pdf", data)
    assert "active content" in str(refused.value)


def test_office_files_with_macros_and_kinds_not_accepted_are_refused():
    with pytest.raises(DocumentRefused):
        case_file_check("a.docx", docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    for name, data in [("a.html", b"<html></html>"), ("a.csv", b"a,b\n"), ("a.pptx", docx()), ("a", b"text")]:
        with pytest.raises(DocumentRefused) as refused:
            case_file_check(name, data)
        assert "Accepted: PDF, JPG, PNG, DOCX, XLSX, ODT, TXT" in str(refused.value)


def test_accepted_kinds_are_stored_cleaned_with_their_content_type():
    stored = case_file_check("rapport.pdf", pdf(title="Anna Andersson"))
    assert stored.content_type == "application/pdf"
    assert PdfReader(io.BytesIO(stored.data)).metadata in (None, {})
    assert b"Anna Andersson" not in stored.data

    photo = case_file_check("skada.jpeg", jpeg_with_gps())
    assert (photo.extension, photo.content_type) == ("jpg", "image/jpeg")
    assert not Image.open(io.BytesIO(photo.data)).getexif()  # GPS and camera gone

    assert case_file_check("bild.png", png()).content_type == "image/png"
    assert b"Anna Andersson" not in case_file_check("brev.docx", docx()).data
    assert b"Anna Andersson" not in case_file_check("brev.odt", odt()).data
    note = case_file_check("anteckning.txt", b"Samtal med skolan 3/4.")
    assert note.content_type.startswith("text/plain")


def test_the_size_limit_holds_for_documents_and_pictures(settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    big = pdf() + b"%" * 2000
    with pytest.raises(DocumentRefused) as refused:
        case_file_check("a.pdf", big)
    assert "too large" in str(refused.value)
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(DocumentRefused):
        case_file_check("a.png", png())


def test_an_empty_file_is_refused():
    with pytest.raises(DocumentRefused):
        case_file_check("a.pdf", b"")


def test_a_refused_upload_stores_nothing_and_records_nothing(counsellor):
    case = case_make(counsellor)
    with pytest.raises(DocumentRefused):
        upload(counsellor, case, "a.pdf", pdf(js="app.alert(1)"))
    with pytest.raises(InvalidInput):
        upload(counsellor, case, title="   ")
    assert not CaseDocument.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="case_document.").exists()


# --- Encryption, versions, integrity ---------------------------------------------------


def test_the_stored_bytes_and_title_are_encrypted_and_the_hash_is_of_the_plaintext(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case, "a.txt", b"Hotad av sin bror, bor hos faster.", title="Anna K.")
    stored = CaseDocumentVersion.objects.get(pk=version.pk)
    raw = bytes(stored.data_encrypted)
    assert b"Hotad" not in raw and "Anna" not in stored.document.title_encrypted
    plaintext = decrypt_bytes(raw)
    assert plaintext == b"Hotad av sin bror, bor hos faster."
    assert stored.sha256 == hashlib.sha256(plaintext).hexdigest()
    assert stored.size == len(plaintext)
    assert (stored.uploaded_by, stored.number, stored.extension) == (counsellor, 1, "txt")
    assert decrypt_text(stored.document.title_encrypted) == "Anna K."


def test_a_new_version_keeps_the_old_ones_each_downloadable(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    first = upload(counsellor, case, "v.txt", b"first")
    second = services.document_version_add(
        actor=supervisor, case_id=case.pk, document_id=first.document_id, file_name="v.pdf", data=pdf()
    )
    assert (second.number, second.uploaded_by) == (2, supervisor)
    assert list(first.document.versions.values_list("number", flat=True)) == [1, 2]
    old = services.document_download(
        actor=supervisor, case_id=case.pk, document_id=first.document_id, number=1
    )
    new = services.document_download(
        actor=counsellor, case_id=case.pk, document_id=first.document_id, number=2
    )
    assert old.data == b"first" and old.filename == f"document-{first.document_id}-v1.txt"
    assert new.data.startswith(b"%PDF") and new.filename == f"document-{first.document_id}-v2.pdf"
    events = AuditEvent.objects.filter(event_type="case_document.version_added")
    assert [(e.object_id, e.data["document"], e.data["version"]) for e in events] == [
        (str(case.pk), first.document_id, 2)
    ]


def test_a_new_version_of_another_cases_document_is_not_found(counsellor):
    mine, other = case_make(counsellor), case_make(counsellor)
    theirs = upload(counsellor, other)
    with pytest.raises(NotFound):
        services.document_version_add(
            actor=counsellor, case_id=mine.pk, document_id=theirs.document_id, file_name="a.pdf", data=pdf()
        )
    assert theirs.document.versions.count() == 1


def test_a_download_is_audited_with_ids_only(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case, title="Polisanmälan Anna")
    services.document_download(actor=counsellor, case_id=case.pk, document_id=version.document_id, number=1)
    event = AuditEvent.objects.get(event_type="case_document.downloaded")
    assert (event.actor, event.object_type, event.object_id) == (counsellor, "cases.case", str(case.pk))
    assert event.data == {"document": version.document_id, "version": 1, "type": "pdf", "size": version.size}
    assert "Anna" not in str(event.data)


def test_changed_bytes_fail_the_integrity_check_clearly_and_are_logged_and_audited(counsellor, caplog):
    case = case_make(counsellor)
    version = upload(counsellor, case, "a.txt", b"original")
    # Someone with the key (or a bug) replaced the bytes: the token is valid, the hash is not.
    CaseDocumentVersion.objects.filter(pk=version.pk).update(data_encrypted=encrypt_bytes(b"changed!"))
    with pytest.raises(services.DocumentDamaged) as damaged:
        services.document_download(
            actor=counsellor, case_id=case.pk, document_id=version.document_id, number=1
        )
    assert damaged.value.status == 409 and "fingerprint" in str(damaged.value)
    assert "integrity" in caplog.text and f"document={version.document_id}" in caplog.text
    assert AuditEvent.objects.filter(event_type="case_document.integrity_failed").count() == 1
    assert not AuditEvent.objects.filter(event_type="case_document.downloaded").exists()


def test_bytes_that_do_not_decrypt_fail_the_integrity_check(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case)
    CaseDocumentVersion.objects.filter(pk=version.pk).update(data_encrypted=b"gAAAAAnot-a-token")
    with pytest.raises(services.DocumentDamaged):
        services.document_download(
            actor=counsellor, case_id=case.pk, document_id=version.document_id, number=1
        )


# --- Access ------------------------------------------------------------------------------


def test_every_service_checks_access_itself(counsellor, colleague, editor):
    case = case_make(counsellor)
    version = upload(counsellor, case)
    for call in (
        lambda user: upload(user, case),
        lambda user: services.document_download(
            actor=user, case_id=case.pk, document_id=version.document_id, number=1
        ),
        lambda user: services.documents_list_open(actor=user, case_id=case.pk),
    ):
        with pytest.raises(CaseReasonRequired):
            call(colleague)
        with pytest.raises(NotFound):
            call(editor)
    assert CaseDocument.objects.count() == 1


def test_a_protected_identity_cases_documents_are_for_the_assigned_staff_only(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor, protected=True)
    version = upload(counsellor, case)
    with pytest.raises(ProtectedDocuments):
        services.documents_list_open(actor=supervisor, case_id=case.pk)
    with pytest.raises(ProtectedDocuments):
        services.document_download(
            actor=supervisor, case_id=case.pk, document_id=version.document_id, number=1
        )
    assert services.documents_list_open(actor=counsellor, case_id=case.pk)[1][0].pk == version.document_id


def test_reads_are_audited(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case)
    services.documents_list_open(actor=counsellor, case_id=case.pk)
    services.document_open(actor=counsellor, case_id=case.pk, document_id=version.document_id)
    assert AuditEvent.objects.get(event_type="case_document.listed").data == {"documents": 1}
    assert AuditEvent.objects.get(event_type="case_document.viewed").data == {"document": version.document_id}


# --- Withdrawing a wrong upload ----------------------------------------------------------


def withdraw(actor: Any, version: Any, reason: str = "Fel fil") -> Any:
    return services.document_version_withdraw(
        actor=actor,
        case_id=version.document.case_id,
        document_id=version.document_id,
        number=version.number,
        reason=reason,
    )


def test_the_uploader_withdraws_a_wrong_upload_in_time_and_the_record_says_so(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case, title="Annas betyg")
    withdraw(counsellor, version, "Tillhör ett annat ärende")
    stored = CaseDocumentVersion.objects.get(pk=version.pk)
    assert bytes(stored.data_encrypted) == b""
    assert (stored.withdrawn_by, decrypt_text(stored.withdrawal_reason_encrypted)) == (
        counsellor,
        "Tillhör ett annat ärende",
    )
    assert stored.document.title_encrypted == ""  # the only version: the title goes too
    event = AuditEvent.objects.get(event_type="case_document.withdrawn")
    assert event.data["whole_document"] is True and "ärende" not in str(event.data)
    with pytest.raises(Conflict):
        services.document_download(
            actor=counsellor, case_id=case.pk, document_id=version.document_id, number=1
        )


def test_withdrawing_one_version_keeps_the_others_and_the_title(counsellor):
    case = case_make(counsellor)
    first = upload(counsellor, case, "a.txt", b"one")
    second = services.document_version_add(
        actor=counsellor, case_id=case.pk, document_id=first.document_id, file_name="b.txt", data=b"two"
    )
    withdraw(counsellor, second)
    assert decrypt_text(CaseDocument.objects.get().title_encrypted) == "Beslut"
    assert (
        services.document_download(
            actor=counsellor, case_id=case.pk, document_id=first.document_id, number=1
        ).data
        == b"one"
    )


def test_only_the_uploader_may_withdraw_and_only_within_the_window(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    version = upload(counsellor, case)
    with pytest.raises(AccessDenied):
        withdraw(supervisor, version)
    CaseDocumentVersion.objects.filter(pk=version.pk).update(
        uploaded_at=version.uploaded_at - WITHDRAW_WINDOW - dt.timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as late:
        withdraw(counsellor, version)
    assert "part of the case's record" in str(late.value)
    with pytest.raises(InvalidInput):
        withdraw(counsellor, version, reason="  ")
    assert CaseDocumentVersion.objects.get(pk=version.pk).withdrawn_at is None
    assert not AuditEvent.objects.filter(event_type="case_document.withdrawn").exists()


def test_a_withdrawn_documents_versions_cannot_be_added_to(counsellor):
    case = case_make(counsellor)
    version = upload(counsellor, case)
    withdraw(counsellor, version)
    with pytest.raises(Conflict):
        services.document_version_add(
            actor=counsellor, case_id=case.pk, document_id=version.document_id, file_name="a.pdf", data=pdf()
        )


# --- Anything a stranger's file holds ------------------------------------------------------


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(["a.pdf", "a.jpg", "a.jpeg", "a.png", "a.docx", "a.xlsx", "a.odt", "a.txt", "a"]),
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"MZ"]),
    body=st.binary(max_size=2000),
)
def test_any_bytes_are_accepted_cleaned_or_refused_with_a_message_never_a_crash(name, prefix, body):
    data = prefix + body
    try:
        checked = case_file_check(name, data)
    except DocumentRefused as refused:
        assert str(refused)
    else:
        assert checked.extension in CONTENT_TYPES and checked.data
