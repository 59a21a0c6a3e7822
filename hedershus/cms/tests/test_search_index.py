"""The search index follows publishing, and the visitor's search is answered by the database
(issue 8, item 8: p95 under 50 ms with 10,000 articles, PostgreSQL using its indexes)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import Locale, Page

from hedershus.cms import text
from hedershus.cms.search_backend import (
    ENTRY_LOOKUP_INDEX,
    _slice_tiers,
    entry_lookup_index_ensure,
    site_search_sql,
)
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


def _plans(terms: tuple[str, ...]) -> list[str]:
    """The plans of the statements a first results page runs (PostgreSQL: tier counts,
    then the ranked slice)."""
    en = Locale.objects.get(language_code="en")
    pages = Page.objects.live().public().filter(locale=en)
    plans = []
    for sql, params in site_search_sql(pages, terms, 0, 20):
        with connection.cursor() as cursor:
            # The test database is tiny, so the planner would rightly read it whole; with
            # sequential scans priced out, a plan without the GIN indexes means the query
            # cannot use them at all (as matching title || body could not).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def _gin_indexes() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry'"
        )
        definitions = dict(cursor.fetchall())
    title_index = next(name for name, sql in definitions.items() if "gin (title)" in sql)
    body_index = next(name for name, sql in definitions.items() if "gin (body)" in sql)
    return title_index, body_index


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_postgresql_counts_the_hits_through_the_gin_indexes_of_title_and_body(tree):
    title_index, body_index = _gin_indexes()
    for terms in [text.query_terms("marriage", "en"), text.query_terms("forced marriage school", "en")]:
        counts, _ranked = _plans(terms)
        assert f"Bitmap Index Scan on {title_index}" in counts, counts
        assert f"Bitmap Index Scan on {body_index}" in counts, counts
        assert "Seq Scan on wagtailsearch_indexentry" not in counts, counts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_postgresql_ranks_a_first_page_of_title_matches_from_the_title_index_alone(tree, editor):
    """A common word's first page ranks only the pages with it in the title: the body's
    index (and the body vectors, for ts_rank) are not read for the others."""
    parent = tree[("knowledge-bank", "en")]
    for number in range(21):
        make_article(parent, editor, title=f"Quokka note {number}").get_latest_revision().publish()
    title_index, body_index = _gin_indexes()
    _counts, ranked = _plans(text.query_terms("quokka", "en"))
    assert f"Bitmap Index Scan on {title_index}" in ranked, ranked
    assert body_index not in ranked, ranked
    assert "Seq Scan on wagtailsearch_indexentry" not in ranked, ranked


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_sqlite_finds_the_hits_through_the_full_text_index_and_the_narrow_entry_index(tree):
    [(sql, params)] = _sqlite_statements(text.query_terms("forced marriage", "en"))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan, plan  # the FTS5 match drives the query
    assert "SCAN entry" not in plan, plan  # entries are joined by their key, not read whole
    # ... through the narrow index, not the entry table's wide rows.
    assert f"SEARCH entry USING COVERING INDEX {ENTRY_LOOKUP_INDEX}" in plan, plan


def _sqlite_statements(terms: tuple[str, ...]) -> list[tuple[str, list[object]]]:
    en = Locale.objects.get(language_code="en")
    return site_search_sql(Page.objects.live().public().filter(locale=en), terms, 0, 20)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_the_narrow_entry_index_is_made_again_if_missing(tree):
    """It lives on modelsearch's table, which a migration of modelsearch may rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {ENTRY_LOOKUP_INDEX}")
    entry_lookup_index_ensure()
    entry_lookup_index_ensure()  # idempotent
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [ENTRY_LOOKUP_INDEX])
        assert cursor.fetchone() == (1,)
    assert "Forced marriage is forbidden" in found("marriage")


def test_a_title_match_ranks_above_pages_that_repeat_the_word_in_their_text(tree, editor):
    parent = tree[("knowledge-bank", "en")]
    for number in range(3):
        make_article(
            parent, editor, title=f"Other page {number}", body="<p>" + "quokka " * 30 + "</p>"
        ).get_latest_revision().publish()
    make_article(
        parent, editor, title="Quokka", body="<p>" + "word " * 300 + "</p>"
    ).get_latest_revision().publish()
    assert found("quokka")[0] == "Quokka"


def test_pages_run_on_from_the_title_matches_to_the_text_matches(tree, editor):
    """Paging crosses from one tier (a word in the title) to the next (in the text only)
    without losing or repeating a page, and the total counts both."""
    parent = tree[("knowledge-bank", "en")]
    for number in range(7):
        make_article(parent, editor, title=f"Quokka title {number}").get_latest_revision().publish()
    for number in range(26):
        make_article(
            parent, editor, title=f"Text only {number}", body="<p>A quokka here.</p>"
        ).get_latest_revision().publish()
    en = Locale.objects.get(language_code="en")
    pages = [pages_search("quokka", en, page_number=number) for number in (1, 2, 3)]
    titles = [[page.title for page in results.pages] for results in pages]
    assert [len(t) for t in titles] == [20, 13, 0]
    assert all(title.startswith("Quokka title") for title in titles[0][:7])
    assert all(title.startswith("Text only") for title in titles[0][7:] + titles[1])
    assert len({title for t in titles for title in t}) == 33
    assert {results.total for results in pages} == {33}


def test_pages_with_every_word_then_a_word_in_the_title_then_the_rest(tree, editor):
    parent = tree[("knowledge-bank", "en")]
    for title, body in [
        ("Plain", "<p>A quokka.</p>"),
        ("Quokka in the title", "<p>Nothing else.</p>"),
        ("Both", "<p>A quokka and a zephyrine.</p>"),
    ]:
        make_article(parent, editor, title=title, body=body).get_latest_revision().publish()
    assert found("quokka zephyrine") == ["Both", "Quokka in the title", "Plain"]
    second = pages_search("quokka zephyrine", Locale.objects.get(language_code="en"), page_number=2)
    assert second.pages == [] and second.total == 3  # a page past the last one still counts


def test_the_results_are_loaded_as_their_own_types_in_a_fixed_number_of_queries(tree, editor):
    """The template shows each result's intro and links it by its locale: the pages come
    with both, so the number of queries does not grow with the number of results."""
    parent = tree[("knowledge-bank", "en")]
    make_article(parent, editor, title="Zephyrine", intro="Intro").get_latest_revision().publish()
    for number in range(20):
        make_article(parent, editor, title=f"Quokka {number}", intro="Intro").get_latest_revision().publish()
    en = Locale.objects.get(language_code="en")
    with CaptureQueriesContext(connection) as one:
        assert len(pages_search("zephyrine", en).pages) == 1
    with CaptureQueriesContext(connection) as twenty:
        results = pages_search("quokka", en)
    assert len(twenty.captured_queries) == len(one.captured_queries) <= 10
    with CaptureQueriesContext(connection) as shown:
        assert [(page.intro, page.locale.language_code) for page in results.pages] == [("Intro", "en")] * 20
    assert shown.captured_queries == []


@pytest.mark.parametrize(
    ("sizes", "start", "stop", "expected"),
    [
        ([186, 4394, 0, 0], 0, 20, ([0], 0)),
        ([186, 4394, 0, 0], 180, 200, ([0, 1], 180)),
        ([186, 4394, 0, 0], 200, 220, ([1], 14)),
        ([0, 5, 0, 3], 0, 20, ([1, 3], 0)),
        ([0, 5, 0, 3], 20, 40, ([], 0)),
        ([0, 0, 0, 0], 0, 20, ([], 0)),
    ],
)
def test_a_slice_of_the_ranking_names_the_tiers_it_falls_in(sizes, start, stop, expected):
    assert _slice_tiers(sizes, start, stop) == expected


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=4, max_size=4),
    start=st.integers(min_value=0, max_value=200),
    length=st.integers(min_value=1, max_value=30),
)
def test_the_tiers_of_a_slice_hold_exactly_its_ranks(sizes, start, length):
    ranks = [tier for tier, size in enumerate(sizes) for _rank in range(size)]
    tiers, offset = _slice_tiers(sizes, start, start + length)
    wanted = ranks[start : start + length]
    assert tiers == sorted(set(wanted))
    if wanted:
        within = [tier for tier in ranks if tier in tiers]
        assert within[offset : offset + length] == wanted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_a_search_leaves_the_planner_settings_as_it_found_them(tree):
    """Sequential scans and JIT are off only for the search's own statements, also when the
    search runs inside a caller's transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        assert found("marriage")
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
        assert cursor.fetchone() == ("on", "on")
