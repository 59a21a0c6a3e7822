"""Every public response: no cache, no lasting cookie, a strict CSP, nothing from other hosts (R12)."""

from __future__ import annotations

import re

import pytest

from hedershus.portal.tests.helpers import PUBLIC_PAGES, persistent_cookies

pytestmark = pytest.mark.django_db

OTHER_HOST = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/", "/exit"])
def test_public_responses_are_never_stored_and_set_no_lasting_cookie(client, path):
    response = client.get(path)
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert persistent_cookies(response) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_load_nothing_from_other_hosts_and_ask_for_no_favicon(client, path):
    html = client.get(path).content.decode()
    assert not OTHER_HOST.search(html)
    assert '<link rel="icon" href="data:,">' in html
    assert "localStorage" not in html and "indexedDB" not in html and "serviceWorker" not in html


def test_a_session_cookie_ends_with_the_browser(client):
    """Forms with a CSRF token start a session; its cookie has no expiry, so it dies with the browser."""
    response = client.get("/sv/display/")
    assert "sid" in response.cookies or "__Host-sid" in response.cookies
    assert persistent_cookies(response) == []
    assert "csrftoken" not in response.cookies  # the token lives in the session


def test_a_search_needs_no_session(client):
    response = client.post("/sv/search/", {"q": "anything"})
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_the_quick_exit_button_and_skip_link(client, path):
    html = client.get(path).content.decode()
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert (
        'href="/exit"' in first_link and 'rel="noreferrer"' in first_link and "data-quick-exit" in first_link
    )
    assert re.search(r'<a class="quick-exit" href="/exit" rel="noreferrer" data-quick-exit>', html)
    assert re.search(r'<script nonce="[^"]+">/\* Quick exit', html)
    assert " on" + "click=" not in html.lower()  # no inline handlers
    assert "<script>" not in html  # every script carries the nonce


def test_the_quick_exit_script_keeps_nothing_in_the_browser():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / "templates" / "portal" / "quick_exit.js").read_text()
    assert "location.replace(" in script
    for storage in ("localStorage", "sessionStorage", "indexedDB", "serviceWorker", "document.cookie"):
        assert storage not in script
