"""Who may put an identity number on an account for e-ID sign-in (issue 13 item 5 follow-up).

The path closed here: one administrator recorded their own personal identity number on a
colleague's account (an auditor's, another administrator's, anyone's in use), then signed in
as that person with their own high-assurance e-ID, both factors at once. Now administrators
record numbers only while onboarding (a new, never used, non-privileged account); everyone
else links their own e-ID, signed in, from their security page; each link mails the holder.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import _make_user, sign_in
from hedershus.accounts import services
from hedershus.accounts.eid import identity_number_digest
from hedershus.accounts.models import EidIdentitySource, User
from hedershus.accounts.tests import test_eid_sign_in as eid_tests
from hedershus.accounts.tests.test_eid_sign_in import (
    NUMBER,
    OTHER_NUMBER,
    _eid_sign_in,
    _events,
    _with_number,
)
from hedershus.core.access import Role
from hedershus.core.exceptions import AccessDenied

pytestmark = pytest.mark.django_db

# The local OpenID Connect provider, configured as the e-ID provider (test_eid_sign_in.py).
oidc = eid_tests.oidc
provider = eid_tests.provider


def _used(user: User) -> User:
    """The account has been signed in to (``last_login`` set), as any colleague's in use."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    user.refresh_from_db()
    return user


def _eid_connect(client: Client) -> Any:
    """Presses "Link my e-ID" (allauth's connect process, back to the link page), lets the
    local provider answer, returns the callback's response."""
    url = reverse("openid_connect_login", kwargs={"provider_id": "eid"})
    start = client.post(f"{url}?process=connect&next={reverse('staff:eid_link')}")
    assert start.status_code == 302, start.content[:300]
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlparse(answer.headers["Location"])
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


# --- The attack: an administrator records their own number on someone else's account ----------


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_an_administrator_cannot_record_a_number_on_a_privileged_account(administrator, role):
    target = _make_user(role, f"target-{role}@example.org")
    assert target.last_login is None  # even a fresh one
    with pytest.raises(AccessDenied):
        services.user_eid_identity_set(actor=administrator, user=target, number=NUMBER)
    target.refresh_from_db()
    assert target.eid_identity_digest == ""
    assert not _events("user.eid_identity_recorded")


def test_an_administrator_cannot_record_a_number_on_a_colleagues_account_in_use(
    administrator, counsellor, provider
):
    _used(counsellor)
    with pytest.raises(AccessDenied):
        services.user_eid_identity_set(actor=administrator, user=counsellor, number=NUMBER)
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""
    # So the administrator's own e-ID opens nothing.
    assert _eid_sign_in(Client()).status_code == 403
    assert not SocialAccount.objects.exists()


def test_an_administrator_cannot_record_a_number_on_their_own_account(administrator):
    _used(administrator)
    with pytest.raises(AccessDenied):
        services.user_eid_identity_set(actor=administrator, user=administrator, number=NUMBER)


def test_onboarding_a_new_account_records_the_number_and_the_first_e_id_sign_in_links_it(
    administrator, counsellor, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.user_eid_identity_set(actor=administrator, user=counsellor, number=NUMBER)
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_source == EidIdentitySource.ADMINISTRATOR
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert _eid_sign_in(client)["Location"] == reverse("staff:dashboard")
    assert SocialAccount.objects.get().user == counsellor
    assert [e.data["how"] for e in _events("user.eid_linked")] == ["first_use"]
    # Two mails to the holder: the number was recorded, then the e-ID was linked.
    assert [m.to for m in mail.outbox] == [[counsellor.email], [counsellor.email]]
    for message in mail.outbox:
        assert "811218" not in message.subject + message.body
    assert "kopplades en e-legitimation" in mail.outbox[1].body


def test_removing_a_number_stays_allowed_for_any_account(administrator, auditor):
    _used(auditor)
    User.objects.filter(pk=auditor.pk).update(
        eid_identity_digest=identity_number_digest(NUMBER), eid_identity_source=EidIdentitySource.SELF
    )
    SocialAccount.objects.create(user=auditor, provider="eid", uid="subject-1", extra_data={})
    assert services.user_eid_identity_set(actor=administrator, user=auditor, number=None)
    auditor.refresh_from_db()
    assert (auditor.eid_identity_digest, auditor.eid_identity_source) == ("", "")
    assert not SocialAccount.objects.exists()
    assert [e.data for e in _events("user.eid_identity_removed")] == [{"links_removed": 1}]


def test_a_number_an_administrator_recorded_never_opens_a_privileged_account(client, provider, auditor):
    """A number recorded before this rule (or set behind the services' back) on an auditor's
    account opens nothing: the auditor links their e-ID themselves."""
    _with_number(auditor)
    assert _eid_sign_in(client).status_code == 403
    assert not SocialAccount.objects.exists()
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["needs_self_link"]


def test_promotion_to_a_privileged_role_removes_a_number_an_administrator_recorded(
    administrator, counsellor, provider
):
    services.user_eid_identity_set(actor=administrator, user=counsellor, number=NUMBER)
    _eid_sign_in(Client())
    assert SocialAccount.objects.filter(user=counsellor).exists()
    services.user_update(
        actor=administrator,
        user=counsellor,
        first_name=counsellor.first_name,
        last_name=counsellor.last_name,
        role=Role.AUDITOR,
        is_active=True,
    )
    counsellor.refresh_from_db()
    assert (counsellor.eid_identity_digest, counsellor.eid_identity_source) == ("", "")
    assert not SocialAccount.objects.exists()
    removed = _events("user.eid_identity_removed")
    assert [(e.actor_id, e.data) for e in removed] == [
        (administrator.pk, {"links_removed": 1, "reason": "role_privileged"})
    ]
    assert _eid_sign_in(Client()).status_code == 403


def test_promotion_keeps_an_e_id_the_holder_linked_themselves(administrator, counsellor):
    _used(counsellor)
    User.objects.filter(pk=counsellor.pk).update(
        eid_identity_digest=identity_number_digest(NUMBER), eid_identity_source=EidIdentitySource.SELF
    )
    services.user_update(
        actor=administrator,
        user=counsellor,
        first_name=counsellor.first_name,
        last_name=counsellor.last_name,
        role=Role.SUPERVISOR,
        is_active=True,
    )
    services.user_update(
        actor=administrator,
        user=counsellor,
        first_name=counsellor.first_name,
        last_name=counsellor.last_name,
        role=Role.ADMINISTRATOR,
        is_active=True,
    )
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == identity_number_digest(NUMBER)
    assert not _events("user.eid_identity_removed")


# --- The user forms ------------------------------------------------------------------------------


def test_the_form_of_an_account_in_use_offers_no_number_and_says_why(
    signed_in, administrator, counsellor, provider
):
    _used(counsellor)
    client = signed_in(administrator)
    url = reverse("staff:user_detail", kwargs={"pk": counsellor.pk})
    page = client.get(url).content.decode()
    assert 'name="eid_identity_number"' not in page
    assert "kopplar själv sin e-legitimation" in page
    base = {"first_name": "Kim", "last_name": "Berg", "role": counsellor.role, "is_active": "on"}
    response = client.post(url, {**base, "eid_identity_number": NUMBER})
    assert response.status_code == 302  # the name is saved; a number slipped in is ignored
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""


def test_the_form_of_a_fresh_auditor_offers_no_number(signed_in, administrator, auditor, provider):
    client = signed_in(administrator)
    page = client.get(reverse("staff:user_detail", kwargs={"pk": auditor.pk})).content.decode()
    assert 'name="eid_identity_number"' not in page


def test_promoting_and_recording_a_number_at_once_is_refused_and_changes_nothing(
    signed_in, administrator, counsellor, provider
):
    client = signed_in(administrator)
    url = reverse("staff:user_detail", kwargs={"pk": counsellor.pk})
    data = {"first_name": "Kim", "last_name": "Berg", "role": Role.AUDITOR, "is_active": "on"}
    response = client.post(url, {**data, "eid_identity_number": NUMBER})
    assert response.status_code == 400
    assert "Administratörer och granskare kopplar själva" in response.content.decode()
    counsellor.refresh_from_db()
    assert (counsellor.role, counsellor.eid_identity_digest) == (Role.COUNSELLOR, "")


def test_creating_an_administrator_with_a_number_is_refused(signed_in, administrator, provider):
    client = signed_in(administrator)
    data = {
        "email": "new.admin@example.org",
        "first_name": "Ny",
        "last_name": "Admin",
        "role": "administrator",
    }
    response = client.post(reverse("staff:user_create"), {**data, "eid_identity_number": NUMBER})
    assert response.status_code == 400
    assert not User.objects.filter(email="new.admin@example.org").exists()


def test_an_account_used_since_the_form_was_loaded_is_refused_and_nothing_saved(
    signed_in, administrator, counsellor, provider, monkeypatch
):
    from hedershus.accounts import views

    client = signed_in(administrator)
    url = reverse("staff:user_detail", kwargs={"pk": counsellor.pk})
    assert 'name="eid_identity_number"' in client.get(url).content.decode()
    # The form offered the field on what the view read; the service re-reads the row under a
    # lock and refuses, and the name changed in the same post is not saved either.
    monkeypatch.setattr(views, "eid_identity_recordable_by_administrator", lambda user: True)
    _used(counsellor)
    data = {"first_name": "Changed", "last_name": "Berg", "role": counsellor.role, "is_active": "on"}
    response = client.post(url, {**data, "eid_identity_number": NUMBER})
    assert response.status_code == 400
    assert "aldrig har använts" in response.content.decode()
    counsellor.refresh_from_db()
    assert counsellor.first_name != "Changed"
    assert counsellor.eid_identity_digest == ""


# --- Self-linking ---------------------------------------------------------------------------------


def test_an_auditor_links_their_own_e_id_from_the_security_page(
    signed_in, auditor, provider, django_capture_on_commit_callbacks
):
    client = signed_in(auditor)
    page = client.get(reverse("mfa_index")).content.decode()
    assert reverse("staff:eid_link") in page
    page = client.get(reverse("staff:eid_link")).content.decode()
    assert "Koppla min e-legitimation" in page
    assert "process=connect" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _eid_connect(client)
    assert response["Location"] == reverse("staff:eid_link")
    auditor.refresh_from_db()
    assert auditor.eid_identity_digest == identity_number_digest(NUMBER)
    assert auditor.eid_identity_source == EidIdentitySource.SELF
    assert SocialAccount.objects.get().user == auditor
    linked = _events("user.eid_linked")
    assert [(e.actor_id, e.data["how"], e.data["number_changed"]) for e in linked] == [
        (auditor.pk, "self", True)
    ]
    assert "Din e-legitimation är kopplad" in client.get(reverse("staff:eid_link")).content.decode()
    # The holder is told, without the number.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [auditor.email]
    assert "811218" not in mail.outbox[0].subject + mail.outbox[0].body
    for event in linked:
        assert NUMBER not in str(event.data) and "subject-1" not in str(event.data)
    # The e-ID now opens the auditor's account.
    assert _eid_sign_in(Client())["Location"] == reverse("staff:dashboard")


def test_self_linking_replaces_a_number_an_administrator_recorded(
    administrator, counsellor, provider, client
):
    services.user_eid_identity_set(actor=administrator, user=counsellor, number=OTHER_NUMBER)
    sign_in(client, counsellor)
    assert _eid_connect(client)["Location"] == reverse("staff:eid_link")
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == identity_number_digest(NUMBER)
    assert counsellor.eid_identity_source == EidIdentitySource.SELF
    assert [e.data["number_changed"] for e in _events("user.eid_linked")] == [True]


def test_self_linking_with_the_recorded_number_links_and_a_second_time_changes_nothing(
    administrator, counsellor, provider, client
):
    services.user_eid_identity_set(actor=administrator, user=counsellor, number=NUMBER)
    sign_in(client, counsellor)
    _eid_connect(client)
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_source == EidIdentitySource.SELF
    assert [e.data["number_changed"] for e in _events("user.eid_linked")] == [False]
    _eid_connect(client)  # pressed again: already linked
    assert len(_events("user.eid_linked")) == 1
    assert SocialAccount.objects.filter(user=counsellor).count() == 1


def test_self_linking_is_refused_when_another_active_account_holds_the_number(
    signed_in, counsellor, colleague, provider
):
    _with_number(colleague)
    client = signed_in(counsellor)
    response = _eid_connect(client)
    assert response["Location"] == reverse("staff:eid_link")
    assert not SocialAccount.objects.exists()
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""
    refused = _events("auth.eid_refused")
    assert [(e.data["reason"], e.object_id) for e in refused] == [("identity_taken", str(counsellor.pk))]
    page = client.get(reverse("staff:eid_link")).content.decode()
    assert "kunde inte kopplas" in page
    assert "annat konto" not in page  # neutral: says nothing about another account


def test_self_linking_an_e_id_linked_to_another_account_is_refused(
    administrator, counsellor, colleague, provider, client
):
    services.user_eid_identity_set(actor=administrator, user=colleague, number=NUMBER)
    _eid_sign_in(Client())  # the colleague's first e-ID sign-in links this e-ID to them
    sign_in(client, counsellor)
    _eid_connect(client)
    assert SocialAccount.objects.get().user == colleague
    assert [e.data["reason"] for e in _events("auth.eid_refused")] == ["linked_to_another_account"]


def test_self_linking_needs_a_recent_re_authentication(client, counsellor, provider):
    sign_in(client, counsellor)
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": time.time() - 3600} for record in session["account_authentication_methods"]
    ]
    session.save()
    # The page asks first ...
    response = client.get(reverse("staff:eid_link"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    # ... and a round trip started anyway links nothing.
    response = _eid_connect(client)
    assert response["Location"] == reverse("staff:eid_link")
    assert not SocialAccount.objects.exists()
    counsellor.refresh_from_db()
    assert counsellor.eid_identity_digest == ""


def test_self_linking_needs_a_second_factor(client, user_without_mfa, provider):
    sign_in(client, user_without_mfa)
    assert client.get(reverse("staff:eid_link"))["Location"] == reverse("mfa_index")


def test_the_link_page_says_when_e_id_is_off(signed_in, counsellor):
    with translation.override("en"):
        page = signed_in(counsellor).get(reverse("staff:eid_link"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "not in use here" in page.content.decode()
    assert "process=connect" not in page.content.decode()
