"""Public pages are rendered once and served from the cache, without sharing anything of one
visitor with another (issue 8, item 8; hedershus/cms/page_cache.py)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hedershus.cms.models import ArticlePage

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<script nonce="([^"]+)"')


def _nonce(response) -> str:
    match = NONCE.search(response.content.decode())
    assert match is not None
    return match.group(1)


def _page_queries(client: Client, url: str) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, sum("wagtailcore_page" in query["sql"] for query in queries.captured_queries)


def test_a_rendered_page_is_served_from_the_cache(tree):
    url = tree[("forced-marriage", "en")].url
    first, first_queries = _page_queries(Client(), url)
    second, second_queries = _page_queries(Client(), url)
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0

    # The same page, apart from the nonce.
    def without_nonce(response) -> str:
        return str(response.content.decode().replace(_nonce(response), "N"))

    assert without_nonce(first) == without_nonce(second)


def test_nonce_and_headers_are_each_responses_own(tree):
    url = tree[("forced-marriage", "en")].url
    responses = [Client().get(url) for _ in range(3)]
    nonces = [_nonce(response) for response in responses]
    assert len(set(nonces)) == 3
    for response, nonce in zip(responses, nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "no-store"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert not response.cookies
    first, cached = responses[0], responses[2]
    assert sorted(first.headers) == sorted(cached.headers)
    for name in first.headers:
        if name.lower() != "content-security-policy":
            assert first[name] == cached[name], name


def test_no_visitors_session_or_csrf_value_reaches_another_visitor(tree):
    url = tree[("forced-marriage", "sv")].url
    visitor = Client()
    visitor.post("/sv/display/", {"discreet": "off"})
    session_key = visitor.cookies[settings.SESSION_COOKIE_NAME].value
    named = visitor.get(url).content.decode()
    other = Client().get(url)
    html = other.content.decode()
    assert session_key not in html and session_key not in named
    assert "csrfmiddlewaretoken" not in html
    assert not other.cookies


def test_discreet_mode_and_languages_are_separate_entries(tree):
    url = tree[("forced-marriage", "sv")].url
    title = re.compile(r"<title>(.*?)</title>", re.DOTALL)
    neutral = title.search(Client().get(url).content.decode()).group(1)
    visitor = Client()
    visitor.post("/sv/display/", {"discreet": "off"})
    named = title.search(visitor.get(url).content.decode()).group(1)
    assert "Hedershus" not in neutral and "Hedershus" in named
    assert title.search(Client().get(url).content.decode()).group(1) == neutral
    english = Client().get(tree[("forced-marriage", "en")].url).content.decode()
    assert 'lang="en"' in english and 'lang="sv"' in Client().get(url).content.decode()


def test_publishing_another_page_shows_at_once_in_lists(tree):
    index = tree[("knowledge-bank", "en")]
    assert "A freshly published text" not in Client().get(index.url).content.decode()
    Client().get(index.url)  # cached now
    page = ArticlePage(title="A freshly published text", slug="freshly-published", topic="rights", live=False)
    index.add_child(instance=page)
    page.save_revision().publish()
    assert "A freshly published text" in Client().get(index.url).content.decode()
    page.refresh_from_db()
    page.unpublish()
    assert "A freshly published text" not in Client().get(index.url).content.decode()


def test_signed_in_users_and_queries_are_not_cached(tree, admin_user):
    url = tree[("forced-marriage", "en")].url
    Client().get(url)
    staff = Client()
    staff.force_login(admin_user)
    _response, queries = _page_queries(staff, url)
    assert queries > 0
    _response, queries = _page_queries(Client(), f"{url}?x=1")
    assert queries > 0
