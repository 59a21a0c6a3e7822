"""Sign-in limits are per account (per typed address), never one bucket for the whole site
(issue 7, item 2). The platform never reads a client address, so allauth's per-IP limits
used to be shared by everyone: about 30 attempts with made-up addresses blocked every
staff member's sign-in with 429."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.checks import Error
from django.test import Client, override_settings
from django.urls import reverse

from hedershus.accounts import throttle
from hedershus.accounts.rate_limit_checks import check_no_rate_limit_per_client_address, effective_rate_limits
from hedershus.audit.models import AuditEvent

PASSWORD = "correct-horse-battery-staple"
WRONG = "wrong-password-123"


@pytest.fixture(autouse=True)
def _long_delays(settings: Any) -> None:
    """Delays far longer than a slow test run takes, so none runs out by itself mid-test;
    tests that need one to pass move the back-off's clock (``clock``)."""
    settings.SIGN_IN_DELAY_SECONDS = 600
    settings.LOCKOUT_MINUTES = 120


def _totp_now() -> str:
    return format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30))


def _password_step(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signs_in(client: Client, email: str) -> bool:
    """The whole sign-in: password, then the TOTP code; True if a staff page then opens."""
    response = _password_step(client, email)
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return False
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    return bool(client.get(reverse("staff:dashboard")).status_code == 200)


def _is_delayed(response: Any) -> bool:
    """The page is the form again, refused because signing in with the address is paused."""
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    errors = form.errors.as_data().values() if form is not None else []
    return any(error.code == "sign_in_delayed" for field in errors for error in field)


def test_many_sign_ins_with_made_up_addresses_do_not_block_a_staff_members_sign_in(client, counsellor):
    for number in range(40):
        response = _password_step(client, f"made-up-{number}@example.org", WRONG)
        assert response.status_code == 200, number  # the form again, never 429
    assert _signs_in(Client(), counsellor.email)


def test_many_made_up_password_links_do_not_block_a_real_set_up_link(client, user_without_mfa):
    # allauth limits these pages per client address by default (20 a minute).
    for number in range(25):
        response = client.post(
            reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": f"made-up-{number}"}),
            {"password1": "a-new-long-password-9", "password2": "a-new-long-password-9"},
        )
        assert response.status_code != 429, number
    user = user_without_mfa
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    newcomer = Client()
    form_url = newcomer.get(url)["Location"]  # allauth moves the key into the session
    response = newcomer.post(
        form_url, {"password1": "a-new-long-password-9", "password2": "a-new-long-password-9"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-password-9")


def test_the_per_account_limit_bites_on_one_account_without_affecting_another(client, counsellor, colleague):
    for _ in range(5):
        _password_step(client, counsellor.email, WRONG)
    assert _is_delayed(_password_step(Client(), counsellor.email))  # even the right password
    assert _signs_in(Client(), colleague.email)


def test_made_up_addresses_are_limited_per_typed_address_after_normalising(client, db):
    for typed in ("Nobody@Example.org", " nobody@example.org", "NOBODY@EXAMPLE.ORG ", "nobody@example.org"):
        assert not _is_delayed(_password_step(client, typed, WRONG))
    assert not _is_delayed(_password_step(client, "nObOdY@example.org", WRONG))  # the fifth failure
    assert _is_delayed(_password_step(client, "nobody@example.org", WRONG))
    assert not _is_delayed(_password_step(client, "somebody-else@example.org", WRONG))


def test_the_site_wide_ceiling_withdraws_free_failures_but_refuses_no_correct_sign_in(
    client, settings, counsellor, colleague
):
    settings.SIGN_IN_SITE_CEILING = 10
    for number in range(12):
        _password_step(client, f"spray-{number}@example.org", WRONG)
    # Above the ceiling one failure is enough to start a delay ...
    _password_step(client, counsellor.email, WRONG)
    assert _is_delayed(_password_step(client, counsellor.email))
    # ... but a correct sign-in goes through.
    assert _signs_in(Client(), colleague.email)


def test_the_delay_doubles_from_the_lockout_attempt_and_is_capped(settings):
    settings.LOCKOUT_ATTEMPTS = 5
    settings.SIGN_IN_DELAY_SECONDS = 30
    settings.LOCKOUT_MINUTES = 15
    assert [throttle.delay_for(n) for n in range(1, 12)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert throttle.delay_for(10_000) == 900
    assert throttle.delay_for(1, free=1) == 30  # above the site-wide ceiling


def test_no_allauth_rate_limit_is_keyed_on_the_client_address():
    from allauth.core.internal.ratelimit import parse_rates

    limits = effective_rate_limits()
    assert {"allauth.account", "allauth.mfa"} <= set(limits)
    # Every limit allauth applies, with its defaults merged in: login, login_failed,
    # reset_password(_from_key), reauthenticate, change_password, manage_email, signup, ...
    assert {"login", "login_failed", "reset_password", "reset_password_from_key", "signup"} <= set(
        limits["allauth.account"]
    )
    for app, actions in limits.items():
        for action, rates in actions.items():
            assert all(rate.per in ("user", "key") for rate in parse_rates(rates)), (app, action, rates)
    assert check_no_rate_limit_per_client_address() == []


@pytest.mark.parametrize("rates", ["30/m/ip", "30/m", "5/m/key,20/m/ip"])
def test_start_up_refuses_a_rate_limit_per_client_address(rates, settings):
    with override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login": rates}):
        errors = check_no_rate_limit_per_client_address()
    assert [(type(error), error.id) for error in errors] == [(Error, "hedershus.E101")]
    with override_settings(ACCOUNT_RATE_LIMITS={}):  # allauth's own defaults
        assert check_no_rate_limit_per_client_address()
    with override_settings(MFA_RATE_LIMITS={"webauthn_login": rates}):
        assert [error.id for error in check_no_rate_limit_per_client_address()] == ["hedershus.E101"]


def _cache_keys() -> list[str]:
    """Every key in this test's cache namespace, from memory or from Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(None, write=False)  # type: ignore[attr-defined]
        return [key.decode() for key in client.keys(f"{backend.key_prefix}*")]
    return [str(key) for key in backend._cache if backend.key_prefix in str(key)]  # type: ignore[attr-defined]


def test_a_typed_address_is_never_kept_in_the_cache_or_the_audit_log(client, db):
    for _ in range(6):
        _password_step(client, "typed-secret@example.org", WRONG)
    keys = _cache_keys()
    assert any("signin:until" in key for key in keys)  # the control: the delay is there
    assert not any("typed-secret" in key for key in keys)
    assert not any("typed-secret" in str(event.data) for event in AuditEvent.objects.all())


def test_parallel_attempts_on_one_address_get_no_more_checks_than_the_free_failures(settings: Any) -> None:
    """Many requests at once for one address: each checks the delay and counts its failure
    under the address's lock, so no more than LOCKOUT_ATTEMPTS passwords are ever checked."""
    import threading

    settings.SIGN_IN_DELAY_SECONDS = 600
    address = throttle.normalise_address("target@example.org")
    checked: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(20)

    def attempt(number: int) -> None:
        start.wait()
        try:
            with throttle.serialised(address):
                if throttle.delay_remaining(address) > 0:
                    raise throttle.SignInDelayed(throttle.delay_remaining(address))
                checked.append(number)  # here the backend checks the password
                time.sleep(0.01)
                throttle.record_failure(address)
        except throttle.SignInDelayed:
            refused.append(number)

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == settings.LOCKOUT_ATTEMPTS
    assert len(refused) == 20 - settings.LOCKOUT_ATTEMPTS
