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
from django.core.exceptions import ValidationError
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
        request.session.pop(eid.LOW_ASSURANCE_PENDING_SESSION_KEY, None)
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
        from django.contrib.auth import update_session_auth_hash

        # A new number ends the account's other sessions (User._get_session_auth_hash); this
        # one, just confirmed with the e-ID, goes on.
        user.refresh_from_db()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your e-ID is linked. You can now sign in with it."))
    else:
        messages.success(request, _("This e-ID was already linked to your account."))
    return back


def _eid_reauthenticate(
    request: HttpRequest, sociallogin: SocialLogin, assertion: eid.EidAssertion
) -> ImmediateHttpResponse:
    """A signed-in person's e-ID sign-in (the "Use your e-ID" way on allauth's "Confirm
    access" page) came back from the provider. allauth would sign out the current account
    and sign in whoever the e-ID names; here the e-ID must name the signed-in account
    (``services.eid_reauthenticate``): then it is recorded as a re-authentication
    (``record_authentication(..., reauthenticated=True)``, as a password is) and the person
    goes on to the flow's ``next``, in the same session, with its second-factor state as it
    was (a low-assurance e-ID re-authenticates like a password). Anyone else's e-ID is
    refused (``auth.eid_refused``, reason ``other_person``, with the neutral page) and the
    session stays as it was."""
    from allauth.account.internal.flows.login import record_authentication
    from django.shortcuts import redirect

    from hedershus.accounts import services

    user = request.user
    assert isinstance(user, User)
    try:
        services.eid_reauthenticate(user=user, sociallogin=sociallogin, assertion=assertion)
    except services.EidRefused as refused:
        return _eid_refusal(request, refused.reason, refused.user)
    record_authentication(
        request,
        user,
        method="socialaccount",
        reauthenticated=True,
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
    )
    next_url = sociallogin.get_redirect_url(request) or settings.LOGIN_REDIRECT_URL
    return ImmediateHttpResponse(redirect(next_url))


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

        # Nothing after this needs the provider's access token (SOCIALACCOUNT_STORE_TOKENS is
        # off; userinfo was fetched) or the PKCE verifier (the code was exchanged): dropped
        # before allauth stashes the social login in the session for a second-factor step.
        sociallogin.token = None
        sociallogin.state.pop("pkce_code_verifier", None)
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
        if request.user.is_authenticated:
            # Someone is signed in: this e-ID sign-in is their re-authentication ("Confirm
            # access"), never a new sign-in that would replace the session.
            raise _eid_reauthenticate(request, sociallogin, assertion)
        try:
            user = services.eid_sign_in_account(sociallogin=sociallogin, assertion=assertion)
        except services.EidRefused as refused:
            raise _eid_refusal(request, refused.reason, refused.user) from refused
        setattr(request, eid.REQUEST_ATTRIBUTE, (assertion, user.pk))

    def validate_disconnect(self, account: Any, accounts: Any) -> None:
        """allauth's own "disconnect" is never offered: its page redirects to the person's e-ID
        page (hedershus/urls.py), whose "Remove my e-ID" also removes the number, audited
        (``services.eid_self_remove``). Refused here too, whatever calls it."""
        raise ValidationError(_("Remove your e-ID on your e-ID page."))

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

        services.eid_refused_record(reason=authentication_error_reason(error, exception, extra_context))
        super().on_authentication_error(request, provider, error, exception, extra_context)


def authentication_error_reason(error: Any, exception: Exception | None, extra_context: Any) -> str:
    """The ``auth.eid_refused`` reason for an e-ID sign-in that failed before any account was
    looked at, so the audit log tells an attack from a cancelled sign-in (issue 13 item 5,
    round 2):

    * ``provider_cancelled``: the person cancelled or refused at the provider (the callback
      brought ``error=access_denied``, allauth's ``AuthError.CANCELLED``);
    * ``provider_error``: the provider sent back another ``error`` (allauth's ``UNKNOWN``
      without an exception, with the flow's state);
    * ``state``: no pending sign-in matched the callback's ``state`` (tampered, replayed or
      from another browser: allauth renders the error with ``state_id``);
    * ``invalid_token``: the id_token failed a check (signature, ``alg``, issuer, audience,
      times, authorised party: ``eid_provider.EidTokenInvalid``);
    * ``token_exchange``: the token endpoint refused the code (a replayed code, a wrong PKCE
      verifier or client secret) or answered nonsense (another ``OAuth2Error``);
    * ``permission_denied``, ``provider_unreachable``, ``provider_exception``: allauth's other
      exceptions; ``provider_unknown`` for anything else.
    """
    import requests
    from allauth.socialaccount.providers.base import AuthError, ProviderException
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error
    from django.core.exceptions import PermissionDenied

    from hedershus.accounts.eid_provider import EidTokenInvalid

    if isinstance(exception, EidTokenInvalid):
        return "invalid_token"
    if isinstance(exception, OAuth2Error):
        return "token_exchange"
    if isinstance(exception, PermissionDenied):
        return "permission_denied"
    if isinstance(exception, requests.RequestException):
        return "provider_unreachable"
    if isinstance(exception, ProviderException):
        return "provider_exception"
    if error == AuthError.CANCELLED:
        return "provider_cancelled"
    context = extra_context if isinstance(extra_context, dict) else {}
    if exception is None and "state_id" in context:
        return "state"
    if exception is None and context.get("state") is not None:
        return "provider_error"
    return "provider_unknown"
