"""A password-reset request mails only an active account's own address (issue 7, item 6).

Anyone can type any address into the form; a mail "someone asked to reset a password, but
there is no account" would put the centre's name in an inbox that someone else may watch.
The page that follows is the same whatever was typed, so it tells nothing either."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from hedershus.accounts.models import User


def _request_reset(client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_an_unknown_address_gets_no_mail(client, db):
    response = _request_reset(client, "somebody-else@example.org")
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_deactivated_account_gets_no_mail(client, counsellor):
    User.objects.filter(pk=counsellor.pk).update(is_active=False)
    _request_reset(client, counsellor.email)
    assert mail.outbox == []


def test_an_active_account_gets_its_link(client, counsellor):
    _request_reset(client, counsellor.email.upper())
    assert [message.to for message in mail.outbox] == [[counsellor.email]]
    assert "/staff/auth/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize("kind", ["unknown", "deactivated"])
def test_the_answer_is_the_same_whatever_was_typed(client, counsellor, colleague, kind):
    if kind == "deactivated":
        User.objects.filter(pk=colleague.pk).update(is_active=False)
    typed = colleague.email if kind == "deactivated" else "nobody@example.org"
    known = _request_reset(client, counsellor.email)
    other = _request_reset(client, typed)
    assert (other.status_code, other["Location"]) == (known.status_code, known["Location"])
    page_known = client.get(known["Location"]).content.decode()
    page_other = client.get(other["Location"]).content.decode()
    # The page promises nothing it cannot keep, and is the same for both.
    assert page_known == page_other
    assert f'href="{reverse("account_login")}"' in page_known


def test_too_many_requests_get_the_platforms_own_page_in_the_staff_language(client, db):
    """allauth's bare English "429 Too Many Requests" gave no way on; ours says what to do."""
    responses = [_request_reset(client, "somebody-else@example.org") for _ in range(8)]
    refused = [r for r in responses if r.status_code == 429]
    assert refused, [r.status_code for r in responses]
    html = refused[-1].content.decode()
    assert "Too Many Requests" not in html
    assert "För många försök" in html  # the staff UI speaks Swedish first
    assert reverse("account_login") in html
