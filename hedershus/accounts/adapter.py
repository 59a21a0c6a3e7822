from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hedershus.accounts import eid
from hedershus.accounts.eid_config import EID_PROVIDER_ID
from hedershus.accounts.models import User
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.auth import EID_SECOND_FACTOR_SESSION_KEY


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
        # An e-ID whose provider asserted a high assurance level, accepted in this request for
        # this user, was both factors: has_second_factor accepts this session (issue 13, item 5).
        assertion, eid_user_id = getattr(request, eid.REQUEST_ATTRIBUTE, (None, None))
        if isinstance(assertion, eid.EidAssertion) and assertion.high_assurance and eid_user_id == user.pk:
            request.session[EID_SECOND_FACTOR_SESSION_KEY] = {"user_id": user.pk, "acr": assertion.acr}

    def get_reauthentication_methods(self, user: Any) -> list[dict[str, Any]]:
        """allauth's ways to confirm it is still you (password, authenticator app, security
        key) and, for an account with a linked e-ID, a fresh e-ID sign-in (the provider's
        login page; its ``next`` brings the person back). For an account with only an e-ID it
        is the one way: see ``install_eid_reauthentication``."""
        methods: list[dict[str, Any]] = list(super().get_reauthentication_methods(user))
        if _has_eid_link(user):
            methods.append(
                {
                    "id": "eid_reauthenticate",
                    "description": _("Use your e-ID"),
                    "url": reverse("openid_connect_login", kwargs={"provider_id": EID_PROVIDER_ID}),
                }
            )
        return methods

    def get_login_stages(self) -> list[str]:
        """allauth's sign-in steps, with its second-factor step replaced by one that a
        high-assurance e-ID sign-in skips (``eid.EidAwareAuthenticateStage``)."""
        return [
            "hedershus.accounts.eid.EidAwareAuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]


def _has_eid_link(user: Any) -> bool:
    """Whether e-ID sign-in is configured and ``user`` (signed in) has a linked e-ID."""
    from hedershus.accounts.selectors import eid_links_of

    return bool(
        settings.EID_OIDC_ENABLED
        and isinstance(user, User)
        and user.is_authenticated
        and eid_links_of(user).exists()
    )


def install_eid_reauthentication() -> None:
    """Makes allauth ask an account with a linked e-ID to re-authenticate too.

    allauth 65.21 (``account.internal.flows.reauthentication.did_recently_reauthenticate``)
    treats an account with neither a usable password nor an authenticator as needing no
    re-authentication at all, so a person who signs in only with a high-assurance e-ID would
    pass every ``reauthentication_required`` check (role changes, account administration,
    exports) unasked. This adds an ``eid_reauthenticate`` flow for such accounts: the check
    then wants a sign-in step within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``, and the way to give
    one is a fresh e-ID sign-in (``AccountAdapter.get_reauthentication_methods``). Called
    once from ``AccountsConfig.ready``; wraps allauth's function in its module, where every
    caller looks it up.
    """
    from allauth.account.internal.flows import reauthentication

    original = reauthentication.get_reauthentication_flows
    if getattr(original, "hedershus_eid", False):
        return

    def get_reauthentication_flows(user: AbstractBaseUser) -> list[dict[str, Any]]:
        flows: list[dict[str, Any]] = list(original(user))
        if _has_eid_link(user):
            flows.append({"id": "eid_reauthenticate"})
        return flows

    get_reauthentication_flows.hedershus_eid = True  # type: ignore[attr-defined]
    reauthentication.get_reauthentication_flows = get_reauthentication_flows


def _eid_refusal(request: HttpRequest, reason: str, user: User | None = None) -> ImmediateHttpResponse:
    """Records the refusal and answers with the neutral page: it says the same for every
    reason, so it tells nobody whether an account has this identity number."""
    from hedershus.accounts import services

    services.eid_refused_record(reason=reason, user=user)
    response = render(request, "socialaccount/authentication_error.html", status=403)
    return ImmediateHttpResponse(response)


def _eid_self_link(
    request: HttpRequest, sociallogin: SocialLogin, assertion: eid.EidAssertion
) -> ImmediateHttpResponse:
    """A signed-in person's "Link my e-ID" came back from the provider (allauth's ``connect``
    process, started from ``views.eid_link``): links it (``services.eid_self_link``) and
    answers with a redirect to that page and a message, instead of allauth's connect step.

    The person must be signed in with both factors (``RequireMFAMiddleware`` guards the
    callback) and have re-authenticated within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; if that
    ran out during the round trip they are sent back to confirm and try again. A refusal is
    audited (``auth.eid_refused``) and told neutrally: it never says that another account
    holds the number.
    """
    from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
    from django.contrib import messages
    from django.shortcuts import redirect

    from hedershus.accounts import services

    user = request.user if isinstance(request.user, User) else None
    if user is None:
        return _eid_refusal(request, "process")
    back = ImmediateHttpResponse(redirect("staff:eid_link"))
    if not did_recently_reauthenticate(request):
        messages.error(request, _("Confirm that it is you, then press “Link my e-ID” again."))
        return back
    try:
        linked = services.eid_self_link(user=user, sociallogin=sociallogin, assertion=assertion)
    except services.EidRefused as refused:
        services.eid_refused_record(reason=refused.reason, user=refused.user)
        messages.error(
            request,
            _(
                "The e-ID could not be linked to your account. If you used your own e-ID and "
                "this keeps happening, ask an administrator."
            ),
        )
        return back
    if linked:
        messages.success(request, _("Your e-ID is linked. You can now sign in with it."))
    else:
        messages.success(request, _("This e-ID was already linked to your account."))
    return back


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """e-ID sign-in (issue 13, item 5): nobody signs up through it; an e-ID opens only the
    account whose identity number it asserts (``services.eid_sign_in_account``), and a
    signed-in person links their own (``services.eid_self_link``)."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """No sign-up through an e-ID either: administrators create every account."""
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Checks the nonce, finds (and on first use links) the account, or refuses; for
        allauth's ``connect`` process, links the signed-in person's own e-ID (``_eid_self_link``).

        Runs after allauth looked the e-ID up by its ``sub`` and before it signs anyone in.
        Refusals raise ``ImmediateHttpResponse`` with the neutral page (403) and are audited
        (``auth.eid_refused``); the assertion goes on to ``AccountAdapter.login`` on the
        request (never the session) for the second-factor rule.
        """
        from hedershus.accounts import services

        assertion = eid.assertion_of_sociallogin(sociallogin)
        if assertion is None:
            raise _eid_refusal(request, "not_eid")
        expected_nonce = sociallogin.state.get("nonce")
        if not expected_nonce or assertion.nonce != expected_nonce:
            raise _eid_refusal(request, "nonce")
        process = sociallogin.state.get("process")
        if process == AuthProcess.CONNECT:
            raise _eid_self_link(request, sociallogin, assertion)
        if process != AuthProcess.LOGIN:
            raise _eid_refusal(request, "process")
        try:
            user = services.eid_sign_in_account(sociallogin=sociallogin, assertion=assertion)
        except services.EidRefused as refused:
            raise _eid_refusal(request, refused.reason, refused.user) from refused
        setattr(request, eid.REQUEST_ATTRIBUTE, (assertion, user.pk))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Exception | None = None,
        extra_context: Any = None,
    ) -> None:
        """The provider's answer failed allauth's or our checks (a bad signature, issuer or
        state, a cancelled sign-in): recorded as ``auth.eid_refused`` with the kind of error."""
        from hedershus.accounts import services

        kind = getattr(error, "value", error) or "error"
        services.eid_refused_record(reason=f"provider_{kind}")
        super().on_authentication_error(request, provider, error, exception, extra_context)
