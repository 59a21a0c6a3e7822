"""A new staff member's first day, in Chromium (issue 7, items 1, 5 and 7): an administrator
signs in with password and TOTP and creates the account; the one-time link arrives by e-mail
(the administrator's page only says it was sent); the new person chooses a password, is led
on to sign in, sets up TOTP, sees the recovery codes and reaches a staff page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from e2e.staff import fresh_code, staff_sign_in

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).parent / "artifacts"
ADMIN = ("first-admin@e2e.hedershus.invalid", "e2e-admin-password-Hedershus", "JBSWY3DPEHPK3PXPADMINAAA")
NEWCOMER = "new.counsellor@e2e.hedershus.invalid"
NEW_PASSWORD = "my own long password 42"
LINK = re.compile(r"https?://[^\s/]+(/staff/auth/password/reset/key/\S+)")

CREATE_ADMIN = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
email, password, secret = {admin!r}
if not User.objects.filter(email=email).exists():
    user = User.objects.create_user(email=email, password=password, role="administrator", first_name="Ada")
    TOTP.activate(user, secret)
"""


def test_a_new_staff_member_gets_from_the_mailed_link_to_a_staff_page(
    server: Any, context_factory: Any
) -> None:
    server.manage("shell", "-c", CREATE_ADMIN.format(admin=ADMIN))
    email, password, secret = ADMIN

    # The administrator signs in with password and TOTP and creates the account.
    admin = context_factory(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    staff_sign_in(admin, server, email, password, secret)
    admin.wait_for_url(server.url("/staff/"))
    # Just signed in: creating a user does not ask for the password again (item 7).
    admin.goto(server.url("/staff/users/new/"))
    assert admin.url == server.url("/staff/users/new/")
    admin.fill("input[name=email]", NEWCOMER)
    admin.fill("input[name=first_name]", "Nadia")
    admin.fill("input[name=last_name]", "Berg")
    admin.select_option("select[name=role]", "counsellor")
    admin.click("main form button[type=submit]")
    admin.wait_for_url(re.compile(r"/staff/users/\d+/$"))
    page_text = admin.content()
    assert NEWCOMER in admin.inner_text("main")
    assert "/password/reset/key/" not in page_text  # the administrator never sees the link (item 5)

    message = server.extra["mailbox"].wait_for(NEWCOMER)
    found = LINK.search(message.get_content())
    assert found, message.get_content()

    # The new person, on their own device, opens the link from their mailbox.
    newcomer = context_factory(locale="en-US", viewport={"width": 360, "height": 740}).new_page()
    newcomer.goto(server.url(found.group(1)))
    newcomer.fill("input[name=password1]", NEW_PASSWORD)
    newcomer.fill("input[name=password2]", NEW_PASSWORD)
    newcomer.click("main form button[type=submit]")
    newcomer.wait_for_url(re.compile(r"/staff/auth/password/reset/key/done/"))
    # Led on to sign in (item 7).
    newcomer.click("main a[href='/staff/auth/login/']")
    newcomer.wait_for_url(re.compile(r"/staff/auth/login/"))
    newcomer.fill("input[name=login]", NEWCOMER)
    newcomer.fill("input[name=password]", NEW_PASSWORD)
    newcomer.click("form[action^='/staff/auth/login/'] button[type=submit]")
    # No second factor yet: the second-factor page, and nothing refused there (item 1).
    newcomer.wait_for_url(re.compile(r"/staff/auth/2fa/$"))
    ARTIFACTS.mkdir(exist_ok=True)
    newcomer.screenshot(path=str(ARTIFACTS / "second-factor-360x740.png"))
    assert "verified" not in newcomer.inner_text("main").lower()

    newcomer.click("main a[href='/staff/auth/2fa/totp/activate/']")
    newcomer.wait_for_url(re.compile(r"/staff/auth/2fa/totp/activate/"))
    new_secret = newcomer.input_value("#authenticator_secret")
    newcomer.fill("input[name=code]", fresh_code(new_secret))
    newcomer.click("main form button[type=submit]")
    newcomer.wait_for_url(re.compile(r"/staff/auth/2fa/recovery-codes/"))
    codes = re.findall(r"\b\d{8}\b", newcomer.input_value("main textarea"))
    assert len(codes) == 10, newcomer.inner_text("main")

    newcomer.goto(server.url("/staff/"))
    assert newcomer.url == server.url("/staff/")
    assert "Nadia" in newcomer.inner_text("main h1")
