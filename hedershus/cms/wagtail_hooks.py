"""The CMS's additions to Wagtail: neutral links in rich text, and the translation status report."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.rich_text.pages import PageLinkHandler

from hedershus.cms import admin_views, review, services


class NeutralPageLinkHandler(PageLinkHandler):
    """Links between pages in rich text use the neutral path (/sv/p/42/): a visitor's history
    then shows no page names, whether or not discreet mode is on."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict[str, Any]]) -> list[str]:
        tags = []
        for page in cls.get_many(attrs_list):
            if page is None:
                tags.append("<a>")
                continue
            target = page.localized
            with translation.override(target.locale.language_code):
                tags.append(format_html('<a href="{}">', reverse("cms_page", args=[target.pk])))
        return tags


class NeutralDocumentLinkHandler(DocumentLinkHandler):
    """Document links without the file name, which may say what the document is about."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict[str, Any]]) -> list[str]:
        return [
            format_html('<a href="{}">', reverse("cms_document", args=[doc.pk])) if doc else "<a>"
            for doc in cls.get_many(attrs_list)
        ]


# After Wagtail's own registrations (order), so these handlers replace the defaults.
@hooks.register("register_rich_text_features", order=100)
def register_neutral_link_handlers(features: Any) -> None:
    features.register_link_type(NeutralPageLinkHandler)
    features.register_link_type(NeutralDocumentLinkHandler)


@hooks.register("register_admin_urls")
def register_cms_admin_urls() -> list[Any]:
    return [
        path(
            "translation-status/", admin_views.TranslationStatusView.as_view(), name="cms_translation_status"
        ),
        path(
            "translation-status/<id:page_id>/submit/",
            admin_views.translation_submit,
            name="cms_translation_submit",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item() -> MenuItem:
    return MenuItem(_("Translation status"), reverse("cms_translation_status"), icon_name="site", order=8900)


# The reviewer's Approve / Request changes in the footer of a page locked for review, and
# their post from there (hedershus/cms/review.py).
hooks.register("construct_page_action_menu", review.review_menu_items)
hooks.register("before_edit_page", review.review_action_from_editor)


# Bulk actions on documents that change rows without saving them: audited here.
_DOCUMENT_BULK_CHANGES = {"add_to_collection": ["collection"], "add_tags": ["tags"]}


@hooks.register("after_bulk_action")
def audit_document_bulk_changes(request: Any, action_type: str, objects: Any, action: Any) -> None:
    from wagtail.documents import get_document_model

    changed = _DOCUMENT_BULK_CHANGES.get(action_type)
    if changed and get_document_model() in getattr(action, "models", ()):
        services.documents_bulk_changed_record([obj.pk for obj in objects], changed)
