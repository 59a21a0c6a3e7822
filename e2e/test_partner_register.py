"""An administrator keeps the partner register on a phone (issue 11, R19): adds an
organisation and a unit with its services, areas and languages; a unit form with a bad
language code is refused with a summary and saves nothing; an import whose second data row
is bad lists it by line and column and imports nothing, and the example file then imports.
A counsellor filters the register read-only. Each page passes axe-core and HTML_CodeSniffer
and fits 360 px. Screenshots at 360x740: /tmp/shots/partners-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
EXAMPLE = (
    Path(__file__).resolve().parent.parent / "hedershus" / "partners" / "examples" / "partners-example.csv"
)
ADMIN = ("partners-admin@example.org", "JBSWY3DPEHPK3PXA")
COUNSELLOR = ("partners-counsellor@example.org", "JBSWY3DPEHPK3PXC")
PASSWORD = "correct-horse-battery-staple-partners"

CREATE_USERS = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
for email, secret, role in {users!r}:
    if not User.objects.filter(email=email).exists():
        user = User.objects.create_user(
            email=email, password={password!r}, role=role, first_name="E2E", last_name=role
        )
        TOTP.activate(user, secret)
"""
COUNT = "from hedershus.partners.models import PartnerUnit; print(PartnerUnit.objects.count())"


@pytest.fixture(scope="module")
def users(server: Any) -> None:
    users = [(*ADMIN, "administrator"), (*COUNSELLOR, "counsellor")]
    server.manage("shell", "-c", CREATE_USERS.format(users=users, password=PASSWORD))


def _units(server: Any) -> int:
    return int(server.manage("shell", "-c", COUNT).strip().splitlines()[-1])


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"partners-{name}.png"), full_page=True)


def test_an_administrator_adds_units_and_imports_a_file_on_a_phone(
    context_factory: Any, server: Any, users: None, tmp_path: Path
) -> None:
    email, secret = ADMIN
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, email, PASSWORD, secret)
    # Other browser tests on this server add units of their own: count from what is there.
    before = _units(server)
    page.goto(server.url("/staff/network/"))
    _checked(page, "empty-list")

    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name", exact=True).fill("Upplands Väsby kommun")
    page.get_by_label("Kind").select_option(label="Municipality")
    page.get_by_label("Municipality", exact=True).select_option("Upplands Väsby")
    _checked(page, "organisation-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The organisation was added.").wait_for()
    _checked(page, "organisation")

    page.get_by_role("link", name="Add a unit").click()
    page.get_by_label("Name of the unit").fill(
        "Socialtjänsten, barn och unga, med ett mycket långt namn som bryts"
    )
    page.get_by_role("group", name="Services").get_by_label("Social services").check()
    page.get_by_role("group", name="Services").get_by_label("Child protection").check()
    page.get_by_role("group", name="Municipalities covered (none ticked: the whole county)").get_by_label(
        "Upplands Väsby"
    ).check()
    page.get_by_label("Languages").fill("sv, arabiska")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Nothing was saved").wait_for()
    assert page.get_by_text("'arabiska' is not a two-letter language code").first.is_visible()
    assert _units(server) == before
    _checked(page, "unit-refused")
    page.get_by_label("Languages").fill("sv, ar")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The unit was added.").wait_for()
    assert page.get_by_text("Arabic").is_visible()
    _checked(page, "unit")

    page.get_by_role("link", name="Import from a file").first.click()
    bad = tmp_path / "register.csv"
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("social_services;child_protection", "social_servces")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.get_by_role("heading", name="Nothing was imported").wait_for()
    assert page.get_by_text("Line 3, column services (6)").is_visible()
    assert _units(server) == before + 1
    _checked(page, "import-refused")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Check and import").click()
    page.get_by_text("Units added: 3").wait_for()
    assert _units(server) == before + 4
    _checked(page, "imported")


def test_a_counsellor_filters_the_register_read_only(context_factory: Any, server: Any, users: None) -> None:
    email, secret = COUNSELLOR
    page = context_factory(locale="en-US", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, email, PASSWORD, secret)
    page.goto(server.url("/staff/network/"))
    page.get_by_label("Service").select_option(label="Shelter")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/staff/network/?*")
    assert page.get_by_role("link", name="Add an organisation").count() == 0
    _checked(page, "counsellor-list")
