"""Reads of documents that apply the access rule (issue 7, item 12).

Kept apart from ``selectors.py`` (pages and search) so the document rules sit in one short
file. The rule: a visitor may download a document only while a live, public page links to
it: as one of a research page's documents, or by a document link in a page's rich text.
Editors (signed in with a second factor) may download every document, to review pages
before they go live. Anyone else gets None, and the view answers 404.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from hedershus.cms.models import PublicPage, ResearchDocument
from hedershus.core.access import Capability


def _is_editor(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_capability(Capability.EDIT_CONTENT)
        and is_mfa_enabled(user)
    )


def _public_page_models() -> list[type[PublicPage]]:
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if issubclass(m, PublicPage) and not m._meta.abstract]


def document_linked_from_live_page(document_id: int) -> bool:
    """True if a live, public page links to the document now.

    Reads the pages' live rows (a draft's links are in its revisions, not there), so a link
    added in a draft counts only once the draft is approved and published.
    """
    public = Page.objects.live().public()
    if ResearchDocument.objects.filter(document_id=document_id, page__in=public).exists():
        return True
    marker = f'id="{document_id}"'
    for model in _public_page_models():
        bodies = (
            model.objects.live()
            .public()
            .filter(body__contains='linktype="document"')
            .filter(body__contains=marker)
            .values_list("body", flat=True)
        )
        for body in bodies:
            for match in FIND_A_TAG.finditer(body or ""):
                attrs = extract_attrs(match.group(1))
                if attrs.get("linktype") == "document" and attrs.get("id") == str(document_id):
                    return True
    return False


def document_for_download(user: Any, document_id: int) -> Any | None:
    """The document ``user`` may download, or None (a visitor's or an unknown document)."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    if _is_editor(user) or document_linked_from_live_page(document.pk):
        return document
    return None
