"""Issue 11, items 3-4, on a phone (360x740): a partner professional signs in and lands on
their own start page, asks the centre for advice (a question holding a personal identity
number is refused and saves nothing), asking the centre to act as the authority's agent; a
counsellor answers, accepts the agent role and makes the consultation a case; the
professional reads the answer; a professional of another unit gets 404. The unit's admin
sets the unit's free places. Each page passes axe-core and HTML_CodeSniffer and fits 360 px.
Screenshots: /tmp/shots/consultation-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PASSWORD = "correct-horse-battery-staple-consultation"
PROFESSIONAL = ("consult-partner@example.org", "JBSWY3DPEHPK3PXE", "partner", "Eva")
STRANGER = ("consult-stranger@example.org", "JBSWY3DPEHPK3PXF", "partner", "Olle")
COUNSELLOR = ("consult-counsellor@example.org", "JBSWY3DPEHPK3PXG", "counsellor", "Amal")

SET_UP = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
users = {{}}
for email, secret, role, name in {people!r}:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password={password!r}, role=role, first_name=name, last_name="Test"
        )
        TOTP.activate(user, secret)
    users[email] = user
organisation, _ = PartnerOrganisation.objects.get_or_create(name="Botkyrka kommun", kind="municipality")
unit, _ = PartnerUnit.objects.get_or_create(
    organisation=organisation, name="Skyddat boende Botkyrka med ett långt namn", services=["shelter"]
)
UnitMembership.objects.get_or_create(
    unit=unit, user=users[{professional!r}], defaults={{"is_unit_admin": True}}
)
other, _ = PartnerOrganisation.objects.get_or_create(name="Huddinge kommun", kind="municipality")
other_unit, _ = PartnerUnit.objects.get_or_create(organisation=other, name="Socialtjänsten")
UnitMembership.objects.get_or_create(unit=other_unit, user=users[{stranger!r}])
"""


@pytest.fixture(scope="module")
def people(server: Any) -> None:
    code = SET_UP.format(
        people=[PROFESSIONAL, STRANGER, COUNSELLOR],
        password=PASSWORD,
        professional=PROFESSIONAL[0],
        stranger=STRANGER[0],
    )
    server.manage("shell", "-c", code)


def _page(context_factory: Any, server: Any, person: tuple[str, str, str, str]) -> Any:
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, person[0], PASSWORD, person[1])
    return page


# What sticks out past the phone's width, for the failure message.
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > 361)
  .slice(0, 8)
  .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], (name, page.evaluate(WIDE))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"consultation-{name}.png"), full_page=True)


def _count(server: Any) -> int:
    code = "from hedershus.consultations.models import Consultation; print(Consultation.objects.count())"
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def test_a_professional_asks_a_counsellor_answers_and_makes_a_case(
    context_factory: Any, server: Any, people: None
) -> None:
    professional = _page(context_factory, server, PROFESSIONAL)
    # Sign-in lands on the partner's own start page.
    assert professional.url.endswith("/staff/partner/")
    _checked(professional, "home")

    professional.get_by_role("link", name="Ask the centre for advice").click()
    professional.get_by_label("Subject").fill("Flicka 15 år, rädd för sommarlovet")
    professional.get_by_label("Your question").fill("Hon heter Sara, 19811218-9876, och är rädd.")
    professional.get_by_label("We ask the centre to act as our agent").check()
    professional.get_by_role("button", name="Send the question").click()
    professional.get_by_text("Remove the personal identity number").first.wait_for()
    assert _count(server) == 0
    _checked(professional, "refused")

    professional.get_by_label("Your question").fill("Hon berättar att familjen planerar en resa i sommar.")
    professional.get_by_role("button", name="Send the question").click()
    professional.get_by_text("Your question was sent to the centre.").wait_for()
    consultation_url = professional.url
    assert _count(server) == 1
    _checked(professional, "asked")

    counsellor = _page(context_factory, server, COUNSELLOR)
    counsellor.goto(server.url("/staff/consultations/"))
    _checked(counsellor, "staff-list")
    counsellor.get_by_role("link", name="Flicka 15 år, rädd för sommarlovet").click()
    counsellor.get_by_label("Your answer").fill("Ring oss i dag, vi hjälper er med en riskbedömning.")
    counsellor.get_by_role("button", name="Send the answer").click()
    counsellor.get_by_text("Your answer was sent.").wait_for()
    counsellor.get_by_role("button", name="Accept to act as the authority's agent").click()
    counsellor.get_by_text("Recorded: the centre acts as the authority's agent.").wait_for()
    _checked(counsellor, "staff-detail")
    counsellor.get_by_label("Urgency of the case").select_option(label="Urgent")
    counsellor.get_by_role("button", name="Make this a case").click()
    counsellor.get_by_text("A case was opened from the consultation.").wait_for()
    assert "/staff/cases/" in counsellor.url

    professional.goto(consultation_url)
    assert professional.get_by_text("Ring oss i dag").is_visible()
    assert professional.get_by_text("The centre has opened a case from this consultation.").is_visible()
    assert professional.get_by_text("The centre accepted to act as the authority's agent").is_visible()
    _checked(professional, "answered")

    stranger = _page(context_factory, server, STRANGER)
    response = stranger.goto(consultation_url)
    assert response is not None and response.status == 404
    stranger.goto(server.url("/staff/partner/consultations/"))
    assert stranger.get_by_text("Flicka 15 år").count() == 0


def test_the_unit_admin_sets_the_free_places(context_factory: Any, server: Any, people: None) -> None:
    professional = _page(context_factory, server, PROFESSIONAL)
    professional.get_by_role("link", name="Manage the unit: professionals and free places").click()
    _checked(professional, "unit")
    professional.get_by_label("Free places now").fill("-2")
    professional.get_by_role("button", name="Save the free places").click()
    professional.get_by_text("Nothing was saved").wait_for()
    _checked(professional, "unit-refused")
    professional.get_by_label("Free places now").fill("2")
    professional.get_by_role("button", name="Save the free places").click()
    professional.get_by_text("The free places were updated.").wait_for()
    assert professional.get_by_text("Now: 2 free places.").is_visible()
