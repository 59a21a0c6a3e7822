"""Render a public page once: a cache of the rendered body of public CMS pages (issue 8).

A page is rendered for the first visitor and its body kept in Django's cache (the shared
Redis cache when REDIS_URL is set), keyed by the host, the path, the language, discreet mode
and a site-wide *content version*. The content version changes whenever anything a public
page may show changes (any row of the CMS's, Wagtail's, taggit's or documents' tables saved
or deleted, a page published, unpublished or moved), so menus, lists of children and
language links are fresh at once; the entries also expire after ``PUBLIC_PAGE_CACHE_SECONDS``.

Nothing of a visitor is kept: only anonymous GET requests without a query string are cached,
only 200 answers whose rendering touched no session value, set no cookie and asked for no
CSRF token, and never a page with a view restriction. The one per-response value, the CSP
nonce of the inline quick-exit script, is replaced by a placeholder in the cached body and
the current request's nonce is put back in each answer; every header (Cache-Control:
no-store, the CSP, the security headers) is added by the middleware to each answer as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation

from hedershus.portal.discreet import is_discreet

VERSION_KEY = "cms:public-page:content-version"
#: Stands in for the CSP nonce in a cached body; no page text contains it.
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"
#: Tables whose rows a public page may show: a write to any of them starts a new version.
CONTENT_APPS = frozenset(
    {"cms", "portal", "wagtailcore", "wagtaildocs", "wagtailimages", "taggit", "wagtail_localize"}
)


def _timeout() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 60))


def content_version() -> str:
    """The current site-wide content version (a new one if none is cached)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def content_changed() -> None:
    """Starts a new content version now and again after the transaction commits, so that a
    request between the two cannot keep the old content under the new version."""

    def bump() -> None:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)

    bump()
    transaction.on_commit(bump)


def on_model_change(sender: Any, **kwargs: Any) -> None:
    """post_save/post_delete receiver: a write to a content table changes the version."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in CONTENT_APPS:
        content_changed()


def on_page_change(sender: Any, **kwargs: Any) -> None:
    """Receiver for Wagtail's page_published, page_unpublished and post_page_move."""
    content_changed()


def _cache_key(request: HttpRequest, discreet: bool) -> str:
    return ":".join(
        (
            "cms:public-page",
            content_version(),
            translation.get_language() or "",
            "discreet" if discreet else "named",
            request.get_host(),
            request.path,
        )
    )


def _cacheable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        _timeout() > 0
        and request.method == "GET"
        and not request.GET
        and not (user is not None and user.is_authenticated)
    )


def _session_values_read(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.modified)


def _page_is_restricted(response: HttpResponse) -> bool:
    if not isinstance(response, TemplateResponse):
        return True
    page = (response.context_data or {}).get("page")
    if page is None:
        return True
    return bool(page.get_view_restrictions())


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serves ``view``'s rendered page from the cache when it may be shared between visitors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _cache_key(request, is_discreet(request))
        cached = cache.get(key)
        if cached is not None:
            body, content_type = cached
            nonce = str(getattr(request, "csp_nonce", ""))
            return HttpResponse(body.replace(NONCE_PLACEHOLDER, nonce), content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code != 200
            or response.cookies
            or response.has_header("Set-Cookie")
            or _page_is_restricted(response)
        ):
            return response
        if isinstance(response, TemplateResponse):
            response.render()
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or _session_values_read(request):
            return response
        body = response.content.decode(response.charset or "utf-8")
        nonce = str(getattr(request, "csp_nonce", ""))
        if nonce and NONCE_PLACEHOLDER not in body:
            cache.set(key, (body.replace(nonce, NONCE_PLACEHOLDER), response["Content-Type"]), _timeout())
        return response

    return wrapper
