"""The account lock: neither too weak nor a weapon (issue 7, item 3).

(a) A delay stops every step of every sign-in of the account: the password step, the
    second-factor step of a sign-in already past its password, and re-authentication; an
    administrator's lock or deactivation ends existing sessions.
(b) Strangers' wrong passwords start increasing delays, not a lock they can keep on; once
    a delay has passed, the right password and code sign in.
(c) A delayed sign-in is told so in words (and in time) that say nothing about whether an
    account has the address.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hedershus.accounts import services, throttle
from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent

PASSWORD = "correct-horse-battery-staple"
WRONG = "wrong-password-123"


def _totp_now() -> str:
    return format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30))


def _wrong_code() -> str:
    return "000000" if _totp_now() != "000000" else "111111"


def _password_step(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _is_delayed(response: Any) -> bool:
    """The page is the form again, refused because signing in with the address is paused."""
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    errors = form.errors.as_data().values() if form is not None else []
    return any(error.code == "sign_in_delayed" for field in errors for error in field)


def _signed_in(client: Client) -> bool:
    return bool(client.get(reverse("staff:dashboard")).status_code == 200)


def _events(event_type: str, user: User | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(event_type=event_type)
    if user is not None:
        events = events.filter(object_id=str(user.pk))
    return list(events.order_by("pk"))


def _lock(user: User) -> None:
    """An administrator's lock for the next hour."""
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(hours=1))


@pytest.fixture(autouse=True)
def _long_delays(settings: Any) -> None:
    """Delays far longer than a slow test run takes, so none runs out by itself mid-test;
    tests that need one to pass move the back-off's clock (``clock``)."""
    settings.SIGN_IN_DELAY_SECONDS = 600
    settings.LOCKOUT_MINUTES = 120


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The back-off's clock, moved forward with ``clock.advance(seconds)``."""

    class Clock:
        offset = 0.0

        def advance(self, seconds: float) -> None:
            self.offset += seconds

    moved = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: time.time() + moved.offset)
    return moved


# --- (a) a delay stops every step ----------------------------------------------------


def test_wrong_codes_stop_the_same_pending_sign_in_from_accepting_the_right_code(client, counsellor, clock):
    assert _password_step(client, counsellor.email)["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": _wrong_code()})
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert _is_delayed(response)
    assert not _signed_in(client)
    assert not _events("auth.login", counsellor)
    assert [event.data["stage"] for event in _events("auth.login_delayed", counsellor)] == ["second_factor"]

    clock.advance(601)
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert _signed_in(client)


def test_wrong_codes_also_delay_the_password_step_of_every_other_sign_in(client, counsellor):
    _password_step(client, counsellor.email)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": _wrong_code()})
    assert _is_delayed(_password_step(Client(), counsellor.email))


def test_a_delay_started_elsewhere_stops_a_sign_in_already_at_its_second_step(client, counsellor):
    _password_step(client, counsellor.email)  # this sign-in is past its password
    stranger = Client()
    for _ in range(5):
        _password_step(stranger, counsellor.email, WRONG)
    assert _is_delayed(client.post(reverse("mfa_authenticate"), {"code": _totp_now()}))
    assert not _signed_in(client)


def test_a_delay_applies_to_re_authentication_with_password_and_with_code(counsellor, signed_in):
    client = signed_in(counsellor, reauthenticated=False)
    for _ in range(5):
        _password_step(Client(), counsellor.email, WRONG)
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert _is_delayed(response)
    response = client.post(reverse("mfa_reauthenticate"), {"code": _totp_now()})
    assert _is_delayed(response)
    # A delay does not end the session itself: strangers must not be able to sign staff out.
    assert _signed_in(client)


def test_wrong_codes_at_re_authentication_count_and_delay(counsellor, signed_in):
    client = signed_in(counsellor, reauthenticated=False)
    for _ in range(5):
        client.post(reverse("mfa_reauthenticate"), {"code": _wrong_code()})
    assert _is_delayed(client.post(reverse("mfa_reauthenticate"), {"code": _totp_now()}))
    stages = {event.data["stage"] for event in _events("auth.login_failed", counsellor)}
    assert stages == {"second_factor_reauthentication"}


@pytest.mark.parametrize("how", ["deactivated", "locked"])
def test_deactivating_or_locking_an_account_ends_its_sessions(counsellor, administrator, signed_in, how):
    client = signed_in(counsellor)
    assert _signed_in(client)
    if how == "deactivated":
        services.user_update(
            actor=administrator,
            user=counsellor,
            first_name=counsellor.first_name,
            last_name=counsellor.last_name,
            role=counsellor.role,
            is_active=False,
        )
    else:
        _lock(counsellor)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("how", ["deactivated", "locked"])
def test_deactivating_or_locking_an_account_stops_a_sign_in_at_its_second_step(client, counsellor, how):
    _password_step(client, counsellor.email)
    if how == "deactivated":
        User.objects.filter(pk=counsellor.pk).update(is_active=False)
    else:
        _lock(counsellor)
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert not _signed_in(client)
    assert not _events("auth.login", counsellor)


def test_a_locked_account_is_refused_even_with_the_right_password(client, counsellor):
    _lock(counsellor)
    response = _password_step(client, counsellor.email)
    assert response.status_code == 200
    assert "Location" not in response
    assert [event.data["reason"] for event in _events("auth.login_blocked", counsellor)] == ["locked"]


@pytest.mark.parametrize("locked", [True, False])
def test_a_locked_account_cannot_sign_in_by_passkey_either(rf, counsellor, locked):
    """A passkey sign-in skips the password step; allauth's login flow is run as its
    passkey view runs it, for a verified passkey of the account."""
    from importlib import import_module

    from allauth.account.internal.flows.login import perform_login
    from allauth.account.models import Login
    from allauth.core import context
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage import default_storage

    if locked:
        _lock(counsellor)
        counsellor.refresh_from_db()
    request = rf.post("/staff/auth/2fa/webauthn/login/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    request._messages = default_storage(request)
    with context.request_context(request):
        response = perform_login(request, Login(user=counsellor))
    refused = response["Location"] == reverse("account_inactive")
    assert refused is locked
    assert bool(_events("auth.login_blocked", counsellor)) is locked


# --- (b) delays, not a lock a stranger keeps on -----------------------------------------


def test_strangers_wrong_passwords_delay_the_account_and_the_person_gets_in_after(client, counsellor, clock):
    stranger = Client()
    for _ in range(5):
        _password_step(stranger, counsellor.email, WRONG)
    assert _is_delayed(_password_step(client, counsellor.email))  # the right password, too soon
    assert not _events("auth.locked")
    [delayed] = _events("auth.login_delayed", counsellor)
    assert delayed.data == {"stage": "password", "failures": 5, "seconds": 600, "known_account": True}

    clock.advance(601)
    assert _password_step(client, counsellor.email)["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert _signed_in(client)


def test_attempts_during_a_delay_are_refused_unchecked_and_do_not_lengthen_it(client, counsellor, clock):
    stranger = Client()
    for _ in range(5):
        _password_step(stranger, counsellor.email, WRONG)
    for _ in range(20):
        assert _is_delayed(_password_step(stranger, counsellor.email, WRONG))
    # One refusal recorded per delay, not one per request.
    assert len(_events("auth.login_blocked", counsellor)) == 1
    assert len(_events("auth.login_failed", counsellor)) == 5
    clock.advance(601)
    assert _password_step(client, counsellor.email)["Location"] == reverse("mfa_authenticate")


def test_each_further_failure_doubles_the_delay_up_to_the_cap(client, counsellor, clock, settings):
    settings.SIGN_IN_DELAY_SECONDS = 30
    settings.LOCKOUT_MINUTES = 4
    for _ in range(4):
        _password_step(client, counsellor.email, WRONG)
    seconds = []
    for _ in range(5):
        _password_step(client, counsellor.email, WRONG)
        seconds.append(_events("auth.login_delayed", counsellor)[-1].data["seconds"])
        clock.advance(seconds[-1] + 1)
    assert seconds == [30, 60, 120, 240, 240]


def test_a_complete_sign_in_forgets_earlier_failures(client, counsellor):
    for _ in range(4):
        _password_step(Client(), counsellor.email, WRONG)
    _password_step(client, counsellor.email)
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert _signed_in(client)
    # Four more wrong passwords start no delay: the count began again.
    for _ in range(4):
        assert not _is_delayed(_password_step(Client(), counsellor.email, WRONG))
    assert not _events("auth.login_delayed")


def test_an_administrator_can_end_a_delay(client, counsellor, administrator):
    for _ in range(5):
        _password_step(Client(), counsellor.email, WRONG)
    services.user_unlock(actor=administrator, user=counsellor)
    assert _password_step(client, counsellor.email)["Location"] == reverse("mfa_authenticate")


# --- (c) nothing tells whether the account exists ------------------------------------


def _message(response: Any) -> str:
    """The page's text without the parts that differ on every response (tokens, nonces)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_the_delayed_answer_is_the_same_for_an_account_and_a_made_up_address(counsellor):
    made_up = "nobody-has-this@example.org"
    for address in (counsellor.email, made_up):
        for _ in range(5):
            _password_step(Client(), address, WRONG)
    for password in (PASSWORD, WRONG):
        known = _password_step(Client(), counsellor.email, password)
        unknown = _password_step(Client(), made_up, password)
        assert _is_delayed(known) and _is_delayed(unknown)
        assert known.status_code == unknown.status_code
        # The pages differ only in the address typed back into the form.
        assert _message(known).replace(counsellor.email, "ADDRESS") == _message(unknown).replace(
            made_up, "ADDRESS"
        )


def test_the_delayed_message_says_how_long_to_wait_and_nothing_about_the_account(client, db, clock):
    for _ in range(5):
        _password_step(client, "nobody@example.org", WRONG)
    # The staff pages speak Swedish.
    assert "försök igen om 10 minuter." in _password_step(client, "nobody@example.org").content.decode()
    clock.advance(601)
    _password_step(client, "nobody@example.org", WRONG)  # the sixth failure: twice as long
    text = _password_step(client, "nobody@example.org").content.decode()
    assert "Av säkerhetsskäl är inloggningen pausad: försök igen om 20 minuter." in text
    message = text[text.index("För många misslyckade") :].split("<")[0].lower()
    for revealing in ("låst", "finns", "okänd", "saknas", "konto", "locked", "exist", "unknown", "account"):
        assert revealing not in message


class CountingHasher(MD5PasswordHasher):
    """The tests' cheap hasher, counting how often a password is hashed."""

    calls: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        self.calls.append("hash")
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls.clear()
    return CountingHasher


def test_an_unknown_address_costs_one_password_hash_like_an_account(client, counsellor, counting_hasher):
    _password_step(client, counsellor.email, WRONG)
    known = len(counting_hasher.calls)
    counting_hasher.calls.clear()
    _password_step(client, "nobody-has-this@example.org", WRONG)
    assert known == len(counting_hasher.calls) == 1


def test_a_delayed_attempt_costs_no_password_hash_for_an_account_or_an_unknown_address(
    counsellor, counting_hasher
):
    for address in (counsellor.email, "nobody-has-this@example.org"):
        for _ in range(5):
            _password_step(Client(), address, WRONG)
        counting_hasher.calls.clear()
        assert _is_delayed(_password_step(Client(), address))
        assert counting_hasher.calls == []
