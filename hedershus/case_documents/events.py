"""The audit event types of case documents (registered from ``CaseDocumentsConfig.ready``).

Every event names the case (``object_type`` ``cases.case``, ``object_id`` the case's id) and
carries only ids, numbers and the checked type in ``data``: never a title, a file name or
content, since the audit log cannot be changed and a wrong upload's name may itself be
personal data (the same rule as the CMS's document events).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CASE_DOCUMENT_EVENT_TYPES: dict[str, Promise] = {
    "case_document.uploaded": _("Case document uploaded"),
    "case_document.version_added": _("New version of a case document uploaded"),
    "case_document.listed": _("Case documents listed"),
    "case_document.viewed": _("Case document's versions viewed"),
    "case_document.downloaded": _("Case document downloaded"),
    "case_document.withdrawn": _("Case document version withdrawn by its uploader"),
    # The stored bytes no longer match their SHA-256: nothing was handed out.
    "case_document.integrity_failed": _("Case document failed its integrity check"),
}
