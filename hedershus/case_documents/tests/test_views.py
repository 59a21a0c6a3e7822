"""The documents pages: upload by form (multipart, no JavaScript), versions, download headers
and audit, withdrawal, refusals that say why and store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from hedershus.audit.models import AuditEvent
from hedershus.case_documents.models import CaseDocument, CaseDocumentVersion
from hedershus.case_documents.tests.helpers import EXECUTABLE, case_make, pdf
from hedershus.core.crypto import decrypt_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client: Any) -> Any:
    """Pages and messages are checked in English (the staff default is Swedish)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _url(name: str, case: Any, **kwargs: Any) -> str:
    return reverse(f"case_documents:{name}", kwargs={"case_id": case.pk, **kwargs})


def _post_upload(
    client: Any, case: Any, name: str, data: bytes, title: str = "Beslut från socialtjänsten"
) -> Any:
    return client.post(
        _url("upload", case), {"title": title, "file": SimpleUploadedFile(name, data, "application/pdf")}
    )


def test_a_counsellor_uploads_a_pdf_and_finds_it_on_the_documents_page(counsellor, signed_in):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    assert client.get(_url("upload", case)).status_code == 200
    response = _post_upload(client, case, "beslut.pdf", pdf())
    document = CaseDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("document", case, document_id=document.pk)
    page = client.get(_url("list", case))
    assert page.status_code == 200
    assert "Beslut från socialtjänsten" in page.content.decode()
    assert _url("download", case, document_id=document.pk, number=1) in page.content.decode()
    assert AuditEvent.objects.filter(event_type="case_document.uploaded", actor=counsellor).count() == 1
    assert AuditEvent.objects.filter(event_type="case_document.listed", actor=counsellor).count() == 1


def test_a_refused_upload_says_why_keeps_the_title_and_stores_nothing(counsellor, signed_in):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    response = _post_upload(client, case, "rapport.pdf", EXECUTABLE, title="Rapport")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and "not a PDF file" in html
    assert 'value="Rapport"' in html  # what was typed is still there
    response = _post_upload(client, case, "rapport.pdf", pdf(js="app.alert(1)"), title="Rapport")
    assert response.status_code == 400 and "active content" in response.content.decode()
    response = client.post(_url("upload", case), {"title": "Rapport"})
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_upload_over_the_limit_is_refused_in_memory(counsellor, signed_in, settings):
    settings.DOCUMENT_MAX_BYTES = 2000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spill to a temporary file
    case = case_make(counsellor)
    response = _post_upload(signed_in(counsellor), case, "a.pdf", pdf() + b"%" * 5000)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_larger_upload_is_kept_in_memory_not_in_a_temporary_file(
    counsellor, signed_in, settings, monkeypatch
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    from django.core.files import uploadedfile

    def no_temporary_files(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a case document's plaintext was written to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_temporary_files)
    case = case_make(counsellor)
    assert _post_upload(signed_in(counsellor), case, "a.pdf", pdf()).status_code == 302


def test_the_upload_form_needs_the_csrf_token(counsellor, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(counsellor)
    case = case_make(counsellor)
    response = _post_upload(strict, case, "a.pdf", pdf())
    assert response.status_code == 403
    assert not CaseDocument.objects.exists()


def test_a_new_version_is_listed_with_the_old_one(counsellor, signed_in):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "a.pdf", pdf())
    document = CaseDocument.objects.get()
    assert client.get(_url("new_version", case, document_id=document.pk)).status_code == 200
    response = client.post(
        _url("new_version", case, document_id=document.pk),
        {"file": SimpleUploadedFile("b.txt", b"Version 2")},
    )
    assert response.status_code == 302
    page = client.get(_url("document", case, document_id=document.pk)).content.decode()
    for number in (1, 2):
        assert _url("download", case, document_id=document.pk, number=number) in page
    assert AuditEvent.objects.filter(event_type="case_document.version_added").count() == 1


def test_a_download_is_an_attachment_with_a_neutral_name_and_safe_headers_and_is_audited(
    counsellor, signed_in
):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "Anna Andersson polisanmälan.pdf", pdf(), title="Anna")
    version = CaseDocumentVersion.objects.get()
    response = client.get(_url("download", case, document_id=version.document_id, number=1))
    assert response.status_code == 200
    assert response.content == decrypt_bytes(bytes(version.data_encrypted))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{version.document_id}-v1.pdf"'
    assert "sandbox" in response["Content-Security-Policy"].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(event_type="case_document.downloaded")
    assert (event.actor, event.data["document"], event.data["version"]) == (
        counsellor,
        version.document_id,
        1,
    )


def test_a_damaged_version_answers_with_a_message_not_a_server_error(counsellor, signed_in):
    from hedershus.core.crypto import encrypt_bytes

    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "a.pdf", pdf())
    version = CaseDocumentVersion.objects.get()
    CaseDocumentVersion.objects.filter(pk=version.pk).update(data_encrypted=encrypt_bytes(b"tampered"))
    response = client.get(_url("download", case, document_id=version.document_id, number=1))
    assert response.status_code == 409
    assert "fingerprint" in response.content.decode()
    assert "Content-Disposition" not in response


def test_the_uploader_withdraws_a_wrong_upload_from_the_versions_page(counsellor, signed_in):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "a.pdf", pdf(), title="Fel person")
    version = CaseDocumentVersion.objects.get()
    page = client.get(_url("document", case, document_id=version.document_id)).content.decode()
    withdraw_url = _url("withdraw", case, document_id=version.document_id, number=1)
    assert withdraw_url in page
    empty = client.post(withdraw_url, {"v1-reason": ""})
    assert empty.status_code == 400 and "Say why the file is withdrawn." in empty.content.decode()
    assert CaseDocumentVersion.objects.get().withdrawn_at is None
    response = client.post(withdraw_url, {"v1-reason": "Tillhör ett annat ärende"})
    assert response.status_code == 302
    page = client.get(_url("document", case, document_id=version.document_id)).content.decode()
    assert "Tillhör ett annat ärende" in page and "Fel person" not in page
    assert client.get(_url("download", case, document_id=version.document_id, number=1)).status_code == 409


def test_someone_elses_upload_offers_no_withdrawal(counsellor, supervisor, signed_in):
    case = case_make(counsellor, supervisor=supervisor)
    _post_upload(signed_in(counsellor), case, "a.pdf", pdf())
    version = CaseDocumentVersion.objects.get()
    page = signed_in(supervisor).get(_url("document", case, document_id=version.document_id)).content.decode()
    assert _url("withdraw", case, document_id=version.document_id, number=1) not in page
    response = signed_in(supervisor).post(
        _url("withdraw", case, document_id=version.document_id, number=1), {"v1-reason": "x"}
    )
    assert response.status_code == 403
    assert CaseDocumentVersion.objects.get().withdrawn_at is None


def test_a_colleague_outside_the_case_is_asked_for_a_reason_then_sees_the_documents(
    counsellor, colleague, signed_in
):
    import datetime as dt

    from django.utils import timezone

    from hedershus.cases.models import CaseAccessGrant

    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "a.pdf", pdf(), title="Polisanmälan")
    client = signed_in(colleague)
    response = client.get(_url("list", case))
    # CaseReasonRequired propagates: the 403 page, or with cases' middleware the reason form.
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("cases:reason", kwargs={"case_id": case.pk}))
    else:
        assert response.status_code == 403
    assert "Polisanmälan" not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="case_document.listed").exists()
    now = timezone.now()
    CaseAccessGrant.objects.create(
        case=case, user=colleague, reason="Jour", granted_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    response = client.get(_url("list", case))
    assert response.status_code == 200 and "Polisanmälan" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="case_document.listed", actor=colleague).exists()


def test_many_files_in_one_post_cannot_hold_more_than_the_limit_in_memory(counsellor, signed_in, settings):
    settings.DOCUMENT_MAX_BYTES = 4000
    case = case_make(counsellor)
    files = [SimpleUploadedFile(f"a{n}.txt", b"x" * 1500) for n in range(4)]  # each under, together over
    response = signed_in(counsellor).post(_url("upload", case), {"title": "Rapport", "file": files})
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_title_over_the_limit_is_refused_with_a_clear_message(counsellor, signed_in):
    case = case_make(counsellor)
    response = _post_upload(signed_in(counsellor), case, "a.pdf", pdf(), title="Lång" * 1250)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The title is too long: at most 200 characters; this one has 5000." in html
    assert not CaseDocument.objects.exists()


def test_a_title_of_only_invisible_characters_is_refused(counsellor, signed_in):
    case = case_make(counsellor)
    response = _post_upload(signed_in(counsellor), case, "a.pdf", pdf(), title="\u200b\u202e\ufeff")
    assert response.status_code == 400 and "Give the document a title." in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_oversized_upload_says_only_that_it_is_too_large(counsellor, signed_in, settings):
    settings.DOCUMENT_MAX_BYTES = 2000
    case = case_make(counsellor)
    response = _post_upload(signed_in(counsellor), case, "a.pdf", pdf() + b"%" * 5000)
    html = response.content.decode()
    assert response.status_code == 400 and "too large" in html
    assert "Choose a file to upload." not in html


def test_document_dates_read_year_month_day_and_long_titles_wrap(counsellor, signed_in):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    _post_upload(client, case, "a.pdf", pdf())
    version = CaseDocumentVersion.objects.get()
    when = timezone.localtime(version.uploaded_at).strftime("%Y-%m-%d %H:%M")
    document = CaseDocument.objects.get()
    for page in (client.get(_url("list", case)), client.get(_url("document", case, document_id=document.pk))):
        html = page.content.decode()
        assert when in html
        assert "case_documents/case_documents.css" in html and "document-title" in html
