"""Languages come from the URL prefix, never a cookie; right-to-left gets dir="rtl" (R4)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from hedershus.portal import languages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "lang", "direction", "exit_text"),
    [
        ("/sv/", "sv", "ltr", "Lämna snabbt"),
        ("/en/", "en", "ltr", "Leave quickly"),
        ("/ar/", "ar", "rtl", "اخرج بسرعة"),
        ("/fa/", "fa", "rtl", "خروج سریع"),
        ("/so/", "so", "ltr", "Ka bax dhakhso"),
        ("/ckb/", "ckb", "rtl", "زوو دەرچوون"),
        ("/ti/", "ti", "ltr", "ቀልጢፍካ ውጻእ"),
        ("/tr/", "tr", "ltr", "Hızlı çık"),  # noqa: RUF001 - Turkish's dotless i
    ],
)
def test_each_prefix_serves_its_language_and_direction(client, path, lang, direction, exit_text):
    """Every configured language answers in its own words: /so/ and /ti/ once redirected to a
    404, and /fa/, /ckb/, /tr/ showed the Swedish "Lämna snabbt" (issue 7, item 19)."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert f"data-quick-exit>{exit_text}</a>" in html
    if lang != "sv":
        assert "Lämna snabbt" not in html


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("page", ["info/", "search/", "display/", "no-such-page/"])
def test_every_configured_language_answers_under_its_prefix(client, code, page):
    response = client.get(f"/{code}/{page}")
    assert response.status_code == (404 if page == "no-such-page/" else 200)
    assert f'<html lang="{code}"' in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "/sv/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("ar", "/ar/"),
        ("fa,en;q=0.5", "/fa/"),
        ("ti-ER", "/ti/"),
        ("de", "/sv/"),
    ],
)
def test_root_redirects_to_a_prefix_by_accept_language_only(client, accept, expected):
    client.cookies["unused-language-cookie"] = "en"  # language cookies are never read
    client.cookies["django_language"] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert not response.cookies
    assert "Accept-Language" in response["Vary"]


def test_no_public_response_sets_a_language_cookie(client):
    for path in ["/", "/sv/", "/en/", "/ar/info/"]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert "unused-language-cookie" not in response.cookies
        assert "django_language" not in response.cookies


def test_the_switcher_lists_every_configured_language(client, settings):
    html = client.get("/sv/info/").content.decode()
    assert 'href="/en/info/" lang="en"' in html
    assert 'href="/ar/info/" lang="ar" hreflang="ar" dir="rtl"' in html
    assert 'href="/sv/info/" lang="sv" hreflang="sv" dir="ltr" aria-current="true"' in html
    for code, _name in settings.LANGUAGES:
        assert f'href="/{code}/info/" lang="{code}" hreflang="{code}"' in html


def test_languages_are_offered_in_settings_order_with_their_own_names(rf):
    request = rf.get("/sv/")
    with translation.override("sv"):
        links = languages.language_links(request)
    assert [(link.code, link.name_local) for link in links] == [
        ("sv", "svenska"),
        ("en", "English"),
        ("ar", "العربيّة"),
        ("fa", "فارسی"),
        ("so", "Soomaali"),
        ("ckb", "کوردی"),
        ("ti", "ትግርኛ"),
        ("tr", "Türkçe"),
    ]


def test_all_eight_languages_are_configured_with_rtl_where_needed(settings):
    assert [code for code, _name in settings.LANGUAGES] == ["sv", "en", "ar", "fa", "so", "ckb", "ti", "tr"]
    for code in ("ar", "fa", "ckb"):
        assert translation.get_language_info(code)["bidi"]
    for code in ("so", "ti", "tr"):
        assert not translation.get_language_info(code)["bidi"]
