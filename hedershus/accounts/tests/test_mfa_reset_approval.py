"""One administrator cannot strip a privileged account's second factor (issue 7, item 5):
resetting an administrator's or auditor's needs a second administrator's approval, both steps
are audited, a request lapses, and nobody approves their own request or their own reset."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hedershus.accounts import selectors, services
from hedershus.accounts.models import MFAResetRequest, User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import PRIVILEGED_ROLES, Role
from hedershus.core.exceptions import AccessDenied, Conflict


def _days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


# Long enough before now for an administrator to be settled (the approver's rule).
LONG_AGO = selectors.MFA_RESET_APPROVER_MIN_DAYS + 30


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """Acts as if it were ``moment``: the audit events recorded meanwhile carry that time."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _joined(user: User, moment: datetime) -> User:
    """Fixtures create accounts now: this sets when the account was made."""
    User.objects.filter(pk=user.pk).update(date_joined=moment)
    user.refresh_from_db()
    return user


@pytest.fixture
def second_administrator(db):
    user = User.objects.create_user(
        email="second-admin@example.org",
        password="correct-horse-battery-staple",
        role=Role.ADMINISTRATOR,
        date_joined=_days_ago(LONG_AGO),
    )
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def _events(event_type: str, user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type, object_id=str(user.pk)).order_by("id"))


@pytest.mark.parametrize("role", sorted(PRIVILEGED_ROLES))
def test_one_administrator_only_asks_to_reset_a_privileged_accounts_second_factor(
    cast, client, administrator, signed_in, role
):
    target = cast[role]
    signed_in(administrator)
    client.post(reverse("staff:user_mfa_reset", args=[target.pk]))
    assert Authenticator.objects.filter(user=target).exists()
    pending = MFAResetRequest.objects.get(user=target)
    assert pending.status == MFAResetRequest.Status.PENDING
    assert pending.requested_by == administrator
    [event] = _events("mfa.reset_requested", target)
    assert event.actor_id == administrator.pk
    assert not _events("mfa.reset", target)


def test_the_requester_cannot_approve_their_own_request(client, administrator, auditor, signed_in):
    signed_in(administrator)
    client.post(reverse("staff:user_mfa_reset", args=[auditor.pk]))
    pending = MFAResetRequest.objects.get(user=auditor)
    response = client.post(
        reverse("staff:user_mfa_reset_decide", args=[auditor.pk, pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=auditor).exists()
    pending.refresh_from_db()
    assert pending.status == MFAResetRequest.Status.PENDING
    assert not _events("mfa.reset_approved", auditor)


def test_a_second_administrator_approves_and_both_steps_are_audited(
    client, administrator, second_administrator, auditor, signed_in
):
    signed_in(administrator)
    client.post(reverse("staff:user_mfa_reset", args=[auditor.pk]))
    pending = MFAResetRequest.objects.get(user=auditor)
    client.post(reverse("account_logout"))
    signed_in(second_administrator)
    page = client.get(reverse("staff:user_detail", args=[auditor.pk])).content.decode()
    assert reverse("staff:user_mfa_reset_decide", args=[auditor.pk, pending.pk]) in page
    client.post(
        reverse("staff:user_mfa_reset_decide", args=[auditor.pk, pending.pk]), {"decision": "approve"}
    )
    assert not Authenticator.objects.filter(user=auditor).exists()
    pending.refresh_from_db()
    assert pending.status == MFAResetRequest.Status.APPROVED
    assert pending.decided_by == second_administrator
    [approved] = _events("mfa.reset_approved", auditor)
    assert approved.actor_id == second_administrator.pk
    assert approved.data["requested_by"] == administrator.pk
    [reset] = _events("mfa.reset", auditor)
    assert reset.data["approved_by"] == second_administrator.pk
    # The owner hears of it: a reset they did not ask for is a warning sign.
    assert [message.to for message in mail.outbox] == [[auditor.email]]


def test_the_owner_of_the_account_cannot_approve_its_reset(administrator, second_administrator):
    reset_request = services.mfa_reset_request(actor=administrator, user=second_administrator)
    with pytest.raises(AccessDenied):
        services.mfa_reset_approve(actor=second_administrator, reset_request=reset_request)
    assert Authenticator.objects.filter(user=second_administrator).exists()


def test_a_request_lapses_after_its_lifetime(administrator, second_administrator, auditor):
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)
    MFAResetRequest.objects.filter(pk=reset_request.pk).update(
        requested_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    with pytest.raises(Conflict):
        services.mfa_reset_approve(actor=second_administrator, reset_request=reset_request)
    assert Authenticator.objects.filter(user=auditor).exists()


def test_a_cancelled_request_cannot_be_approved(administrator, second_administrator, auditor):
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)
    services.mfa_reset_cancel(actor=administrator, reset_request=reset_request)
    with pytest.raises(Conflict):
        services.mfa_reset_approve(actor=second_administrator, reset_request=reset_request)
    assert Authenticator.objects.filter(user=auditor).exists()
    assert _events("mfa.reset_request_cancelled", auditor)


def test_demoting_first_does_not_skip_the_approval(client, administrator, second_administrator, signed_in):
    signed_in(administrator)
    client.post(
        reverse("staff:user_detail", args=[second_administrator.pk]),
        {"first_name": "S", "last_name": "A", "role": Role.COUNSELLOR, "is_active": "on"},
    )
    second_administrator.refresh_from_db()
    assert second_administrator.role == Role.COUNSELLOR
    client.post(reverse("staff:user_mfa_reset", args=[second_administrator.pk]))
    assert Authenticator.objects.filter(user=second_administrator).exists()
    assert MFAResetRequest.objects.filter(user=second_administrator).exists()
    with pytest.raises(AccessDenied):
        services.user_mfa_reset(actor=administrator, user=second_administrator)


def test_other_roles_are_reset_by_one_administrator_and_told_by_mail(
    client, administrator, counsellor, signed_in
):
    signed_in(administrator)
    client.post(reverse("staff:user_mfa_reset", args=[counsellor.pk]))
    assert not Authenticator.objects.filter(user=counsellor).exists()
    assert _events("mfa.reset", counsellor)[0].actor_id == administrator.pk
    assert [message.to for message in mail.outbox] == [[counsellor.email]]


# --- Who may approve: not a puppet of the requester, and an administrator for a while -----


def _refused(approver: User, reset_request: MFAResetRequest, auditor: User) -> None:
    with pytest.raises(AccessDenied) as refused:
        services.mfa_reset_approve(actor=approver, reset_request=reset_request)
    assert "minst 7 dagar" in str(refused.value.message)  # the reason, in Swedish
    assert Authenticator.objects.filter(user=auditor).exists()
    reset_request.refresh_from_db()
    assert reset_request.status == MFAResetRequest.Status.PENDING
    assert not _events("mfa.reset_approved", auditor)


def test_a_puppet_administrator_the_requester_created_cannot_approve(administrator, auditor):
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)
    # Even one made long ago: the requester created it.
    with _at(_days_ago(LONG_AGO)):
        puppet = services.user_create(
            actor=administrator,
            email="puppet@example.org",
            first_name="P",
            last_name="P",
            role=Role.ADMINISTRATOR,
            origin="https://testserver",
        )
    _joined(puppet, _days_ago(LONG_AGO))

    _refused(puppet, reset_request, auditor)


def test_someone_the_requester_promoted_cannot_approve(administrator, counsellor, auditor):
    _joined(counsellor, _days_ago(LONG_AGO))
    with _at(_days_ago(LONG_AGO)):
        services.user_update(
            actor=administrator,
            user=counsellor,
            first_name=counsellor.first_name,
            last_name=counsellor.last_name,
            role=Role.ADMINISTRATOR,
            is_active=True,
        )
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)

    _refused(counsellor, reset_request, auditor)


def test_the_requesters_own_puppet_cannot_ask_for_them_either(administrator, second_administrator, auditor):
    with _at(_days_ago(LONG_AGO)):
        puppet = services.user_create(
            actor=second_administrator,
            email="puppet@example.org",
            first_name="P",
            last_name="P",
            role=Role.ADMINISTRATOR,
            origin="https://testserver",
        )
    reset_request = services.mfa_reset_request(actor=puppet, user=auditor)

    _refused(second_administrator, reset_request, auditor)


def test_an_administrator_a_third_one_promoted_a_day_ago_cannot_approve_yet(
    client, administrator, second_administrator, counsellor, auditor, signed_in
):
    _joined(counsellor, _days_ago(LONG_AGO))
    with _at(_days_ago(1)):
        services.user_update(
            actor=second_administrator,
            user=counsellor,
            first_name=counsellor.first_name,
            last_name=counsellor.last_name,
            role=Role.ADMINISTRATOR,
            is_active=True,
        )
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)
    _refused(counsellor, reset_request, auditor)

    # In the staff pages the refusal says why.
    signed_in(counsellor)
    response = client.post(
        reverse("staff:user_mfa_reset_decide", args=[auditor.pk, reset_request.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert "minst 7 dagar" in response.content.decode()
    assert Authenticator.objects.filter(user=auditor).exists()


def test_a_long_standing_administrator_approves(administrator, second_administrator, counsellor, auditor):
    # Promoted by a third administrator, long enough ago.
    _joined(counsellor, _days_ago(LONG_AGO))
    with _at(_days_ago(selectors.MFA_RESET_APPROVER_MIN_DAYS + 1)):
        services.user_update(
            actor=second_administrator,
            user=counsellor,
            first_name=counsellor.first_name,
            last_name=counsellor.last_name,
            role=Role.ADMINISTRATOR,
            is_active=True,
        )
    reset_request = services.mfa_reset_request(actor=administrator, user=auditor)

    assert services.mfa_reset_approve(actor=counsellor, reset_request=reset_request) >= 1

    assert not Authenticator.objects.filter(user=auditor).exists()
    [approved] = _events("mfa.reset_approved", auditor)
    assert approved.actor_id == counsellor.pk
