"""Every room page and every counsellors' page passes axe-core (WCAG 2.1 A and AA) and
HTML_CodeSniffer (WCAG2AA) with zero violations (R13, issue 9, item 10).

The room pages are checked in Swedish, English and Arabic on a 360 x 740 phone, with content
in them (messages from the visitor, a counsellor and the automatic answer, a note, a saved
page), and must not scroll sideways; in Arabic the page is right to left and each page is
photographed to /tmp/shots/rtl-<page>.png for a person to look at. The counsellors' pages
(queue, a conversation, standard replies, opening hours, absences) are checked in Swedish and
English, the staff interface's two languages. The checkers are injected as scripts, so these
contexts bypass the CSP (checks only), as in test_accessibility.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import latest_conversation, staff_sign_in
from e2e.test_accessibility import covering_the_heading, violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where the task asks for the screenshots)
PASSPHRASE = "green boat under the bridge"
COUNSELLOR = ("a11y-counsellor@example.org", "JBSWY3DPEHPK3PXP")
# Standard replies need a supervisor, opening hours an administrator (staff_views.py).
SUPERVISOR = ("a11y-supervisor@example.org", "JBSWY3DPEHPK3PXR")
ADMINISTRATOR = ("a11y-administrator@example.org", "JBSWY3DPEHPK3PXS")
PASSWORD = "correct-horse-battery-staple-a11y"
# The article every language of the demo content has, with its "Save to my room" button.
ARTICLE = "/knowledge-bank/forced-marriage/"

CREATE_STAFF = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
if not User.objects.filter(email={email!r}).exists():
    user = User.objects.create_user(
        email={email!r}, password={password!r}, role={role!r}, first_name="Sara", last_name="Holm"
    )
    TOTP.activate(user, {secret!r})
"""

# Elements that stick out of the screen sideways (what makes a phone scroll or cut text).
OUTSIDE = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter(e => {
    const r = e.getBoundingClientRect();
    return r.width && (r.left < -1 || r.right > width + 1);
  })
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))"""


@pytest.fixture(scope="module")
def counsellor(server: Any) -> tuple[str, str]:
    for (email, secret), role in (
        (COUNSELLOR, "counsellor"),
        (SUPERVISOR, "supervisor"),
        (ADMINISTRATOR, "administrator"),
    ):
        server.manage(
            "shell", "-c", CREATE_STAFF.format(email=email, password=PASSWORD, secret=secret, role=role)
        )
    return COUNSELLOR


def _staff_reply(server: Any, email: str, conversation: int, text: str) -> None:
    server.manage(
        "shell",
        "-c",
        "import uuid; from hedershus.accounts.models import User; "
        "from hedershus.messaging.models import Conversation; "
        "from hedershus.messaging.services.messages import message_post_staff; "
        f"message_post_staff(user=User.objects.get(email={email!r}), "
        f"conversation=Conversation.objects.get(pk={conversation}), client_id=uuid.uuid4(), text={text!r})",
    )


def _check(page: Any, language: str, name: str) -> None:
    """No violations, nothing sideways, the first heading clear of the quick exit; in Arabic,
    right to left. Photographed whole to /tmp/shots/room-<language>-<name>.png (and, as
    before, rtl-<name>.png in Arabic)."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == language
    SHOTS.mkdir(parents=True, exist_ok=True)
    if language == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.screenshot(path=str(SHOTS / f"rtl-{name}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"room-{language}-{name}.png"), full_page=True)
    assert covering_the_heading(page) == [], f"{name}: the heading is covered"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{name}: sideways scrolling"
    )
    assert page.evaluate(OUTSIDE, PHONE["width"]) == [], f"{name}: sticks out of the screen"
    assert violations(page) == [], name


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_room_pages_have_no_accessibility_violations_and_fit_a_phone(
    context_factory: Any, server: Any, counsellor: tuple[str, str], language: str
) -> None:
    page = context_factory(bypass_csp=True, viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    # Without a room: the entry form, and "Save to my room" explaining how to get one.
    page.goto(server.url(f"/{language}/room/enter/"))
    _check(page, language, "enter")
    page.goto(server.url(f"/{language}{ARTICLE}"))
    page.locator("form.save-to-room button").click()
    page.wait_for_url(re.compile(r"/room/saved/add/$"))
    _check(page, language, "save-needs-room")

    page.goto(server.url(f"/{language}/room/open/"))
    _check(page, language, "open")
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("#id_passphrase_confirm").fill(PASSPHRASE)
    page.click("form[action$='/room/open/'] button[type=submit]")
    page.locator(".room-code code").wait_for()
    _check(page, language, "code")

    # The thread with the visitor's message, the automatic answer and a counsellor's reply.
    page.goto(server.url(f"/{language}/room/"))
    _check(page, language, "thread-empty")
    page.locator("textarea[name=text]").fill(
        "Jag vill prata med någon om min familj. / أريد أن أتحدث مع أحد."
    )
    page.click("form[data-message-form] button[type=submit]")
    page.locator("li.message-visitor").first.wait_for()
    conversation = latest_conversation(server)
    _staff_reply(server, counsellor[0], conversation, "Hej! Jag heter Sara. / مرحبًا، أنا سارة.")
    page.goto(server.url(f"/{language}/room/"))
    page.locator("li.message-staff").first.wait_for()
    # No opening hours in the test database: the centre is closed and answered automatically.
    assert page.locator("li.message-system").count() == 1
    _check(page, language, "thread")

    # Notes: the list with one note, and its edit page.
    page.goto(server.url(f"/{language}/room/notes/"))
    page.locator("textarea[name=text]").fill("Ring skolkuratorn på måndag. / اتصل بالمرشد يوم الاثنين.")
    page.click("form[action$='/room/notes/'] button[type=submit]")
    page.locator("ul.room-list").get_by_text("Ring skolkuratorn").wait_for()
    page.goto(server.url(f"/{language}/room/notes/"))
    _check(page, language, "notes")
    page.locator("ul.room-list a").first.click()
    page.wait_for_url(re.compile(r"/room/notes/\d+/$"))
    _check(page, language, "note-edit")

    # A saved page, then the room's other pages.
    page.goto(server.url(f"/{language}{ARTICLE}"))
    page.locator("form.save-to-room button").click()
    page.goto(server.url(f"/{language}/room/saved/"))
    assert page.locator("main li").count() >= 1
    _check(page, language, "saved")
    for name in ("overview", "passphrase"):
        page.goto(server.url(f"/{language}/room/{name}/"))
        _check(page, language, name)
    page.goto(server.url(f"/{language}/room/delete/"))
    _check(page, language, "delete")
    page.click("main form[action$='/room/delete/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/room/deleted/$"))
    _check(page, language, "deleted")

    # Leaving a room, from the thread (its socket closes as the room session ends; room.js no
    # longer reloads the page then: test_room_chat.py repeats it).
    page.goto(server.url(f"/{language}/room/open/"))
    page.click("form[action$='/room/open/'] button[type=submit]")
    page.locator(".room-code code").wait_for()
    page.goto(server.url(f"/{language}/room/"))
    page.locator("[data-thread][data-live=on]").wait_for()
    page.click("form[action$='/room/leave/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/room/left/$"))
    _check(page, language, "left")


def _sign_in(context_factory: Any, server: Any, who: tuple[str, str], locale: str) -> Any:
    email, secret = who
    page = context_factory(bypass_csp=True, locale=locale, viewport={"width": 1280, "height": 900}).new_page()
    return staff_sign_in(page, server, email, PASSWORD, secret)


@pytest.mark.parametrize(("language", "locale"), [("sv", "sv-SE"), ("en", "en-US")])
def test_counsellors_pages_have_no_accessibility_violations(
    context_factory: Any, server: Any, counsellor: tuple[str, str], language: str, locale: str
) -> None:
    visitor = context_factory(viewport=PHONE).new_page()
    visitor.goto(server.url(f"/{language}/room/open/"))
    visitor.click("form[action$='/room/open/'] button[type=submit]")
    visitor.locator(".room-code code").wait_for()
    visitor.goto(server.url(f"/{language}/room/"))
    visitor.locator("textarea[name=text]").fill("Hej, kan någon svara?")
    visitor.click("form[data-message-form] button[type=submit]")
    visitor.locator("li.message-visitor").first.wait_for()
    conversation = latest_conversation(server)

    supervisor = _sign_in(context_factory, server, SUPERVISOR, locale)
    administrator = _sign_in(context_factory, server, ADMINISTRATOR, locale)
    for page, path in (
        (supervisor, ""),
        (supervisor, f"{conversation}/"),
        (supervisor, "replies/"),
        (supervisor, "absences/"),
        (administrator, "hours/"),
    ):
        response = page.goto(server.url(f"/staff/conversations/{path}"))
        assert response.status == 200, path
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == language, path
        assert violations(page) == [], path
