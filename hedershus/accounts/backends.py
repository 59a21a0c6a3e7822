from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from hedershus.accounts import services, throttle
from hedershus.accounts.models import User


class LockoutAuthenticationBackend(AuthenticationBackend):
    """allauth's e-mail/password backend with the per-address back-off and the
    administrator's lock (docs/architecture.md, "Sign-in").

    Every password check, at sign-in and at re-authentication, goes through here:

    - while the typed address is in a back-off delay, nothing is checked and
      ``throttle.SignInDelayed`` (a ``ValidationError``) is raised, which allauth's forms
      show as the form's error; the message is the same for every address;
    - otherwise the password is checked (allauth hashes a throw-away password when no
      account has the address, so an unknown address takes as long as a known one) and a
      failure is counted against the address, known or not;
    - a locked account (``User.locked_until``, set by an administrator) is refused even
      with the right password, and its existing sessions end (``get_user``).
    """

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> AbstractBaseUser | None:
        typed = credentials.get("email") or credentials.get("username") or ""
        if not credentials.get("password") or not typed:
            return None
        address = throttle.normalise_address(typed)
        reauthenticating = bool(getattr(getattr(request, "user", None), "is_authenticated", False))
        with throttle.serialised(address):
            services.sign_in_refuse_if_delayed(address)
            user = super().authenticate(request, **credentials)
            if user is None:
                services.sign_in_failed(
                    address=address, stage="reauthentication" if reauthenticating else "password"
                )
                return None
        if isinstance(user, User) and user.is_locked():
            services.login_blocked_record(user)
            return None
        return user

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        """The user of an existing session: none once deactivated (Django's own check) or
        locked by an administrator, so a lock ends every session of the account."""
        user = super().get_user(user_id)
        if isinstance(user, User) and user.is_locked():
            return None
        return user
