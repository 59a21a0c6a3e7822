"""A visitor opens a room on a phone, writes the code down, leaves, and comes back with the
code and passphrase (issue 9, items 1, 7, 11). Screenshot: /tmp/shots/room-open.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where the task asks for the screenshots)
PASSPHRASE = "blue kite at dawn"
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_the_start_page_leads_to_opening_a_room_on_the_first_screen(
    context_factory: Any, server: Any
) -> None:
    page = context_factory(viewport=PHONE).new_page()
    page.goto(server.url("/en/"))
    link = page.locator("nav.first-screen a.room-link")
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    link.click()
    page.wait_for_url(re.compile(r"/en/room/open/$"))
    assert page.get_by_role("heading", name="What we do not do").is_visible()


def test_open_a_room_leave_and_come_back_with_code_and_passphrase(context_factory: Any, server: Any) -> None:
    context = context_factory(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url("/en/room/open/"))
    for field in ("Passphrase", "The same passphrase again"):
        # "one-time-code": Chromium's password manager ignores "off" on a password field.
        assert page.get_by_label(field, exact=True).get_attribute("autocomplete") == "one-time-code"
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("The same passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Open a room").click()
    code_box = page.locator(".room-code code")
    code_box.wait_for()
    code = code_box.inner_text().strip()
    assert CODE.match(code), code
    assert code not in page.url and "room" in page.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "room-open.png"), full_page=False)
    # The code is on the first screen of a phone, with the way on.
    box = code_box.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "sideways scrolling"

    page.get_by_role("link", name="I have written it down: go to my room").click()
    page.get_by_role("navigation", name="Your room").wait_for()
    page.get_by_role("button", name="Leave the room").click()
    page.get_by_role("heading", name="You have left the room").wait_for()

    page.goto(server.url("/en/room/enter/"))
    page.get_by_label("Room code").fill(code.lower().replace("-", " "))
    page.get_by_label("Passphrase (if you chose one)").fill("not the passphrase")
    page.get_by_role("button", name="Enter").click()
    page.get_by_text("We could not open a room with this code and passphrase.", exact=False).wait_for()

    page.get_by_label("Room code").fill(code.lower().replace("-", " "))
    page.get_by_label("Passphrase (if you chose one)").fill(PASSPHRASE)
    page.get_by_role("button", name="Enter").click()
    page.get_by_role("heading", name="Welcome back to your room").wait_for()
    assert page.locator(".room-code code").inner_text().strip() == code  # shown once more
    for entry in page.evaluate("performance.getEntriesByType('navigation').map(e => e.name)"):
        assert code not in entry and "kite" not in entry
    page.screenshot(path=str(SHOTS / "room-first-return.png"))
    # Nothing in the browser's storage.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    cookies = [c for c in context.cookies() if c["domain"] in ("127.0.0.1", server.host)]
    assert cookies and all(c["expires"] == -1 for c in cookies)  # session cookies only
