"""A new staff member's way in: the administrator creates the account, the set-up link goes to
the new person's mailbox (never to the administrator), the link proves the address, and the
person sets a password, signs in, adds a second factor and reaches the staff pages (issue 7,
items 1 and 5)."""

from __future__ import annotations

import re
import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role

NEW_PASSWORD = "a-fresh-long-password-42"
LINK = re.compile(r"https?://testserver(/staff/auth/password/reset/key/\S+)")


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _event_types(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


def _create(client, email: str = "New.Colleague@Example.org"):
    return client.post(
        reverse("staff:user_create"),
        {"email": email, "first_name": "Nadia", "last_name": "Berg", "role": Role.COUNSELLOR},
        follow=True,
    )


def _link_from_mail(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def _set_password_through(client, link: str):
    response = client.get(link, follow=True)
    form_path = response.redirect_chain[-1][0]
    return client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)


def test_the_set_up_link_goes_to_the_new_users_mailbox_and_never_to_the_administrator(
    client, administrator, signed_in
):
    signed_in(administrator)
    response = _create(client)
    user = User.objects.get(email="new.colleague@example.org")
    assert not user.has_usable_password()
    page = response.content.decode()
    assert "/password/reset/key/" not in page
    assert "setup_url" not in response.context
    assert "new.colleague@example.org" in page  # the administrator sees where it was sent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.colleague@example.org"]
    link = _link_from_mail(mail.outbox[0])
    assert link.split("/key/")[1].split("-")[0]  # a uid-token key, only in the mail
    assert _event_types(user)[:2] == ["user.created", "user.setup_link_issued"]
    assert AuditEvent.objects.get(event_type="user.setup_link_issued").actor_id == administrator.pk


def test_a_new_password_link_is_mailed_to_the_user_and_not_shown(
    client, administrator, counsellor, signed_in
):
    signed_in(administrator)
    response = client.post(reverse("staff:user_setup_link", args=[counsellor.pk]), follow=True)
    assert response.status_code == 200
    assert "/password/reset/key/" not in response.content.decode()
    assert [message.to for message in mail.outbox] == [[counsellor.email]]
    assert "user.setup_link_issued" in _event_types(counsellor)


def test_a_deactivated_account_gets_no_password_link(client, administrator, counsellor, signed_in):
    User.objects.filter(pk=counsellor.pk).update(is_active=False)
    signed_in(administrator)
    response = client.post(reverse("staff:user_setup_link", args=[counsellor.pk]), follow=True)
    assert "/password/reset/key/" not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="user.setup_link_issued").exists()
    assert mail.outbox == []


def test_a_new_user_goes_from_the_link_to_a_second_factor_and_the_staff_pages(
    client, administrator, signed_in, django_capture_on_commit_callbacks
):
    signed_in(administrator)
    _create(client)
    user = User.objects.get(email="new.colleague@example.org")
    address = EmailAddress.objects.get(user=user)
    assert not address.verified  # typed by an administrator: not proven yet
    link = _link_from_mail(mail.outbox[0])
    client.post(reverse("account_logout"))

    done = _set_password_through(client, link)
    assert done.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    # The way on: the page after setting a password leads to sign-in.
    assert f'href="{reverse("account_login")}"' in done.content.decode()
    address.refresh_from_db()
    assert address.verified  # the link went to this address: using it proves it
    assert "user.email_verified" in _event_types(user)

    response = client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard"))["Location"] == reverse("mfa_index")
    # The second-factor page says why the newcomer is there.
    assert "One step left" in client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Both kinds of second factor may be added, without a second password prompt.
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response.get("Location")
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_a_self_service_reset_link_also_proves_the_address(client, counsellor):
    # A reset link is how a person proves an address that was recorded unverified.
    EmailAddress.objects.create(user=counsellor, email=counsellor.email, primary=True, verified=False)
    client.post(reverse("account_reset_password"), {"email": counsellor.email})
    assert len(mail.outbox) == 1
    _set_password_through(client, _link_from_mail(mail.outbox[0]))
    assert EmailAddress.objects.get(user=counsellor).verified
    assert "user.email_verified" in _event_types(counsellor)


def test_a_used_set_up_link_says_so_and_leads_to_sign_in(client, administrator, signed_in):
    signed_in(administrator)
    _create(client)
    link = _link_from_mail(mail.outbox[0])
    client.post(reverse("account_logout"))
    _set_password_through(client, link)
    client.post(reverse("account_logout"))
    response = client.get(link, follow=True)
    page = response.content.decode()
    assert response.context["token_fail"]
    assert f'href="{reverse("account_login")}"' in page
    assert f'href="{reverse("account_reset_password")}"' in page
