"""One history entry per visit in discreet mode (issue 7, item 21): moving between the site's
pages replaces the entry, so after a quick exit Back leads to where the visitor was before
the site. The site offers its own Back link instead. Checked against the control of discreet
mode off, where every page adds an entry and Back returns to the site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def history_length(page: Any) -> int:
    return int(page.evaluate("history.length"))


def sent_in_place(page: Any, send: Callable[[], Any]) -> None:
    """Runs ``send`` (which submits a form) and waits for the answer to be shown.

    In discreet mode a form is sent by fetch and its answer replaces the page's body in place
    (no navigation, no history entry: docs/safety.md), so tests wait for the new body rather
    than for a navigation. Other browser tests import this.
    """
    page.evaluate("() => { window.__before = document.body; }")
    with page.expect_response(lambda r: r.request.method == "POST"):
        send()
    page.wait_for_function("() => document.body !== window.__before")


def search_in_place(page: Any, label: str, words: str) -> None:
    """Sends a search; in discreet mode the answer replaces the page's body, no navigation."""
    page.get_by_label(label).fill(words)
    sent_in_place(page, lambda: page.get_by_label(label).press("Enter"))


def walk_the_site(page: Any, server: Any) -> list[int]:
    """Links, a language switch, a search (POST), the site's Back link: history lengths after each."""
    lengths = [history_length(page)]
    page.locator("main nav.sections a").first.click()  # a CMS page from the start page's list
    page.wait_for_url("**/sv/p/*/")
    lengths.append(history_length(page))
    page.locator("nav.site-nav a[href='/sv/info/']").click()
    page.wait_for_url(server.url("/sv/info/"))
    lengths.append(history_length(page))
    page.locator("nav.languages a[lang='en']").click()
    page.wait_for_url(server.url("/en/info/"))
    lengths.append(history_length(page))
    page.locator("nav.site-nav a[href='/en/search/']").click()
    page.wait_for_url(server.url("/en/search/"))
    search_in_place(page, "Search the site", "forced marriage")
    assert page.url == server.url("/en/search/")  # the words went by POST, not in the address
    lengths.append(history_length(page))
    return lengths


def test_in_discreet_mode_back_after_a_quick_exit_leads_to_where_the_visitor_was_before(
    context_factory: Any, server: Any, neutral_site: Any
) -> None:
    page = context_factory().new_page()
    page.goto(neutral_site.start_url)
    page.goto(server.url("/sv/"))
    lengths = walk_the_site(page, server)
    assert len(set(lengths)) == 1, f"history grew: {lengths}"

    # The site's own Back link leads to the page the visitor came from on the site.
    page.locator("a[data-back]").click()
    page.wait_for_url(server.url("/en/info/"))
    page.locator("nav.site-nav a[href='/en/search/']").click()
    page.wait_for_url(server.url("/en/search/"))
    search_in_place(page, "Search the site", "help")
    assert history_length(page) == lengths[0]

    # The quick exit still works on a page shown in place, and Back leaves the site.
    page.locator("a.quick-exit").click()
    page.wait_for_url(server.exit_url)
    page.go_back(wait_until="commit")
    page.wait_for_url(neutral_site.start_url, wait_until="commit")
    assert page.locator("h1").text_content() == "Weather today"


def test_control_with_discreet_mode_off_every_page_adds_an_entry_and_back_returns_to_the_site(
    context_factory: Any, server: Any, neutral_site: Any
) -> None:
    page = context_factory().new_page()
    page.goto(neutral_site.start_url)
    page.goto(server.url("/sv/display/"))
    page.get_by_role("button", name="Stäng av diskret läge").click()
    page.wait_for_function("() => !document.body.hasAttribute('data-single-entry')")
    page.goto(server.url("/sv/"))
    page.locator("main nav.sections a").first.click()
    page.wait_for_url("**/sv/**")
    page.locator("nav.site-nav a[href='/sv/info/']").click()
    page.wait_for_url(server.url("/sv/info/"))
    before = history_length(page)
    page.locator("a.quick-exit").click()
    page.wait_for_url(server.exit_url)
    page.go_back(wait_until="commit")
    page.wait_for_url(lambda url: url.startswith(server.origin), wait_until="commit")
    assert before >= 5  # the neutral page, /sv/display/, /sv/, the audience page, /sv/info/


def test_without_javascript_the_back_link_leads_one_level_up(context_factory: Any, server: Any) -> None:
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(server.url("/sv/info/"))
    page.locator("a[data-back]").click()
    page.wait_for_url(server.url("/sv/"))
    page.locator("nav.first-screen a[data-audience]").first.click()
    page.wait_for_url("**/sv/p/*/")
    audience_page = page.url
    with page.expect_navigation():
        page.locator("a[data-back]").click()
    assert page.url != audience_page
    assert page.locator(".home-title").is_visible()  # the audience page's parent: the start page
