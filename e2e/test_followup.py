"""A counsellor follows a person over time (issue 10, item 4; R18): on a case they are assigned
to, a follow-up sent without any rating is refused with a summary and saves nothing; two
follow-ups a month apart and a protective measure are recorded; the timeline shows the chart
(SVG, no JavaScript) with the same data in a table. Each page passes axe-core and
HTML_CodeSniffer and fits a phone's width. Screenshots at 360x740: /tmp/shots/followup-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
COUNSELLOR = ("followup-counsellor@example.org", "JBSWY3DPEHPK3PXF")
PASSWORD = "correct-horse-battery-staple-followup"

CREATE_CASE = """
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from hedershus.accounts.models import User
from hedershus.cases.models import Case, CaseAssignment
user = User.objects.filter(email={email!r}).first()
if user is None:
    user = User.objects.create_user(
        email={email!r}, password={password!r}, role="counsellor", first_name="Sami", last_name="Berg"
    )
    TOTP.activate(user, {secret!r})
now = timezone.now()
case = Case.objects.create(reference="E2E-F-" + str(Case.objects.count() + 1), opened_by=user, opened_at=now)
CaseAssignment.objects.create(case=case, user=user, assigned_by=user, assigned_at=now)
print(case.pk)
"""
COUNT = "from hedershus.followup.models import FollowUp; print(FollowUp.objects.count())"


@pytest.fixture(scope="module")
def case_id(server: Any) -> int:
    email, secret = COUNSELLOR
    code = CREATE_CASE.format(email=email, password=PASSWORD, secret=secret)
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def _follow_ups(server: Any) -> int:
    return int(server.manage("shell", "-c", COUNT).strip().splitlines()[-1])


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"followup-{name}.png"), full_page=True)


def _rate(page: Any, domain: str, answer: str) -> None:
    page.get_by_role("group", name=domain, exact=True).get_by_label(answer, exact=True).check()


def test_a_counsellor_records_two_follow_ups_and_a_measure_and_reads_the_timeline(
    context_factory: Any, server: Any, case_id: int
) -> None:
    email, secret = COUNSELLOR
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, email, PASSWORD, secret)
    before = _follow_ups(server)
    page.goto(server.url(f"/staff/cases/{case_id}/follow-up/"))
    assert page.get_by_text("No follow-up has been recorded yet.").is_visible()
    _checked(page, "empty")

    # Nothing rated: refused, with the summary, and nothing saved.
    page.get_by_role("link", name="Record a follow-up").click()
    month_ago = dt.date.today() - dt.timedelta(days=30)
    page.get_by_label("Date of the follow-up").fill(month_ago.isoformat())
    page.get_by_role("button", name="Save the follow-up").click()
    page.get_by_role("heading", name="Nothing was saved").wait_for()
    assert page.get_by_text("Rate at least one life domain.").is_visible()
    assert _follow_ups(server) == before
    _checked(page, "refused")

    _rate(page, "Safety", "1 In crisis")
    _rate(page, "Housing", "2 Vulnerable")
    _rate(page, "Health", "3 Stable")
    page.get_by_label("Note (optional)").fill("Lives with an aunt for now.")
    _checked(page, "form")
    page.get_by_role("button", name="Save the follow-up").click()
    page.get_by_text("The follow-up was saved.").wait_for()

    page.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("Date of the follow-up").fill(dt.date.today().isoformat())
    _rate(page, "Safety", "3 Stable")
    _rate(page, "Housing", "4 Building capacity")
    _rate(page, "Health", "3 Stable")
    page.get_by_role("button", name="Save the follow-up").click()
    page.get_by_text("The follow-up was saved.").wait_for()

    page.get_by_role("link", name="Record a protective measure").click()
    page.get_by_label("Measure").select_option(label="Contact ban (kontaktförbud)")
    page.get_by_label("From").fill((dt.date.today() - dt.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Save the measure").click()
    page.get_by_text("The protective measure was saved.").wait_for()

    chart = page.get_by_role("img", name="Life domains over time")
    assert chart.is_visible()
    assert page.locator("svg[role=img] .chart-line").count() == 3  # three domains rated twice
    table = page.get_by_role("table").first
    assert table.locator("tbody tr").count() == 2
    assert "Lives with an aunt for now." in page.content()
    assert page.get_by_role("list").filter(has_text="Measure begins: Contact ban").count() >= 1
    assert _follow_ups(server) == before + 2
    _checked(page, "timeline")
