"""Passkeys end to end in Chromium (issue 13, item 6): a staff member adds a passkey with
Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain stands in for a
phone or a security key), signs out, and signs in again with the passkey alone: no password,
no code.

WebAuthn needs a secure context and a domain as relying-party id: an IP address is refused,
so this test speaks to the server as http://staff.localhost:<port> (browsers send *.localhost
to this machine and treat it as secure; allauth takes the relying party's id from the
request's host).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import fresh_code

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).parent / "artifacts"
STAFF = (
    "passkey.counsellor@e2e.hedershus.invalid",
    "e2e-passkey-password-Hedershus",
    "JBSWY3DPEHPK3PXPPASSKEYA",
)

CREATE_STAFF = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
email, password, secret = {staff!r}
if not User.objects.filter(email=email).exists():
    user = User.objects.create_user(email=email, password=password, role="counsellor", first_name="Pia")
    TOTP.activate(user, secret)
"""


def _virtual_authenticator(page: Any) -> tuple[Any, str]:
    """A platform authenticator that holds discoverable credentials and verifies its user at
    once (as a phone's fingerprint reader would): (the DevTools session, its id)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session, added["authenticatorId"]


def test_a_staff_member_adds_a_passkey_and_signs_in_with_it_alone(server: Any, browser: Any) -> None:
    server.manage("shell", "-c", CREATE_STAFF.format(staff=STAFF))
    email, password, secret = STAFF
    origin = server.origin.replace("127.0.0.1", "staff.localhost")
    context = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        session, authenticator = _virtual_authenticator(page)

        # Signed in the usual way: password, then the authenticator app's code.
        page.goto(origin + "/staff/auth/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("form[action^='/staff/auth/login/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/staff/auth/2fa/authenticate/"))
        page.fill("input[name=code]", fresh_code(secret))
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/staff/(?!auth/)"))

        # Adds a passkey (a key that signs in without a password).
        page.goto(origin + "/staff/auth/2fa/webauthn/add/")
        page.fill("input[name=name]", "My phone")
        page.check("input[name=passwordless]")
        page.click("#mfa_webauthn_add")
        page.wait_for_url(lambda url: "/webauthn/add/" not in url)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "passkey-added-360x740.png"))
        held = {"authenticatorId": authenticator}
        credentials = session.send("WebAuthn.getCredentials", held)["credentials"]
        assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
        page.goto(origin + "/staff/auth/2fa/webauthn/")
        assert "My phone" in page.inner_text("main")

        # Signs out, then in again with the passkey alone.
        page.goto(origin + "/staff/auth/logout/")
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/logout/" not in url)
        page.goto(origin + "/staff/auth/login/")
        page.click("#passkey_login")
        page.wait_for_url(re.compile(r"/staff/(?!auth/)"))
        assert "Pia" in page.inner_text("body") or email in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "passkey-signed-in-360x740.png"))
        signed = session.send("WebAuthn.getCredentials", held)["credentials"]
        assert signed[0]["signCount"] > credentials[0]["signCount"]  # the key was used to sign in
    finally:
        context.close()
    # The sign-in and its scripts come from the site itself, nowhere else.
    assert [url for url in requests if not url.startswith(origin + "/") and not url.startswith("data:")] == []
    # The passkey sign-in is audited like any other.
    events = server.manage(
        "shell",
        "-c",
        "from hedershus.audit.models import AuditEvent; "
        f"print(list(AuditEvent.objects.filter(actor__email={email!r}, event_type__in=['auth.login', "
        "'mfa.activated']).values_list('event_type', flat=True)))",
    )
    assert "mfa.activated" in events and events.count("auth.login") >= 2
