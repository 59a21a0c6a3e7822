"""Outsiders get 404 for the knowledge portal's URLs that name a page or a document
(``core.access_testing``): a draft page and a document no live page links to are not found,
for visitors and for every signed-in role except, for documents, the editors who review them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.log_actions import LogContext

from hedershus.cms.tests.conftest import make_article
from hedershus.cms.tests.test_documents import pdf
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test


@object_url("cms_page")
def _draft_page(request: pytest.FixtureRequest) -> Scenario:
    tree = request.getfixturevalue("tree")
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    draft = make_article(tree[("knowledge-bank", "sv")], cast[Role.EDITOR], title="Utkast som ingen ser")
    return Scenario(
        kwargs={"page_id": draft.pk},
        outsiders=[None, *cast.values()],
        control_user=None,
        control_kwargs={"page_id": tree[("knowledge-bank", "sv")].pk},
    )


@object_url("cms_document")
def _unlinked_document(request: pytest.FixtureRequest) -> Scenario:
    request.getfixturevalue("settings").MEDIA_ROOT = str(request.getfixturevalue("tmp_path"))
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    editor = cast[Role.EDITOR]
    with LogContext(user=editor):
        document = get_document_model()(title="Rapport", file=ContentFile(pdf(), name="rapport.pdf"))
        document.save()
    return Scenario(
        kwargs={"document_id": document.pk},
        outsiders=[None, *(cast[role] for role in roles_without(Capability.EDIT_CONTENT))],
        control_user=editor,
    )


test_an_outsider_gets_404 = outsider_test(__name__)
