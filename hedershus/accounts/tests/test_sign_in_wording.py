"""What the sign-in pages say and when they ask again (issue 7, item 7).

- Signing in (password and second factor) counts as a fresh authentication: sensitive pages
  do not ask again until ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` has passed since the sign-in.
- A TOTP code used a moment ago is answered "already used, wait for the next", not
  "incorrect", at the sign-in step and at re-authentication.
- No page speaks of signing up (there is no sign-up), and the sign-up and e-mail
  confirmation addresses do not exist.
- Every page at the end of a password path leads on to sign-in.
"""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

PASSWORD = "correct-horse-battery-staple"
SECRET = "JBSWY3DPEHPK3PXP"
# "register" as a word: the staff menu's "Registerutdrag" (a data-subject extract) is no sign-up.
SIGN_UP = re.compile(r"sign[\s-]?up|\bregister\b|registrera|skapa (ett )?konto", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _english(client) -> None:
    # Each test has a cache namespace of its own (conftest.py), so used codes do not carry over.
    # The staff pages follow the browser's language (Swedish by default); these tests read English.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _code() -> str:
    # Never a code about to expire: the test sends it twice.
    if time.time() % 30 > 25:
        time.sleep(30.5 - time.time() % 30)
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def _sign_in(client, user, code: str):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_a_fresh_sign_in_is_not_asked_again(client, administrator):
    response = _sign_in(client, administrator, _code())
    assert response.status_code == 302
    # A page behind reauthentication_required opens at once after signing in.
    response = client.get(reverse("staff:user_create"))
    assert response.status_code == 200, response.get("Location")


def test_re_authentication_is_asked_once_the_window_has_passed(client, administrator, settings):
    _sign_in(client, administrator, _code())
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(reverse("staff:user_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_password_only_first_sign_in_also_counts(client, user_without_mfa):
    client.post(reverse("account_login"), {"login": user_without_mfa.email, "password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_reused_code_at_sign_in_is_called_used_not_incorrect(client, counsellor):
    code = _code()
    _sign_in(client, counsellor, code)
    client.post(reverse("account_logout"))
    response = _sign_in(client, counsellor, code)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already been used" in page
    assert "Incorrect code" not in page
    assert client.get(reverse("staff:dashboard")).status_code == 302  # still not signed in


def test_a_wrong_code_is_still_called_incorrect(client, counsellor):
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    response = _sign_in(client, counsellor, wrong)
    assert "Incorrect code" in response.content.decode()
    assert "already been used" not in response.content.decode()


def test_a_reused_code_at_re_authentication_is_called_used(client, counsellor):
    code = _code()
    _sign_in(client, counsellor, code)
    response = client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()


def test_the_swedish_message_for_a_reused_code(client, counsellor):
    code = _code()
    _sign_in(client, counsellor, code)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": counsellor.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "redan använts" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "sv"])
def test_no_page_speaks_of_signing_up(client, user_without_mfa, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    anonymous = [
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_reset_password_from_key_done"),
        reverse("account_inactive"),
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
    ]
    for url in anonymous:
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert not SIGN_UP.search(response.content.decode()), url
    client.post(reverse("account_login"), {"login": user_without_mfa.email, "password": PASSWORD})
    for url in (reverse("mfa_index"), reverse("mfa_activate_totp"), reverse("mfa_add_webauthn")):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert not SIGN_UP.search(response.content.decode()), url


def test_sign_up_and_email_confirmation_do_not_exist(client, db):
    assert client.get("/staff/auth/signup/").status_code == 404
    assert client.get("/staff/auth/confirm-email/").status_code == 404
    assert client.get("/staff/auth/confirm-email/some-key/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "account_reset_password_from_key_done",
        "account_reset_password_done",
        "account_inactive",
        "account_reset_password",
    ],
)
def test_every_end_of_a_password_path_leads_on_to_sign_in(client, db, url):
    page = client.get(reverse(url)).content.decode()
    assert f'href="{reverse("account_login")}"' in page
