"""Error pages on public paths keep the public layout and its quick exit (R11)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_public_404_has_the_public_layout(client):
    response = client.get("/ar/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="quick-exit"' in html and 'dir="rtl"' in html


def test_a_staff_404_keeps_the_staff_layout(client):
    response = client.get("/staff/audit/no-such-page/")
    assert response.status_code == 404
    assert 'class="quick-exit"' not in response.content.decode()


def test_a_staff_404_for_a_signed_in_user(signed_in, counsellor):
    response = signed_in(counsellor).get("/staff/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="quick-exit"' not in html and "staff" in html


@pytest.mark.urls("hedershus.portal.tests.error_urls")
def test_a_public_500_has_the_public_layout():
    response = Client(raise_request_exception=False).get("/sv/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="quick-exit"' in html
    assert "Något gick fel" in html


@pytest.mark.urls("hedershus.portal.tests.error_urls")
def test_a_staff_500_keeps_the_plain_page():
    response = Client(raise_request_exception=False).get("/staff/broken/")
    assert response.status_code == 500
    assert 'class="quick-exit"' not in response.content.decode()


def test_an_expired_public_form_gets_the_public_layout(db):
    response = Client(enforce_csrf_checks=True).post("/sv/display/", {"discreet": "off"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="quick-exit"' in html and "Formuläret" in html
