"""Audit event types of the CMS, registered from CmsConfig.ready()."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CMS_EVENT_TYPES: dict[str, Promise] = {
    "cms.page_published": _("Page published"),
    "cms.page_scheduled": _("Page scheduled for publishing"),
    "cms.page_unpublished": _("Page unpublished"),
    "cms.page_deleted": _("Page deleted"),
    "cms.page_submitted": _("Page submitted for review"),
    "cms.page_approved": _("Page approved in review"),
    "cms.page_rejected": _("Changes requested in review"),
    "cms.review_cancelled": _("Review cancelled"),
    "cms.document_uploaded": _("Document uploaded"),
    "cms.document_changed": _("Document changed"),
    "cms.document_deleted": _("Document deleted"),
    "cms.search_promotion_saved": _("Promoted search result saved"),
    "cms.search_promotion_deleted": _("Promoted search result deleted"),
}
