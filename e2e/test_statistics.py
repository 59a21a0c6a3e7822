"""The follow-up statistics on a phone (issue 12 items 2-4, R24): a supervisor reads the
county and every municipality, with a small count shown as a dash and its reason, chooses a
municipality, and gets a clear refusal for a bad period; a partner professional of Botkyrka
sees Botkyrka beside the county and gets 404 for Huddinge. Every page passes axe-core and
HTML_CodeSniffer and fits 360 px (wide tables scroll in their own region).
Screenshots at 360x740: /tmp/shots/statistics-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
SUPERVISOR = ("statistics-supervisor@example.org", "JBSWY3DPEHPK3PXS")
PARTNER = ("statistics-partner@example.org", "JBSWY3DPEHPK3PXT")
PASSWORD = "correct-horse-battery-staple-statistics"

SET_UP = """
import datetime as dt
from django.utils import timezone
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
from hedershus.statistics.tests.helpers import contacts_make
people = dict()
for email, secret, role in {users!r}:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password={password!r}, role=role, first_name="E2E", last_name=role
        )
        TOTP.activate(user, secret)
    people[role] = user
# Other browser tests on this server may have made Botkyrka's organisation already.
org, _ = PartnerOrganisation.objects.update_or_create(
    name="Botkyrka kommun", defaults={{"kind": "municipality", "municipality": "Botkyrka"}}
)
unit, _ = PartnerUnit.objects.get_or_create(organisation=org, name="Socialtjänsten barn och unga")
UnitMembership.objects.get_or_create(
    unit=unit, user=people["partner"], defaults={{"added_by": people["supervisor"]}}
)
when = timezone.now() - dt.timedelta(days=40)
contacts_make(people["supervisor"], 12, municipality="Botkyrka", opened=when)
contacts_make(people["supervisor"], 9, municipality="Huddinge", opened=when)
contacts_make(people["supervisor"], 2, municipality="Nacka", opened=when)
"""


@pytest.fixture(scope="module")
def figures(server: Any) -> None:
    users = [(*SUPERVISOR, "supervisor"), (*PARTNER, "partner")]
    server.manage("shell", "-c", SET_UP.format(users=users, password=PASSWORD))


# What sticks out past the phone's width (outside the scroll regions), for the failure message.
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > 361)
  .filter((el) => !(el.parentElement && el.parentElement.closest(".chart-scroll, .table-scroll")))
  .slice(0, 8)
  .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


# Whether the chart's last month label lies inside its scroll region and the first does not.
NEWEST_IN_VIEW = """() => {
  const region = document.querySelector(".chart-scroll").getBoundingClientRect();
  const labels = [...document.querySelectorAll(".chart-month")].map((el) => el.getBoundingClientRect());
  const inside = (r) => r.left >= region.left - 1 && r.right <= region.right + 1;
  return inside(labels[labels.length - 1]) && !inside(labels[0]);
}"""


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], (name, page.evaluate(WIDE))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"statistics-{name}.png"), full_page=True)


def test_a_supervisor_reads_the_statistics_on_a_phone(
    context_factory: Any, server: Any, figures: None
) -> None:
    email, secret = SUPERVISOR
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, email, PASSWORD, secret)
    page.get_by_role("link", name="Statistics").click()
    page.wait_for_url("**/staff/statistics/")
    assert page.get_by_role("heading", name="Follow-up statistics").is_visible()
    assert page.locator("caption", has_text="Contacts per municipality and channel").count() == 1
    assert page.locator("td.suppressed").count() > 0
    assert "not shown: fewer than 5" in page.content()
    # The chart starts scrolled to its end: the newest month is in view, the oldest is not.
    assert page.evaluate(NEWEST_IN_VIEW), "the newest month of the chart is off-screen"
    # The month fields show the default period (they were empty).
    assert page.get_by_label("From month", exact=True).input_value() != ""
    assert page.get_by_label("To month", exact=True).input_value() != ""
    _checked(page, "supervisor")

    page.get_by_label("Municipality", exact=True).select_option("Botkyrka")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**municipality=Botkyrka**")
    assert page.get_by_role("heading", name="Botkyrka beside the county").count() == 1
    _checked(page, "municipality")

    page.get_by_label("From month", exact=True).fill("2026-05")
    page.get_by_label("To month", exact=True).fill("2026-01")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("alert").filter(has_text="must end in or after").is_visible()
    assert page.locator("table").count() == 0
    _checked(page, "refused")


def test_a_partner_sees_their_municipality_and_not_another(
    context_factory: Any, server: Any, figures: None
) -> None:
    email, secret = PARTNER
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, email, PASSWORD, secret)
    page.goto(server.url("/staff/statistics/"))
    assert page.get_by_role("heading", name="Botkyrka beside the county").count() == 1
    assert page.locator("th", has_text="Huddinge").count() == 0
    _checked(page, "partner")
    response = page.goto(server.url("/staff/statistics/?municipality=Huddinge"))
    assert response is not None and response.status == 404
