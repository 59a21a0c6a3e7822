from __future__ import annotations

from unittest import mock


def test_healthz_reports_database_and_channel_layer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_healthz_is_503_when_the_channel_layer_fails(client, db):
    with mock.patch("hedershus.core.views.get_channel_layer", return_value=None):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["channel_layer"] == "failing"


def test_healthz_is_503_when_the_database_fails(client, db):
    with mock.patch("hedershus.core.views._database_ok", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"
