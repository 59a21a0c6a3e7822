"""Languages come from the URL prefix, never a cookie; right-to-left gets dir="rtl" (R4)."""

from __future__ import annotations

import shutil

import pytest
from django.utils import translation

from hedershus.portal import languages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "lang", "direction", "exit_text"),
    [
        ("/sv/", "sv", "ltr", "Lämna snabbt"),
        ("/en/", "en", "ltr", "Leave quickly"),
        ("/ar/", "ar", "rtl", "اخرج بسرعة"),
    ],
)
def test_each_prefix_serves_its_language_and_direction(client, path, lang, direction, exit_text):
    html = client.get(path).content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert exit_text in html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("", "/sv/"), ("en-GB,en;q=0.9", "/en/"), ("ar", "/ar/"), ("fa,en;q=0.5", "/en/"), ("fa", "/sv/")],
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


def test_the_switcher_offers_only_languages_with_a_catalogue(client):
    html = client.get("/sv/info/").content.decode()
    assert 'href="/en/info/" lang="en"' in html
    assert 'href="/ar/info/" lang="ar" hreflang="ar" dir="rtl"' in html
    assert 'href="/sv/info/" lang="sv" hreflang="sv" dir="ltr" aria-current="true"' in html
    for code in ("fa", "so", "ckb", "ti", "tr"):
        assert f'lang="{code}"' not in html


def test_a_translator_adds_a_language_by_adding_its_catalogue(tmp_path, monkeypatch, settings):
    assert "fa" not in languages.shell_languages()
    target = tmp_path / "fa" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(languages.PORTAL_LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.mo", target / "django.mo")
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, tmp_path]
    assert "fa" in languages.shell_languages()
    assert languages.language_from_accept_header("fa") == "fa"


def test_languages_are_offered_in_settings_order_with_their_own_names(rf):
    request = rf.get("/sv/")
    with translation.override("sv"):
        links = languages.language_links(request)
    assert [(link.code, link.name_local) for link in links] == [
        ("sv", "svenska"),
        ("en", "English"),
        ("ar", "العربيّة"),
    ]


def test_all_eight_languages_are_configured_with_rtl_where_needed(settings):
    assert [code for code, _name in settings.LANGUAGES] == ["sv", "en", "ar", "fa", "so", "ckb", "ti", "tr"]
    for code in ("ar", "fa", "ckb"):
        assert translation.get_language_info(code)["bidi"]
    for code in ("so", "ti", "tr"):
        assert not translation.get_language_info(code)["bidi"]
