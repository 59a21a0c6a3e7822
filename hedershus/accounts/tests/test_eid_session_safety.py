"""e-ID sign-in, defects found by a tester in round 2 (issue 13 item 5): re-authentication
that swapped the person, sessions that outlived a removed e-ID, one number on two accounts,
allauth's unaudited disconnect page, refusal reasons that hid attacks, and the access token
left in a half-finished sign-in's session."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from hedershus.accounts import services
from hedershus.accounts.models import User
from hedershus.accounts.tests import test_eid_sign_in as eid_tests
from hedershus.accounts.tests.oidc_provider import LOA2
from hedershus.accounts.tests.test_eid_sign_in import (
    NUMBER,
    OTHER_NUMBER,
    _eid_sign_in,
    _events,
    _totp_now,
    _with_number,
)
from hedershus.core.access import Capability
from hedershus.core.auth import CLOSE_SIGNED_OUT, EID_SECOND_FACTOR_SESSION_KEY, staff_session_problem
from hedershus.core.exceptions import Conflict

pytestmark = pytest.mark.django_db

oidc = eid_tests.oidc
provider = eid_tests.provider


def _used(user: User) -> User:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    user.refresh_from_db()
    return user


def _self_linked(user: User, number: str) -> User:
    """``number`` recorded as the holder's own (a privileged account opens only with that)."""
    _with_number(user, number)
    User.objects.filter(pk=user.pk).update(eid_identity_source="self")
    user.refresh_from_db()
    return user


def _stale_reauthentication(client: Client) -> None:
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": time.time() - 3600} for record in session["account_authentication_methods"]
    ]
    session.save()


# --- 1. Re-authentication with e-ID never swaps the person or demotes the session ---------------


def test_re_authenticating_with_another_persons_e_id_is_refused_and_the_session_stays(
    client, provider, administrator, counsellor
):
    _with_number(counsellor, NUMBER)
    _with_number(administrator, OTHER_NUMBER)
    sign_in(client, administrator)
    target = reverse("staff:user_list")
    response = _eid_sign_in(client, next_url=target)  # the provider asserts the counsellor's NUMBER
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(administrator.pk)
    assert client.get(target).status_code == 200
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["other_person"]
    assert not [e for e in _events("auth.login") if e.actor_id == counsellor.pk]
    assert not SocialAccount.objects.filter(user=counsellor).exists()


def test_re_authenticating_with_an_e_id_linked_to_another_account_is_refused(
    client, provider, administrator, counsellor
):
    _with_number(counsellor, NUMBER)
    _eid_sign_in(client)  # links the e-ID to the counsellor
    other = Client()
    sign_in(other, administrator)
    response = _eid_sign_in(other, next_url=reverse("staff:user_list"))
    assert response.status_code == 403
    assert other.session["_auth_user_id"] == str(administrator.pk)
    assert _events("auth.eid_refused")[-1].data["reason"] == "other_person"


def test_re_authenticating_with_ones_own_low_assurance_e_id_keeps_the_session_and_goes_on(
    client, provider, administrator
):
    _self_linked(administrator, NUMBER)
    provider.identity["acr"] = LOA2
    sign_in(client, administrator)
    _stale_reauthentication(client)
    target = reverse("staff:user_create")
    assert client.get(target).status_code == 302  # asks to confirm access
    session_key = client.session.session_key
    response = _eid_sign_in(client, next_url=target)
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.session["_auth_user_id"] == str(administrator.pk)
    assert client.session.session_key == session_key  # no new sign-in
    assert client.get(target).status_code == 200
    records = client.session["account_authentication_methods"]
    assert records[-1]["method"] == "socialaccount" and records[-1]["reauthenticated"] is True
    assert _events("auth.eid_verified")[-1].data == {
        "second_factor": False,
        "linked_now": False,
        "reauthentication": True,
    }
    assert not _events("auth.login")[1:]  # only force_login's, none by the e-ID


def test_re_authenticating_with_ones_own_high_assurance_e_id_keeps_the_session(client, provider, counsellor):
    _with_number(counsellor, NUMBER)
    _eid_sign_in(client)  # signed in and linked by a high-assurance e-ID
    _stale_reauthentication(client)
    target = reverse("mfa_activate_totp")
    response = _eid_sign_in(client, next_url=target)
    assert response["Location"] == target
    assert client.session[EID_SECOND_FACTOR_SESSION_KEY]["user_id"] == counsellor.pk


# --- 2. A changed or removed e-ID ends the account's sessions ------------------------------------


def test_an_administrator_removing_the_e_id_ends_its_sessions_and_sockets(
    client, provider, administrator, user_without_mfa
):
    _with_number(user_without_mfa, NUMBER)
    _eid_sign_in(client)
    assert client.get(reverse("staff:dashboard")).status_code == 200
    session_key = client.session.session_key
    assert staff_session_problem(session_key, Capability.HANDLE_CASES) is None
    user_without_mfa.refresh_from_db()
    services.user_eid_identity_set(actor=administrator, user=user_without_mfa, number=None)
    assert staff_session_problem(session_key, Capability.HANDLE_CASES) == CLOSE_SIGNED_OUT
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert [e.data for e in _events("user.sessions_ended")] == [{"reason": "eid_identity_removed"}]


def test_a_role_change_that_removes_the_number_ends_the_sessions(client, provider, administrator, counsellor):
    _with_number(counsellor, NUMBER)
    _eid_sign_in(client)
    counsellor.refresh_from_db()
    services.user_update(
        actor=administrator,
        user=counsellor,
        first_name=counsellor.first_name,
        last_name=counsellor.last_name,
        role="auditor",
        is_active=True,
    )
    assert client.get(reverse("staff:dashboard")).status_code == 302
    assert [e.data["reason"] for e in _events("user.sessions_ended")] == ["eid_role_privileged"]


def test_an_account_without_a_number_keeps_djangos_session_hash(counsellor):
    from django.contrib.auth.base_user import AbstractBaseUser

    assert counsellor.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(counsellor)


# --- 3. One number, one account --------------------------------------------------------------------


def test_a_number_another_active_account_holds_is_refused_by_the_service(
    administrator, counsellor, colleague
):
    _with_number(counsellor, NUMBER)
    with pytest.raises(Conflict):
        services.user_eid_identity_set(actor=administrator, user=colleague, number=NUMBER)
    colleague.refresh_from_db()
    assert colleague.eid_identity_digest == ""
    assert not _events("user.eid_identity_recorded")


def test_a_number_another_active_account_holds_is_refused_by_the_forms(
    signed_in, administrator, counsellor, colleague, provider
):
    _with_number(counsellor, NUMBER)
    client = signed_in(administrator)
    response = client.post(
        reverse("staff:user_create"),
        {
            "email": "new@example.org",
            "first_name": "N",
            "last_name": "N",
            "role": "counsellor",
            "eid_identity_number": NUMBER,
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="new@example.org").exists()
    body = response.content.decode()
    assert NUMBER not in body and "19811218-9876" not in body
    response = client.post(
        reverse("staff:user_detail", kwargs={"pk": colleague.pk}),
        {
            "first_name": "C",
            "last_name": "C",
            "role": "counsellor",
            "is_active": "on",
            "eid_identity_number": NUMBER,
        },
    )
    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.eid_identity_digest == ""


def test_a_number_only_a_deactivated_account_holds_may_be_recorded(administrator, counsellor, colleague):
    _with_number(counsellor, NUMBER)
    User.objects.filter(pk=counsellor.pk).update(is_active=False)
    assert services.user_eid_identity_set(actor=administrator, user=colleague, number=NUMBER)


# --- 4. Removing one's own e-ID ---------------------------------------------------------------------


def test_allauths_connections_page_sends_to_the_e_id_page(signed_in, counsellor):
    client = signed_in(counsellor)
    response = client.get("/staff/auth/3rdparty/")
    assert response.status_code == 302 and response["Location"] == reverse("staff:eid_link")


def test_removing_ones_own_e_id_removes_link_and_number_audited_and_ends_other_sessions(
    client, provider, counsellor
):
    _with_number(counsellor, NUMBER)
    other = Client()
    _eid_sign_in(other)  # another browser, signed in by e-ID
    _used(counsellor)
    sign_in(client, counsellor)  # this one by password and code
    response = client.post(reverse("staff:eid_link"), {"action": "remove"})
    assert response.status_code == 302 and response["Location"] == reverse("staff:eid_link")
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == "" and not SocialAccount.objects.filter(user=counsellor).exists()
    assert client.get(reverse("staff:eid_link")).status_code == 200  # this session goes on
    assert other.get(reverse("staff:dashboard")).status_code == 302  # the e-ID's ended
    removed = _events("user.eid_identity_removed")
    assert [(e.actor_id, e.data) for e in removed] == [
        (counsellor.pk, {"links_removed": 1, "reason": "self"})
    ]
    assert _events("user.sessions_ended")[-1].data == {"reason": "eid_self_removed"}
    # The next e-ID sign-in does not link again.
    assert _eid_sign_in(Client()).status_code == 403


def test_removing_the_e_id_that_opened_this_session_signs_out(client, provider, user_without_mfa):
    _with_number(user_without_mfa, NUMBER)
    _eid_sign_in(client)
    response = client.post(reverse("staff:eid_link"), {"action": "remove"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_account_without_a_password_cannot_remove_its_only_way_in(client, provider):
    person = User.objects.create_user(email="eid.only@example.org", password=None, role="counsellor")
    _with_number(person, NUMBER)
    _eid_sign_in(client)
    client.post(reverse("staff:eid_link"), {"action": "remove"})
    person.refresh_from_db()
    assert person.eid_identity_digest
    assert not _events("user.eid_identity_removed")


# --- 5. Refusal reasons ------------------------------------------------------------------------------


def _callback(client: Client, **query: str) -> Any:
    return client.get(reverse("openid_connect_callback", kwargs={"provider_id": "eid"}), query)


def _started(client: Client) -> dict[str, str]:
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "eid"}))
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    return {k: v[0] for k, v in parse_qs(urlparse(answer.headers["Location"]).query).items()}


def _reasons() -> list[str]:
    return [e.data["reason"] for e in _events("auth.eid_refused")]


def test_a_cancelled_sign_in_is_recorded_as_cancelled(client, provider):
    params = _started(client)
    _callback(client, state=params["state"], error="access_denied")
    assert _reasons() == ["provider_cancelled"]


def test_a_tampered_state_is_recorded_as_state(client, provider):
    params = _started(client)
    _callback(client, state="tampered", code=params["code"])
    assert _reasons() == ["state"]


def test_a_replayed_code_is_recorded_as_state(client, provider, counsellor):
    _with_number(counsellor, NUMBER)
    params = _started(client)
    _callback(client, **params)
    _callback(Client(), **params)
    assert _reasons() == ["state"]


def test_a_forged_token_is_recorded_as_invalid_token(client, provider, counsellor):
    _with_number(counsellor, NUMBER)
    provider.forge_signature = True
    _eid_sign_in(client)
    provider.forge_signature = False
    provider.forge_issuer = True
    _eid_sign_in(Client())
    provider.overrides = {"exp": int(time.time()) - 3600}
    provider.forge_issuer = False
    _eid_sign_in(Client())
    provider.overrides = {}
    assert _reasons() == ["invalid_token", "invalid_token", "invalid_token"]


def test_the_verified_event_label_reads_well_in_swedish():
    from django.utils import translation

    from hedershus.accounts.events import EID_EVENT_TYPES

    with translation.override("sv"):
        label = str(EID_EVENT_TYPES["auth.eid_verified"])
    assert label[0].isupper() and "data:" not in label


# --- 6. The half-finished sign-in keeps no token ------------------------------------------------------


def test_a_half_finished_low_assurance_sign_in_keeps_no_token_or_verifier_in_the_session(
    client, provider, counsellor
):
    _with_number(counsellor, NUMBER)
    provider.identity["acr"] = LOA2
    assert _eid_sign_in(client)["Location"] == reverse("mfa_authenticate")
    stored = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    assert "pkce_code_verifier" not in stored
    assert "'token'" not in stored and '"token"' not in stored
    client.post(reverse("mfa_authenticate"), {"code": _totp_now()})
    assert client.get(reverse("staff:dashboard")).status_code == 200


# --- 7. Wording -----------------------------------------------------------------------------------------


def test_the_code_prompt_after_a_low_assurance_e_id_says_why_and_has_a_short_heading(
    client, provider, counsellor
):
    _with_number(counsellor, NUMBER)
    provider.identity["acr"] = LOA2
    _eid_sign_in(client)
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "<h1>Ange din kod</h1>" in " ".join(page.split()).replace("<h1> ", "<h1>").replace(
        " </h1>", "</h1>"
    )
    assert "Tvåfaktorsautentisering" not in page
    assert "Din e-legitimations nivå räknas inte som andra faktor här: ange din kod." in page


def test_the_code_prompt_after_a_password_does_not_mention_e_id(client, counsellor):
    client.post(
        reverse("account_login"), {"login": counsellor.email, "password": "correct-horse-battery-staple"}
    )
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Ange din kod" in page and "e-legitimations nivå" not in page


def test_the_user_page_names_the_second_factor_methods(signed_in, administrator, counsellor):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(counsellor)
    page = signed_in(administrator).get(reverse("staff:user_detail", kwargs={"pk": counsellor.pk}))
    text = page.content.decode()
    assert "autentiseringsapp" in text and "återställningskoder" in text
    assert "recovery_codes" not in text and "totp" not in text.lower().replace("totp_", "")


def test_the_new_user_form_says_nothing_is_recorded_yet_and_that_an_e_id_can_count_as_both(
    signed_in, administrator, provider
):
    page = signed_in(administrator).get(reverse("staff:user_create")).content.decode()
    assert "behålla det som är registrerat" not in page
    assert "räknas som båda" in page


def test_the_sign_in_page_and_the_refusal_page_speak_of_e_id(client, provider):
    login = client.get(reverse("account_login")).content.decode()
    assert "eller med din e-legitimation när den är kopplad" in login
    refused = _eid_sign_in(client).content.decode()  # nobody holds NUMBER
    assert "Koppla min e-legitimation" in refused
