"""Discreet mode (R12): page titles and URL paths that reveal nothing in a browser's history.

It is on by default. A visitor may turn it off for the rest of the browser session (the
choice lives in the server session, never in a lasting cookie).

For other apps that serve public pages (the CMS among them)::

    from hedershus.portal.discreet import is_discreet

    if is_discreet(request):
        ...  # link to and serve the page under a neutral path, e.g. /sv/p/42/

Templates that extend ``portal/base.html`` get the variable ``discreet`` and need do
nothing for titles: the base layout shows ``neutral_title()`` instead of the page's own
``{% block title %}`` while discreet mode is on.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext

DISCREET_SESSION_KEY = "portal_discreet"


def is_discreet(request: HttpRequest) -> bool:
    """True unless the visitor turned discreet mode off in this browser session."""
    session = getattr(request, "session", None)
    if session is None:
        return True
    return bool(session.get(DISCREET_SESSION_KEY, True))


def discreet_set(request: HttpRequest, on: bool) -> None:
    """Turns discreet mode on or off until the browser session ends."""
    if on:
        request.session.pop(DISCREET_SESSION_KEY, None)
    else:
        request.session[DISCREET_SESSION_KEY] = False


def neutral_title() -> str:
    """The title every public page has in discreet mode: what a history list may show."""
    return gettext("Information")
