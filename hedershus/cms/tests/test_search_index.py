"""The search index follows publishing, and the visitor's search is answered by the database
(issue 8, item 8: p95 under 50 ms with 10,000 articles, PostgreSQL using its indexes)."""

from __future__ import annotations

import pytest
from django.db import connection
from wagtail.models import Locale, Page

from hedershus.cms import text
from hedershus.cms.search_backend import site_search_sql
from hedershus.cms.selectors import SearchFilters, pages_search
from hedershus.cms.tests.conftest import make_article

pytestmark = pytest.mark.django_db


def found(query: str, language: str = "en", **filters: str) -> list[str]:
    return [
        page.title
        for page in pages_search(
            query, Locale.objects.get(language_code=language), SearchFilters(**filters)
        ).pages
    ]


def test_a_page_is_found_once_published_and_no_longer_once_unpublished_or_deleted(tree, editor):
    page = make_article(tree[("knowledge-bank", "en")], editor, title="Quokkas explained")
    assert found("quokka") == []  # a draft
    page.get_latest_revision().publish()
    assert found("quokka") == ["Quokkas explained"]
    Page.objects.get(pk=page.pk).specific.unpublish()
    assert found("quokka") == []
    Page.objects.get(pk=page.pk).specific.get_latest_revision().publish()
    assert found("quokka") == ["Quokkas explained"]
    Page.objects.get(pk=page.pk).delete()
    assert found("quokka") == []


def test_a_published_change_is_what_is_found(tree, editor):
    page = make_article(tree[("knowledge-bank", "en")], editor, title="Quokkas explained")
    page.get_latest_revision().publish()
    page = Page.objects.get(pk=page.pk).specific
    page.title = "Wombats explained"
    page.save_revision(user=editor).publish()
    assert found("quokka") == []
    assert found("wombat") == ["Wombats explained"]


def test_the_total_counts_every_page_found_on_every_results_page(tree, editor):
    parent = tree[("knowledge-bank", "en")]
    for number in range(45):
        make_article(parent, editor, title=f"Quokka note {number}").get_latest_revision().publish()
    en = Locale.objects.get(language_code="en")
    pages = [pages_search("quokka", en, page_number=number) for number in (1, 2, 3, 4)]
    assert [len(results.pages) for results in pages] == [20, 20, 5, 0]
    assert {results.total for results in pages[:3]} == {45}
    assert len({page.pk for results in pages for page in results.pages}) == 45  # no page twice


def test_filters_apply_inside_the_search_query(tree, editor, django_assert_max_num_queries):
    """The audience and topic filters narrow the hits in the database: no list of ids."""
    parent = tree[("knowledge-bank", "en")]
    for number in range(3):
        make_article(
            parent, editor, title=f"Quokka school {number}", topic="school"
        ).get_latest_revision().publish()
    with django_assert_max_num_queries(12) as captured:
        titles = found("quokka", topic="school")
    assert sorted(titles) == ["Quokka school 0", "Quokka school 1", "Quokka school 2"]
    assert all(len(query["sql"]) < 4000 for query in captured.captured_queries)


def _plan(terms: tuple[str, ...]) -> str:
    en = Locale.objects.get(language_code="en")
    pages = Page.objects.live().public().filter(locale=en)
    (sql, params), _count = site_search_sql(pages, terms, 0, 20)
    with connection.cursor() as cursor:
        # The test database is tiny, so the planner would rightly read it whole; with
        # sequential scans priced out, a plan without the GIN indexes means the query
        # cannot use them at all (as matching title || body could not).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_postgresql_finds_the_hits_through_the_gin_indexes_of_title_and_body(tree):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry'"
        )
        definitions = dict(cursor.fetchall())
    title_index = next(name for name, sql in definitions.items() if "gin (title)" in sql)
    body_index = next(name for name, sql in definitions.items() if "gin (body)" in sql)
    for terms in [text.query_terms("marriage", "en"), text.query_terms("forced marriage school", "en")]:
        plan = _plan(terms)
        assert f"Bitmap Index Scan on {title_index}" in plan, plan
        assert f"Bitmap Index Scan on {body_index}" in plan, plan
        assert "Seq Scan on wagtailsearch_indexentry" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_sqlite_finds_the_hits_through_the_full_text_index(tree):
    en = Locale.objects.get(language_code="en")
    pages = Page.objects.live().public().filter(locale=en)
    (sql, params), _count = site_search_sql(pages, text.query_terms("forced marriage", "en"), 0, 20)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan, plan  # the FTS5 match drives the query
    assert "SCAN entry" not in plan, plan  # entries are joined by their key, not read whole
