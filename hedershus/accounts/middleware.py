from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from hedershus.core.auth import has_second_factor
from hedershus.core.paths import is_staff_path

# What a signed-in user without a second factor may open: the set-up pages and sign-out.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
    }
)


class RequireMFAMiddleware:
    """No page behind sign-in opens before the user has set up a second factor (issue 2), or
    signed in with a high-assurance e-ID, which counts as one (issue 13, item 5)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # The path first: public pages cost no query.
        if (
            # Public pages are the same for everyone; only staff pages need the second factor.
            is_staff_path(request.path_info)
            and user is not None
            and user.is_authenticated
            and _url_name(request.path_info) not in MFA_SETUP_URL_NAMES
            and not has_second_factor(user, getattr(request, "session", None))
        ):
            return redirect("mfa_index")
        return self.get_response(request)


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None
