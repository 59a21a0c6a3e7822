"""Issue 11's referral journey, as its "Done when" names it, on a phone (360x740; R16):

a counsellor finds a municipality's unit from a case (by the person's municipality and the
service needed) and sends it a referral, ticking only the age group to share; the unit is
told by a neutral e-mail; a partner professional of that unit signs in with TOTP, opens the
referral (received), accepts it and marks it done; the counsellor sees each step on the case's
timeline; a professional of another unit gets 404 for it and an empty inbox; a second referral
whose deadline passes escalates (the escalation run with a later ``now``) and the case's
supervisor gets the neutral e-mail. Each page passes axe-core and HTML_CodeSniffer and fits
the phone's width. Screenshots: /tmp/shots/referral-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PASSWORD = "correct-horse-battery-staple-referral"
COUNSELLOR = ("referral-counsellor@example.org", "JBSWY3DPEHPK3PXQ", "counsellor", "Amal")
SUPERVISOR = ("referral-supervisor@example.org", "JBSWY3DPEHPK3PXR", "supervisor", "Maria")
MEMBER = ("referral-partner@example.org", "JBSWY3DPEHPK3PXS", "partner", "Eva")
STRANGER = ("referral-stranger@example.org", "JBSWY3DPEHPK3PXT", "partner", "Olle")
UNIT = "Socialtjänsten barn och unga (e2e)"
ASKED = "Kontakta Rosa i skolan i dag, hon vågar inte gå hem."

SET_UP = """
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from hedershus.accounts.models import User
from hedershus.cases.models import Case, CaseAssignment, Person
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
counsellor, supervisor = users[{counsellor!r}], users[{supervisor!r}]
now = timezone.now()
case = Case.objects.create(
    reference="E2E-R-" + str(Case.objects.count() + 1),
    opened_by=counsellor,
    opened_at=now,
    supervisor=supervisor,
)
CaseAssignment.objects.create(case=case, user=counsellor, assigned_by=counsellor, assigned_at=now)
Person.objects.create(
    case=case, alias="Rosa", role="exposed", age_group="13-17", gender="female", municipality="Botkyrka",
    created_by=counsellor,
)
botkyrka, _ = PartnerOrganisation.objects.get_or_create(
    name="Botkyrka kommun (e2e)", defaults={{"kind": "municipality", "municipality": "Botkyrka"}}
)
unit, _ = PartnerUnit.objects.get_or_create(
    organisation=botkyrka, name={unit!r},
    defaults={{
        "services": ["social_services", "child_protection"],
        "municipalities": ["Botkyrka"],
        "on_platform": True,
    }},
)
UnitMembership.objects.get_or_create(unit=unit, user=users[{member!r}])
huddinge, _ = PartnerOrganisation.objects.get_or_create(
    name="Huddinge kommun (e2e)", defaults={{"kind": "municipality", "municipality": "Huddinge"}}
)
other, _ = PartnerUnit.objects.get_or_create(
    organisation=huddinge, name="Socialtjänsten Huddinge (e2e)",
    defaults={{"services": ["social_services"], "municipalities": ["Huddinge"], "on_platform": True}},
)
UnitMembership.objects.get_or_create(unit=other, user=users[{stranger!r}])
print(case.pk)
"""

SECOND_REFERRAL_AND_ESCALATION = """
import datetime as dt, uuid
from hedershus.accounts.models import User
from hedershus.partners.models import PartnerUnit
from hedershus.referrals.services import ReferralInput, referral_send, referrals_escalate_overdue
counsellor = User.objects.get(email={counsellor!r})
unit = PartnerUnit.objects.get(name={unit!r})
referral = referral_send(actor=counsellor, case_id={case_id}, data=ReferralInput(
    unit_id=unit.pk, asked="Akut: behöver skyddat boende i natt.", urgency="acute",
    legal_basis="exception", secrecy_exception="emergency", client_id=uuid.uuid4(),
))
print(referrals_escalate_overdue(referral.deadline - dt.timedelta(minutes=1)))
print(referrals_escalate_overdue(referral.deadline + dt.timedelta(minutes=1)))
"""


@pytest.fixture(scope="module")
def case_id(server: Any) -> int:
    code = SET_UP.format(
        people=[COUNSELLOR, SUPERVISOR, MEMBER, STRANGER],
        password=PASSWORD,
        counsellor=COUNSELLOR[0],
        supervisor=SUPERVISOR[0],
        member=MEMBER[0],
        stranger=STRANGER[0],
        unit=UNIT,
    )
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def _page(context_factory: Any, server: Any, person: tuple[str, str, str, str]) -> Any:
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, person[0], PASSWORD, person[1])
    return page


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"referral-{name}.png"), full_page=True)


def test_a_referral_goes_from_a_case_to_a_units_inbox_is_accepted_done_and_shown_on_the_timeline(
    context_factory: Any, server: Any, case_id: int
) -> None:
    mailbox = server.extra["mailbox"]
    counsellor = _page(context_factory, server, COUNSELLOR)
    case_url = server.url(f"/staff/cases/{case_id}/")

    # From the case page to the referral form; the person's municipality is already chosen.
    counsellor.goto(case_url)
    parts = counsellor.get_by_role("navigation", name="Parts of the case")
    parts.get_by_role("link", name="Referrals", exact=True).click()
    counsellor.get_by_role("heading", name=re.compile("^Referrals of case")).wait_for()
    _checked(counsellor, "case-list-empty")
    counsellor.get_by_role("link", name="New referral").click()
    assert counsellor.get_by_label("The person's municipality").input_value() == "Botkyrka"
    counsellor.get_by_label("Service needed").select_option("social_services")
    counsellor.get_by_role("button", name="Find units").click()
    counsellor.get_by_role("group", name="Unit", exact=True).get_by_label(re.compile(re.escape(UNIT))).check()
    assert counsellor.get_by_text("Socialtjänsten Huddinge (e2e)").count() == 0
    counsellor.get_by_label("What the unit is asked to do").fill(ASKED)
    counsellor.get_by_label("Urgency", exact=True).select_option("urgent")
    counsellor.get_by_role("group", name="Legal basis for sharing").get_by_label(
        "An exception to secrecy"
    ).check()
    counsellor.get_by_label("Exception relied on").select_option("necessary")
    counsellor.get_by_label("The person the referral is about").select_option(label="Rosa")
    shared = counsellor.get_by_role("group", name=re.compile("^Case fields to share"))
    assert shared.locator("input:checked").count() == 0  # nothing ticked for the referrer
    shared.get_by_label("Age group").check()
    _checked(counsellor, "form")
    counsellor.get_by_role("button", name="Send the referral").click()
    counsellor.get_by_text("The referral was sent to the unit's inbox.").wait_for()
    referral_url = counsellor.url
    referral_id = int(referral_url.rstrip("/").rsplit("/", 1)[-1])
    assert counsellor.get_by_text(ASKED).is_visible()
    _checked(counsellor, "sent")

    # The unit's professional is told without a word about the referral.
    notice = mailbox.wait_for(MEMBER[0])
    body = notice.get_content()
    assert "Rosa" not in body and "Botkyrka" not in body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.endswith("/staff/auth/login/") for link in links)  # no item in any link

    # The professional opens it (received), accepts it and marks it done.
    member = _page(context_factory, server, MEMBER)
    member.goto(server.url("/staff/partner/referrals/"))
    _checked(member, "inbox")
    member.get_by_role("link", name=re.compile(f"^No. {referral_id},")).click()
    member.get_by_role("heading", name=f"Referral no. {referral_id}").wait_for()
    assert member.get_by_text(ASKED).is_visible()
    assert member.get_by_text("13 to 17").is_visible()
    assert member.get_by_text("Botkyrka", exact=True).count() == 0  # the municipality was not ticked
    _checked(member, "partner-received")
    member.get_by_role("button", name="Accept the referral").click()
    member.get_by_text("You accepted the referral.").wait_for()
    member.get_by_role("group", name="Outcome").get_by_label("Successful", exact=True).check()
    member.get_by_role("button", name="Mark done").click()
    member.get_by_text("The referral is marked done.").wait_for()
    _checked(member, "partner-done")

    # A professional of another unit sees none of it.
    stranger = _page(context_factory, server, STRANGER)
    response = stranger.goto(server.url(f"/staff/partner/referrals/{referral_id}/"))
    assert response is not None and response.status == 404
    assert ASKED not in stranger.content()
    stranger.goto(server.url("/staff/partner/referrals/"))
    stranger.get_by_text("Your unit has no referrals.").wait_for()

    # The counsellor sees each step on the referral and on the case's timeline.
    counsellor.goto(referral_url)
    steps = counsellor.locator("ol.referral-steps").inner_text()
    for kind in ("Sent", "Received", "Accepted", "Done"):
        assert kind in steps
    counsellor.goto(case_url + "follow-up/")
    events = counsellor.locator("ol.followup-events").inner_text()
    unit_name = f"Botkyrka kommun (e2e), {UNIT}"
    assert f"Referral sent to {unit_name}" in events
    assert f"Referral received by {unit_name}" in events
    assert f"Referral accepted by {unit_name}" in events
    assert f"Referral to {unit_name} done (successful)" in events
    _checked(counsellor, "timeline")

    # A second referral gets no answer: past its deadline it escalates, once, and the case's
    # supervisor is told; the timeline shows it.
    code = SECOND_REFERRAL_AND_ESCALATION.format(counsellor=COUNSELLOR[0], unit=UNIT, case_id=case_id)
    assert server.manage("shell", "-c", code).strip().splitlines()[-2:] == ["0", "1"]
    notice = mailbox.wait_for(SUPERVISOR[0])
    assert "Akut" not in notice.get_content()
    counsellor.goto(case_url + "follow-up/")
    assert "escalated: no answer by the deadline" in counsellor.locator("ol.followup-events").inner_text()
    supervisor = _page(context_factory, server, SUPERVISOR)
    supervisor.goto(server.url("/staff/referrals/"))
    escalated = supervisor.get_by_role("region", name="Escalated: no answer by the deadline")
    assert UNIT in escalated.inner_text()
    _checked(supervisor, "escalated")
