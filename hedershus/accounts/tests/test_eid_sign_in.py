"""e-ID sign-in through OpenID Connect against a local provider (issue 13, item 5; R23)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from hedershus.accounts import services
from hedershus.accounts.eid import identity_number_digest
from hedershus.accounts.eid_config import EidConfig, socialaccount_providers
from hedershus.accounts.eid_provider import subject_digest
from hedershus.accounts.models import User
from hedershus.accounts.tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LOA2,
    LOA3,
    SWEDEN_CONNECT_PNR,
    LocalOIDCProvider,
)
from hedershus.audit.models import AuditEvent
from hedershus.core.auth import EID_SECOND_FACTOR_SESSION_KEY

pytestmark = pytest.mark.django_db

NUMBER = "198112189876"  # Skatteverket's test number for 1981-12-18 (passes SKV 704's check)


def _luhn_completed(eleven: str) -> str:
    """``eleven`` digits (YYYYMMDDNNN) and the SKV 704 check digit."""
    digits = eleven[2:]
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return eleven + str((10 - total % 10) % 10)


OTHER_NUMBER = _luhn_completed("19900101238")


@pytest.fixture(scope="module")
def oidc() -> Iterator[LocalOIDCProvider]:
    provider = LocalOIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(oidc: LocalOIDCProvider, settings: Any) -> Iterator[LocalOIDCProvider]:
    """The local provider, configured as the e-ID provider, reset to a LoA 3 sign-in of NUMBER."""
    config = EidConfig(
        server_url=oidc.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        name="Test-e-legitimation",
        scopes=("openid", "https://id.oidc.se/scope/naturalPersonNumber"),
        identity_claim=SWEDEN_CONNECT_PNR,
        high_assurance_acr=(LOA3,),
        request_acr=(LOA3,),
    )
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(config)
    settings.EID_OIDC_ENABLED = True
    settings.EID_OIDC_IDENTITY_CLAIM = SWEDEN_CONNECT_PNR
    settings.EID_OIDC_HIGH_ASSURANCE_ACR = (LOA3,)
    oidc.identity = {"sub": "subject-1", SWEDEN_CONNECT_PNR: NUMBER, "acr": LOA3}
    oidc.overrides = {}
    oidc.forge_signature = oidc.forge_nonce = oidc.forge_issuer = False
    yield oidc


def _with_number(user: User, number: str = NUMBER) -> User:
    user.eid_identity_digest = identity_number_digest(number)
    user.save(update_fields=["eid_identity_digest"])
    return user


def _eid_sign_in(client: Client, *, next_url: str | None = None) -> Any:
    """Presses the e-ID button, lets the local provider answer, returns the callback's response."""
    data = {"next": next_url} if next_url else {}
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "eid"}), data)
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    answer = requests.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("pk"))


def _totp_now(secret: str = "JBSWY3DPEHPK3PXP") -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_the_request_to_the_provider_carries_a_nonce_pkce_and_the_asked_assurance(client, provider):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "eid"}))
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["nonce"][0] and query["state"][0]
    assert query["code_challenge_method"] == ["S256"]
    assert query["acr_values"] == [LOA3]
    assert "https://id.oidc.se/scope/naturalPersonNumber" in query["scope"][0].split()


def test_high_assurance_e_id_signs_in_without_a_totp_prompt_and_links_the_e_id(client, provider, counsellor):
    _with_number(counsellor)
    response = _eid_sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:dashboard")
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert client.session[EID_SECOND_FACTOR_SESSION_KEY] == {"user_id": counsellor.pk, "acr": LOA3}
    link = SocialAccount.objects.get(user=counsellor)
    assert (link.provider, link.uid) == ("eid", subject_digest("subject-1"))
    assert link.extra_data == {"acr": LOA3}  # nothing that names the person
    verified = _events("auth.eid_verified")
    assert [e.data for e in verified] == [{"second_factor": True, "linked_now": True}]
    assert len(_events("user.eid_linked")) == 1
    assert len([e for e in _events("auth.login") if e.actor_id == counsellor.pk]) == 1
    # Nothing in the audit log carries the number or the provider's subject.
    for event in AuditEvent.objects.all():
        assert NUMBER not in str(event.data) and "subject-1" not in str(event.data)


def test_a_user_without_any_authenticator_is_let_in_by_a_high_assurance_e_id(
    client, provider, user_without_mfa
):
    _with_number(user_without_mfa)
    _eid_sign_in(client)
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_the_e_id_link_is_used_afterwards_by_its_sub(client, provider, counsellor):
    _with_number(counsellor)
    _eid_sign_in(client)
    client.post(reverse("account_logout"))
    assert EID_SECOND_FACTOR_SESSION_KEY not in client.session
    response = _eid_sign_in(client)
    assert response["Location"] == reverse("staff:dashboard")
    assert SocialAccount.objects.filter(user=counsellor).count() == 1
    assert [e.data["linked_now"] for e in _events("auth.eid_verified")] == [True, False]


def test_low_assurance_e_id_asks_for_the_totp_code(client, provider, counsellor):
    _with_number(counsellor)
    provider.identity["acr"] = LOA2
    response = _eid_sign_in(client)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("staff:dashboard")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert EID_SECOND_FACTOR_SESSION_KEY not in client.session
    assert [e.data["second_factor"] for e in _events("auth.eid_verified")] == [False]


def test_missing_acr_is_low_assurance(client, provider, counsellor):
    _with_number(counsellor)
    del provider.identity["acr"]
    assert _eid_sign_in(client)["Location"] == reverse("mfa_authenticate")


def test_low_assurance_e_id_without_an_authenticator_goes_to_set_one_up(client, provider, user_without_mfa):
    _with_number(user_without_mfa)
    provider.identity["acr"] = LOA2
    _eid_sign_in(client)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_the_e_id_mark_of_one_session_does_not_count_for_another_user(
    client, provider, counsellor, colleague
):
    from hedershus.core.auth import has_second_factor

    _with_number(counsellor)
    _eid_sign_in(client)
    session = client.session
    colleague.authenticator_set.all().delete()
    assert has_second_factor(counsellor, session)
    assert not has_second_factor(colleague, session)
    assert not has_second_factor(colleague, None)


def test_unknown_person_is_refused_neutrally_and_nothing_is_created(client, provider, counsellor):
    users_before = User.objects.count()
    response = _eid_sign_in(client)
    assert response.status_code == 403
    assert client.get(reverse("staff:dashboard")).status_code == 302
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    refused = _events("auth.eid_refused")
    assert [e.data for e in refused] == [{"reason": "no_account", "known_account": False}]
    assert NUMBER not in response.content.decode()


def test_two_accounts_with_the_same_number_are_both_refused(client, provider, counsellor, colleague):
    _with_number(counsellor)
    _with_number(colleague)
    response = _eid_sign_in(client)
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["several_accounts"]


def test_a_locked_account_is_refused(client, provider, counsellor):
    from datetime import timedelta

    from django.utils import timezone

    _with_number(counsellor)
    counsellor.locked_until = timezone.now() + timedelta(hours=1)
    counsellor.save()
    assert _eid_sign_in(client).status_code == 403
    assert client.get(reverse("staff:dashboard")).status_code == 302
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["locked"]


def test_a_locked_account_is_refused_after_linking_too(client, provider, counsellor):
    from datetime import timedelta

    from django.utils import timezone

    _with_number(counsellor)
    _eid_sign_in(client)
    client.post(reverse("account_logout"))
    User.objects.filter(pk=counsellor.pk).update(locked_until=timezone.now() + timedelta(hours=1))
    assert _eid_sign_in(client).status_code == 403
    assert client.get(reverse("staff:dashboard")).status_code == 302


def test_a_deactivated_account_is_refused(client, provider, counsellor):
    _with_number(counsellor)
    User.objects.filter(pk=counsellor.pk).update(is_active=False)
    assert _eid_sign_in(client).status_code == 403
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["inactive"]


def test_an_e_id_linked_before_the_number_changed_is_refused(client, provider, counsellor):
    _with_number(counsellor)
    _eid_sign_in(client)
    client.post(reverse("account_logout"))
    _with_number(counsellor, OTHER_NUMBER)  # behind the service's back: the link stays
    assert _eid_sign_in(client).status_code == 403
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["identity_mismatch"]


def test_a_missing_identity_claim_is_refused(client, provider, counsellor):
    _with_number(counsellor)
    del provider.identity[SWEDEN_CONNECT_PNR]
    assert _eid_sign_in(client).status_code == 403
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["no_identity_number"]


@pytest.mark.parametrize("forgery", ["forge_signature", "forge_nonce", "forge_issuer"])
def test_a_forged_id_token_is_refused(client, provider, counsellor, forgery):
    _with_number(counsellor)
    setattr(provider, forgery, True)
    response = _eid_sign_in(client)
    assert response.status_code in {401, 403}  # allauth answers a bad token with 401
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:dashboard")).status_code == 302
    assert not SocialAccount.objects.exists()
    assert len(_events("auth.eid_refused")) == 1


def test_a_sign_in_started_without_post_is_not_sent_to_the_provider(client, provider):
    response = client.get(reverse("openid_connect_login", kwargs={"provider_id": "eid"}))
    assert response.status_code == 200  # a page with a button (POST), no redirect
    assert not provider.requests or "/authorize" not in provider.requests[-1:]


def test_the_sign_in_page_shows_the_e_id_button_only_when_configured(client, settings, provider):
    from django.utils import translation

    with translation.override("en"):
        page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/staff/auth/oidc/eid/login/?process=login"' in page
    assert "Test-e-legitimation" in page
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(None)
    page = client.get(reverse("account_login")).content.decode()
    assert "/oidc/eid/login/" not in page


def test_the_sign_in_page_says_e_id_in_swedish(client, provider):
    page = client.get(reverse("account_login")).content.decode()
    assert "Logga in med e-legitimation (Test-e-legitimation)" in page


def test_reauthentication_after_an_e_id_sign_in_asks_for_the_code_and_accepts_it(
    client, provider, counsellor, settings
):
    _with_number(counsellor)
    _eid_sign_in(client)
    # The sign-in itself counts as a fresh authentication; let it grow old.
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": time.time() - 3600, "reauthenticated": True}
        for record in session["account_authentication_methods"]
    ]
    session.save()
    response = client.get(reverse("mfa_activate_totp"))  # allauth asks again before this
    assert response.status_code == 302
    assert (
        reverse("account_reauthenticate") in response["Location"] or "reauthenticate" in response["Location"]
    )
    response = client.post(reverse("mfa_reauthenticate"), {"code": _totp_now()})
    assert response.status_code == 302
    assert client.get(reverse("mfa_index")).status_code == 200


def test_an_administrator_records_and_removes_the_number_as_a_hash_and_links_go(administrator, counsellor):
    assert services.user_eid_identity_set(actor=administrator, user=counsellor, number=NUMBER)
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == identity_number_digest(NUMBER)
    assert NUMBER not in counsellor.eid_identity_digest
    assert not services.user_eid_identity_set(
        actor=administrator, user=counsellor, number=NUMBER
    )  # no change
    SocialAccount.objects.create(user=counsellor, provider="eid", uid="subject-1", extra_data={})
    assert services.user_eid_identity_set(actor=administrator, user=counsellor, number=None)
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""
    assert not SocialAccount.objects.exists()
    recorded, removed = _events("user.eid_identity_recorded"), _events("user.eid_identity_removed")
    assert [e.data for e in recorded] == [{"links_removed": 0}]
    assert [e.data for e in removed] == [{"links_removed": 1}]


def test_only_an_administrator_records_a_number(counsellor, colleague):
    from hedershus.core.exceptions import AccessDenied

    with pytest.raises(AccessDenied):
        services.user_eid_identity_set(actor=colleague, user=counsellor, number=NUMBER)


def test_a_partner_professional_signs_in_the_same_way(client, provider, partner):
    _with_number(partner)
    response = _eid_sign_in(client)
    assert response["Location"] == reverse("partner_portal:home")


def test_the_administrators_user_form_records_the_number_and_refuses_a_bad_one(
    signed_in, administrator, counsellor, provider
):
    client = signed_in(administrator)
    url = reverse("staff:user_detail", kwargs={"pk": counsellor.pk})
    base = {"first_name": "Kim", "last_name": "Berg", "role": counsellor.role, "is_active": "on"}
    response = client.post(url, {**base, "eid_identity_number": "19811218-9875"})
    assert response.status_code == 400
    assert "Kontrollera siffrorna" in response.content.decode()
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""
    response = client.post(url, {**base, "eid_identity_number": "19811218-9876"})
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == identity_number_digest(NUMBER)
    page = client.get(url).content.decode()
    assert NUMBER not in page and "811218" not in page
    client.post(url, {**base, "eid_identity_number": "19811218-9876"})  # a double submit changes nothing
    assert len(_events("user.eid_identity_recorded")) == 1
    client.post(url, {**base, "eid_remove": "on"})
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""


def test_an_administrator_records_the_number_when_creating_the_account(signed_in, administrator, provider):
    client = signed_in(administrator)
    data = {"email": "new.partner@example.org", "first_name": "Ny", "last_name": "Part", "role": "partner"}
    response = client.post(reverse("staff:user_create"), {**data, "eid_identity_number": "811218-9876"})
    assert response.status_code == 302
    created = User.objects.get(email="new.partner@example.org")
    assert created.eid_identity_digest == identity_number_digest(NUMBER)
    response = _eid_sign_in(Client())
    assert response["Location"] == reverse("partner_portal:home")


def test_without_e_id_the_user_forms_have_no_number_field(signed_in, administrator, counsellor):
    client = signed_in(administrator)
    for url in (reverse("staff:user_create"), reverse("staff:user_detail", kwargs={"pk": counsellor.pk})):
        assert "eid_identity_number" not in client.get(url).content.decode()


def test_a_staff_socket_accepts_a_high_assurance_e_id_session_without_an_authenticator(
    client, provider, user_without_mfa
):
    from hedershus.core.access import Capability
    from hedershus.core.auth import staff_session_problem

    _with_number(user_without_mfa)
    _eid_sign_in(client)
    assert staff_session_problem(client.session.session_key, Capability.HANDLE_CASES) is None


def test_an_e_id_only_account_is_asked_to_re_authenticate_with_its_e_id(client, provider):
    """allauth would ask an account with neither password nor authenticator nothing at all."""
    person = User.objects.create_user(email="eid.only@example.org", password=None, role="counsellor")
    assert not person.has_usable_password()
    _with_number(person)
    _eid_sign_in(client)
    assert client.get(reverse("staff:dashboard")).status_code == 200
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": time.time() - 3600} for record in session["account_authentication_methods"]
    ]
    session.save()
    target = reverse("mfa_activate_totp")
    response = client.get(target)
    assert response.status_code == 302
    login_url = reverse("openid_connect_login", kwargs={"provider_id": "eid"})
    assert response["Location"].startswith(login_url + "?next=")
    response = _eid_sign_in(client, next_url=target)
    assert response["Location"] == target
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("name", ["openid_connect_login", "openid_connect_callback"])
def test_a_provider_that_is_not_configured_is_not_found(client, provider, settings, name):
    """The URLs' one parameter names a configured provider, not a record: any other is 404,
    and with e-ID off even ``eid`` is (core/tests/test_object_urls.py exempts them for this)."""
    assert client.post(reverse(name, kwargs={"provider_id": "another"})).status_code == 404
    settings.SOCIALACCOUNT_PROVIDERS = {}
    settings.EID_OIDC_ENABLED = False
    assert client.post(reverse(name, kwargs={"provider_id": "eid"})).status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [{"aud": ["CLIENT", "another-client"]}, {"azp": "another-client"}],
    ids=["several audiences without azp", "azp of another client"],
)
def test_a_token_issued_to_another_client_is_refused(client, provider, counsellor, overrides):
    """OIDC Core 3.1.3.7, steps 4 and 5."""
    _with_number(counsellor)
    provider.overrides = {
        key: [CLIENT_ID if v == "CLIENT" else v for v in value] if isinstance(value, list) else value
        for key, value in overrides.items()
    }
    try:
        response = _eid_sign_in(client)
    finally:
        provider.overrides = {}
    assert response.status_code in {401, 403}
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_a_subject_that_is_the_identity_number_is_kept_only_as_a_keyed_hash(client, provider, counsellor):
    """Some brokers use the personal identity number as ``sub``: neither the link nor the
    session may hold it in clear."""
    from django.contrib.sessions.models import Session

    _with_number(counsellor)
    provider.identity = {**provider.identity, "sub": NUMBER}
    response = _eid_sign_in(client)
    assert response.status_code == 302
    link = SocialAccount.objects.get(user=counsellor)
    assert link.uid == subject_digest(NUMBER) and NUMBER not in link.uid
    for session in Session.objects.all():
        assert NUMBER not in str(session.get_decoded())


def test_a_provider_that_does_not_answer_gets_the_neutral_page_and_is_recorded(client, provider, settings):
    """Its discovery document unreachable: no server error (502 with the e-ID page)."""
    apps = settings.SOCIALACCOUNT_PROVIDERS
    app = apps["openid_connect"]["APPS"][0]
    settings.SOCIALACCOUNT_PROVIDERS = {
        **apps,
        "openid_connect": {
            **apps["openid_connect"],
            "APPS": [{**app, "settings": {**app["settings"], "server_url": "http://127.0.0.1:9"}}],
        },
    }
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "eid"}))
    assert response.status_code == 502
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["provider_unreachable"]
