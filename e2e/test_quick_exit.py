"""Quick exit (R11) in a real browser: button, Shift x3, keyboard, without JavaScript, and Back."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

PAGE_TEXT = "Browse safely"


def site_cookies(context, server):
    return [c for c in context.cookies() if c["domain"] in ("127.0.0.1", server.host)]


def test_the_button_leaves_at_once_and_back_does_not_show_the_page(context_factory, server, neutral_site):
    context = context_factory()
    page = context.new_page()
    page.goto(neutral_site.start_url)
    page.goto(server.url("/en/info/"))
    page.goto(server.url("/en/display/"))  # a form there starts a session
    assert site_cookies(context, server)
    page.get_by_role("link", name="Leave quickly").click()
    page.wait_for_url(server.exit_url)
    assert site_cookies(context, server) == []
    assert len(context.pages) == 1  # no popup, nothing for a popup blocker to stop

    # The page where the visitor pressed the button is gone from the back history; earlier
    # pages stay (the safety page says so: only private browsing avoids that).
    page.go_back(wait_until="commit")
    page.wait_for_url(server.url("/en/info/"))
    assert page.get_by_role("heading", name=PAGE_TEXT, level=1).is_visible()


def test_back_right_after_leaving_from_the_first_page_returns_to_where_the_visitor_was(
    context_factory, server, neutral_site
):
    page = context_factory().new_page()
    page.goto(neutral_site.start_url)
    page.goto(server.url("/sv/"))
    page.locator("a.quick-exit").click()
    page.wait_for_url(server.exit_url)
    # The neutral site's page comes back from the real back/forward cache: no load event.
    page.go_back(wait_until="commit")
    page.wait_for_url(neutral_site.start_url, wait_until="commit")
    assert page.locator("h1").text_content() == "Weather today"
    page.go_forward(wait_until="commit")
    page.wait_for_url(server.exit_url, wait_until="commit")


def test_the_page_is_hidden_at_once_before_the_browser_leaves(page, server):
    page.goto(server.url("/en/info/"))
    assert page.locator("main").is_visible()
    # Read in the same task as the click: the navigation has not even started yet.
    hidden = page.evaluate(
        "() => { document.querySelector('a.quick-exit').click(); return document.body.hidden; }"
    )
    assert hidden is True
    page.wait_for_url(server.exit_url)


def test_pressing_shift_three_times_leaves_and_announces_the_presses_left(page, server):
    page.goto(server.url("/en/"))
    status = page.locator("#quick-exit-status")
    page.keyboard.press("Shift")
    assert status.text_content() == "Press Shift 2 more times to leave this site."
    page.keyboard.press("Shift")
    assert status.text_content() == "Press Shift 1 more time to leave this site."
    page.keyboard.press("Shift")
    page.wait_for_url(server.exit_url)


def test_shift_as_a_modifier_or_another_key_starts_over(page, server):
    page.goto(server.url("/en/search/"))
    page.get_by_label("Search the site").focus()
    status = page.locator("#quick-exit-status")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+KeyA")  # typing a capital letter: Shift used as a modifier
    assert status.text_content() == ""
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("KeyB")  # another key starts over
    page.keyboard.press("Shift")
    assert status.text_content() == "Press Shift 2 more times to leave this site."
    page.wait_for_timeout(300)
    assert page.url == server.url("/en/search/")
    assert page.get_by_label("Search the site").input_value() == "Ab"


def test_presses_more_than_five_seconds_apart_start_over(context_factory, server):
    page = context_factory().new_page()
    page.clock.install()
    page.goto(server.url("/en/"))
    status = page.locator("#quick-exit-status")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.fast_forward(5_100)
    page.keyboard.press("Shift")
    assert status.text_content() == "Press Shift 2 more times to leave this site."
    page.clock.fast_forward(4_000)
    page.keyboard.press("Shift")
    page.clock.fast_forward(4_000)
    page.keyboard.press("Shift")
    page.wait_for_url(server.exit_url)


def test_keyboard_users_meet_the_exit_first(page, server):
    page.goto(server.url("/ar/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert 'href="/exit"' in focused and "data-quick-exit" in focused
    assert page.locator(".skip-link").first.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(server.exit_url)


def test_the_exit_works_without_javascript(context_factory, server):
    context = context_factory(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("/sv/display/"))
    assert site_cookies(context, server)
    link = page.locator("a.quick-exit")
    assert link.get_attribute("rel") == "noreferrer"
    link.click()
    page.wait_for_url(server.exit_url)
    assert site_cookies(context, server) == []


def test_the_exit_answers_with_clear_site_data_and_the_neutral_site_gets_no_referrer(
    page, server, neutral_site
):
    page.goto(server.url("/en/info/"))
    with page.expect_response(re.compile(r"/exit$")) as exit_response:
        page.locator("a.quick-exit").click()
    response = exit_response.value
    headers = response.all_headers()
    assert response.status == 302
    assert headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert headers["cache-control"] == "no-store"
    page.wait_for_url(server.exit_url)
    assert [referer for referer in neutral_site.referers if server.host in referer] == []
