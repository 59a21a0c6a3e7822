"""Every language gets the CMS pages in its own shell; the start page's first screen holds the
ways to help (issue 7, items 19 and 20)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

NOTICE_FA = "این صفحه هنوز به زبان شما ترجمه نشده است. به زبان سوئدی نشان داده می‌شود."
NOTICE_AR = "لم تُترجم هذه الصفحة إلى لغتك بعد. تُعرض باللغة السويدية."


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def switcher(html: str) -> dict[str, str]:
    nav = html.split('<nav class="languages"', 1)[1].split("</nav>", 1)[0]
    return {lang: href for href, lang in re.findall(r'<a href="([^"]+)" lang="([a-z]+)"', nav)}


def test_a_page_without_a_translation_says_so_in_the_visitors_language(tree, client):
    guidance = tree[("school-guidance", "sv")]  # Swedish and English only
    html = client.get(f"/fa/p/{guidance.pk}/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    notice, article = html.split('<article class="cms-page"', 1)
    assert f'<p class="notice translation-notice" role="note">{NOTICE_FA}</p>' in notice
    assert article.startswith(' lang="sv" dir="ltr">')
    # The Swedish titles around it are marked Swedish too (breadcrumbs).
    assert re.search(r'<span aria-current="page" lang="sv" dir="ltr">', html)

    arabic = client.get(f"/ar/p/{guidance.pk}/").content.decode()
    assert NOTICE_AR in arabic and NOTICE_FA not in arabic
    translated = client.get(f"/en/p/{tree[('school-guidance', 'en')].pk}/").content.decode()
    assert "translation-notice" not in translated


def test_the_start_page_in_a_language_without_pages_is_in_that_language_but_for_the_text(tree, client):
    html = client.get("/fa/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "حمایت در برابر خشونت و سرکوب ناموسی" in html  # an interface heading, not the Swedish title
    assert NOTICE_FA in html
    assert '<article class="cms-page" lang="sv" dir="ltr">' in html
    assert "Lämna snabbt" not in html


def test_links_to_untranslated_pages_keep_the_visitors_language(tree, client):
    main = client.get("/fa/").content.decode().split('<main id="main"', 1)[1]
    page_links = [h for h in hrefs(main) if "/p/" in h]
    assert page_links and all(h.startswith("/fa/p/") for h in page_links)
    # Followed, such a link serves the Swedish page in the Persian shell.
    response = client.get(page_links[0])
    assert response.status_code == 200 and '<html lang="fa" dir="rtl">' in response.content.decode()


def test_the_language_switcher_lists_every_language_and_keeps_the_page(tree, client):
    guidance_sv, guidance_en = tree[("school-guidance", "sv")], tree[("school-guidance", "en")]
    links = switcher(client.get(f"/sv/p/{guidance_sv.pk}/").content.decode())
    assert list(links) == [code for code, _name in settings.LANGUAGES]
    assert links["en"] == f"/en/p/{guidance_en.pk}/"
    for code in ("ar", "fa", "so", "ckb", "ti", "tr"):
        assert links[code] == f"/{code}/p/{guidance_sv.pk}/"


@pytest.mark.parametrize("language", ["sv", "en", "ar", "fa", "ti"])
def test_the_start_page_begins_with_the_audiences_contact_and_112(tree, client, language):
    html = client.get(f"/{language}/").content.decode()
    first_screen = html.split('<nav class="first-screen"', 1)[1].split("</nav>", 1)[0]
    exposed = re.search(r'<a href="([^"]+)" data-audience="exposed">([^<]+)</a>', first_screen)
    contact = re.search(r'<a class="contact-link" href="([^"]+)">', first_screen)
    assert exposed and contact and 'href="tel:112"' in first_screen
    # Before the page's text and the search form.
    assert html.index('class="first-screen"') < html.index('<article class="cms-page"')
    assert html.index('class="first-screen"') < html.index('class="search-form"')
    # Each leads to the page in the visitor's language, or the Swedish one in their shell.
    for link in (exposed.group(1), contact.group(1)):
        assert link.startswith(f"/{language}/p/")
        assert client.get(link).status_code == 200
    expected = {
        "sv": tree[("exposed", "sv")],
        "en": tree[("exposed", "en")],
        "ar": tree[("exposed", "ar")],
        "fa": tree[("exposed", "sv")],
        "ti": tree[("exposed", "sv")],
    }[language]
    assert exposed.group(1) == f"/{language}/p/{expected.pk}/"
    if language == "ar":  # no Arabic contact page: the Swedish one, in the Arabic shell
        assert contact.group(1) == f"/ar/p/{tree[('contact', 'sv')].pk}/"
    if language != "en":
        assert exposed.group(2) != "I am controlled or threatened"


def test_pages_offer_their_own_back_link_one_level_up(tree, client):
    article = tree[("forced-marriage", "en")]
    html = client.get(f"/en/p/{article.pk}/").content.decode()
    parent = article.get_parent()
    assert f'<p class="back-link"><a href="/en/p/{parent.pk}/" data-back>Back</a></p>' in html
    assert (
        '<p class="back-link"><a href="/en/" data-back>Back</a></p>'
        in client.get("/en/info/").content.decode()
    )
    assert "data-back>" not in client.get("/en/").content.decode()  # the start page has none
