"""Error pages: public paths get the public layout, with the quick exit; staff paths keep theirs."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from hedershus.core import views as core_views
from hedershus.core.paths import is_staff_path

logger = logging.getLogger(__name__)


def is_public_path(path: str) -> bool:
    return not is_staff_path(path)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_public_path(request.path):
        return render(request, "portal/404.html", status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_public_path(request.path):
        try:
            return render(request, "portal/500.html", status=500)
        except Exception:  # whatever broke the page may break this one too
            logger.exception("The public error page could not be rendered")
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A public form sent after the session ended (the browser was closed, or 30 minutes passed)."""
    if is_public_path(request.path):
        return render(request, "portal/csrf_failure.html", status=403)
    return core_views.csrf_failure(request, reason)
