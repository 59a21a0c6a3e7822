"""Every URL that names an object has an outsider test (``core.access_testing``).

Walks the URL resolver for the platform's own views whose route takes a parameter and
requires each to be registered with ``object_url`` in ``<app>/tests/test_object_urls.py``,
or listed in ``EXEMPT`` with the reason it names no object an outsider could reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import autodiscover_modules

from hedershus.core.access_testing import OBJECT_URLS

EXEMPT: dict[str, str] = {
    "wagtaildocs_serve": "Wagtail's file-name path: redirects everyone to cms_document, which is registered.",
    "cms_translation_submit": (
        "Wagtail admin (/staff/cms/): every editor may work on every page, and everyone else is "
        "refused at the prefix by cms.middleware (cms/tests/test_access.py)."
    ),
    # allauth's e-ID (OpenID Connect) sign-in: the parameter names a configured provider.
    "openid_connect_login": (
        "provider_id names the configured e-ID provider, not a record; any other is 404, and "
        "with e-ID off every one is (accounts/tests/test_eid_sign_in.py)."
    ),
    "openid_connect_callback": "As openid_connect_login.",
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield route, name, pattern.callback


def _object_url_names() -> set[str]:
    """Names of the platform's own views whose route takes a parameter (``<int:pk>``, ``(?P<id>…)``)."""
    return {
        name
        for route, name, callback in _walk(get_resolver().url_patterns)
        if getattr(callback, "__module__", "").startswith("hedershus.") and ("<" in route)
    }


def test_every_object_url_has_an_outsider_test() -> None:
    autodiscover_modules("tests.test_object_urls")
    found = _object_url_names()
    assert "staff:user_detail" in found  # the walk itself finds object URLs
    missing = found - set(OBJECT_URLS) - set(EXEMPT)
    assert not missing, f"Register outsider scenarios (core.access_testing.object_url) for: {sorted(missing)}"
    stale = (set(OBJECT_URLS) | set(EXEMPT)) - found
    assert not stale, f"No longer URLs with a parameter: {sorted(stale)}"
