"""A staff member signs in with e-ID in Chromium at 360 x 740 (issue 13, item 5): the sign-in
page shows the e-ID button (the server is configured with the local OpenID Connect provider
by e2e/conftest.py), the provider answers at once with a high assurance level (LoA 3), and the
staff start page opens without a code being asked for. The e-ID is linked at this first use
to the account an administrator recorded the person's identity number on."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import STAFF_HOME, page_width
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PHONE = {"width": 360, "height": 740}
EMAIL = "eid.counsellor@e2e.hedershus.invalid"

SETUP = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.eid import identity_number_digest
from hedershus.accounts.models import User
user, created = User.objects.get_or_create(
    email={email!r}, defaults={{"role": "counsellor", "first_name": "Eid"}}
)
if created:
    user.set_password("e2e-eid-counsellor-password-Hedershus")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPEIDCOUNS")
user.eid_identity_digest = identity_number_digest({number!r})
user.save()
"""


def test_a_staff_member_signs_in_with_e_id_through_the_local_provider(
    server: Any, context_factory: Any
) -> None:
    from hedershus.accounts.tests.oidc_provider import LOA3, SWEDEN_CONNECT_PNR

    provider = server.extra["eid_provider"]
    provider.identity = {"sub": "e2e-subject-1", SWEDEN_CONNECT_PNR: "198112189876", "acr": LOA3}
    server.manage("shell", "-c", SETUP.format(email=EMAIL, number="198112189876"))
    # The checkers are scripts the page's CSP would block: a context that bypasses it looks.
    checked = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True).new_page()
    checked.goto(server.url("/staff/auth/login/"))
    assert violations(checked) == []
    assert page_width(checked) <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    checked.screenshot(path=str(SHOTS / "eid-sign-in-360x740.png"), full_page=True)
    # The sign-in buttons (password, e-ID, passkey) stand apart and start at the same left edge
    # (a tester saw them touching, the e-ID one centred).
    boxes = [
        box
        for box in (b.bounding_box() for b in checked.locator("main button:visible").all())
        if box is not None
    ]
    assert len(boxes) >= 2
    for upper, lower in itertools.pairwise(boxes):
        assert lower["y"] - (upper["y"] + upper["height"]) >= 8
        assert abs(lower["x"] - upper["x"]) < 1
    # The sign-in itself with the CSP in force: its form-action must allow the provider.
    page = context_factory(locale="sv-SE", viewport=PHONE).new_page()
    page.goto(server.url("/staff/auth/login/"))
    button = page.get_by_role("button", name=re.compile("e-legitimation"))
    assert button.is_visible()
    assert "Logga in med e-legitimation (Test-e-legitimation)" in button.inner_text()
    button.click()
    page.wait_for_url(STAFF_HOME)
    assert "/2fa/" not in page.url  # a LoA 3 e-ID was both factors
    assert page.url.rstrip("/").endswith("/staff")
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "eid-signed-in-360x740.png"), full_page=True)
    assert "/authorize" in provider.requests


AUDITOR_EMAIL = "eid.auditor@e2e.hedershus.invalid"
AUDITOR_PASSWORD = "e2e-eid-auditor-password-Hedershus"
AUDITOR_SECRET = "JBSWY3DPEHPK3PXPEIDAUDIT"

AUDITOR_SETUP = """
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from hedershus.accounts.models import User
user, created = User.objects.get_or_create(
    email={email!r}, defaults={{"role": "auditor", "first_name": "Eid"}}
)
if created:
    user.set_password({password!r})
    user.save()
    TOTP.activate(user, {secret!r})
SocialAccount.objects.filter(user=user).delete()
User.objects.filter(pk=user.pk).update(eid_identity_digest="", eid_identity_source="")
"""


def test_an_auditor_links_their_own_e_id_from_the_two_factor_page(server: Any, context_factory: Any) -> None:
    """An administrator cannot record a number on an auditor's account (issue 13 item 5
    follow-up): the auditor, signed in with password and code, links their own e-ID."""
    from e2e.staff import staff_sign_in
    from hedershus.accounts.tests.oidc_provider import LOA3, SWEDEN_CONNECT_PNR

    provider = server.extra["eid_provider"]
    provider.identity = {"sub": "e2e-subject-auditor", SWEDEN_CONNECT_PNR: "199001012385", "acr": LOA3}
    server.manage(
        "shell",
        "-c",
        AUDITOR_SETUP.format(email=AUDITOR_EMAIL, password=AUDITOR_PASSWORD, secret=AUDITOR_SECRET),
    )
    page = context_factory(locale="sv-SE", viewport=PHONE).new_page()
    staff_sign_in(page, server, AUDITOR_EMAIL, AUDITOR_PASSWORD, AUDITOR_SECRET)
    page.goto(server.url("/staff/auth/2fa/"))
    page.get_by_role("link", name="Koppla min e-legitimation").click()
    page.wait_for_url(re.compile(r"/staff/account/e-id/$"))
    assert "Ingen e-legitimation är kopplad" in page.inner_text("main")
    assert page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Koppla min e-legitimation").click()
    page.wait_for_url(re.compile(r"/staff/account/e-id/$"))
    text = page.inner_text("body")
    assert "Din e-legitimation är kopplad" in text
    assert "En e-legitimation är kopplad till ditt konto" in text
    assert page_width(page) <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "eid-self-link-360x740.png"), full_page=True)
    # Removing it again (issue 13 item 5, round 2): link and number go, this session goes on.
    page.get_by_role("button", name="Ta bort min e-legitimation").click()
    page.wait_for_url(re.compile(r"/staff/account/e-id/$"))
    text = page.inner_text("body")
    assert "Din e-legitimation är borttagen" in text
    assert "Ingen e-legitimation är kopplad" in text
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "eid-removed-360x740.png"), full_page=True)
