"""Administrators create users and assign roles in the staff UI; every step is audited."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role


def _event_types(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


def test_creating_a_user_with_a_taken_address_changes_nothing(client, administrator, counsellor, signed_in):
    signed_in(administrator)
    before = User.objects.count()
    response = client.post(
        reverse("staff:user_create"),
        {"email": counsellor.email.upper(), "first_name": "X", "last_name": "Y", "role": Role.AUDITOR},
    )
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert response.context["form"].errors["email"][0] in response.content.decode()
    assert User.objects.count() == before


def test_role_change_is_saved_and_audited_with_old_and_new_role(client, administrator, counsellor, signed_in):
    signed_in(administrator)
    response = client.post(
        reverse("staff:user_detail", args=[counsellor.pk]),
        {
            "first_name": counsellor.first_name,
            "last_name": "Svensson",
            "role": Role.SUPERVISOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.role == Role.SUPERVISOR
    event = AuditEvent.objects.get(event_type="user.role_changed")
    assert event.actor_id == administrator.pk
    assert event.data == {"from": Role.COUNSELLOR, "to": Role.SUPERVISOR}


def test_role_change_needs_a_fresh_reauthentication(client, administrator, counsellor, signed_in):
    signed_in(administrator, reauthenticated=False)
    response = client.post(
        reverse("staff:user_detail", args=[counsellor.pk]),
        {"first_name": "C", "last_name": "Svensson", "role": Role.AUDITOR, "is_active": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    counsellor.refresh_from_db()
    assert counsellor.role == Role.COUNSELLOR
    assert not AuditEvent.objects.filter(event_type="user.role_changed").exists()


def test_an_invalid_role_is_rejected_and_changes_nothing(client, administrator, counsellor, signed_in):
    signed_in(administrator)
    response = client.post(
        reverse("staff:user_detail", args=[counsellor.pk]),
        {"first_name": "C", "last_name": "Svensson", "role": "superuser", "is_active": "on"},
    )
    assert response.status_code == 400
    counsellor.refresh_from_db()
    assert counsellor.role == Role.COUNSELLOR


def test_administrator_cannot_change_own_role_or_deactivate_self(client, administrator, signed_in):
    signed_in(administrator)
    client.post(
        reverse("staff:user_detail", args=[administrator.pk]),
        {"first_name": "A", "last_name": "B", "role": Role.COUNSELLOR},
    )
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert administrator.is_active


def test_deactivation_is_audited_and_ends_access(client, administrator, counsellor, signed_in):
    signed_in(administrator)
    client.post(
        reverse("staff:user_detail", args=[counsellor.pk]),
        {"first_name": counsellor.first_name, "last_name": "Svensson", "role": Role.COUNSELLOR},
    )
    counsellor.refresh_from_db()
    assert not counsellor.is_active
    assert "user.deactivated" in _event_types(counsellor)


def test_unlock_and_mfa_reset_are_audited(client, administrator, counsellor, signed_in):
    User.objects.filter(pk=counsellor.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=10))
    signed_in(administrator)
    client.post(reverse("staff:user_unlock", args=[counsellor.pk]))
    counsellor.refresh_from_db()
    assert not counsellor.is_locked()
    client.post(reverse("staff:user_mfa_reset", args=[counsellor.pk]))
    assert not Authenticator.objects.filter(user=counsellor).exists()
    assert {"user.unlocked", "mfa.reset"} <= set(_event_types(counsellor))


def test_viewing_users_is_audited(client, administrator, counsellor, signed_in):
    signed_in(administrator)
    assert client.get(reverse("staff:user_list")).status_code == 200
    assert client.get(reverse("staff:user_detail", args=[counsellor.pk])).status_code == 200
    assert AuditEvent.objects.filter(event_type="user.list_viewed", actor=administrator).exists()
    assert "user.viewed" in _event_types(counsellor)


def test_unknown_user_id_is_404(client, administrator, signed_in):
    signed_in(administrator)
    assert client.get(reverse("staff:user_detail", args=[999999])).status_code == 404
