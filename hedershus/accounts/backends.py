from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from hedershus.accounts import services
from hedershus.accounts.models import User


class LockoutAuthenticationBackend(AuthenticationBackend):
    """allauth's e-mail/password backend that refuses a locked account, even with the right password."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> AbstractBaseUser | None:
        email = credentials.get("email") or credentials.get("username")
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and user.is_locked():
                services.login_blocked_record(user)
                return None
        return super().authenticate(request, **credentials)
