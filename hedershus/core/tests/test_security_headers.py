"""Every response carries the security baseline of issue 2."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

PAGES = ["/healthz", "/staff/auth/login/", "/staff/"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_are_on_every_response(client, db, path):
    response = client.get(path, secure=True)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy
    assert response["Cache-Control"] == "no-store"


def test_scripts_need_a_fresh_nonce_per_response(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def page_with_script(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}" src="/static/x.js"></script>')

    def policy() -> str:
        response = CSPMiddleware(page_with_script)(rf.get("/"))
        assert isinstance(response, HttpResponse)
        return response["Content-Security-Policy"]

    first, second = policy(), policy()
    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first) and nonce.search(second)
    assert nonce.search(first).group(1) != nonce.search(second).group(1)


def test_session_cookie_is_secure_httponly_and_samesite(client, counsellor):
    client.post(
        reverse("account_login"), {"login": counsellor.email, "password": "correct-horse-battery-staple"}
    )
    cookie = client.cookies["__Host-sid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_forms_without_a_csrf_token_are_refused(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account_login"), {"login": "x@example.org", "password": "y"})
    assert response.status_code == 403
