"""Whatever a visitor types into search is text, never query syntax (issue 7, item 16).

A double quote gave a server error: the words went to SQLite FTS5 and PostgreSQL's tsquery
with only SQL-string escaping. These tests post characters and words that mean something to
either engine, and then arbitrary text (Hypothesis), on whichever database the suite runs on.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from hedershus.cms.selectors import pages_search

pytestmark = pytest.mark.django_db

SYNTAX = [
    '"', '""', "'", "''", "*", "-", "^", ":", "(", ")", "{", "}", "[", "]", "&", "|", "!", "<->", "<2>",
    "\\", "+", "~", "/", ".", ",", ";", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "title:", "{title}:",
    "'a':*", "a & b", "!a", "a | b", "marriage\"", '"forced marriage', "-marriage", "marriage*",
    "^marriage", "(marriage", "col:marriage", "\x7f", "\u200f", "\ufeff",
]  # fmt: skip


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_every_query_syntax_character_is_answered_not_a_server_error(tree, client, language):
    for query in SYNTAX:
        response = client.post(f"/{language}/search/", {"q": query})
        assert response.status_code == 200, query


def test_syntax_characters_around_a_word_still_find_it(tree):
    en = Locale.objects.get(language_code="en")
    for query in [
        '"marriage"',
        "marriage*",
        "-marriage",
        "^marriage",
        "(marriage)",
        "title:marriage",
        "marriage AND",
    ]:
        titles = [page.title for page in pages_search(query, en).pages]
        assert "Forced marriage is forbidden" in titles, query


def test_wagtails_own_search_and_autocomplete_take_syntax_as_text(tree):
    """The editors' search in the CMS admin goes through the same backend."""
    backend = get_search_backend()
    for query in SYNTAX:
        list(backend.search(query, Page))
        list(backend.autocomplete(query, Page))
    assert "Forced marriage is forbidden" in [page.title for page in backend.search('"marriage', Page)]
    assert "Forced marriage is forbidden" in [page.title for page in backend.autocomplete('"forc', Page)]


ANY_TEXT = st.one_of(
    st.text(max_size=250),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=15)), max_size=25).map(" ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=ANY_TEXT, language=st.sampled_from(["sv", "en", "ar"]))
def test_arbitrary_text_never_gives_a_server_error(tree, client, query, language):
    response = client.post(f"/{language}/search/", {"q": query})
    # 400: the form refuses what is not text (a NUL character) or too long.
    assert response.status_code in (200, 400)
