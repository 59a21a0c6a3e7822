"""The five languages added in issue 7, item 19 in a real browser: each answers in its own
words and direction, lists every language, marks untranslated text with its real language,
and passes axe-core and HTML_CodeSniffer at 320 px like Swedish, English and Arabic do
(e2e/test_accessibility.py)."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.test_accessibility import assert_fits_and_exit_visible, checked_page, violations  # noqa: F401

pytestmark = pytest.mark.e2e

ALL = ["sv", "en", "ar", "fa", "so", "ckb", "ti", "tr"]
ADDED = {"fa": "rtl", "so": "ltr", "ckb": "rtl", "ti": "ltr", "tr": "ltr"}


@pytest.mark.parametrize(("language", "direction"), ADDED.items())
@pytest.mark.parametrize("path", ["/", "/info/", "/search/"])
def test_each_added_language_answers_in_its_own_words_without_accessibility_violations(
    checked_page: Any,  # noqa: F811
    server: Any,
    language: str,
    direction: str,
    path: str,
) -> None:
    response = checked_page.goto(server.url(f"/{language}{path}"))
    assert response.status == 200 and checked_page.url == server.url(f"/{language}{path}")
    html = checked_page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (language, direction)
    exit_text = checked_page.locator("a.quick-exit").inner_text()
    assert exit_text and exit_text != "Lämna snabbt"  # the Swedish fallback the defect showed
    switcher = checked_page.locator("nav.languages a")
    assert [switcher.nth(i).get_attribute("lang") for i in range(switcher.count())] == ALL
    assert_fits_and_exit_visible(checked_page)
    assert violations(checked_page) == []


def test_an_untranslated_page_says_so_and_keeps_its_own_language(checked_page: Any, server: Any) -> None:  # noqa: F811
    checked_page.goto(server.url("/fa/"))
    checked_page.locator("nav.first-screen a[data-audience='relative']").click()
    checked_page.wait_for_url("**/fa/p/*/")
    notice = checked_page.locator(".translation-notice")
    assert notice.is_visible()
    assert notice.inner_text() == "این صفحه هنوز به زبان شما ترجمه نشده است. به زبان سوئدی نشان داده می‌شود."
    article = checked_page.locator("article.cms-page")
    assert (article.get_attribute("lang"), article.get_attribute("dir")) == ("sv", "ltr")
    assert checked_page.locator("html").get_attribute("dir") == "rtl"
    assert_fits_and_exit_visible(checked_page)
    assert violations(checked_page) == []
