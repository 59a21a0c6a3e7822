"""An editor previews a new page before saving it, as the first step of the review workflow
(the e2e flow's preview; the language switcher once made it a server error)."""

from __future__ import annotations

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
