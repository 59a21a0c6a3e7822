"""Public views of the site shell. Every public page extends ``portal/base.html``.

The home page and search are the CMS's (hedershus/cms/views.py), under the shell's URL
names ``portal:home`` and ``portal:search``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from hedershus.portal.discreet import discreet_set
from hedershus.portal.forms import DiscreetModeForm
from hedershus.portal.languages import home_url, language_from_accept_header
from hedershus.portal.selectors import quick_exit_destination
from hedershus.portal.services import quick_exit_session_end

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@require_GET
def language_redirect(request: HttpRequest) -> HttpResponse:
    """``/`` leads to a language prefix, chosen from Accept-Language; no cookie is read or set."""
    response = HttpResponseRedirect(
        home_url(language_from_accept_header(request.headers.get("Accept-Language", "")))
    )
    patch_vary_headers(response, ["Accept-Language"])
    return response


@csrf_exempt  # leaving must never fail, whatever state the form or session is in
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Ends the session, tells the browser to forget this site, and leads to the neutral site (R11).

    ``logout`` also flushes an anonymous visitor's session. ``Clear-Site-Data`` makes the
    browser drop this site's cookies, cache and storage; the middleware adds
    ``Cache-Control: no-store``.
    """
    destination = quick_exit_destination()
    quick_exit_session_end(request)
    response = HttpResponseRedirect(destination)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@require_GET
def safety(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/safety.html")


@require_http_methods(["GET", "POST"])
def display(request: HttpRequest) -> HttpResponse:
    """Turns discreet mode (neutral page titles) on or off for this browser session."""
    if request.method == "POST":
        form = DiscreetModeForm(request.POST)
        if form.is_valid():
            discreet_set(request, form.cleaned_data["discreet"] == "on")
            return redirect("portal:display", permanent=False)
        return render(request, "portal/display.html", status=400)
    return render(request, "portal/display.html")
