"""An audience page lists its knowledge pages ordered and cut in the database (issue 8, item 8)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hedershus.cms.models import ArticlePage, ResearchPage

pytestmark = pytest.mark.django_db


def _add_articles(parent: Any, count: int, start: int = 0) -> None:
    """``count`` live articles for the "exposed" audience, with reviews on a few shared dates
    and some never reviewed, so that the order needs both the date and the title."""
    for number in range(start, start + count):
        reviewed = None if number % 4 == 0 else date(2026, 1, 1) + timedelta(days=number % 3)
        parent.add_child(
            instance=ArticlePage(
                title=f"Artikel {(number * 7) % 101:03d}",
                slug=f"bench-article-{number}",
                topic="rights",
                for_exposed=True,
                last_reviewed=reviewed,
            )
        )


def _expected(landing: Any) -> list[int]:
    """The order the page has always had: everything in Python, newest review first, then title."""
    pages = [
        *ArticlePage.objects.live().public().filter(locale=landing.locale, for_exposed=True),
        *ResearchPage.objects.live().public().filter(locale=landing.locale, for_exposed=True),
    ]
    pages.sort(key=lambda p: p.title)
    pages.sort(key=lambda p: p.last_reviewed or date.min, reverse=True)
    return [page.pk for page in pages]


def _page_queries(landing: Any, limit: int) -> tuple[list[int], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        pages = landing.knowledge_pages(limit=limit)
    return [page.pk for page in pages], [query["sql"] for query in queries.captured_queries]


def test_order_is_unchanged_and_sliced_in_the_database(tree):
    landing = tree[("exposed", "en")]
    _add_articles(tree[("knowledge-bank", "en")], 12)
    expected = _expected(landing)
    assert len(expected) > 5
    assert [page.pk for page in landing.knowledge_pages()] == expected
    pks, sqls = _page_queries(landing, 5)
    assert pks == expected[:5]
    page_sqls = [sql for sql in sqls if 'FROM "cms_articlepage"' in sql or 'FROM "cms_researchpage"' in sql]
    assert len(page_sqls) == 2
    assert all(sql.rstrip().upper().endswith("LIMIT 5") for sql in page_sqls)


def test_queries_do_not_grow_with_the_number_of_articles(tree):
    landing = tree[("exposed", "en")]
    parent = tree[("knowledge-bank", "en")]
    _add_articles(parent, 3)
    landing.knowledge_pages()  # anything looked up once and remembered is looked up now
    _few_pks, few = _page_queries(landing, 5)
    _add_articles(parent, 30, start=3)
    many_pks, many = _page_queries(landing, 5)
    assert len(many) == len(few)
    assert len(many_pks) == 5
    assert many_pks == _expected(landing)[:5]
