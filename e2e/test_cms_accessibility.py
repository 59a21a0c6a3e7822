"""The CMS's page types pass axe-core and HTML_CodeSniffer like the shell's pages (R13), with the
demo content, in Swedish, English and Arabic (right to left), on a 320 px wide screen."""

from __future__ import annotations

import pytest

from e2e.test_accessibility import assert_fits_and_exit_visible, checked_page, violations  # noqa: F401
from e2e.test_history import sent_in_place

pytestmark = pytest.mark.e2e

# One page of each type, by its path in the demo content.
PAGES = {
    "sv": [
        "/knowledge-bank/",
        "/knowledge-bank/forced-marriage/",
        "/exposed/",
        "/help-directory/",
        "/research-and-methods/risk-assessment-method/",
        "/contact/",
    ],
    "en": ["/knowledge-bank/child-marriage/", "/professional/", "/help-directory/", "/contact/"],
    "ar": ["/exposed/", "/knowledge-bank/forced-marriage/", "/knowledge-bank/where-to-get-help/"],
}


@pytest.mark.parametrize(
    ("language", "path"), [(lang, path) for lang, paths in PAGES.items() for path in paths]
)
def test_cms_pages_have_no_accessibility_violations(checked_page, server, language, path):  # noqa: F811
    response = checked_page.goto(server.url(f"/{language}{path}"))
    assert response.status == 200
    assert_fits_and_exit_visible(checked_page)
    assert violations(checked_page) == []


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_search_with_filters_has_no_accessibility_violations(checked_page, server, language):  # noqa: F811
    checked_page.goto(server.url(f"/{language}/search/"))
    checked_page.select_option("#id_audience", "exposed")
    checked_page.fill("#id_q", {"sv": "äktenskap", "en": "marriage", "ar": "الزواج"}[language])
    sent_in_place(checked_page, lambda: checked_page.press("#id_q", "Enter"))
    assert checked_page.locator("ol.results li").count() >= 1
    assert_fits_and_exit_visible(checked_page)
    assert violations(checked_page) == []
