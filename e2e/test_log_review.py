"""An auditor completes and signs a sampled log review in Chromium (issue 13, item 1): starts a
random sample of the day's staff reads, judges each read (one to be followed up), signs the
review off, and a supervisor finds the follow-up on their start page and closes it. On a
phone-sized screen, with axe-core and HTML_CodeSniffer on every page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PHONE = {"width": 360, "height": 740}
AUDITOR = (
    "review.auditor@e2e.hedershus.invalid",
    "e2e-auditor-password-Hedershus",
    "JBSWY3DPEHPK3PXPAUDITORA",
)
SUPERVISOR = (
    "review.supervisor@e2e.hedershus.invalid",
    "e2e-supervisor-password-Hedersh",
    "JBSWY3DPEHPK3PXPSUPERVIS",
)

SETUP = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.audit.services import audit_record
for (email, password, secret), role in (({auditor!r}, "auditor"), ({supervisor!r}, "supervisor")):
    if not User.objects.filter(email=email).exists():
        user = User.objects.create_user(email=email, password=password, role=role, first_name=role.title())
        TOTP.activate(user, secret)
reader, _ = User.objects.get_or_create(
    email="review.reader@e2e.hedershus.invalid", defaults={{"role": "counsellor"}}
)
for number in range(1, 5):
    audit_record("case.viewed", actor=reader, object_type="cases.case", object_id=str(number), data={{}})
"""


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"log-review-{name}-360x740.png"), full_page=True)


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], name
    _shot(page, name)


def test_an_auditor_signs_a_sampled_review_and_a_supervisor_closes_its_follow_up(
    server: Any, context_factory: Any
) -> None:
    server.manage("shell", "-c", SETUP.format(auditor=AUDITOR, supervisor=SUPERVISOR))
    page = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, *AUDITOR)
    page.goto(server.url("/staff/oversight/"))
    _checked(page, "list")

    page.click("a[href='/staff/oversight/new/']")
    page.check("input[name=kind][value=sample]")
    today = dt.date.today().isoformat()
    page.fill("input[name=period_start]", today)
    page.fill("input[name=period_end]", today)
    page.fill("input[name=sample_size]", "3")
    _checked(page, "new")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/oversight/\d+/$"))
    _checked(page, "review")
    forms = page.locator("form.review-mark")
    assert forms.count() == 3

    # Two reads justified, one to be followed up with a comment; each saved on its own.
    for index in range(3):
        form = page.locator("form.review-mark").nth(index)
        if index == 2:
            form.locator("input[value=follow_up]").check()
            form.locator("textarea[name=comment]").fill("Varför öppnades ärendet? Fråga medarbetaren.")
        else:
            form.locator("input[value=justified]").check()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    page.fill("textarea[name=summary]", "Två läsningar befogade, en följs upp av arbetsledaren.")
    page.click("form[action$='/sign/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/oversight/\d+/$"))
    assert page.locator("form.review-mark").count() == 0
    assert "Signerad" in page.inner_text("main")
    _checked(page, "signed")

    # The supervisor sees the follow-up on the start page and closes it.
    supervisor = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(supervisor, server, *SUPERVISOR)
    supervisor.goto(server.url("/staff/"))
    supervisor.click("a[href='/staff/oversight/follow-ups/']")
    assert "Fråga medarbetaren" in supervisor.inner_text("main")
    _checked(supervisor, "follow-ups")
    supervisor.fill("textarea[name=note]", "Pratat med medarbetaren: uppdrag från kollega.")
    supervisor.click("main form button[type=submit]")
    supervisor.wait_for_url(re.compile(r"/staff/oversight/follow-ups/$"))
    assert "Inga uppföljningar är öppna." in supervisor.inner_text("main")
