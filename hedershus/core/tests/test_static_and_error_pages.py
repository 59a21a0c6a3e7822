"""Static files collected with DEBUG on also serve with DEBUG off, and the public error page
renders, with its quick exit, even without a static manifest (issue 7, item 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static storage (the test suite otherwise uses the plain one)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    settings.STATIC_ROOT = tmp_path / "static"
    return settings


def test_collectstatic_with_debug_on_leaves_a_checkout_that_serves_with_debug_off(
    db, manifest_storage, tmp_path
):
    # What scripts/run does (DEBUG on) ...
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DEBUG": "true", "STATIC_ROOT": str(tmp_path / "static")})
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    assert (tmp_path / "static" / "staticfiles.json").exists()
    # ... then a public page with DEBUG off, as the tests run: it names the hashed stylesheet.
    response = Client().get("/sv/")
    assert response.status_code == 200
    assert b'href="/static/portal/portal.' in response.content
    assert b'href="/static/portal/portal.css"' not in response.content


@pytest.mark.urls("hedershus.portal.tests.error_urls")
def test_the_public_error_page_renders_with_its_quick_exit_without_a_manifest(db, manifest_storage):
    response = Client(raise_request_exception=False).get("/sv/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'href="/exit"' in html  # the quick exit, a plain link that needs no script
    assert "Något gick fel" in html and "112" in html
    assert "/static/" not in html


def test_the_last_resort_error_page_needs_no_static_files_and_has_the_quick_exit():
    from django.template import loader
    from django.utils import translation

    with translation.override("ar"):
        html = loader.get_template("500.html").render()
    assert 'href="/exit"' in html and 'dir="rtl"' in html
    source = loader.get_template("500.html").template.source
    assert "{% static" not in source and "load static" not in source
