"""Search-like forms use POST and autocomplete=off: terms never reach an address (R12)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def forms_in(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*>.*?</form>", html, re.DOTALL)


@pytest.mark.parametrize("path", ["/sv/", "/en/search/", "/ar/search/"])
def test_search_forms_post_with_autocomplete_off(client, path):
    html = client.get(path).content.decode()
    searches = [form for form in forms_in(html) if 'role="search"' in form]
    assert searches
    for form in searches:
        assert 'method="post"' in form
        assert 'autocomplete="off"' in form.split(">", 1)[0]
        field = re.search(r"<input [^>]*name=\"q\"[^>]*>", form).group(0)
        assert 'autocomplete="off"' in field and 'spellcheck="false"' in field


def test_every_public_form_posts(client):
    for path in ["/sv/", "/sv/search/", "/sv/display/", "/sv/info/"]:
        for form in forms_in(client.get(path).content.decode()):
            assert 'method="post"' in form


def test_a_search_is_answered_without_redirect_and_the_term_stays_out_of_the_address(client):
    response = client.post("/en/search/", {"q": "my secret words"})
    assert response.status_code == 200
    assert "No pages match your search." in response.content.decode()
    assert "Location" not in response


def test_a_search_in_the_address_is_not_run(client):
    html = client.get("/en/search/", {"q": "my secret words"}).content.decode()
    assert "my secret words" not in html
    assert "No pages match" not in html


def test_an_empty_search_gets_a_clear_message(client):
    response = client.post("/en/search/", {"q": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
