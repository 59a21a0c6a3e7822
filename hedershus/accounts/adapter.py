from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from hedershus.accounts.models import User
from hedershus.core.access import Capability, user_has_capability


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No self sign-up: administrators create every account."""
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where a completed sign-in lands when no ``next`` was asked for: partner
        professionals (``ANSWER_REFERRALS``) on their own start page, ``/staff/partner/``
        (issue 11), everyone else on the staff start page (``LOGIN_REDIRECT_URL``)."""
        if user_has_capability(request.user, Capability.ANSWER_REFERRALS):
            return reverse("partner_portal:home")
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request: HttpRequest) -> str:
        """Client addresses are never read (the request middleware removes them).

        allauth asks for one to key its per-IP rate limits; we configure only per-account
        limits, so a constant keeps allauth working without an address.
        """
        return "0.0.0.0"  # noqa: S104 - a placeholder, never a bind address

    def pre_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse | None:
        """Every way of signing in passes here first, a passkey included: an account an
        administrator has locked is refused like a deactivated one (issue 7, item 3a). The
        password step refuses it earlier (``LockoutAuthenticationBackend``)."""
        if isinstance(user, User) and user.is_locked():
            from allauth.account.internal.stagekit import clear_login

            from hedershus.accounts import services

            clear_login(request)
            services.login_blocked_record(user)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Signs in, and counts the sign-in itself as a fresh authentication.

        allauth asks again for a password or code before sensitive actions unless one was
        given with ``reauthenticated`` set within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; its
        sign-in steps (password, second factor, passkey, reset link) are recorded without
        that flag, so a person who signed in a second ago was asked again (issue 7, item 7).
        Every way of signing in ends here, so each step of this sign-in is marked: the
        re-authentication window then starts at the last step, as docs/architecture.md says.
        """
        super().login(request, user)
        records = get_authentication_records(request, user)
        if records:
            request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {**record, "reauthenticated": True} for record in records
            ]
