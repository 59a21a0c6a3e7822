"""Documents (issue 7, items 12 and 13): checked from their bytes, cleaned, neutral, audited,
and public only while a live page links to them."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from wagtail.documents import get_document_model
from wagtail.log_actions import LogContext
from wagtail.models import Collection, Page

from hedershus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

Document = get_document_model()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


# --- Files ------------------------------------------------------------------------------


def pdf(*, title: str = "Hemlig rapport om Anna", js: str = "", extra: Any = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": title, "/Author": "Anna Andersson", "/Subject": "Skyddat boende"})
    if js:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js)}
        )
    if extra:
        extra(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _names_js(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def _page_aa(writer: PdfWriter) -> None:
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("program.exe", b"MZ\x90\x00")


def docx(
    *, content_type: str = "wordprocessingml.document.main+xml", extra: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.{content_type}"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr(
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>Anna Andersson</dc:creator></cp:coreProperties>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def odt(*, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr(
            "meta.xml",
            "<office:meta><meta:initial-creator>Anna Andersson</meta:initial-creator></office:meta>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

REFUSED = {
    "html renamed pdf": ("rapport.pdf", HTML),
    "pdf with javascript open action": ("rapport.pdf", pdf(js="app.alert(1)")),
    "pdf with document-level javascript": ("rapport.pdf", pdf(extra=_names_js)),
    "pdf with a page action launching a program": ("rapport.pdf", pdf(extra=_page_aa)),
    "pdf with an embedded file": ("rapport.pdf", pdf(extra=_attachment)),
    "pdf with an escaped /JavaScript name": (
        "rapport.pdf",
        pdf(js="x").replace(b"/JavaScript", b"/J#61vaScript"),
    ),
    "docx with macros": ("a.docx", docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
    "macro-enabled docm renamed docx": (
        "a.docx",
        docx(content_type="wordprocessingml.document.macroEnabled.main+xml"),
    ),
    "xlsx that is a docx": ("a.xlsx", docx()),
    "odt with basic macros": ("a.odt", odt(extra={"Basic/Standard/Module1.xml": b"<script/>"})),
    "odt renamed docx": ("a.docx", odt()),
    "text with html": ("a.txt", b"Hej\n<script>alert(1)</script>\n"),
    "text that is not utf-8": ("a.txt", "Hej på dig".encode("utf-16")),
    "text with control characters": ("a.txt", b"Hej\x00\x01"),
    "csv with a formula": ("a.csv", b'namn,telefon\nAnna,=HYPERLINK("http://evil")\n'),
    "an executable named pdf": ("a.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
    "a type not accepted": ("a.html", b"hello"),
}


def upload(client: Any, name: str, data: bytes, **extra: Any) -> Any:
    collection = Collection.get_first_root_node()
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "Rapport", "collection": collection.pk, "file": SimpleUploadedFile(name, data), **extra},
    )


# --- Upload checks ----------------------------------------------------------------------


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_upload_that_is_not_what_it_says_or_carries_active_content_is_refused(case, editor, signed_in):
    name, data = REFUSED[case]

    response = upload(signed_in(editor), name, data)

    assert response.status_code == 200  # the form again, with the reason
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(event_type="cms.document_uploaded").exists()


def test_a_file_over_the_size_limit_is_refused(editor, signed_in, settings):
    assert settings.DOCUMENT_MAX_BYTES == 20 * 1024 * 1024  # the documented default
    settings.DOCUMENT_MAX_BYTES = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 50_000
    data = pdf() + b"%" + b"x" * 60_000

    response = upload(signed_in(editor), "stor.pdf", data)

    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_multiple_upload_and_chooser_upload_refuse_the_same_files(editor, signed_in):
    client = signed_in(editor)
    collection = Collection.get_first_root_node()
    for name, data in (REFUSED["html renamed pdf"], REFUSED["pdf with javascript open action"]):
        response = client.post(
            reverse("wagtaildocs:add_multiple"),
            {"collection": collection.pk, "files[]": SimpleUploadedFile(name, data)},
        )
        assert json.loads(response.content)["success"] is False
        response = client.post(
            reverse("wagtaildocs_chooser:create"),
            {"title": "Rapport", "collection": collection.pk, "file": SimpleUploadedFile(name, data)},
        )
        assert "form" in response.content.decode()  # the chooser's upload form again, with the error
    assert not Document.objects.exists()


def test_a_file_saved_without_the_form_is_checked_too():
    from hedershus.cms.documents import DocumentRejected

    with pytest.raises(DocumentRejected):
        Document(title="x", file=ContentFile(HTML, name="rapport.pdf")).save()
    assert not Document.objects.exists()


def test_an_accepted_pdf_is_stored_under_a_neutral_name_without_metadata(editor, signed_in):
    response = upload(signed_in(editor), "Hemlig rapport om Anna.pdf", pdf())

    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.filename.startswith("document") and doc.filename.endswith(".pdf")
    with doc.file.open("rb") as f:
        reader = PdfReader(f)
        assert reader.metadata is None and reader.xmp_metadata is None
        assert len(reader.pages) == 1
        f.seek(0)
        raw = f.read()
    for revealing in (b"Anna", b"Hemlig", b"Skyddat"):
        assert revealing not in raw


def test_office_files_lose_their_author_and_text_is_accepted(editor, signed_in):
    client = signed_in(editor)
    for name, data in (
        ("a.docx", docx()),
        ("a.odt", odt()),
        ("a.txt", "Hej på dig, 3 < 4".encode()),
        ("a.csv", b"a,b\n-1,2\n"),
    ):
        response = upload(client, name, data)
        assert response.status_code == 302, (name, response.context and response.context["form"].errors)
    for doc in Document.objects.filter(file__endswith=("x")):
        with doc.file.open("rb") as f, zipfile.ZipFile(f) as z:
            assert b"Anna" not in b"".join(z.read(n) for n in z.namelist())
    odf = Document.objects.get(file__endswith=".odt")
    with odf.file.open("rb") as f, zipfile.ZipFile(f) as z:
        assert z.namelist()[0] == "mimetype" and b"Anna" not in z.read("meta.xml")
    assert Document.objects.count() == 4


# --- Serving ----------------------------------------------------------------------------


@pytest.fixture
def document(editor: Any) -> Any:
    with LogContext(user=editor):
        doc = Document(title="Rapport", file=ContentFile(pdf(), name="Hemlig rapport om Anna.pdf"))
        doc.save()
    return doc


def attach(page: Any, doc: Any, *, publish: bool) -> None:
    from hedershus.cms.models import ResearchDocument

    page = page.get_latest_revision_as_object()
    page.documents = [ResearchDocument(document=doc, label="Rapport")]
    revision = page.save_revision()
    if publish:
        revision.publish()


@pytest.fixture
def research_page(tree: Any) -> Any:
    from hedershus.cms.models import ResearchPage

    return next(p for p in tree.values() if isinstance(p, ResearchPage))


def test_a_document_no_live_page_links_to_is_not_served_to_visitors(
    document, research_page, visitor, editor, signed_in
):
    url = reverse("cms_document", args=[document.pk])
    assert visitor.get(url).status_code == 404
    attach(research_page, document, publish=False)  # linked from a draft only
    assert visitor.get(url).status_code == 404
    # Editors see every document, to review pages before they go live.
    assert signed_in(editor).get(url).status_code == 200


def test_a_linked_document_is_a_download_with_a_neutral_name_and_no_metadata(
    document, research_page, visitor
):
    attach(research_page, document, publish=True)

    response = visitor.get(reverse("cms_document", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "sandbox" in response["Content-Security-Policy"]
        and "default-src 'none'" in response["Content-Security-Policy"]
    )
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert b"Hemlig" not in body and b"Anna" not in body


def test_a_document_stops_being_served_when_its_page_goes_offline(document, research_page, visitor, editor):
    attach(research_page, document, publish=True)
    url = reverse("cms_document", args=[document.pk])
    assert visitor.get(url).status_code == 200
    with LogContext(user=editor):
        Page.objects.get(pk=research_page.pk).specific.unpublish()
    assert visitor.get(url).status_code == 404


def test_a_document_linked_from_rich_text_on_a_live_page_is_served(document, tree, visitor):
    page = tree[("school-guidance", "sv")].get_latest_revision_as_object()
    page.body = f'<p>Läs <a linktype="document" id="{document.pk}">rapporten</a>.</p>'
    url = reverse("cms_document", args=[document.pk])
    page.save_revision()
    assert visitor.get(url).status_code == 404  # a draft's link counts only once it is live
    page.save_revision().publish()
    assert visitor.get(url).status_code == 200


def test_wagtails_file_name_path_redirects_to_the_neutral_path(document, visitor):
    response = visitor.get(f"/documents/serve/{document.pk}/{document.filename}")
    assert response.status_code == 302
    assert response["Location"] == reverse("cms_document", args=[document.pk])
    assert document.url == f"/documents/serve/{document.pk}/{document.filename}"


# --- Audit ------------------------------------------------------------------------------


def test_upload_change_and_deletion_are_audited(editor, signed_in):
    client = signed_in(editor)
    upload(client, "rapport.pdf", pdf())
    doc = Document.objects.get()
    collection = Collection.get_first_root_node()

    client.post(
        reverse("wagtaildocs:edit", args=[doc.pk]), {"title": "Ny titel", "collection": collection.pk}
    )
    client.post(
        reverse("wagtaildocs:edit", args=[doc.pk]),
        {
            "title": "Ny titel",
            "collection": collection.pk,
            "file": SimpleUploadedFile("b.pdf", pdf(extra=lambda w: w.add_blank_page(300, 300))),
        },
    )
    client.post(reverse("wagtaildocs:delete", args=[doc.pk]))

    assert not Document.objects.exists()
    events = list(AuditEvent.objects.filter(event_type__startswith="cms.document_").order_by("pk"))
    assert [(e.event_type, e.actor_id) for e in events] == [
        ("cms.document_uploaded", editor.pk),
        ("cms.document_changed", editor.pk),
        ("cms.document_changed", editor.pk),
        ("cms.document_deleted", editor.pk),
    ]
    assert events[1].data["changed"] == ["title"]
    assert events[2].data["changed"] == ["file"]
    assert events[0].data["extension"] == "pdf" and events[0].data["file_hash"]
    assert "Ny titel" not in json.dumps([e.data for e in events])  # no titles or file names


def test_documents_check_cleans_documents_stored_before_the_check_and_lists_the_bad_ones():
    from django.core.files.storage import default_storage
    from django.core.management import CommandError, call_command

    good = default_storage.save("documents/Hemlig rapport om Anna.pdf", ContentFile(pdf()))
    bad = default_storage.save("documents/inte-en-pdf.pdf", ContentFile(HTML))
    # As uploads were stored before: no check (bulk_create sends no signals).
    legacy = Document.objects.bulk_create(
        [Document(title="Gammal", file=good), Document(title="Fel", file=bad)]
    )
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("documents_check", stdout=out)

    assert f"document {legacy[1].pk}: refused" in out.getvalue()
    cleaned = Document.objects.get(pk=legacy[0].pk)
    assert cleaned.filename.startswith("document") and not default_storage.exists(good)
    with cleaned.file.open("rb") as f:
        assert PdfReader(f).metadata is None
    assert AuditEvent.objects.filter(event_type="cms.document_changed", object_id=str(legacy[0].pk)).exists()


def test_bulk_changes_to_documents_are_audited(document, editor, signed_in):
    archive = Collection.get_first_root_node().add_child(name="Arkiv")
    url = reverse("wagtail_bulk_action", args=["wagtaildocs", "document", "add_to_collection"])

    response = signed_in(editor).post(f"{url}?id={document.pk}", {"collection": archive.pk})

    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).collection_id == archive.pk
    changed = AuditEvent.objects.get(event_type="cms.document_changed", object_id=str(document.pk))
    assert changed.actor_id == editor.pk and changed.data["changed"] == ["collection"]


# --- Documents on live pages (docs/editors.md, "Documents on live pages") ---------------


def _swedish(message: Any) -> str:
    from django.utils import translation

    with translation.override("sv"):
        return str(message)


def _live_refusal() -> str:
    from hedershus.cms.documents import LIVE_DOCUMENT_MESSAGE

    refusal = _swedish(LIVE_DOCUMENT_MESSAGE)
    assert refusal.startswith("Dokumentet finns på en publicerad sida.")  # translated
    return refusal


def _stored(doc: Any) -> tuple[str, str, bytes]:
    doc = Document.objects.get(pk=doc.pk)
    with doc.file.open("rb") as f:
        return doc.title, doc.file.name, f.read()


def test_one_editor_cannot_change_the_file_or_title_of_a_document_on_a_live_page(
    document, research_page, editor, signed_in, visitor
):
    attach(research_page, document, publish=True)
    before = _stored(document)
    served = b"".join(visitor.get(reverse("cms_document", args=[document.pk])).streaming_content)
    client = signed_in(editor)
    collection = Collection.get_first_root_node()
    url = reverse("wagtaildocs:edit", args=[document.pk])
    new_file = pdf(extra=lambda w: w.add_blank_page(300, 300))

    for change in (
        {"title": "Ändrad titel"},
        {"title": "Rapport", "file": SimpleUploadedFile("ny.pdf", new_file)},
        {"title": "Ändrad titel", "file": SimpleUploadedFile("ny.pdf", new_file)},
    ):
        response = client.post(url, {"collection": collection.pk, **change})

        assert response.status_code == 200  # the form again, with the reason
        assert response.context["form"].non_field_errors() == [_live_refusal()]
        assert _live_refusal() in response.content.decode()
        assert _stored(document) == before  # the old file is still there, unchanged

    assert b"".join(visitor.get(reverse("cms_document", args=[document.pk])).streaming_content) == served
    assert not AuditEvent.objects.filter(event_type="cms.document_changed").exists()


def test_tags_and_collection_of_a_document_on_a_live_page_may_change(
    document, research_page, editor, signed_in
):
    attach(research_page, document, publish=True)
    archive = Collection.get_first_root_node().add_child(name="Arkiv")

    response = signed_in(editor).post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Rapport", "collection": archive.pk, "tags": "forskning"},
    )

    assert response.status_code == 302
    doc = Document.objects.get(pk=document.pk)
    assert doc.collection_id == archive.pk and list(doc.tags.names()) == ["forskning"]


def link_in_rich_text(tree: Any, doc: Any) -> None:
    """Links ``doc`` from a live page's text (a research page's document list also protects
    the row by its foreign key; a link in text does not)."""
    page = tree[("school-guidance", "sv")].get_latest_revision_as_object()
    page.body = f'<p>Läs <a linktype="document" id="{doc.pk}">rapporten</a>.</p>'
    page.save_revision().publish()


def test_a_document_on_a_live_page_cannot_be_deleted_by_any_view(document, tree, editor, signed_in, settings):
    from django.db import transaction

    # The multiple uploader's delete runs in no transaction of its own: a refusal there breaks
    # the test's enclosing one (not so in production), so the session is not saved after it.
    settings.SESSION_SAVE_EVERY_REQUEST = False
    link_in_rich_text(tree, document)
    client = signed_in(editor)
    bulk = reverse("wagtail_bulk_action", args=["wagtaildocs", "document", "delete"])

    for url in (
        reverse("wagtaildocs:delete", args=[document.pk]),
        reverse("wagtaildocs:delete_multiple", args=[document.pk]),
        f"{bulk}?id={document.pk}",
    ):
        with transaction.atomic():  # the refused deletion rolls back its transaction
            response = client.post(url)

        assert response.status_code == 409, url
        assert _live_refusal() in response.content.decode()
        assert Document.objects.filter(pk=document.pk).exists()
    assert not AuditEvent.objects.filter(event_type="cms.document_deleted").exists()


def test_the_multiple_uploaders_edit_form_cannot_retitle_a_document_on_a_live_page(
    document, research_page, editor, signed_in
):
    attach(research_page, document, publish=True)
    prefix = f"doc-{document.pk}"

    response = signed_in(editor).post(
        reverse("wagtaildocs:edit_multiple", args=[document.pk]),
        {f"{prefix}-title": "Ändrad titel", f"{prefix}-collection": Collection.get_first_root_node().pk},
    )

    body = json.loads(response.content)
    assert body["success"] is False and _live_refusal() in body["form"]
    assert Document.objects.get(pk=document.pk).title == "Rapport"


def test_saves_and_deletes_outside_the_admin_are_refused_too(document, tree):
    from django.db import transaction

    from hedershus.core.exceptions import Conflict

    link_in_rich_text(tree, document)
    doc = Document.objects.get(pk=document.pk)

    doc.title = "Ändrad titel"
    with pytest.raises(Conflict):
        doc.save()
    doc = Document.objects.get(pk=document.pk)
    doc.file = ContentFile(pdf(extra=lambda w: w.add_blank_page(300, 300)), name="ny.pdf")
    with pytest.raises(Conflict):
        doc.save()
    with pytest.raises(Conflict), transaction.atomic():
        Document.objects.get(pk=document.pk).delete()
    with pytest.raises(Conflict), transaction.atomic():
        Document.objects.filter(pk=document.pk).delete()
    assert Document.objects.get(pk=document.pk).title == "Rapport"


def test_a_document_only_a_draft_links_to_may_still_be_changed_and_deleted(
    document, research_page, editor, signed_in
):
    attach(research_page, document, publish=False)
    client = signed_in(editor)

    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Ny titel", "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 302
    assert client.post(reverse("wagtaildocs:delete", args=[document.pk])).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_documents_check_may_still_clean_a_document_on_a_live_page(research_page, editor):
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    stored = default_storage.save("documents/Hemlig rapport om Anna.pdf", ContentFile(pdf()))
    (legacy,) = Document.objects.bulk_create([Document(title="Gammal", file=stored)])
    attach(research_page, legacy, publish=True)

    call_command("documents_check", stdout=io.StringIO())

    cleaned = Document.objects.get(pk=legacy.pk)
    assert cleaned.filename.startswith("document") and cleaned.title == "Gammal"


# --- What a refused upload says ---------------------------------------------------------


def test_a_refused_upload_says_only_why(editor, signed_in):
    client = signed_in(editor)
    collection = Collection.get_first_root_node()
    for name, data in (REFUSED["html renamed pdf"], REFUSED["a type not accepted"]):
        reason = _swedish_reason(name, data)

        response = upload(client, name, data)
        assert response.context["form"].errors == {"file": [reason]}
        assert "Filändelsen" not in response.content.decode()

        response = client.post(
            reverse("wagtaildocs:add_multiple"),
            {"collection": collection.pk, "files[]": SimpleUploadedFile(name, data)},
        )
        assert json.loads(response.content)["error_message"] == reason


def _swedish_reason(name: str, data: bytes) -> str:
    from django.utils import translation

    from hedershus.cms.documents import DocumentRejected, document_check

    with translation.override("sv"), pytest.raises(DocumentRejected) as refused:
        document_check(name, data)
    return refused.value.messages[0]


def test_the_upload_forms_help_text_is_translated(editor, signed_in):
    client = signed_in(editor)

    for url in (reverse("wagtaildocs:add"), reverse("wagtaildocs:add_multiple")):
        page = client.get(url).content.decode()
        assert "Maximum filesize" not in page
        assert "Största fil: 20,0\xa0MB" in page and "PDF, DOCX" in page
