"""A counsellor's queue updates live when a visitor writes "I need help now", and the
counsellor takes the conversation and answers (issue 9, items 3 and 4). Screenshot of the
queue on a phone: /tmp/shots/queue.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import latest_conversation, staff_sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where the task asks for screenshots)
COUNSELLOR = ("queue-counsellor@example.org", "JBSWY3DPEHPK3PXR")
PASSWORD = "correct-horse-battery-staple-queue"

CREATE_COUNSELLOR = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
if not User.objects.filter(email={email!r}).exists():
    user = User.objects.create_user(
        email={email!r}, password={password!r}, role="counsellor", first_name="Sara", last_name="Holm"
    )
    TOTP.activate(user, {secret!r})
"""

ADD_STANDARD_REPLY = (
    "from hedershus.messaging.models import StandardReply; StandardReply.objects.get_or_create("
    "title='E2E open', language='sv', defaults={'body': 'Vi har öppet.'})"
)


@pytest.fixture(scope="module")
def counsellor(server: Any) -> tuple[str, str]:
    email, secret = COUNSELLOR
    server.manage("shell", "-c", CREATE_COUNSELLOR.format(email=email, password=PASSWORD, secret=secret))
    return COUNSELLOR


def _sign_in_on_a_phone(context_factory: Any, server: Any, who: tuple[str, str]) -> Any:
    email, secret = who
    page = context_factory(locale="en-US", viewport=PHONE).new_page()
    return staff_sign_in(page, server, email, PASSWORD, secret)


def test_the_queue_updates_live_and_the_counsellor_claims_and_replies(
    context_factory: Any, server: Any, counsellor: tuple[str, str]
) -> None:
    staff = _sign_in_on_a_phone(context_factory, server, counsellor)
    staff.get_by_role("link", name="Conversations: the queue and yours").click()
    staff.get_by_role("heading", name="Conversations", exact=True).wait_for()
    staff.locator("[data-live=queue][data-socket=open]").wait_for(timeout=10_000)

    # A visitor opens a room and writes "I need help now".
    visitor = context_factory(viewport=PHONE, locale="en-US").new_page()
    visitor.goto(server.url("/en/room/open/"))
    visitor.get_by_role("button", name="Open a room").click()
    visitor.locator(".room-code code").wait_for()
    visitor.get_by_role("link", name="I have written it down: go to my room").click()
    visitor.locator("[data-thread][data-live=on]").wait_for()
    visitor.get_by_label("Your message").fill("Please help, I am scared")
    visitor.get_by_label("I need help now").check()
    visitor.get_by_role("button", name="Send").click()

    visitor.locator("li.message-visitor .message-state", has_text="Sent").wait_for()
    number = latest_conversation(server)

    # Without a reload, the queue shows it among the acute ones at the top, with the alert,
    # and it is announced. (Other tests on this server may have left acute conversations.)
    waiting = staff.locator("#queue-lists section").first
    row = waiting.locator("tr", has=staff.get_by_role("link", name=f"Conversation {number}", exact=True))
    row.locator(".alert-badge", has_text="Needs help now").wait_for(timeout=10_000)
    assert "acute" in (waiting.locator("tbody tr").first.get_attribute("class") or "")
    # Announced with its number: with several acute ones it is not at the very top.
    staff.locator("#acute-announcer", has_text=f"needs help now: conversation {number}.").wait_for(
        timeout=5_000
    )
    assert "Please help" not in staff.content()  # the queue shows no message text
    SHOTS.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(SHOTS / "queue.png"), full_page=False)
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "sideways scrolling"

    # The counsellor opens it, takes it and answers; the visitor sees the answer live.
    row.get_by_role("link").click()
    staff.get_by_text("Please help, I am scared").wait_for()
    staff.get_by_role("button", name="Take this conversation").click()
    staff.get_by_text("The conversation is yours.").wait_for()
    # "Insert" puts a standard reply at the cursor, keeping the draft, without a reload.
    server.manage("shell", "-c", ADD_STANDARD_REPLY)
    staff.reload()
    staff.get_by_label("Your reply").fill("Hello. ")
    staff.locator("#id_insert").select_option(label="E2E open (sv)")
    staff.evaluate("window.stillThisPage = true")
    staff.get_by_role("button", name="Insert").click()
    assert staff.get_by_label("Your reply").input_value() == "Hello. Vi har öppet."
    assert staff.evaluate("window.stillThisPage") is True
    staff.get_by_label("Your reply").fill("I am Sara. Are you safe right now?")
    staff.get_by_role("button", name="Send reply").click()
    visitor.locator("li.message-staff", has_text="I am Sara. Are you safe right now?").wait_for(
        timeout=10_000
    )

    # The visitor's next message appears on the counsellor's open page without a reload.
    staff.locator("[data-live=conversation][data-socket=open]").wait_for(timeout=10_000)
    visitor.get_by_label("Your message").fill("Yes, for now")
    visitor.get_by_role("button", name="Send").click()
    staff.get_by_text("Yes, for now").wait_for(timeout=10_000)

    # Answered and taken: it has left the shared queue and is among mine.
    staff.goto(server.url("/staff/conversations/"))
    assert staff.locator("#queue-lists section").first.locator("tr.acute").count() == 0
    assert staff.locator("section[aria-labelledby=queue-mine] tbody tr").count() >= 1
    assert staff.evaluate("localStorage.length + sessionStorage.length") == 0

    # The visitor leaves: the open queue says so without a reload (it said "online" for 70 s).
    staff.locator("[data-live=queue][data-socket=open]").wait_for(timeout=10_000)
    link = staff.get_by_role("link", name=f"Conversation {number}", exact=True)
    mine = staff.locator("section[aria-labelledby=queue-mine] tr", has=link)
    mine.get_by_text("active in the last minute").wait_for()
    visitor.close()
    mine.get_by_text("not active now").wait_for(timeout=10_000)


def test_the_counsellors_pages_have_no_accessibility_violations_in_swedish_english_and_arabic(
    context_factory: Any, server: Any, counsellor: tuple[str, str]
) -> None:
    from e2e.test_accessibility import covering_the_heading, violations

    make_conversation = (
        "import secrets, uuid; from django.utils import timezone; "
        "from hedershus.core.crypto import encrypt_text; "
        "from hedershus.messaging.models import Conversation, Message; "
        "from hedershus.rooms.models import Room; "
        "room = Room.objects.create(code_digest=secrets.token_hex(32), language='ar'); "
        "c = Conversation.objects.create(room=room, status='waiting', waiting_since=timezone.now(), "
        "acute_since=timezone.now(), last_seq=1); "
        "Message.objects.create(conversation=c, seq=1, client_id=uuid.uuid4(), sender='visitor', "
        "body_encrypted=encrypt_text('مرحبا'), acute=True); print(c.pk)"
    )
    conversation = int(server.manage("shell", "-c", make_conversation).strip().splitlines()[-1])
    email, secret = counsellor
    # Staff pages follow the browser's language; one context (and sign-in) per language.
    for locale, language in (("sv-SE", "sv"), ("en-US", "en"), ("ar", "ar")):
        # axe-core and HTML_CodeSniffer are injected, so this context does not enforce the CSP.
        page = context_factory(locale=locale, viewport=PHONE, bypass_csp=True).new_page()
        staff_sign_in(page, server, email, PASSWORD, secret)
        for name, path in (
            ("queue", "/staff/conversations/"),
            ("conversation", f"/staff/conversations/{conversation}/"),
            ("absences", "/staff/conversations/absences/"),
        ):
            page.goto(server.url(path))
            assert page.evaluate("document.documentElement.lang") == language, path
            if language == "ar":
                assert page.evaluate("document.documentElement.dir") == "rtl"
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"staff-{language}-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (language, path)
            assert covering_the_heading(page) == [], (language, path)
            assert violations(page) == [], (language, path)
