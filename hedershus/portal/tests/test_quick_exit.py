"""/exit ends the session, tells the browser to forget the site, and leads to the chosen site (R11)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError

from hedershus.portal import selectors, services
from hedershus.portal.models import DEFAULT_QUICK_EXIT_URL

pytestmark = pytest.mark.django_db


def test_exit_clears_site_data_and_leads_to_the_default_neutral_site(visitor):
    response = visitor.get("/exit")
    assert response.status_code == 302
    assert response["Location"] == DEFAULT_QUICK_EXIT_URL
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_exit_leads_to_the_site_the_administrators_chose(visitor, administrator):
    services.quick_exit_url_change(actor=administrator, url="https://www.svt.se/")
    assert visitor.get("/exit")["Location"] == "https://www.svt.se/"


def test_exit_ends_the_visitors_session(visitor):
    visitor.get("/sv/display/")
    visitor.post("/sv/display/", {"discreet": "off"})
    assert Session.objects.count() == 1
    response = visitor.get("/exit")
    assert Session.objects.count() == 0
    cookie = next(iter(response.cookies.values()))
    assert cookie.value == "" and str(cookie["max-age"]) == "0"
    # The next page is a fresh, discreet visit.
    assert "<title>Information</title>" in visitor.get("/en/").content.decode()


def test_exit_signs_staff_out(signed_in, counsellor):
    client = signed_in(counsellor)
    client.get("/exit")
    assert client.get("/staff/").status_code == 302  # back to sign-in


def test_exit_works_by_post_without_a_token(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/exit")
    assert response.status_code == 302
    assert response["Clear-Site-Data"]


def test_exit_still_leads_away_when_the_settings_cannot_be_read(visitor, monkeypatch):
    def broken():
        raise DatabaseError("down")

    monkeypatch.setattr(selectors, "safety_settings_current", broken)
    assert visitor.get("/exit")["Location"] == DEFAULT_QUICK_EXIT_URL
