"""Connects sign-in events from Django and allauth to the account services."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from hedershus.accounts import services, throttle
from hedershus.accounts.models import User


@receiver(user_logged_in)
def _on_login(sender: Any, user: User, **kwargs: Any) -> None:
    services.login_succeeded_record(user)


@receiver(user_logged_out)
def _on_logout(sender: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        services.logout_record(user)


# Wrong passwords are counted and recorded by LockoutAuthenticationBackend itself, under
# the address's lock (Django's user_login_failed comes after the lock is released).


@receiver(authentication_failed)
def _on_mfa_failed(sender: Any, user: User, reauthentication: bool = False, **kwargs: Any) -> None:
    """A wrong second-factor code; sent inside the form's check, which holds the address's
    lock (hedershus.accounts.forms.SignInDelayMixin)."""
    stage = "second_factor_reauthentication" if reauthentication else "second_factor"
    services.sign_in_failed(address=throttle.normalise_address(user.email), stage=stage, user=user)


@receiver(authenticator_added)
def _on_mfa_added(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    services.mfa_change_record(user, "mfa.activated", authenticator)


@receiver(authenticator_removed)
def _on_mfa_removed(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    services.mfa_change_record(user, "mfa.deactivated", authenticator)


@receiver(authenticator_reset)
def _on_mfa_reset(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    services.mfa_change_record(user, "mfa.recovery_codes_generated", authenticator)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def _on_password(sender: Any, user: User, **kwargs: Any) -> None:
    services.password_changed_record(user)


@receiver(password_reset)
def _on_password_reset(sender: Any, user: User, **kwargs: Any) -> None:
    """A password set through a link (or code) mailed to the account's address proves it."""
    services.email_address_proven(user)
