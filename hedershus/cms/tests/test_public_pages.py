"""CMS pages keep the public shell's rules: neutral paths and titles in discreet mode, right-to-left
Arabic, no-store, nothing from other hosts, and downloadable documents (R1, R4, R12)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from hedershus.cms.models import ResearchDocument

pytestmark = pytest.mark.django_db

OTHER_HOST = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


def discreet_off(client):
    client.post("/sv/display/", {"discreet": "off"})
    return client


def hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def test_every_page_type_renders_with_the_shell(tree, client):
    for (key, lang), page in tree.items():
        if not page.live:
            continue
        response = client.get(page.url)
        assert response.status_code == 200, (key, lang)
        html = response.content.decode()
        assert 'class="quick-exit"' in html and page.title in html
        assert response["Cache-Control"] == "no-store"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert not OTHER_HOST.search(html), (key, lang)
        assert "wagtail-userbar" not in html


def test_discreet_mode_gives_neutral_titles_and_links(tree, client):
    article = tree[("forced-marriage", "sv")]
    html = client.get(tree[("knowledge-bank", "sv")].url).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert "Kunskapsbank" not in title and "Hedershus" not in title
    assert f"/sv/p/{article.pk}/" in hrefs(html)
    assert not [h for h in hrefs(html) if "knowledge-bank" in h or "forced-marriage" in h]


def test_neutral_paths_serve_the_page(tree, client):
    article = tree[("forced-marriage", "en")]
    response = client.get(f"/en/p/{article.pk}/")
    assert response.status_code == 200
    assert "Forced marriage is forbidden" in response.content.decode()
    assert client.get("/en/p/999999/").status_code == 404


def test_a_neutral_path_in_another_language_leads_to_the_translation(tree, client):
    sv, en = tree[("forced-marriage", "sv")], tree[("forced-marriage", "en")]
    response = client.get(f"/en/p/{sv.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/en/p/{en.pk}/"


def test_drafts_are_not_served_by_neutral_path(tree, client, editor):
    from hedershus.cms.tests.conftest import make_article

    draft = make_article(tree[("knowledge-bank", "sv")], editor, title="Hemligt utkast")
    assert client.get(f"/sv/p/{draft.pk}/").status_code == 404
    untranslated_parent = tree[("forced-marriage", "ar")].get_parent()  # a draft copy
    assert client.get(f"/ar/p/{untranslated_parent.pk}/").status_code == 404


def test_with_discreet_mode_off_links_use_the_page_paths(tree, client):
    discreet_off(client)
    html = client.get(tree[("knowledge-bank", "sv")].url).content.decode()
    assert "/sv/knowledge-bank/forced-marriage/" in hrefs(html)
    assert "Kunskapsbank" in html.split("</title>")[0]


def test_the_language_switcher_leads_to_the_translation_or_the_page_in_that_shell(tree, client):
    discreet_off(client)
    page = tree[("school-guidance", "sv")]
    html = client.get(page.url).content.decode()
    links = dict(re.findall(r'<a href="([^"]+)" lang="([a-z]+)"', html))
    by_lang = {lang: href for href, lang in links.items()}
    assert by_lang["en"] == "/en/knowledge-bank/school-guidance/"
    # No Arabic translation: the same page, in the Arabic shell with a notice.
    assert by_lang["ar"] == f"/ar/p/{page.pk}/"


def test_arabic_pages_are_right_to_left(tree, client):
    html = client.get(tree[("forced-marriage", "ar")].url).content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert re.search(r'<article class="cms-page" lang="ar" dir="rtl">', html)
    english = client.get(tree[("forced-marriage", "en")].url).content.decode()
    assert '<article class="cms-page" lang="en" dir="ltr">' in english


def test_a_page_shown_under_another_language_keeps_its_own_language(tree, client):
    """Persian has no pages yet: /fa/ shows the Swedish home, marked as Swedish inside an RTL shell."""
    html = client.get("/fa/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert '<article class="cms-page" lang="sv" dir="ltr">' in html


def test_research_documents_download_from_a_public_neutral_path(tree, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from pypdf import PdfWriter

    writer, pdf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(100, 100)
    writer.write(pdf)
    document = get_document_model().objects.create(
        title="Utvärdering 2025", file=ContentFile(pdf.getvalue(), name="utvardering-tvangsaktenskap.pdf")
    )
    research = tree[("risk-method", "sv")]
    ResearchDocument.objects.create(page=research, document=document, label="Rapporten")

    html = client.get(research.url).content.decode()
    assert f'href="/documents/{document.pk}/"' in html and "Rapporten" in html

    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/pdf"


def test_internal_links_in_rich_text_use_neutral_paths(tree, client):
    home = tree[("home", "en")]
    target = tree[("contact", "en")]
    home.body = f'<p>See <a linktype="page" id="{target.pk}">contact</a>.</p>'
    home.save_revision().publish()
    html = client.get("/en/").content.decode()
    assert f'<a href="/en/p/{target.pk}/">contact</a>' in html


def test_the_directory_and_contact_details_are_shown(tree, client):
    directory = client.get(tree[("help-directory", "sv")].url).content.decode()
    assert "Stödlinjen" in directory and "070-174 06 10" in directory and "Skyddat boende" in directory
    assert 'href="http' not in directory  # web addresses are text, not links to other hosts
    contact = client.get(tree[("contact", "sv")].url).content.decode()
    for value in (
        "070-174 06 05",
        "070-174 06 06",
        "kontakt@hedershus.invalid",
        "Måndag\u2013fredag 9\u201316",
    ):
        assert value in contact


def test_audience_pages_list_the_texts_written_for_them(tree, client):
    html = client.get(tree[("exposed", "en")].url).content.decode()
    assert "Forced marriage is forbidden" in html and "Guidance for school staff" not in html
