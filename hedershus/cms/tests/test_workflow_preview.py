"""An editor previews a new page before saving it, as the first step of the review workflow
(the e2e flow's preview; the language switcher once made it a server error)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hedershus.cms.tests.test_workflow_routes import _FormFields

pytestmark = pytest.mark.django_db


def test_an_editor_previews_a_new_page_before_saving_it(tree, editor, signed_in):
    client = signed_in(editor)
    parent = tree[("knowledge-bank", "sv")]
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", parent.pk])
    parser = _FormFields()
    parser.feed(client.get(add_url).content.decode())
    data = {**parser.data, "title": "Förhandsvisad text", "slug": "forhandsvisad-text", "topic": "help"}
    data.pop("csrfmiddlewaretoken", None)
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=["cms", "articlepage", parent.pk])

    assert client.post(preview_url, data).json()["is_valid"] is True
    response = client.get(preview_url)

    assert response.status_code == 200
    assert "Förhandsvisad text" in response.content.decode()


def test_a_new_page_is_not_autosaved_behind_the_editors_back(tree, editor, signed_in):
    """Wagtail 8's autosave created a new page on its first save, so a "Submit for moderation"
    sent just before it landed was refused as a duplicate slug (settings.py, WAGTAIL_AUTOSAVE_INTERVAL)."""
    client = signed_in(editor)
    parent = tree[("knowledge-bank", "sv")]
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", parent.pk])
    page = client.get(add_url).content.decode()
    assert not re.search(r'<form[^>]*data-controller="[^"]*w-autosave', page)  # the form saves itself
