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
   matching *any* of them: those holding all of them first, then those with one in the
   title, then the rest, each by relevance (FTS5's bm25, or PostgreSQL's ``ts_rank``, with
   the title counting three times the body). The database ranks and cuts the requested
   slice (on PostgreSQL ranking only the tiers it falls in); modelsearch 1.3 ranks SQLite
   hits with a correlated subquery that repeats the full-text match for every hit (15 s for
   a common word among 10,000 articles; bench/results/search-latency.md).

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
#: SQLite: a narrow index of the search index's entries, for the visitor's search
#: (:func:`entry_lookup_index_ensure`).
ENTRY_LOOKUP_INDEX = "hedershus_search_entry_lookup"

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


def _sqlite_search_sql(queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int) -> SQLQuery:
    """On SQLite, one statement: the pages holding any of ``terms`` as rows of (page id,
    content type id, number found), ordered as :func:`site_search` says (bm25 is FTS5's,
    lower is better; the table's columns are autocomplete, body, title).

    Every hit of the match is read once (FTS5 has no cheaper order to stop early in) and
    ranked: bm25 itself is a small part of the cost (about 5 of 17 ms of CPU for a word in
    8,000 entries); joining each hit to its page was most of it (ENTRY_LOOKUP_INDEX).
    """
    columns = "{title body}"
    quoted = [_fts_quote(term) for term in terms]
    content_types = _page_content_types(queryset)
    types = ", ".join(["%s"] * len(content_types))
    allowed, allowed_params = _allowed_pages_sql(queryset)
    fts, entries = _FTS_TABLE, IndexEntry._meta.db_table
    # Each hit is joined to its entry through the narrow ENTRY_LOOKUP_INDEX (entry id, content
    # type, object id): the entry table's own rows hold the indexed text (several kB each), so
    # reading them for each of ~8,000 hits of a common word (both languages) was half of
    # a search's time. "+" keeps SQLite from seeking the index once per content type.
    matched = (
        f" FROM {fts} JOIN {entries} AS entry INDEXED BY {ENTRY_LOOKUP_INDEX} ON entry.id = {fts}.rowid"
        f" WHERE {fts} MATCH %s AND +entry.content_type_id IN ({types})"
        f" AND CAST(entry.object_id AS INTEGER) IN ({allowed})"
    )
    matched_params = [f"{columns} : ({' OR '.join(quoted)})", *content_types, *allowed_params]
    # "Holds every word" and "a word in the title" are FTS5 matches of their own, each run
    # once as a set; as a WHERE condition SQLite would instead run the match once per hit.
    in_set = f"{fts}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"  # noqa: S608
    if len(terms) > 1:
        has_all, has_all_params = in_set, [f"{columns} : ({' AND '.join(quoted)})"]
    else:
        has_all, has_all_params = "1", []
    in_title_params = [f"{{title}} : ({' OR '.join(quoted)})"]
    # FTS5's bm25() may not share a query with a window function: the hits are ranked in a
    # materialised subquery, and counted and cut outside it.
    ranked = (
        f"WITH hits AS MATERIALIZED (SELECT CAST(entry.object_id AS INTEGER) AS pk,"  # noqa: S608
        f" entry.content_type_id AS content_type, {has_all} AS has_all, {in_set} AS in_title,"
        f" bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT}) AS score, entry.id AS entry_id{matched})"
        " SELECT pk, content_type, COUNT(*) OVER () FROM hits"
        " ORDER BY has_all DESC, in_title DESC, score, entry_id LIMIT %s OFFSET %s"
    )
    return ranked, [*has_all_params, *in_title_params, *matched_params, stop - start, start]


class _PostgresSearch:
    """The visitor's search on PostgreSQL, in two statements: how many pages each tier holds
    (:meth:`counts_sql`), then the ranked slice, with ``ts_rank`` computed only for the
    pages of the tiers the slice falls in (:meth:`ranked_sql`).

    Tiers, best first: 0 holds every word and one in the title, 1 holds every word, 2 has a
    word in the title, 3 the rest (one word: tiers 0 and 1 only). Counting reads no text:
    each condition is a match of the title's or the body's GIN index, exact, so the bitmap
    heap scan does not recheck it. Ranking needs the body's vector, stored out of line
    (TOAST) for most pages: reading and ranking it for every one of ~4,500 hits of a
    common word was most of a search's time; a first page of a common word now ranks only
    the pages with the word in the title (about 200 among 5,000).

    Each term goes through ``plainto_tsquery`` as a bound parameter, as the words were
    indexed, so nothing in it is tsquery syntax. The title and the body vectors are matched
    each on its own (``title @@ q OR body @@ q``) so that PostgreSQL can read the GIN index
    of each (a bitmap OR); ``title || body`` could use neither and read every entry.
    """

    def __init__(self, queryset: QuerySet[Any], terms: tuple[str, ...]) -> None:
        self.terms = terms
        query = "plainto_tsquery('simple', %s)"
        any_term = "(" + " || ".join([query] * len(terms)) + ")"
        content_types = _page_content_types(queryset)
        allowed, allowed_params = _allowed_pages_sql(queryset)
        self.matched = (
            f" FROM {IndexEntry._meta.db_table} AS entry"
            f" WHERE (entry.title @@ {any_term} OR entry.body @@ {any_term})"
            # Nearly every entry is a page's: "+ 0" keeps PostgreSQL from reading the hits
            # through the content-type index (every entry) instead of the GIN indexes.
            f" AND entry.content_type_id + 0 IN ({', '.join(['%s'] * len(content_types))})"
            f" AND CAST(entry.object_id AS INTEGER) IN ({allowed})"
        )
        self.matched_params = [*terms, *terms, *content_types, *allowed_params]
        self.in_title, self.in_title_params = f"entry.title @@ {any_term}", list(terms)
        # Every word in the title or the body: indexable, unlike (title || body) @@ q.
        self.has_all = " AND ".join([f"(entry.title @@ {query} OR entry.body @@ {query})"] * len(terms))
        self.has_all_params = [term for term in terms for _twice in (1, 2)]

    def counts_sql(self) -> SQLQuery:
        """Rows of (part, found, found with a word in the title): part 0 for every hit, part
        1 for the hits holding every word (only for more than one word)."""
        part = f"SELECT %s, COUNT(*), COUNT(*) FILTER (WHERE {self.in_title}){self.matched}"
        sql, params = part, [0, *self.in_title_params, *self.matched_params]
        if len(self.terms) > 1:
            sql += f" UNION ALL {part} AND {self.has_all}"
            params += [1, *self.in_title_params, *self.matched_params, *self.has_all_params]
        return sql, params

    def tier_sizes(self, rows: list[tuple[int, int, int]]) -> list[int]:
        """The number of pages in each tier, from the rows of :meth:`counts_sql`."""
        parts = {part: (found, in_title) for part, found, in_title in rows}
        found, in_title = parts[0]
        every, every_in_title = parts.get(1, (found, in_title))
        return [
            every_in_title,
            every - every_in_title,
            in_title - every_in_title,
            found - every - in_title + every_in_title,
        ]

    def _tier_condition(self, tier: int) -> SQLQuery:
        has_all = self.has_all if tier < 2 else f"({self.has_all}) IS NOT TRUE"
        in_title = self.in_title if tier % 2 == 0 else f"({self.in_title}) IS NOT TRUE"
        params = [*self.has_all_params, *self.in_title_params]
        if len(self.terms) == 1:  # one word: every hit holds every word
            return in_title, list(self.in_title_params)
        return f"{has_all} AND {in_title}", params

    def ranked_sql(self, tiers: list[int], offset: int, limit: int) -> SQLQuery:
        """Rows of (page id, content type id): the pages of ``tiers`` (consecutive), tier by
        tier, each by ts_rank (the title counting ``TITLE_WEIGHT`` times the body), cut to
        ``[offset:offset + limit]``."""
        conditions = [self._tier_condition(tier) for tier in tiers]
        where = " OR ".join(f"({sql})" for sql, _params in conditions)
        where_params = [param for _sql, params in conditions for param in params]
        any_term = "(" + " || ".join(["plainto_tsquery('simple', %s)"] * len(self.terms)) + ")"
        rank = f"ts_rank(entry.title, {any_term}) * {TITLE_WEIGHT} + ts_rank(entry.body, {any_term})"
        order, order_params = f"{rank} DESC, entry.id DESC", [*self.terms, *self.terms]
        if len(tiers) > 1:
            tier = (
                f"CASE WHEN {self.has_all} THEN 0 ELSE 2 END + CASE WHEN {self.in_title} THEN 0 ELSE 1 END"
                if len(self.terms) > 1
                else f"CASE WHEN {self.in_title} THEN 0 ELSE 1 END"
            )
            tier_params = [*self.has_all_params, *self.in_title_params] if len(self.terms) > 1 else []
            tier_params = tier_params or list(self.in_title_params)
            order, order_params = f"{tier}, {order}", [*tier_params, *order_params]
        sql = (
            f"SELECT CAST(entry.object_id AS INTEGER), entry.content_type_id{self.matched} AND ({where})"
            f" ORDER BY {order} LIMIT %s OFFSET %s"
        )
        return sql, [*self.matched_params, *where_params, *order_params, limit, offset]


# The settings are saved in placeholder variables, set for the statement and restored, all
# in the one message the statement goes in (see _fetch_with_bitmap_scans_only).
_BITMAP_SCANS_ONLY = (
    "SELECT set_config('hedershus.enable_seqscan', current_setting('enable_seqscan'), true),"
    " set_config('hedershus.jit', current_setting('jit'), true),"
    " set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true); "
)
_SETTINGS_RESTORED = (
    "; SELECT set_config('enable_seqscan', current_setting('hedershus.enable_seqscan'), true),"
    " set_config('jit', current_setting('hedershus.jit'), true)"
)


def _fetch_with_bitmap_scans_only(cursor: Any, sql: str, params: list[Any]) -> list[Any]:
    """The rows of ``sql``, run on PostgreSQL with sequential scans and JIT off, so that the
    hits are read through the GIN indexes.

    For a word in half the entries the planner prices a sequential scan below the bitmap
    scans, as it does not count what the scan then costs: each entry's body vector, stored
    out of line, read and matched (0.1-0.2 s among 10,000 articles, against 10-20 ms for the
    bitmap scans, which need no recheck). A table the statement must still read whole (the
    articles, for the audience and topic filters) then carries the planner's penalty cost,
    which would start JIT compilation (0.4-1.1 s): JIT is off too.

    The settings are changed and restored in the same message as the statement (psycopg's
    client-side binding, Django's default, sends several statements at once): one round
    trip, where a transaction of its own took four more, each a wait for a CPU on a loaded
    server. Outside a transaction the message is one implicit transaction, so the settings
    end with it; inside a caller's transaction they are restored; after an error the
    rollback undoes them.
    """
    cursor.execute(_BITMAP_SCANS_ONLY + sql + _SETTINGS_RESTORED, params)
    cursor.nextset()
    rows = list(cursor.fetchall())
    cursor.nextset()  # the restoring statement's row
    return rows


def _slice_tiers(sizes: list[int], start: int, stop: int) -> tuple[list[int], int]:
    """The tiers (of ``sizes``, best first) that hold ranks ``[start:stop]``, and ``start``'s
    offset within the first of them; ``([], 0)`` when the slice is past the last page."""
    tiers: list[int] = []
    offset = 0
    first = 0  # the rank of the first page of the current tier
    for tier, size in enumerate(sizes):
        if size and first < stop and start < first + size:
            if not tiers:
                offset = start - first
            tiers.append(tier)
        first += size
    return tiers, offset


def site_search_sql(queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int) -> list[SQLQuery]:
    """The statements :func:`site_search` runs for the ranked pages ``[start:stop]``, each
    ``(sql, params)``, for reading their plans (``EXPLAIN``: tests and
    bench/search_latency.py). On PostgreSQL the first (the tier counts) is run here to know
    the second. ``terms`` is not empty; ``0 <= start <= stop``."""
    if _ON_SQLITE:
        return [_sqlite_search_sql(queryset, terms, start, stop)]
    search = _PostgresSearch(queryset, terms)
    counts = search.counts_sql()
    with connection.cursor() as cursor:
        sizes = search.tier_sizes(_fetch_with_bitmap_scans_only(cursor, *counts))
        tiers, offset = _slice_tiers(sizes, start, stop)
    return [counts, search.ranked_sql(tiers, offset, stop - start)] if tiers else [counts]


def _ranked_ids(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[list[tuple[int, int]], int]:
    """``([(page id, content type id), …], total)`` of the slice, best first.

    The database matches, filters, ranks and cuts the slice itself, so only the ids shown
    leave it: before, every hit and its score was loaded and sorted in Python, and the
    filters passed as lists of ids (0.1-1 s for a common word among 10,000 articles,
    bench/results/search-latency.md).
    """
    with connection.cursor() as cursor:
        if _ON_SQLITE:
            cursor.execute(*_sqlite_search_sql(queryset, terms, start, stop))
            rows = cursor.fetchall()
            if rows or start == 0:  # each row carries the number found: one pass over the hits
                return [(pk, content_type) for pk, content_type, _total in rows], rows[0][2] if rows else 0
            cursor.execute(*_sqlite_search_sql(queryset, terms, 0, 1))  # a page past the last one
            row = cursor.fetchone()
            return [], row[2] if row else 0
        search = _PostgresSearch(queryset, terms)
        sizes = search.tier_sizes(_fetch_with_bitmap_scans_only(cursor, *search.counts_sql()))
        tiers, offset = _slice_tiers(sizes, start, stop)
        if not tiers:
            return [], sum(sizes)
        rows = _fetch_with_bitmap_scans_only(cursor, *search.ranked_sql(tiers, offset, stop - start))
        return [(pk, content_type) for pk, content_type in rows], sum(sizes)


def _specific_pages(found: list[tuple[int, int]]) -> list[Any]:
    """The pages of ``found`` (page id, content type id), as their own types, in that order,
    each with its locale: one query per page type among them. The index entry already names
    each page's type, so no query for it (``.specific()`` asks the page table first) and no
    base ``Page`` objects loaded only to be replaced (issue 8, item 8)."""
    from django.contrib.contenttypes.models import ContentType

    by_type: dict[int, list[int]] = {}
    for pk, content_type in found:
        by_type.setdefault(content_type, []).append(pk)
    by_pk: dict[int, Any] = {}
    for content_type, pks in by_type.items():
        model = ContentType.objects.get_for_id(content_type).model_class()
        if model is None:  # a page type whose code is gone: it cannot be shown
            continue
        pages = model._default_manager.filter(pk__in=pks).select_related("locale")
        by_pk.update((page.pk, page) for page in pages)
    return [by_pk[pk] for pk, _type in found if pk in by_pk]


def site_search(
    queryset: QuerySet[Any], terms: tuple[str, ...], start: int, stop: int
) -> tuple[list[Any], int]:
    """The visitor's search: ``(pages[start:stop], total)`` of the pages in ``queryset`` whose
    title or text holds any of ``terms`` (words already normalised and stemmed by
    ``text.query_terms``), those holding all of them first, then those with one of them in
    the title, then the rest, each by relevance. On SQLite and
    PostgreSQL the pages are returned as their specific types (``ArticlePage``, …) with their
    locale loaded.

    ``queryset`` may be filtered freely (it is not limited to the declared filter fields of
    Wagtail's search API). Raises nothing for any ``terms``: each is quoted for the engine.
    """
    if not terms:
        return [], 0
    if _ON_SQLITE or _ON_POSTGRES:
        found, total = _ranked_ids(queryset, terms, start, max(start, stop))
        return _specific_pages(found), total
    # Another database: Wagtail's own backend, any word (no ranking by number of words).
    found_pages = queryset.search(" ".join(terms), operator="or")  # type: ignore[attr-defined]
    return list(found_pages[start:stop]), found_pages.count()


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


def entry_lookup_index_ensure(**_kwargs: Any) -> None:
    """Creates ``ENTRY_LOOKUP_INDEX`` on SQLite (after ``migrate``; idempotent).

    The visitor's search joins every full-text hit to its index entry for the page's id and
    type. The entry table's rows hold the indexed text, several kB each, so each such lookup
    read a page of its own; this index holds only (id, content type, object id), about a
    hundred entries to a page, and the search reads it with ``INDEXED BY`` (SQLite would
    otherwise take the primary key). It is made here rather than in a migration because the
    table is modelsearch's, and a later migration of modelsearch that rebuilds the table on
    SQLite would drop it: this runs after every ``migrate``.
    """
    if not _ON_SQLITE:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {ENTRY_LOOKUP_INDEX}"
            f" ON {IndexEntry._meta.db_table} (id, content_type_id, object_id)"
        )


__all__ = [
    "SearchBackend",
    "entry_lookup_index_ensure",
    "fts_tokenizer_ensure",
    "site_search",
    "site_search_sql",
]
