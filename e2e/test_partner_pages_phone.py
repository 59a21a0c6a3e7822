"""Every page and form of the partner register (/staff/network/) and of a unit's own
administration (/staff/partner/) at 360x740, with long names and addresses: nothing widens
the page (a table scrolls inside its region, and nothing inside it, a visually hidden caption
included, sticks out past it; commit 67f871b), and each page passes axe-core and
HTML_CodeSniffer. Covers the pages the partner-register fixes changed too: a unit form with
every field wrong showing every error, the register administrator's explicit choice to add an
existing professional (their units listed), a unit admin's refused invitation, and an import
refused for a huge cell. Screenshots: /tmp/shots/partner-phone-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PASSWORD = "correct-horse-battery-staple-partner-phone"
ADMIN = ("phone-admin@example.org", "JBSWY3DPEHPK3PXH", "administrator", "Ada")
COUNSELLOR = ("phone-counsellor@example.org", "JBSWY3DPEHPK3PXI", "counsellor", "Cora")
UNIT_ADMIN = (
    "phone-unit-admin-with-a-long-address@socialtjansten.example.org",
    "JBSWY3DPEHPK3PXJ",
    "partner",
    "Ulla",
)
OTHER = ("phone-other-professional@sodertalje.example.org", "JBSWY3DPEHPK3PXK", "partner", "Omar")
MEMBER = ("phone-member-with-a-really-long-address@kommun.example.org", "JBSWY3DPEHPK3PXL", "partner", "Maja")
ORGANISATION = "Botkyrka kommun, socialförvaltningen med ett mycket långt namn"
UNIT = "Socialtjänsten, barn och unga, mottagningsgruppen med ett mycket långt namn"

SET_UP = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
users = {{}}
for email, secret, role, name in {people!r}:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password={password!r}, role=role, first_name=name,
            last_name="Långtefternamnsson-Förnamnsdotter",
        )
        TOTP.activate(user, secret)
    users[email] = user
organisation, _ = PartnerOrganisation.objects.get_or_create(name={organisation!r}, kind="shelter")
unit, _ = PartnerUnit.objects.get_or_create(
    organisation=organisation, name={unit!r}, services=["shelter", "support_talks"],
    defaults={{"phone": "08-123 456 78", "email": "mottagningen-barn-och-unga@botkyrka.example.org",
              "web": "https://www.botkyrka.example.org/socialtjanst/barn-och-unga/mottagningen"}},
)
UnitMembership.objects.get_or_create(
    unit=unit, user=users[{unit_admin!r}], defaults={{"is_unit_admin": True}}
)
UnitMembership.objects.get_or_create(unit=unit, user=users[{member!r}])
other, _ = PartnerOrganisation.objects.get_or_create(name="Södertälje kommun (telefon)", kind="municipality")
other_unit, _ = PartnerUnit.objects.get_or_create(organisation=other, name="Socialtjänsten Södertälje")
UnitMembership.objects.get_or_create(unit=other_unit, user=users[{other!r}])
print(organisation.pk, unit.pk, users[{member!r}].pk)
"""

# What sticks out past the phone's width, for the failure message.
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > 361)
  .slice(0, 8)
  .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


@pytest.fixture(scope="module")
def ids(server: Any) -> dict[str, int]:
    code = SET_UP.format(
        people=[ADMIN, COUNSELLOR, UNIT_ADMIN, OTHER, MEMBER],
        password=PASSWORD,
        organisation=ORGANISATION,
        unit=UNIT,
        unit_admin=UNIT_ADMIN[0],
        member=MEMBER[0],
        other=OTHER[0],
    )
    organisation, unit, member = server.manage("shell", "-c", code).strip().splitlines()[-1].split()
    return {"organisation": int(organisation), "unit": int(unit), "member": int(member)}


def _page(context_factory: Any, server: Any, person: tuple[str, str, str, str]) -> Any:
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, person[0], PASSWORD, person[1])
    return page


def _checked(page: Any, name: str) -> None:
    assert page_width(page) <= PHONE["width"], (name, page.evaluate(WIDE))
    assert violations(page) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"partner-phone-{name}.png"), full_page=True)


def test_every_register_page_and_form_fits_a_phone(
    context_factory: Any, server: Any, ids: dict[str, int], tmp_path: Path
) -> None:
    page = _page(context_factory, server, ADMIN)
    unit, organisation = ids["unit"], ids["organisation"]
    for name, path in (
        ("list", "/staff/network/"),
        ("organisations", "/staff/network/organisations/"),
        ("organisation", f"/staff/network/organisations/{organisation}/"),
        ("organisation-edit", f"/staff/network/organisations/{organisation}/edit/"),
        ("unit-new", f"/staff/network/organisations/{organisation}/units/new/"),
        ("unit", f"/staff/network/units/{unit}/"),
        ("unit-edit", f"/staff/network/units/{unit}/edit/"),
        ("invite", f"/staff/network/units/{unit}/professionals/invite/"),
        ("import", "/staff/network/import/"),
    ):
        page.goto(server.url(path))
        _checked(page, name)

    page.goto(server.url(f"/staff/network/units/{unit}/edit/"))
    page.get_by_label("Free places").fill("-3")
    page.get_by_label("Phone").fill("=1+1")
    page.get_by_label("Web address").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Nothing was saved").wait_for()
    for field in ("Free places", "Phone", "Web address"):
        assert page.locator(".errors").get_by_role("link", name=f"{field}:").count() == 1, field
    _checked(page, "unit-edit-refused")

    page.goto(server.url(f"/staff/network/units/{unit}/professionals/invite/"))
    page.get_by_label("E-mail address").fill(OTHER[0])
    page.get_by_label("First name").fill("Omar")
    page.get_by_label("Last name").fill("Test")
    page.get_by_role("button", name="Invite").click()
    page.get_by_role("heading", name="This person already has a partner professional's account").wait_for()
    assert page.get_by_text("Södertälje kommun (telefon) \N{EN DASH} Socialtjänsten Södertälje").is_visible()
    _checked(page, "invite-existing")

    huge = tmp_path / "huge.csv"
    huge.write_text(
        f"organisation;organisation_kind;unit;public_description\nOrg;ngo;Enhet;{'x' * 300_000}\n",
        encoding="utf-8",
    )
    page.goto(server.url("/staff/network/import/"))
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(huge))
    page.get_by_role("button", name="Check and import").click()
    page.get_by_role("heading", name="Nothing was imported").wait_for()
    assert page.get_by_text("Line 2, column public_description (4)").is_visible()
    _checked(page, "import-huge-cell")


def test_a_counsellor_reads_the_register_on_a_phone(
    context_factory: Any, server: Any, ids: dict[str, int]
) -> None:
    page = _page(context_factory, server, COUNSELLOR)
    for name, path in (
        ("counsellor-list", "/staff/network/"),
        ("counsellor-unit", f"/staff/network/units/{ids['unit']}/"),
    ):
        page.goto(server.url(path))
        _checked(page, name)


def test_a_unit_admins_pages_fit_a_phone(context_factory: Any, server: Any, ids: dict[str, int]) -> None:
    page = _page(context_factory, server, UNIT_ADMIN)
    unit = ids["unit"]
    for name, path in (
        ("partner-home", "/staff/partner/"),
        ("partner-unit", f"/staff/partner/unit/{unit}/"),
        ("partner-invite", f"/staff/partner/unit/{unit}/invite/"),
        ("partner-remove", f"/staff/partner/unit/{unit}/members/{ids['member']}/remove/"),
    ):
        page.goto(server.url(path))
        _checked(page, name)

    page.goto(server.url(f"/staff/partner/unit/{unit}/invite/"))
    page.get_by_label("First name").fill("Omar")
    page.get_by_label("Last name").fill("Test")
    page.get_by_label("E-mail address").fill(OTHER[0])
    page.get_by_role("button", name="Add and send the link").click()
    page.get_by_text("it already has an account in Hedershus").wait_for()
    _checked(page, "partner-invite-refused")
