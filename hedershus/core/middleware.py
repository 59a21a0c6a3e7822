"""Request context, the IP-free request log and the headers every response carries."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from hedershus.core import context
from hedershus.core.exceptions import ApplicationError
from hedershus.core.paths import is_staff_path

request_log = logging.getLogger("hedershus.request")

# Headers a response must never reveal to a logged request line or a later reader.
_CLIENT_META_KEYS = ("REMOTE_ADDR", "REMOTE_HOST", "HTTP_USER_AGENT")


class RequestContextMiddleware:
    """Gives each request an id and logs one line per request: method, path, status.

    The client's address and user agent are removed from ``request.META`` before any
    other code runs, so no view, library or log call further in can store them. The
    query string is left out of the log because search terms and tokens live there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key in _CLIENT_META_KEYS:
            request.META.pop(key, None)
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.request_id.set(request_id)
        host_token = context.request_host.set(request.META.get("HTTP_HOST", ""))
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            context.request_host.reset(host_token)
            context.request_id.reset(token)
        request_log.info(
            "%s %s %s %dms id=%s",
            request.method,
            request.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
            request_id,
        )
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class NoStoreMiddleware:
    """No response is kept in a browser's or proxy's cache (R12): every page may be personal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        response.headers.pop("Last-Modified", None)
        response.headers.pop("ETag", None)
        return response


def static_no_store(headers: dict[str, str], path: str, url: str) -> None:
    """WhiteNoise hook: static files are not cached either (a cache entry names the site)."""
    headers["Cache-Control"] = "no-store"


class ApplicationErrorMiddleware:
    """Turns an :class:`~hedershus.core.exceptions.ApplicationError` from a view into a 4xx.

    JSON requests get ``{"error": code, "message": ..., **extra}``; others a small page in
    the platform's layout (the public one, with the quick exit, outside ``/staff/``). Any
    other exception goes on to Django's handlers as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answers ``exception`` if it is an application error; ``None`` lets Django handle it."""
        if not isinstance(exception, ApplicationError):
            return None
        if _wants_json(request):
            body = {**exception.extra, "error": exception.code, "message": str(exception.message)}
            return JsonResponse(body, status=exception.status)
        template = (
            "core/application_error.html"
            if is_staff_path(request.path)
            else "core/application_error_public.html"
        )
        return render(request, template, {"error": exception}, status=exception.status)


def _wants_json(request: HttpRequest) -> bool:
    if request.content_type == "application/json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


class SessionSavedOnActivityMiddleware(SessionMiddleware):
    """Django's ``SessionMiddleware``, except that a page's background refresh (a GET with
    ``?fragment=1``: the counsellors' queue and conversation pages fetch themselves again on a
    hint, staff.js) never saves the session.

    With ``SESSION_SAVE_EVERY_REQUEST`` every request writes the whole session back, so a
    refresh that ran beside a form post wrote its older copy over the post's: the flash
    message "The conversation is yours." was lost under load. And a refresh is not the
    person's activity: saving it pushed the idle expiry forward, so a screen left open on the
    live queue never timed out (``SESSION_IDLE_MINUTES``), unlike one whose socket only hears
    events.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Skips the save for a background refresh; otherwise Django's own behaviour."""
        if request.method == "GET" and request.GET.get("fragment") == "1":
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
