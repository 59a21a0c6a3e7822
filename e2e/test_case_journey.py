"""Issue 10's whole journey, as its "Done when" names it, on a phone (360x740):

a counsellor takes a visitor's chat into a case, adds a phone contact, writes and signs a
journal entry and a correction, runs PHQ-9 (item 9 above 0 prompts the suicide-risk
screening, which they run) and the judgement frame, records two follow-ups and reads the
timeline; a colleague outside the case must give a reason before seeing it; the auditor finds
that read, with its reason, in the audit log. The database's refusal to change a signed entry
is journal/tests/test_database.py; every case URL x every role is core's access matrix.
Each app's own browser test checks its pages with axe-core and HTML_CodeSniffer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import staff_sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PASSWORD = "correct-horse-battery-staple-journey"
COUNSELLOR = ("journey-counsellor@example.org", "JBSWY3DPEHPK3PXM", "counsellor", "Amal")
COLLEAGUE = ("journey-colleague@example.org", "JBSWY3DPEHPK3PXN", "counsellor", "Jonas")
AUDITOR = ("journey-auditor@example.org", "JBSWY3DPEHPK3PXO", "auditor", "Greta")
EXAMPLE_FRAME = Path(__file__).resolve().parent.parent / "hedershus/assessments/examples/example_frame.json"
REASON = "Jour: hon ringer nu och hennes kontaktperson är sjuk"

SET_UP = """
import secrets, uuid
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.rooms.models import Room
for email, secret, role, name in {people!r}:
    if not User.objects.filter(email=email).exists():
        user = User.objects.create_user(
            email=email, password={password!r}, role=role, first_name=name, last_name="Test"
        )
        TOTP.activate(user, secret)
room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Jag får inte gå ut efter skolan")
print(message.conversation_id)
"""


@pytest.fixture(scope="module")
def conversation_id(server: Any) -> int:
    server.manage("assessments_load_frame", str(EXAMPLE_FRAME))
    code = SET_UP.format(people=[COUNSELLOR, COLLEAGUE, AUDITOR], password=PASSWORD)
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def _page(context_factory: Any, server: Any, person: tuple[str, str, str, str]) -> Any:
    page = context_factory(locale="en-US", viewport=PHONE).new_page()
    staff_sign_in(page, server, person[0], PASSWORD, person[1])
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def _choose(page: Any, legend: str, answer: str) -> None:
    page.get_by_role("group", name=re.compile("^" + re.escape(legend))).get_by_label(
        answer, exact=True
    ).check()


def test_a_chat_becomes_a_case_worked_through_every_app_and_an_outsiders_read_is_audited(
    context_factory: Any, server: Any, conversation_id: int
) -> None:
    page = _page(context_factory, server, COUNSELLOR)

    # The chat becomes a case; a phone call joins it.
    page.goto(server.url(f"/staff/conversations/{conversation_id}/"))
    page.get_by_role("button", name="Open a case from this conversation").click()
    page.get_by_role("heading", name="Room conversations").wait_for()
    case_url = page.url
    assert page.get_by_text("Jag får inte gå ut efter skolan").is_visible()
    page.get_by_text("Add a contact").click()
    page.select_option("#id_channel", "phone")
    page.fill("#id_duration_minutes", "20")
    page.fill("#id_note", "Mamman ringde")
    page.get_by_role("button", name="Add the contact").click()
    page.get_by_text("Contact added.").wait_for()
    assert page.locator("#contacts tbody tr").count() == 2

    # The journal: an entry signed, then corrected by a signed correction.
    page.goto(case_url + "journal/")
    page.get_by_role("link", name="Write an entry").click()
    page.get_by_label("Text").fill("Samtal i chatten. Hon bor med föräldrarna i Tensta.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Sign the entry").click()
    page.get_by_text("The entry was signed and is now part of the journal.").wait_for()
    page.get_by_role("link", name="Correct this entry").click()
    page.get_by_label("Text").fill("Samtal i chatten. Hon bor med föräldrarna i Rinkeby.")
    page.get_by_role("button", name="Save the correction as a draft").click()
    page.get_by_role("button", name="Sign the entry").click()
    page.get_by_text("The entry was signed and is now part of the journal.").wait_for()
    entries = page.locator("article.journal-entry")
    assert entries.count() == 2
    assert "Corrected" in entries.nth(1).locator(".journal-corrected-note").inner_text()
    _shot(page, "journal")

    # PHQ-9 with item 9 above 0: the prompt leads to the screening, which is run.
    page.goto(case_url + "assessments/")
    page.get_by_role("link", name="PHQ-9 (depression)").click()
    for number in range(1, 9):
        _choose(page, f"{number}.", "Several days")
    _choose(page, "9.", "Several days")
    _choose(page, "10.", "Somewhat difficult")
    page.get_by_role("button", name="Save the assessment").click()
    prompt = page.get_by_role("alert").filter(has_text="Run the suicide-risk screening (ASQ) now")
    prompt.wait_for()
    prompt.get_by_role("link", name="Start ASQ \u2013 suicide risk screening").click()
    _choose(page, "1.", "Yes")
    for number in (2, 3, 4, 5):
        _choose(page, f"{number}.", "No")
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_text("Non-acute positive screen: potential risk").first.wait_for()

    # The judgement frame.
    page.goto(case_url + "assessments/")
    page.get_by_role("link", name="Example frame (not a real instrument)").click()
    _choose(page, "A1.", "Present")
    _choose(page, "A2.", "Partly present")
    _choose(page, "B1.", "Absent")
    for judgement, level in (("Acute risk", "High"), ("Future risk", "Medium"), ("Severity", "Medium")):
        page.get_by_role("group", name=judgement, exact=True).get_by_label(level, exact=True).check()
        page.get_by_label(f"Reason for the judgement of {judgement}").fill("Hot via telefon.")
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_text("Acute risk: High; Future risk: Medium; Severity: Medium").wait_for()

    # Two follow-ups a month apart, reached from the case page; the timeline shows them with
    # the risk judgement.
    page.goto(case_url)
    page.get_by_role("link", name="Follow-up", exact=True).click()
    page.get_by_role("heading", name=re.compile("^Follow-up of case")).wait_for()
    for day, safety in (
        (dt.date.today() - dt.timedelta(days=30), "1 In crisis"),
        (dt.date.today(), "3 Stable"),
    ):
        page.goto(case_url + "follow-up/new/")
        page.get_by_label("Date of the follow-up").fill(day.isoformat())
        page.get_by_role("group", name="Safety", exact=True).get_by_label(safety, exact=True).check()
        page.get_by_role("group", name="Housing", exact=True).get_by_label("2 Vulnerable", exact=True).check()
        page.get_by_role("button", name="Save the follow-up").click()
        page.get_by_text("The follow-up was saved.").wait_for()
    assert page.get_by_role("img", name="Life domains over time").is_visible()
    assert page.locator("svg[role=img] .chart-row-risk .chart-mark-high").count() == 1
    assert page.locator("#ratings-heading ~ div table tbody tr").count() == 2
    events = page.locator("ol.followup-events").inner_text()
    assert "Contact: Phone call" in events and "Assessment" in events
    _shot(page, "timeline")

    # A colleague outside the case gives a reason before seeing anything of it.
    colleague = _page(context_factory, server, COLLEAGUE)
    colleague.goto(case_url)
    assert "/reason/" in colleague.url
    assert colleague.get_by_text("Mamman ringde").count() == 0
    colleague.fill("#id_reason", REASON)
    colleague.get_by_role("button", name="Give the reason and open the case").click()
    colleague.get_by_role("heading", name="Contacts").wait_for()
    assert colleague.get_by_text("Mamman ringde").is_visible()

    # The auditor finds that read, with its reason, in the audit log.
    auditor = _page(context_factory, server, AUDITOR)
    auditor.goto(server.url("/staff/audit/?event_type=case.opened_with_reason"))
    row = auditor.locator("tbody tr").filter(has_text=REASON)
    assert row.count() == 1
    assert COLLEAGUE[0] in row.inner_text()
    _shot(auditor, "audit")
