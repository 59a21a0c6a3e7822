"""Writes about accounts. Each records its audit event in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hedershus.accounts.demo import DemoAccount
from hedershus.accounts.models import User
from hedershus.audit.services import audit_record


def login_succeeded_record(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_attempts=0, locked_until=None)
        audit_record("auth.login", actor=user, target=user)


def logout_record(user: User) -> None:
    audit_record("auth.logout", actor=user, target=user)


def login_failed_record(user: User | None, stage: str) -> None:
    """A wrong password or a wrong second-factor code. Locks the account after too many.

    An unknown e-mail address is recorded without it: what someone typed in the address
    field may be a mistyped password.
    """
    with transaction.atomic():
        if user is None:
            audit_record("auth.login_failed", data={"stage": stage, "known_account": False})
            return
        User.objects.filter(pk=user.pk).update(failed_login_attempts=F("failed_login_attempts") + 1)
        user.refresh_from_db(fields=["failed_login_attempts", "locked_until"])
        audit_record("auth.login_failed", target=user, data={"stage": stage, "known_account": True})
        if user.failed_login_attempts >= settings.LOCKOUT_ATTEMPTS and not user.is_locked():
            locked_until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=locked_until, failed_login_attempts=0)
            audit_record("auth.locked", target=user, data={"minutes": settings.LOCKOUT_MINUTES})


def login_blocked_record(user: User) -> None:
    audit_record("auth.login_blocked", target=user)


def password_changed_record(user: User) -> None:
    audit_record("user.password_changed", actor=user, target=user)


def mfa_change_record(user: User, event_type: str, authenticator: Authenticator) -> None:
    audit_record(
        event_type,
        actor=user,
        target=user,
        data={"method": authenticator.type, "authenticator_id": authenticator.pk},
    )


def _setup_link(user: User) -> str:
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def user_list_view_record(*, actor: User, role_filter: str) -> None:
    """Reading the list of accounts is a read of personal data about staff."""
    audit_record("user.list_viewed", actor=actor, object_type="accounts.user", data={"role": role_filter})


def user_view_record(*, actor: User, user: User) -> None:
    audit_record("user.viewed", actor=actor, target=user)


def user_create(*, actor: User, email: str, first_name: str, last_name: str, role: str) -> tuple[User, str]:
    """Creates an account with no usable password and returns a one-time set-up link.

    The administrator passes the link on; the new user chooses a password through it and
    must then set up two-factor sign-in before any page opens.
    """
    with transaction.atomic():
        # No password given: create_user stores an unusable one.
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, role=role)
        audit_record("user.created", actor=actor, target=user, data={"role": role})
        audit_record("user.setup_link_issued", actor=actor, target=user)
    return user, _setup_link(user)


def user_setup_link_issue(*, actor: User, user: User) -> str:
    with transaction.atomic():
        audit_record("user.setup_link_issued", actor=actor, target=user)
    return _setup_link(user)


def user_update(
    *, actor: User, user: User, first_name: str, last_name: str, role: str, is_active: bool
) -> User:
    """Changes name, role or active state; each kind of change is its own audit event."""
    if actor.pk == user.pk and (role != user.role or not is_active):
        raise PermissionError("Administrators cannot change their own role or deactivate themselves.")
    with transaction.atomic():
        before: dict[str, Any] = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "is_active": user.is_active,
        }
        user.first_name, user.last_name, user.role, user.is_active = first_name, last_name, role, is_active
        user.save(update_fields=["first_name", "last_name", "role", "is_active"])
        if (before["first_name"], before["last_name"]) != (first_name, last_name):
            audit_record("user.updated", actor=actor, target=user, data={"fields": ["name"]})
        if before["role"] != role:
            audit_record(
                "user.role_changed", actor=actor, target=user, data={"from": before["role"], "to": role}
            )
        if before["is_active"] and not is_active:
            audit_record("user.deactivated", actor=actor, target=user)
        elif not before["is_active"] and is_active:
            audit_record("user.reactivated", actor=actor, target=user)
    return user


def user_unlock(*, actor: User, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_attempts=0)
        audit_record("user.unlocked", actor=actor, target=user)


def user_mfa_reset(*, actor: User, user: User) -> None:
    """Removes every second factor, for a user who lost their phone and recovery codes.

    The user must set up a new method at next sign-in before any page opens.
    """
    with transaction.atomic():
        count, _ = Authenticator.objects.filter(user=user).delete()
        audit_record("mfa.reset", actor=actor, target=user, data={"removed": count})


def users_create_demo(accounts: list[DemoAccount], totp_secret: str) -> list[User]:
    """Demo accounts with known passwords and TOTP set up (the demo command only).

    Idempotent: an existing demo account gets its password, role and second factor back.
    """
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    users = []
    for account in accounts:
        with transaction.atomic():
            user = User.objects.filter(email=account.email).first()
            if user is None:
                user = User.objects.create_user(
                    email=account.email, first_name="Demo", last_name=account.last_name, role=account.role
                )
                audit_record("user.created", target=user, data={"role": account.role, "demo": True})
            user.set_password(account.password)
            user.is_active = True
            user.role = account.role
            user.locked_until = None
            user.failed_login_attempts = 0
            user.save()
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, totp_secret)
                RecoveryCodes.activate(user)
        users.append(user)
    return users
