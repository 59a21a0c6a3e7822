"""A data-subject extract for the demo person, in Chromium on a phone-sized screen (issue 13,
item 3, "Done when"): a counsellor records the request for Nour's identity number and reviews
the extract (the journal entry that speaks of her father withheld, the rest released), a
supervisor approves it, the PDF and the JSON download, and neither holds her father's name or
identity number while both hold hers. axe-core and HTML_CodeSniffer on every page."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PHONE = {"width": 360, "height": 740}
COUNSELLOR = (
    "sar.counsellor@e2e.hedershus.invalid",
    "e2e-counsellor-password-Hedersh",
    "JBSWY3DPEHPK3PXPSARCOUNS",
)
SUPERVISOR = (
    "sar.supervisor@e2e.hedershus.invalid",
    "e2e-supervisor-password-Hedersh",
    "JBSWY3DPEHPK3PXPSARSUPER",
)
SUBJECT_NAME = "Nour Exempelsdotter"
SUBJECT_NUMBER = "200903129823"
RELATIVE_NAME = "Karim Exempelsson"
RELATIVE_NUMBER = "197506049811"

SETUP = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.models import User
from hedershus.accounts.services import users_create_demo
from hedershus.cases.demo import demo_cases_load
from hedershus.subject_access.demo import demo_subject_access_load
for (email, password, secret), role in (({counsellor!r}, "counsellor"), ({supervisor!r}, "supervisor")):
    if not User.objects.filter(email=email).exists():
        user = User.objects.create_user(email=email, password=password, role=role, first_name=role.title())
        TOTP.activate(user, secret)
users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
demo_cases_load()
demo_subject_access_load()
# The e2e counsellor works on Nour's case (assigned): only staff who may read a case see and
# release its texts. The e2e supervisor is not on it and gives a reason first.
from django.utils import timezone
from hedershus.cases.models import CaseAssignment
from hedershus.subject_access.demo import demo_subject_person
case = demo_subject_person().case
counsellor = User.objects.get(email={counsellor!r}[0])
CaseAssignment.objects.get_or_create(
    case=case, user=counsellor, defaults={{"assigned_by": counsellor, "assigned_at": timezone.now()}}
)
"""


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"subject-access-{name}-360x740.png"), full_page=True)


def _checked(page: Any, name: str) -> None:
    assert violations(page) == [], name
    assert page_width(page) <= PHONE["width"], name
    _shot(page, name)


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def _absent(text: str) -> None:
    compact = re.sub(r"[\s-]", "", text)
    assert RELATIVE_NAME not in text and "Karim" not in text
    assert RELATIVE_NUMBER not in compact and RELATIVE_NUMBER[2:] not in compact


def test_a_counsellor_prepares_a_supervisor_approves_and_the_extract_withholds_the_father(
    server: Any, context_factory: Any
) -> None:
    server.manage("shell", "-c", SETUP.format(counsellor=COUNSELLOR, supervisor=SUPERVISOR))
    page = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True, accept_downloads=True).new_page()
    staff_sign_in(page, server, *COUNSELLOR)
    page.goto(server.url("/staff/subject-access/"))
    _checked(page, "list")

    page.click("a[href='/staff/subject-access/new/']")
    page.fill("input[name=identity_number]", "20090312-9824")  # a wrong check digit
    page.check("input[name=identity_check][value=e_id]")
    page.click("main form button[type=submit]")
    assert "Det är inte ett giltigt personnummer" in page.inner_text("main")
    _checked(page, "new-error")
    page.fill("input[name=identity_number]", "20090312-9823")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/subject-access/\d+/$"))
    detail_url = page.url
    main = page.inner_text("main")
    assert SUBJECT_NAME in main and "[undanhållen]" in main
    _absent(main)
    _checked(page, "review")

    # Each free text: the journal entry (it speaks of her father) withheld, the rest released.
    forms = page.locator("form.sar-decide")
    for index in range(forms.count()):
        form = page.locator("form.sar-decide").nth(index)
        item = form.locator("input[name=item]").get_attribute("value") or ""
        form.locator("select[name=decision]").select_option(
            "other_person" if item.startswith("journal:") else "release"
        )
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    assert "0 inte granskade" in page.inner_text("main")
    assert "Godkänn utdraget" not in page.inner_text("main")  # four eyes: not by the preparer
    _checked(page, "reviewed")

    supervisor = context_factory(
        locale="sv-SE", viewport=PHONE, bypass_csp=True, accept_downloads=True
    ).new_page()
    staff_sign_in(supervisor, server, *SUPERVISOR)
    supervisor.goto(detail_url)
    # Not on the case: its texts are hidden and the approval would be refused; the page links
    # to the case's reason page.
    assert "kontrollerar hennes telefon" not in supervisor.inner_text("main")
    _checked(supervisor, "no-access")
    supervisor.click("a[href$='/reason/']")
    supervisor.fill("textarea[name=reason]", "Granskar ett registerutdrag inför godkännande.")
    supervisor.click("main form[action$='/reason/'] button[type=submit]")
    supervisor.wait_for_load_state()
    supervisor.goto(detail_url)
    assert "Ange skäl för att öppna ärendet" not in supervisor.inner_text("main")
    _checked(supervisor, "to-approve")
    # A refusal without a reason: back at the form, the error next to the field.
    supervisor.click("form[action$='/refuse/'] button[type=submit]")
    supervisor.wait_for_url(detail_url + "#decide-heading")
    assert supervisor.locator("#id_reason[aria-invalid=true]").count() == 1
    assert supervisor.inner_text("#id_reason_error").strip()
    _checked(supervisor, "refuse-error")
    supervisor.click("form[action$='/approve/'] button[type=submit]")
    supervisor.wait_for_url(detail_url)
    assert "Utdraget är godkänt" in supervisor.inner_text("main")
    _checked(supervisor, "approved")

    pdf = _download(supervisor, "a[href$='/extract.pdf']")
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert SUBJECT_NAME in text and SUBJECT_NUMBER in text
    assert "[undanhållen] Uppgift om annan person" in text
    _absent(text)
    (SHOTS / "subject-access-extract.txt").write_text(text)

    raw = _download(supervisor, "a[href$='/extract.json']")
    document = json.loads(raw)
    assert document["schema_version"] == 3
    [case] = document["cases"]
    assert case["your_entries"][0]["name"] == SUBJECT_NAME
    assert case["your_entries"][0]["identity_number"] == SUBJECT_NUMBER
    assert case["other_persons"] and all(p["released"] is False for p in case["other_persons"])
    # The withheld journal entry is left out whole, listed among the other information.
    assert case["journal"] == [] and case["withheld_information"][0]["released"] is False
    assert "IMY" in document["about_the_processing"]["complaint"]["text"]
    _absent(raw.decode("utf-8"))

    supervisor.click("form[action$='/deliver/'] button[type=submit]")
    supervisor.wait_for_url(detail_url)
    assert "Lämnat" in supervisor.inner_text("main")
    assert supervisor.locator("a[href$='/extract.pdf']").count() == 0
    supervisor.goto(detail_url + "extract.pdf")
    supervisor.wait_for_url(detail_url)
    _checked(supervisor, "after-delivery")
    # The list with a row: its table scrolls in a labelled region reachable by keyboard.
    page.goto(server.url("/staff/subject-access/"))
    region = page.locator("div.table-scroll[role=region][tabindex='0']")
    assert region.count() == 1 and region.get_attribute("aria-labelledby") == "requests-caption"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    _checked(page, "list-rows")


def test_the_fathers_extract_asks_for_a_decision_on_every_record_of_her_case(
    server: Any, context_factory: Any
) -> None:
    """Her father asks for his own data: the preview says he is not the exposed person, marks
    every record of the case for a decision with the reason preselected, and still shows him
    his own name; at 360 px, with axe-core and HTML_CodeSniffer clean."""
    server.manage("shell", "-c", SETUP.format(counsellor=COUNSELLOR, supervisor=SUPERVISOR))
    page = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, *COUNSELLOR)
    page.goto(server.url("/staff/subject-access/new/"))
    page.fill("input[name=identity_number]", "19750604-9811")
    page.check("input[name=identity_check][value=id_document]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/subject-access/\d+/$"))
    main = page.inner_text("main")
    assert RELATIVE_NAME in main
    assert "inte registrerad som den utsatta" in main
    facts = page.locator(".sar-item.sar-fact")
    # His role and alias, the two contacts, the flag, the decision and the journal entry at least.
    assert facts.count() >= 6
    assert facts.count() == page.locator(".sar-fact option[value=other_person][selected]").count()
    _checked(page, "father-review")
