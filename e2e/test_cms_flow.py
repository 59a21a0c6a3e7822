"""The CMS from end to end (issue: knowledge portal, "done when"): an editor signs in with
password and a TOTP code, writes a page and submits it for review; a second editor approves
it from the page editor's footer and is told it is live (issue 7, item 15); the first
translates it into English and submits the translation; the second approves from the
dashboard; and a visitor finds the page by search, in Swedish and in English.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.staff import staff_sign_in
from e2e.test_history import sent_in_place

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-editor-password-Hedershus"
# Each editor has their own secret: a TOTP code is accepted once.
EDITORS = {
    "writer": ("writer@e2e.hedershus.invalid", "JBSWY3DPEHPK3PXPWRITERAA"),
    "reviewer": ("reviewer@e2e.hedershus.invalid", "JBSWY3DPEHPK3PXPREVIEWER"),
}
# A made-up word, so that a search can only find the page this test writes.
WORD = "Glasfjäril"
SV_TITLE = f"{WORD}: stöd för unga"
EN_TITLE = f"{WORD}: support for young people"

CREATE_EDITORS = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
for email, secret in {editors!r}:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password={password!r}, role="editor", first_name=email[:6]
        )
        TOTP.activate(user, secret)
"""


@pytest.fixture(scope="module")
def editors(server: Any) -> dict[str, tuple[str, str]]:
    server.manage("shell", "-c", CREATE_EDITORS.format(editors=list(EDITORS.values()), password=PASSWORD))
    return EDITORS


def page_id(server: Any, language: str, **lookup: str) -> int:
    code = (
        "from wagtail.models import Page; "
        f"print(Page.objects.get(locale__language_code={language!r}, **{lookup!r}).pk)"
    )
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def sign_in(context_factory: Any, server: Any, who: str) -> Any:
    email, secret = EDITORS[who]
    page = context_factory(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(server.url("/staff/cms/"))
    assert "/staff/auth/login/" in page.url  # the admin sends people to the platform's sign-in
    staff_sign_in(page, server, email, PASSWORD, secret, start=None)
    page.wait_for_url(server.url("/staff/cms/"))
    return page


def approve_on_dashboard(page: Any, server: Any, title: str) -> None:
    page.goto(server.url("/staff/cms/"))
    row = page.locator("tr", has_text=title)
    row.get_by_role("button", name="Actions").click()
    with page.expect_navigation():
        row.get_by_role("button", name="Approve", exact=True).click()


def approve_in_editor(page: Any, server: Any, pk: int) -> None:
    """The reviewer's footer in the page editor: Approve is its primary button."""
    page.goto(server.url(f"/staff/cms/pages/{pk}/edit/"))
    footer = page.locator("footer nav.actions")
    approve = footer.get_by_role("button", name="Approve", exact=True)
    assert approve.is_visible()
    with page.expect_navigation():
        approve.click()


def search(context_factory: Any, server: Any, language: str, term: str) -> Any:
    page = context_factory().new_page()
    page.goto(server.url(f"/{language}/search/"))
    page.fill("#id_q", term)
    sent_in_place(page, lambda: page.press("#id_q", "Enter"))
    assert term not in page.url
    return page


def test_an_editor_writes_a_reviewer_approves_and_a_visitor_finds_it(context_factory, server, editors):
    knowledge_bank = page_id(server, "sv", slug="knowledge-bank")

    # The writer drafts a page and submits it for review.
    writer = sign_in(context_factory, server, "writer")
    writer.goto(server.url(f"/staff/cms/pages/add/cms/articlepage/{knowledge_bank}/"))
    writer.fill("#id_title", SV_TITLE)
    writer.fill("#id_intro", f"{WORD} är en påhittad stödlinje för unga i testet.")
    writer.locator(".public-DraftEditor-content").click()  # the rich-text editor (Draftail)
    writer.keyboard.type(f"Ring {WORD} när du vill prata med någon.")
    writer.wait_for_function("() => document.querySelector('input[name=body]').value.includes('prata med')")
    writer.check("#id_for_exposed")
    writer.select_option("#id_topic", "help")
    # The preview shows the page as visitors will see it (an iframe of the admin itself).
    writer.get_by_role("button", name="Toggle preview").click()
    assert writer.frame_locator("iframe").first.locator("h1").inner_text() == SV_TITLE
    assert writer.locator("button[name=action-publish]").count() == 0  # editors cannot publish
    writer.click("footer .w-dropdown__toggle")
    with writer.expect_navigation():
        writer.click("button[name=action-submit]")
    told = writer.locator(".messages").inner_text()
    # On a validation error, say which field (it failed once under load in CI, unexplained).
    assert "submitted for moderation" in told, (told, writer.locator(".error-message").all_inner_texts())
    assert SV_TITLE not in search(context_factory, server, "sv", WORD).content()  # not live yet

    # Nobody reviews their own page: the writer's dashboard offers no approval.
    writer.goto(server.url("/staff/cms/"))
    assert (
        writer.locator("tr", has_text=SV_TITLE).get_by_role("button", name="Approve", exact=True).count() == 0
    )

    # A second editor opens the page and approves it from the editor's footer: it goes live,
    # and the reviewer is told so.
    reviewer = sign_in(context_factory, server, "reviewer")
    approve_in_editor(reviewer, server, page_id(server, "sv", title=SV_TITLE))
    assert f"You approved “{SV_TITLE}”. It is now live." in reviewer.locator(".messages").inner_text()
    found = search(context_factory, server, "sv", WORD)
    assert found.get_by_role("link", name=SV_TITLE).count() == 1

    # The writer translates it into English with wagtail-localize ...
    swedish = page_id(server, "sv", title=SV_TITLE)
    writer.goto(server.url(f"/staff/cms/localize/submit/page/{swedish}/"))
    writer.get_by_label("English").check()
    with writer.expect_navigation():
        writer.get_by_role("button", name="Submit").click()
    intro_sv, body_sv = (
        f"{WORD} är en påhittad stödlinje för unga i testet.",
        f"Ring {WORD} när du vill prata med någon.",
    )
    for source, translation in [
        (SV_TITLE, EN_TITLE),
        (intro_sv, f"{WORD} is a made-up helpline for young people in the test."),
        (body_sv, f"Call {WORD} when you want to talk to someone."),
    ]:
        # wagtail-localize's editor: one item per text segment, "Translate" opens a text box.
        writer.locator("li.incomplete", has_text=source).get_by_role("button", name="Translate").click()
        editing = writer.locator("li:has(textarea)")
        editing.locator("textarea").fill(translation)
        editing.get_by_role("button", name="Save").click()
        writer.locator("textarea").wait_for(state="detached")
    # ... and submits the translation for review from the translation status report.
    writer.goto(server.url("/staff/cms/translation-status/"))
    row = writer.locator("tr", has_text=SV_TITLE)
    with writer.expect_navigation():
        row.get_by_role("button", name="Submit for review").click()
    assert "submitted for review" in writer.locator(".messages").inner_text()

    approve_on_dashboard(reviewer, server, EN_TITLE)
    assert f"You approved “{EN_TITLE}”" in reviewer.locator(".messages").inner_text()
    found = search(context_factory, server, "en", WORD)
    assert found.get_by_role("link", name=EN_TITLE).count() == 1
    found.get_by_role("link", name=EN_TITLE).click()
    found.wait_for_load_state()
    assert found.get_by_role("heading", level=1).inner_text() == EN_TITLE
    assert re.search(r"/en/p/\d+/$", found.url)  # discreet mode: a neutral address

    # Every step is in the audit log.
    log = server.manage(
        "shell",
        "-c",
        "from hedershus.audit.models import AuditEvent as E; "
        "print(sorted(set(E.objects.filter(event_type__startswith='cms.page_', actor__isnull=False)"
        ".values_list('event_type', flat=True))))",
    )
    for event in ("cms.page_submitted", "cms.page_approved", "cms.page_published"):
        assert event in log


ATTACH_DOCUMENT = """
import io
from django.core.files.base import ContentFile
from pypdf import PdfWriter
from wagtail.documents import get_document_model
from wagtail.models import Page
from hedershus.cms.models import ResearchDocument, ResearchPage
writer = PdfWriter()
writer.add_blank_page(200, 200)
writer.add_metadata({"/Title": "Hemlig rapport om Anna", "/Author": "Anna Andersson"})
data = io.BytesIO()
writer.write(data)
upload = ContentFile(data.getvalue(), name="Hemlig rapport om Anna.pdf")
doc = get_document_model()(title="Rapport", file=upload)
doc.save()
page = ResearchPage.objects.live().filter(locale__language_code="sv").first()
draft = page.get_latest_revision_as_object()
draft.documents = [ResearchDocument(document=doc, label="Rapporten")]
draft.save_revision().publish()  # the system publishes, as after an approval
print(doc.pk, page.pk)
"""


def test_a_visitor_downloads_a_document_without_a_tab_a_title_or_a_revealing_name(context_factory, server):
    """Issue 7, item 13: the document downloads (no tab, no history entry), under a neutral
    name, without the metadata title and author it was uploaded with."""
    from pypdf import PdfReader

    doc_id, page_pk = map(int, server.manage("shell", "-c", ATTACH_DOCUMENT).split()[-2:])
    context = context_factory(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url(f"/sv/p/{page_pk}/"))
    before = (page.url, page.evaluate("history.length"))
    link = page.get_by_role("link", name="Rapporten")
    assert link.get_attribute("href") == f"/documents/{doc_id}/"

    with page.expect_download() as info:
        link.click()
    download = info.value

    assert download.suggested_filename == f"document-{doc_id}.pdf"
    page.wait_for_timeout(500)
    assert (page.url, page.evaluate("history.length")) == before  # still on the page: no new entry
    assert len(context.pages) == 1  # no tab opened
    with open(download.path(), "rb") as f:
        reader = PdfReader(f)
        assert reader.metadata is None and reader.xmp_metadata is None
