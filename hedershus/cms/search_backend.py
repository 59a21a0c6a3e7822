"""Wagtail's database search backend, with relevance ranking on SQLite done in one query.

``wagtail.search.backends.database`` picks PostgreSQL full-text search or SQLite FTS5 from
the database in use; this module returns the same backends. On SQLite, modelsearch 1.3
orders results by relevance with a correlated subquery that runs the full-text match again
for every hit: about 15 seconds for a common word among 10,000 articles
(bench/results/search-latency.md). Here the match runs once, returning the ids of the hits
in rank order (bm25); the caller's filters (live, locale, page type) are then applied to
those ids, and only the requested slice of pages is loaded.

It reuses the SQLite query compiler's own pieces (query parsing, match expression, rank
expression), so searches match exactly what modelsearch would find. The tests in
hedershus/cms/tests/test_search.py run against it; revisit it when modelsearch changes.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import FloatField, Func
from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

_ON_SQLITE = connection.vendor == "sqlite"
if _ON_SQLITE:  # modelsearch defines its SQLite models only on SQLite
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )


def SearchBackend(params: dict[str, Any]) -> Any:  # the name Wagtail looks up in the module
    backend = _database_backend(params)
    if _ON_SQLITE and type(backend) is SQLiteSearchBackend:
        return RankedSQLiteSearchBackend(params)
    return backend


if _ON_SQLITE:

    class WeightedBM25(Func):
        """FTS5's bm25 with the title counting three times the body (the index's columns are
        autocomplete, body, title). modelsearch's own rank gives all columns one weight, so a
        word in a page's title would not rank it above a page that only mentions the word."""

        output_field = FloatField()
        template = f"bm25({SQLiteFTSIndexEntry._meta.db_table}, 0.0, 1.0, 3.0)"

    class RankedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def ranked_ids(self, config: Any) -> list[Any] | None:
            """The primary keys of the hits allowed by the queryset, best first; None when the
            query is not a plain relevance-ordered search (modelsearch handles those)."""
            query = normalize(self.query)
            if not self.order_by_relevance or isinstance(query, (MatchAll, Not)):
                return None
            search_query = self.build_search_query(query, config=config)
            match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
            rank = WeightedBM25()
            hits = (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model))
                .annotate(score=rank)
                .order_by("score")  # bm25: lower is better
                .values_list("index_entry__object_id", flat=True)
            )
            ranked = [str(pk) for pk in hits]
            allowed: set[str] = set()
            for start in range(0, len(ranked), 10_000):  # below SQLite's limit on query parameters
                chunk = ranked[start : start + 10_000]
                allowed.update(
                    str(pk)
                    for pk in self.queryset.filter(pk__in=chunk).order_by().values_list("pk", flat=True)
                )
            seen: set[str] = set()
            ordered = []
            for pk in ranked:
                if pk in allowed and pk not in seen:
                    seen.add(pk)
                    ordered.append(pk)
            return ordered

    class RankedSQLiteSearchResults(SQLiteSearchResults):
        def _ranked(self) -> list[Any] | None:
            if self._score_field is not None:
                return None
            if not hasattr(self, "_ranked_cache"):
                compiler = self.query_compiler
                self._ranked_cache = compiler.ranked_ids(compiler.get_config(self.backend))
            return self._ranked_cache

        def _do_search(self) -> list[Any]:
            ranked = self._ranked()
            if ranked is None:
                return super()._do_search()
            page_ids = ranked[self.start : self.stop]
            objects = self.query_compiler.queryset.filter(pk__in=page_ids).order_by()
            by_pk = {str(obj.pk): obj for obj in objects}
            return [by_pk[pk] for pk in page_ids if pk in by_pk]

        def _do_count(self) -> int:
            ranked = self._ranked()
            if ranked is None:
                return super()._do_count()
            total = len(ranked) - self.start
            if self.stop is not None:
                total = min(total, self.stop - self.start)
            return max(total, 0)

    class RankedSQLiteSearchBackend(SQLiteSearchBackend):
        query_compiler_class = RankedSQLiteSearchQueryCompiler
        results_class = RankedSQLiteSearchResults
