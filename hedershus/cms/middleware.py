"""The gate in front of Wagtail's admin at /staff/cms/ (R3, R23).

- Only users with the editor capability get in; everyone else gets 403, and a visitor who
  is not signed in is sent to the platform's own sign-in (password and second factor).
  Wagtail's own sign-in and password-reset pages are never shown: there is one sign-in.
- Wagtail's admin needs a looser Content-Security-Policy than the rest of the platform
  (docs/architecture.md, "The admin's Content-Security-Policy", says what and why); it is
  loosened for /staff/cms/ only.
  This middleware sits inside django-csp's, so it marks the response before the header
  is written.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from hedershus.cms.review import admin_request_bound
from hedershus.cms.translation import MachineTranslationError
from hedershus.core.access import Capability
from hedershus.core.paths import STAFF_PATH_PREFIX

CMS_ADMIN_PREFIX = f"{STAFF_PATH_PREFIX}cms/"

# What Wagtail 8's admin needs beyond the platform's policy, found by loading its pages in
# Chromium under the strict policy and reading the violations: inline scripts (page listings,
# the editor, history, translation) and inline styles (the editor). 'unsafe-inline' has no
# effect next to a nonce, so script-src carries none here. See docs/architecture.md,
# "The admin's Content-Security-Policy".
CMS_ADMIN_CSP_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # The editor's preview pane is an iframe of the admin itself.
    "frame-ancestors": [SELF],
}

# Wagtail's own account pages that would be a second way to sign in or reset a password.
_REPLACED_PATHS = ("login/", "password_reset/")


class CmsAdminMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(CMS_ADMIN_PREFIX):
            return self.get_response(request)
        rest = path[len(CMS_ADMIN_PREFIX) :]
        if rest.startswith(_REPLACED_PATHS[0]):
            return _to_platform_sign_in(request)
        if rest.startswith(_REPLACED_PATHS[1]):
            raise Http404
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not user.has_capability(Capability.EDIT_CONTENT):
            raise PermissionDenied
        # Review decisions confirm themselves to this request, whichever view took them.
        with admin_request_bound(request):
            response = self.get_response(request)
        # A page preview is rendered by a request of its own through the whole middleware
        # stack, so it arrives with the public policy (frame-ancestors 'none'); the admin's
        # policy replaces it.
        if "Content-Security-Policy" in response:
            del response["Content-Security-Policy"]
        response._csp_replace = CMS_ADMIN_CSP_REPLACE  # type: ignore[attr-defined]
        # The preview pane frames the admin's own pages; everything else stays DENY.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        # With "no-referrer" browsers send "Origin: null" on the admin's form posts, which the
        # CSRF check refuses; "same-origin" still gives other hosts no referrer.
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A machine translation that fails says so to the editor instead of a server error."""
        if not isinstance(exception, MachineTranslationError):
            return None
        messages.error(
            request, _("Machine translation is not available right now: %(reason)s") % {"reason": exception}
        )
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = CMS_ADMIN_PREFIX
        return redirect(next_url)


def _to_platform_sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next", "")
    target = resolve_url(settings.LOGIN_URL)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"{target}?{urlencode({'next': next_url})}"
    elif request.user.is_authenticated:
        target = CMS_ADMIN_PREFIX
    return redirect(target)
