"""No traces (R12): after a visit and a quick exit, with the browser closed, the profile
folder holds nothing that names the site's pages; the server log holds no client data."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from e2e.conftest import LAUNCH_OPTIONS, NEUTRAL_TITLE
from e2e.test_history import sent_in_place

pytestmark = pytest.mark.e2e

SEARCH_MARKER = "zebracrossing"
PAGE_MARKER = "Ring 112"  # in the body of every Swedish public page
REVEALING = re.compile(r"heder|honour|våld|violence|hedershus|" + SEARCH_MARKER, re.IGNORECASE)


def rows(database: Path, query: str) -> list[tuple]:
    copy = database.with_name(database.name + ".copy")
    shutil.copy(database, copy)
    with sqlite3.connect(copy) as connection:
        return connection.execute(query).fetchall()


def files_containing(folder: Path, needle: bytes) -> list[str]:
    if not folder.exists():
        return []
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def search_in_place(page) -> None:
    """Sends the search with Enter; in discreet mode it is shown in place (e2e/test_history.py)."""
    sent_in_place(page, lambda: page.get_by_label("Sök på webbplatsen").press("Enter"))


def test_a_visit_and_an_exit_leave_no_trace_in_the_profile(playwright_driver, server, neutral_site, tmp_path):
    profile = tmp_path / "profile"
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(profile), ignore_https_errors=True, **LAUNCH_OPTIONS
    )
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.pages[0] if context.pages else context.new_page()
    # Controls: the neutral site leaves a lasting cookie, a cached page and a remembered form
    # entry, so each check below is shown able to find a trace.
    page.goto(neutral_site.plain_url("/form"))
    page.get_by_label("City").fill("controlcity")
    with page.expect_navigation():
        page.get_by_label("City").press("Enter")
    page.goto(server.url("/sv/"))
    assert PAGE_MARKER in page.content()
    page.goto(server.url("/sv/info/"))
    page.goto(server.url("/sv/display/"))
    assert [c for c in context.cookies() if c["domain"] == "127.0.0.1"]  # a session was running
    page.goto(server.url("/sv/search/"))
    page.get_by_label("Sök på webbplatsen").fill(SEARCH_MARKER)
    search_in_place(page)
    assert page.url == server.url("/sv/search/")  # the term went by POST, not in the address
    assert page.get_by_label("Sök på webbplatsen").input_value() == SEARCH_MARKER
    page.wait_for_timeout(1_000)  # let history record the titles
    page.locator("a.quick-exit").click()
    page.wait_for_url(server.exit_url)
    context.close()

    default = profile / "Default"
    host = server.host.encode()

    persistent = rows(default / "Cookies", "SELECT host_key, name FROM cookies WHERE is_persistent = 1")
    assert ("localhost", "neutral") in persistent  # control
    assert [row for row in persistent if "127.0.0.1" in row[0]] == []
    assert [
        row for row in rows(default / "Cookies", "SELECT host_key FROM cookies") if "127.0.0.1" in row[0]
    ] == []

    assert files_containing(default / "Cache", b"Weather today")  # control
    for cache in ("Cache", "Code Cache"):
        assert files_containing(default / cache, PAGE_MARKER.encode()) == []
        assert files_containing(default / cache, host) == []
    for storage in ("Local Storage", "Session Storage", "IndexedDB", "Service Worker", "Shared Dictionary"):
        assert files_containing(default / storage, host) == []
    assert not list((default / "IndexedDB").glob("*127.0.0.1*")) if (default / "IndexedDB").exists() else True

    autofill = rows(default / "Web Data", "SELECT name, value FROM autofill")
    assert ("city", "controlcity") in autofill  # control
    assert [row for row in autofill if SEARCH_MARKER in str(row[1])] == []

    history = rows(default / "History", "SELECT url, title FROM urls")
    ours = [(url, title) for url, title in history if url.startswith(server.origin)]
    assert ours, "the history database should list the visited pages (with neutral titles)"
    assert [(url, title) for url, title in ours if REVEALING.search(url) or REVEALING.search(title)] == []
    # /exit is listed with the title of the page it led to.
    assert {title for _url, title in ours if title} <= {"Information", NEUTRAL_TITLE}

    assert [
        url
        for url in requests
        if not url.startswith(
            (server.origin + "/", neutral_site.origin + "/", neutral_site.plain_origin + "/")
        )
    ] == []


def test_the_server_log_holds_no_address_user_agent_or_query(page, server):
    page.goto(server.url("/sv/?q=logmarkerone"))
    page.goto(server.url("/sv/search/?term=logmarkertwo"))
    page.get_by_label("Sök på webbplatsen").fill("logmarkerthree")
    search_in_place(page)
    page.wait_for_timeout(300)
    log = server.log()
    assert "GET /sv/search/ 200" in log and "POST /sv/search/ 200" in log  # the visits were logged
    assert not re.search(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", log), "an IPv4 address in the server log"
    assert "::1" not in log
    for client_data in (
        "Mozilla",
        "Chrome/",
        "HeadlessChrome",
        "Python-urllib",
        "logmarker",
        "?q=",
        "?term=",
    ):
        assert client_data not in log
