"""Reads of the public portal: what a visitor may see (live pages only) and site search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from wagtail.models import Locale, Page, Site

from hedershus.cms import text
from hedershus.cms.choices import TranslationState
from hedershus.cms.models import (
    PAGE_TYPES,
    ArticlePage,
    Audience,
    AudienceLandingPage,
    HomePage,
    ResearchPage,
    Topic,
)
from hedershus.cms.search_backend import site_search

SEARCH_MAX_QUERY_LENGTH = 200
SEARCH_PAGE_SIZE = 20


def content_locale_for_request(request: HttpRequest) -> Locale:
    """The locale of the pages the visitor is shown: the active language's tree if it has a
    live home page, otherwise the default language's (the same fallback Wagtail's routing uses)."""
    site = Site.find_for_request(request)
    if site is not None:
        home: Page = site.root_page.localized
        return home.locale
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class SearchFilters:
    audience: str = ""
    topic: str = ""
    page_type: str = ""

    @classmethod
    def from_data(cls, data: Any) -> SearchFilters:
        """Unknown values are dropped, never passed on to a query."""
        audience = data.get("audience", "")
        topic = data.get("topic", "")
        page_type = data.get("type", "")
        return cls(
            audience=audience if audience in Audience.values else "",
            topic=topic if topic in Topic.values else "",
            page_type=page_type if page_type in PAGE_TYPES else "",
        )


@dataclass
class SearchResults:
    query: str
    filters: SearchFilters
    pages: list[Page] = field(default_factory=list)
    total: int = 0
    page_number: int = 1
    page_size: int = SEARCH_PAGE_SIZE
    #: Pages editors promoted for a term in the query, shown before the others (first page only).
    promoted: list[Page] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page_number * self.page_size < self.total

    @property
    def has_previous(self) -> bool:
        return self.page_number > 1

    @property
    def found(self) -> int:
        """Every page found: the promoted ones and the others."""
        return self.total + len(self.promoted)

    @property
    def promoted_shown(self) -> list[Page]:
        return self.promoted if self.page_number == 1 else []


def _filtered_pages(filters: SearchFilters) -> Q | None:
    """The condition on pages matching the audience and topic filters, or None for "any".

    Subqueries, not id lists: the database applies them inside the search's own query. They
    name no locale: the pages they narrow are already the locale's, and a locale condition
    here joined every article's page row again (15-25 ms on PostgreSQL among 10,000
    articles, bench/results/search-latency.md).
    """
    if not filters.audience and not filters.topic:
        return None
    condition = Q()
    if filters.audience:
        condition &= Q(**{f"for_{filters.audience}": True})
    if filters.topic:
        condition &= Q(topic=filters.topic)
    matching = Q(pk__in=ArticlePage.objects.filter(condition).values("pk")) | Q(
        pk__in=ResearchPage.objects.filter(condition).values("pk")
    )
    if filters.audience and not filters.topic:
        matching |= Q(pk__in=AudienceLandingPage.objects.filter(audience=filters.audience).values("pk"))
    return matching


def _promoted_page_ids(query: str, locale: Locale) -> list[int]:
    """Pages editors promoted (Wagtail's search promotions) for a term found in ``query``.

    A promotion's term matches when each of its words, normalised and stemmed like the query
    (``cms.text``), is among the query's words: "telefon" is promoted for "min pappa tar min
    telefon" too, not only for the exact term. A promoted page in another language counts
    through its translation into ``locale``. Promotions of links to other sites are not
    shown (no third-party hosts, DESIGN.md). Nothing about the query is stored: Wagtail's
    ``Query.get`` would create a row for it, so the terms are read, never looked up by it.
    """
    from wagtail.contrib.search_promotions.models import SearchPromotion

    language = locale.language_code
    typed = {text.stem(word, language) for word in text.words(query)}
    page_ids: list[int] = []
    promotions = (
        SearchPromotion.objects.filter(page__isnull=False)
        .select_related("query")
        .order_by("query__query_string", "sort_order", "pk")
    )
    for promotion in promotions:
        term = {text.stem(word, language) for word in text.words(promotion.query.query_string)}
        if term and term <= typed:
            page_ids.append(promotion.page_id)
    if not page_ids:
        return []
    translations = dict(
        Page.objects.filter(
            translation_key__in=Page.objects.filter(pk__in=page_ids).values("translation_key"), locale=locale
        ).values_list("translation_key", "pk")
    )
    keys = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "translation_key"))
    localized = [translations.get(keys.get(pk)) for pk in page_ids]
    return [pk for pk in dict.fromkeys(localized) if pk is not None]


def pages_search(
    query: str, locale: Locale, filters: SearchFilters | None = None, page_number: int = 1
) -> SearchResults:
    """Search over live, public pages in ``locale`` (R2), for a visitor's own words.

    Pages holding any of the query's words are found; those holding all of them come first,
    then those with one in the title, then the rest, each by relevance
    (``search_backend.site_search``). Words are
    normalised and stemmed in the locale's language (``cms.text.query_terms``: "takes" finds
    "take", a word with Arabic vowel marks finds it without), and stop words ("my", "och")
    do not count. Pages that editors promoted for a word of the query come first
    (``results.promoted``) and are not repeated among the others. Any text is accepted: no
    character has a meaning to the search engine. ``query`` is at most
    ``SEARCH_MAX_QUERY_LENGTH`` characters after collapsing whitespace (longer is cut).
    """
    filters = filters or SearchFilters()
    query = " ".join(query.split())[:SEARCH_MAX_QUERY_LENGTH]
    results = SearchResults(query=query, filters=filters, page_number=max(page_number, 1))
    terms = text.query_terms(query, locale.language_code)
    if not terms:
        return results
    pages = Page.objects.live().public().filter(locale=locale)
    if filters.page_type:
        pages = pages.type(PAGE_TYPES[filters.page_type])
    matching = _filtered_pages(filters)
    if matching is not None:
        pages = pages.filter(matching)
    promoted_ids = _promoted_page_ids(query, locale)
    if promoted_ids:
        allowed = set(pages.filter(pk__in=promoted_ids).values_list("pk", flat=True))
        promoted_ids = [pk for pk in promoted_ids if pk in allowed]
        by_pk = {page.pk: page for page in Page.objects.filter(pk__in=promoted_ids).specific()}
        results.promoted = [by_pk[pk] for pk in promoted_ids if pk in by_pk]
        pages = pages.exclude(pk__in=promoted_ids)
    start = (results.page_number - 1) * results.page_size
    # The pages come as their own types with their locales (the template shows the intro and
    # links by locale): no second load of the same pages.
    results.pages, results.total = site_search(pages, terms, start, start + results.page_size)
    return results


def search_next_steps(locale: Locale) -> tuple[list[AudienceLandingPage], Page | None]:
    """Where a search that found nothing leads (item 18): the same four audience pages and
    contact page as the home page's first screen (``HomePage.shortcuts``), with the same
    fallback to the default language's pages where ``locale`` has none yet; ``([], None)``
    when there is no live home page in ``locale``."""
    home = HomePage.objects.live().filter(locale=locale).order_by("path").first()
    if home is None:
        return [], None
    return home.shortcuts(list(home.get_children().live().public().specific()))


# --- Translation status, for editors (R4) ---------------------------------------------------


@dataclass(frozen=True)
class TranslationCell:
    locale: Locale
    status: TranslationState
    page: Page | None = None


@dataclass
class TranslationRow:
    source: Page
    cells: list[TranslationCell]


@dataclass
class TranslationStatus:
    source_locale: Locale
    locales: list[Locale]
    rows: list[TranslationRow]

    def count(self, locale: Locale, status: TranslationState) -> int:
        return sum(
            1
            for row in self.rows
            for cell in row.cells
            if cell.locale.pk == locale.pk and cell.status == status
        )


def _configured_locales() -> list[Locale]:
    by_code = {locale.language_code: locale for locale in Locale.objects.all()}
    return [by_code[code] for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code in by_code]


def _pages_in_review(pages: list[Page]) -> set[int]:
    from wagtail.models import WorkflowState

    if not pages:
        return set()
    ids = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type_id=pages[0].get_base_content_type().pk,
        object_id__in=[str(page.pk) for page in pages],
    ).values_list("object_id", flat=True)
    return {int(pk) for pk in ids}


def translation_status() -> TranslationStatus:
    """Each page of the default language against its translations: missing, a draft, in
    review, outdated (the original was published after the translation) or current."""
    source_locale = Locale.get_default()
    locales = [locale for locale in _configured_locales() if locale.pk != source_locale.pk]
    sources = list(Page.objects.filter(locale=source_locale, depth__gt=1).order_by("path"))
    translations = list(
        Page.objects.filter(
            translation_key__in=[page.translation_key for page in sources], locale__in=locales
        ).order_by("path")
    )
    by_key = {(page.translation_key, page.locale_id): page for page in translations}
    in_review = _pages_in_review(translations)
    rows = []
    for source in sources:
        cells = []
        for locale in locales:
            target = by_key.get((source.translation_key, locale.pk))
            if target is None:
                status = TranslationState.MISSING
            elif target.pk in in_review:
                status = TranslationState.IN_REVIEW
            elif not target.live:
                status = TranslationState.DRAFT
            elif (
                source.last_published_at
                and target.last_published_at
                and source.last_published_at > target.last_published_at
            ):
                status = TranslationState.OUTDATED
            else:
                status = TranslationState.CURRENT
            cells.append(TranslationCell(locale=locale, status=status, page=target))
        rows.append(TranslationRow(source=source, cells=cells))
    return TranslationStatus(source_locale=source_locale, locales=locales, rows=rows)
