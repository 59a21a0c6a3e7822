"""Wagtail's database search backend with one text normalisation, and the visitor's search.

``wagtail.search.backends.database`` picks PostgreSQL full-text search or SQLite FTS5 from
the database in use. This module returns subclasses of those backends that change three things:

1. **What is indexed.** Every title, body and autocomplete value goes through
   ``hedershus.cms.text`` before the database sees it: normalised (Unicode NFKC, case folding,
   Arabic and Persian letter variants, diacritics, digits) and, for searchable fields, stemmed
   in the page's own language (Snowball, for the languages in ``text.STEMMED_LANGUAGES``).
   The database then only splits on the spaces between those words (PostgreSQL's ``simple``
   configuration; SQLite FTS5's ``unicode61`` tokenizer with ``remove_diacritics 0``, see
   :func:`fts_tokenizer_ensure`), so both databases hold the same words.
2. **How Wagtail's own queries are read** (the editors' search and choosers in the CMS admin):
   each word of the query is normalised the same way and matched as itself or as its stem in
   any stemmed language (the admin does not say which language it searches). Words are
   quoted for the engine, so no character has a meaning in its query syntax.
3. **The visitor's search** does not go through Wagtail's query API: :func:`site_search`
   takes the already normalised and stemmed words of ``text.query_terms`` and finds pages
   matching *any* of them: those holding all of them first, then by relevance (FTS5's
   bm25, or PostgreSQL's ``ts_rank``, with the title counting three times the body). On
   SQLite it runs each match once and loads only the requested slice of pages: modelsearch
   1.3 ranks SQLite hits with a correlated subquery that repeats the full-text match for
   every hit (15 s for a common word among 10,000
   articles; bench/results/search-latency.md).

Parts of modelsearch 1.3 are copied here (``add_items`` of both indexes, which create their
``ObjectIndexer`` by module name): revisit this module when modelsearch changes. The tests in
hedershus/cms/tests/test_search*.py run against it on both databases.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from hedershus.cms import text

_ON_SQLITE = connection.vendor == "sqlite"
_ON_POSTGRES = connection.vendor == "postgresql"
FTS_TOKENIZER = "unicode61 remove_diacritics 0"
TITLE_WEIGHT = 3.0

if _ON_SQLITE:  # modelsearch defines its SQLite models only on SQLite
    from modelsearch.backends.database.sqlite.query import Lexeme as SQLiteLexeme
    from modelsearch.backends.database.sqlite.query import SearchQueryExpression
    from modelsearch.backends.database.sqlite.sqlite import (
        IndexEntry,
        SQLiteAutocompleteQueryCompiler,
        SQLiteFTSIndexEntry,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )
    from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer as SQLiteObjectIndexer
if _ON_POSTGRES:
    from django.contrib.postgres.search import SearchQuery
    from django.db.models.sql.subqueries import InsertQuery
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresAutocompleteQueryCompiler,
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )
    from modelsearch.backends.database.postgres.postgres import ObjectIndexer as PostgresObjectIndexer
    from modelsearch.backends.database.postgres.query import Lexeme as PostgresLexeme


def SearchBackend(params: dict[str, Any]) -> Any:  # the name Wagtail looks up in the module
    """The backend Wagtail's settings name: ours on SQLite and PostgreSQL, modelsearch's otherwise."""
    backend = _database_backend(params)
    if _ON_SQLITE and type(backend) is SQLiteSearchBackend:
        return NormalisingSQLiteSearchBackend(params)
    if _ON_POSTGRES and type(backend) is PostgresSearchBackend:
        return NormalisingPostgresSearchBackend(params)
    return backend


# --- Indexing --------------------------------------------------------------------------------


def _languages_by_locale() -> dict[Any, str]:
    from wagtail.models import Locale

    return dict(Locale.objects.values_list("pk", "language_code"))


class _NormalisingIndexer:
    """Mixed into modelsearch's ``ObjectIndexer``: each value is normalised (and, for searched
    fields, stemmed in the language of the object's locale) as it is read."""

    obj: Any
    languages: dict[Any, str]

    def prepare_field(self, obj: Any, field: Any) -> Any:
        language = self.languages.get(getattr(self.obj, "locale_id", None))
        for prepared in super().prepare_field(obj, field):  # type: ignore[misc]
            current, value = prepared[0], prepared[-1]
            if isinstance(current, AutocompleteField):
                value = text.plain_text(value)
            elif isinstance(current, SearchField):
                value = text.index_text(value, language)
            yield (*prepared[:-1], value)


if _ON_SQLITE:

    class SQLiteNormalisingIndexer(_NormalisingIndexer, SQLiteObjectIndexer):
        def __init__(self, obj: Any, backend: Any, languages: dict[Any, str]) -> None:
            super().__init__(obj, backend)
            self.languages = languages

    class NormalisingSQLiteIndex(SQLiteIndex):
        def add_items(self, model: Any, objs: Any) -> None:
            """modelsearch 1.3's ``SQLiteIndex.add_items`` with the normalising indexer."""
            if not model.get_search_fields():
                return
            languages = _languages_by_locale()
            indexers = [SQLiteNormalisingIndexer(obj, self.backend, languages) for obj in objs]
            if not indexers:
                return
            content_type_pk = get_content_type_pk(model)
            data = {indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers}
            entries = self.entries.filter(content_type_id=content_type_pk)
            indexed = frozenset(entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True))
            for object_id in indexed:
                title, autocomplete, body = data[object_id]
                entries.filter(object_id=object_id).update(title=title, autocomplete=autocomplete, body=body)
            self.entries.bulk_create(
                IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=object_id,
                    title=title,
                    autocomplete=autocomplete,
                    body=body,
                )
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in indexed
            )
            self._refresh_title_norms()


if _ON_POSTGRES:

    class PostgresNormalisingIndexer(_NormalisingIndexer, PostgresObjectIndexer):
        def __init__(self, obj: Any, backend: Any, languages: dict[Any, str]) -> None:
            super().__init__(obj, backend)
            self.languages = languages

    class NormalisingPostgresIndex(PostgresIndex):
        def add_items(self, model: Any, objs: Any) -> None:
            """modelsearch 1.3's ``PostgresIndex.add_items`` with the normalising indexer."""
            if not model.get_search_fields():
                return
            languages = _languages_by_locale()
            indexers = [PostgresNormalisingIndexer(obj, self.backend, languages) for obj in objs]
            if not indexers:
                return
            content_type_pk = get_content_type_pk(model)
            compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
            rows: list[str] = []
            params: list[Any] = []
            for indexer in indexers:
                params.extend((content_type_pk, indexer.id))
                vectors = []
                for name in ("title", "autocomplete", "body"):
                    value = compiler.prepare_value(IndexEntry._meta.get_field(name), getattr(indexer, name))
                    sql, value_params = value.as_sql(compiler, self.write_connection)
                    vectors.append(sql)
                    params.extend(value_params)
                params.extend((indexer.title_text, indexer.body_text))
                rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)")
            table = IndexEntry._meta.db_table
            with self.write_connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,"
                    " title_norm, title_text, body_text)"
                    f" (VALUES {', '.join(rows)})"
                    " ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title,"
                    " title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,"
                    " title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                    params,
                )
            self._refresh_title_norms()


# --- Wagtail's own queries (the CMS admin) ---------------------------------------------------


def _variant_groups(query_string: str, *, stemmed: bool) -> list[tuple[str, ...]]:
    if stemmed:
        return text.query_term_variants(query_string)
    groups: list[tuple[str, ...]] = [(word,) for word in dict.fromkeys(text.words(query_string))]
    return groups[: text.MAX_QUERY_TERMS]


def _fts_quote(word: str) -> str:
    """An FTS5 string: double quotes doubled, so nothing inside is query syntax."""
    return '"' + word.replace('"', '""') + '"'


if _ON_SQLITE:

    class QuotedLexeme(SQLiteLexeme):
        """modelsearch's SQLite ``Lexeme`` escapes ``'`` and ``\\`` (SQL string syntax, though
        the match is a bound parameter) but not ``"``, so a double quote in a query broke FTS5's
        syntax: a server error (issue 7, item 16). Quoted the FTS5 way instead."""

        def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
            return ("%s*" if self.prefix else "%s"), [_fts_quote(self.value)]

    class _NormalisingSQLiteCompilerMixin:
        LAST_TERM_IS_PREFIX: bool
        STEMMED = True

        def build_search_query_content(self, query: Any, config: Any = None) -> Any:
            if isinstance(query, (PlainText, Phrase)):
                groups = _variant_groups(query.query_string, stemmed=self.STEMMED)
                if not groups:
                    return SearchQueryExpression(QuotedLexeme(""))
                last = len(groups) - 1
                parts = [
                    reduce(
                        lambda a, b: a | b,
                        [QuotedLexeme(form, prefix=self.LAST_TERM_IS_PREFIX and n == last) for form in group],
                    )
                    for n, group in enumerate(groups)
                ]
                operator = getattr(query, "operator", "and")
                return SearchQueryExpression(
                    reduce((lambda a, b: a & b) if operator == "and" else (lambda a, b: a | b), parts)
                )
            return super().build_search_query_content(query, config=config)  # type: ignore[misc]

    class NormalisingSQLiteSearchQueryCompiler(_NormalisingSQLiteCompilerMixin, SQLiteSearchQueryCompiler):
        pass

    class NormalisingSQLiteAutocompleteQueryCompiler(
        _NormalisingSQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler
    ):
        STEMMED = False

    class NormalisingSQLiteSearchBackend(SQLiteSearchBackend):
        index_class = NormalisingSQLiteIndex
        query_compiler_class = NormalisingSQLiteSearchQueryCompiler
        autocomplete_query_compiler_class = NormalisingSQLiteAutocompleteQueryCompiler


if _ON_POSTGRES:

    class _NormalisingPostgresCompilerMixin:
        LAST_TERM_IS_PREFIX: bool
        STEMMED = True

        def build_tsquery_content(self, query: Any, config: Any = None, invert: bool = False) -> Any:
            if isinstance(query, (PlainText, Phrase)):
                groups = _variant_groups(query.query_string, stemmed=self.STEMMED)
                if not groups:  # no word at all: a query that matches nothing (not "''")
                    return SearchQuery("", search_type="plain", config=config)
                last = len(groups) - 1
                # Each word is quoted by the Lexeme, so nothing in it is tsquery syntax. Inverted
                # (NOT), "any variant" becomes "none of the variants" (De Morgan, as modelsearch).
                parts = [
                    reduce(
                        (lambda a, b: a & b) if invert else (lambda a, b: a | b),
                        [
                            PostgresLexeme(form, invert=invert, prefix=self.LAST_TERM_IS_PREFIX and n == last)
                            for form in group
                        ],
                    )
                    for n, group in enumerate(groups)
                ]
                is_and = getattr(query, "operator", "and") == "and"
                if invert:
                    is_and = not is_and
                combined = reduce((lambda a, b: a & b) if is_and else (lambda a, b: a | b), parts)
                return SearchQuery(combined, search_type="raw", config=config)
            return super().build_tsquery_content(query, config=config, invert=invert)  # type: ignore[misc]

    class NormalisingPostgresSearchQueryCompiler(
        _NormalisingPostgresCompilerMixin, PostgresSearchQueryCompiler
    ):
        pass

    class NormalisingPostgresAutocompleteQueryCompiler(
        _NormalisingPostgresCompilerMixin, PostgresAutocompleteQueryCompiler
    ):
        STEMMED = False

    class NormalisingPostgresSearchBackend(PostgresSearchBackend):
        index_class = NormalisingPostgresIndex
        query_compiler_class = NormalisingPostgresSearchQueryCompiler
        autocomplete_query_compiler_class = NormalisingPostgresAutocompleteQueryCompiler


# --- The visitor's search --------------------------------------------------------------------


if _ON_SQLITE:
    # Wagtail installs modelsearch's models under its own label: wagtailsearch_indexentry(_fts).
    _FTS_TABLE = SQLiteFTSIndexEntry._meta.db_table


def _page_content_types(queryset: QuerySet[Any]) -> list[int]:
    return list(get_descendants_content_types_pks(queryset.model))


def _allowed_pages_sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    """``queryset``'s page ids as SQL for ``IN (…)``, so the database narrows the hits to
    them without the ids passing through Python."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


SQLQuery = tuple[str, list[Any]]


def _sqlite_search_sql(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[SQLQuery, SQLQuery]:
    """On SQLite: the pages holding any of ``terms``, those holding all of them first, then by
    bm25 (FTS5's, lower is better, the title counting ``TITLE_WEIGHT`` times the body; the
    table's columns are autocomplete, body, title)."""
    columns = "{title body}"
    quoted = [_fts_quote(term) for term in terms]
    content_types = _page_content_types(queryset)
    types = ", ".join(["%s"] * len(content_types))
    allowed, allowed_params = _allowed_pages_sql(queryset)
    fts, entries = _FTS_TABLE, IndexEntry._meta.db_table
    matched = (
        f" FROM {fts} JOIN {entries} AS entry ON entry.id = {fts}.rowid"
        f" WHERE {fts} MATCH %s AND entry.content_type_id IN ({types})"
        f" AND CAST(entry.object_id AS INTEGER) IN ({allowed})"
    )
    matched_params = [f"{columns} : ({' OR '.join(quoted)})", *content_types, *allowed_params]
    if len(terms) > 1:  # the rows holding every word, found once by their own match
        has_all = f"{fts}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"  # noqa: S608
        has_all_params = [f"{columns} : ({' AND '.join(quoted)})"]
    else:
        has_all, has_all_params = "entry.id IS NOT NULL", []
    # FTS5's bm25() may not share a query with a window function: the hits are ranked in a
    # materialised subquery, and counted and cut outside it.
    ranked = (
        f"WITH hits AS MATERIALIZED (SELECT CAST(entry.object_id AS INTEGER) AS pk, {has_all} AS has_all,"  # noqa: S608
        f" bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT}) AS score, entry.id AS entry_id{matched})"
        " SELECT pk, COUNT(*) OVER () FROM hits ORDER BY has_all DESC, score, entry_id LIMIT %s OFFSET %s"
    )
    return (
        (ranked, [*has_all_params, *matched_params, stop - start, start]),
        (f"SELECT COUNT(*){matched}", matched_params),
    )


def _postgres_search_sql(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[SQLQuery, SQLQuery]:
    """On PostgreSQL: the pages holding any of ``terms``, those holding all of them first,
    then by ts_rank (the title counting ``TITLE_WEIGHT`` times the body).

    The title and the body vectors are matched each on its own (``title @@ q OR body @@ q``)
    so that PostgreSQL can read the GIN index of each (a bitmap OR); matching
    ``title || body``, as before, could use neither and read every entry (0.2-0.4 s among
    10,000 articles). Each term goes through ``plainto_tsquery`` as a bound parameter, as
    the words were indexed, so nothing in it is tsquery syntax.
    """
    any_term = "(" + " || ".join(["plainto_tsquery('simple', %s)"] * len(terms)) + ")"
    every_term = "(" + " && ".join(["plainto_tsquery('simple', %s)"] * len(terms)) + ")"
    content_types = _page_content_types(queryset)
    types = ", ".join(["%s"] * len(content_types))
    allowed, allowed_params = _allowed_pages_sql(queryset)
    entries = IndexEntry._meta.db_table
    matched = (
        f" FROM {entries} AS entry"
        f" WHERE (entry.title @@ {any_term} OR entry.body @@ {any_term})"
        # Nearly every entry is a page's: "+ 0" keeps PostgreSQL from reading the hits
        # through the content-type index (every entry) instead of the GIN indexes.
        f" AND entry.content_type_id + 0 IN ({types})"
        f" AND CAST(entry.object_id AS INTEGER) IN ({allowed})"
    )
    matched_params = [*terms, *terms, *content_types, *allowed_params]
    has_all = f"(entry.title || entry.body) @@ {every_term}" if len(terms) > 1 else "entry.id IS NOT NULL"
    has_all_params = list(terms) if len(terms) > 1 else []
    rank = f"ts_rank(entry.title, {any_term}) * {TITLE_WEIGHT} + ts_rank(entry.body, {any_term})"
    ranked = (
        f"SELECT CAST(entry.object_id AS INTEGER), COUNT(*) OVER (){matched}"
        f" ORDER BY {has_all} DESC, {rank} DESC, entry.id DESC LIMIT %s OFFSET %s"
    )
    return (
        (ranked, [*matched_params, *has_all_params, *terms, *terms, stop - start, start]),
        (f"SELECT COUNT(*){matched}", matched_params),
    )


def site_search_sql(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[SQLQuery, SQLQuery]:
    """The two queries of :func:`site_search` on SQLite or PostgreSQL, each ``(sql, params)``:
    the ranked pages ``[start:stop]`` as rows of (page id, number of pages found), and the
    number of pages found (needed only for a page past the last one). Also for
    reading their plans (``EXPLAIN``: tests and bench/search_latency.py). ``terms`` is not
    empty; ``0 <= start <= stop``.

    The database matches, filters, ranks and cuts the slice itself, so only the ids shown
    leave it: before, every hit and its score was loaded and sorted in Python, and the
    filters passed as lists of ids (0.1-1 s for a common word among 10,000 articles,
    bench/results/search-latency.md).
    """
    build = _sqlite_search_sql if _ON_SQLITE else _postgres_search_sql
    return build(queryset, terms, start, stop)


def _ranked_ids(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[list[int], int]:
    (ranked, ranked_params), (count, count_params) = site_search_sql(queryset, terms, start, stop)
    with connection.cursor() as cursor:
        cursor.execute(ranked, ranked_params)
        rows = cursor.fetchall()
        if rows or start == 0:  # each row carries the number found: one pass over the hits
            return [pk for pk, _total in rows], rows[0][1] if rows else 0
        cursor.execute(count, count_params)  # a page past the last one
        (total,) = cursor.fetchone()
    return [], total


def site_search(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[list[Any], int]:
    """The visitor's search: ``(pages[start:stop], total)`` of the pages in ``queryset`` whose
    title or text holds any of ``terms`` (words already normalised and stemmed by
    ``text.query_terms``), those holding all of them first, then by relevance.

    ``queryset`` may be filtered freely (it is not limited to the declared filter fields of
    Wagtail's search API). Raises nothing for any ``terms``: each is quoted for the engine.
    """
    if not terms:
        return [], 0
    if _ON_SQLITE or _ON_POSTGRES:
        page_ids, total = _ranked_ids(queryset, terms, start, max(start, stop))
        by_pk = {page.pk: page for page in queryset.model.objects.filter(pk__in=page_ids)}
        return [by_pk[pk] for pk in page_ids if pk in by_pk], total
    # Another database: Wagtail's own backend, any word (no ranking by number of words).
    found = queryset.search(" ".join(terms), operator="or")  # type: ignore[attr-defined]
    return list(found[start:stop]), found.count()


# --- SQLite's full-text table ----------------------------------------------------------------


def fts_tokenizer_ensure(**_kwargs: Any) -> None:
    """Makes SQLite's FTS5 table split words without removing diacritics (after ``migrate``).

    modelsearch creates its ``…_indexentry_fts`` table with FTS5's default tokenizer,
    ``unicode61`` with ``remove_diacritics 1``, which folds å, ä and ö into a and o on SQLite
    only ("får" would find "far"); PostgreSQL's ``simple`` configuration keeps them apart.
    The text is normalised before it is stored (``hedershus.cms.text``), so the tokenizer only
    has to split on spaces. The table is recreated with ``remove_diacritics 0`` and refilled
    from the index entries (modelsearch's triggers keep it in step afterwards). Idempotent.
    """
    if not _ON_SQLITE:
        return
    table = _FTS_TABLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        row = cursor.fetchone()
        if row is None or "remove_diacritics 0" in row[0]:
            return
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table}"
            f" USING fts5(autocomplete, body, title, tokenize = '{FTS_TOKENIZER}')"
        )
        cursor.execute(
            f"INSERT INTO {table} (rowid, autocomplete, body, title)"  # noqa: S608
            f" SELECT id, autocomplete, body, title FROM {IndexEntry._meta.db_table}"
        )


__all__ = ["SearchBackend", "fts_tokenizer_ensure", "site_search", "site_search_sql"]
