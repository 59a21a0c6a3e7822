"""The audit event types of data-subject access requests: ids and counts only, never the
identity number, a name or any text of the extract."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SUBJECT_ACCESS_EVENT_TYPES: dict[str, Promise] = {
    "subject_access.prepared": _("Data-subject request recorded and searched"),
    "subject_access.case_viewed": _("Case read for a data-subject extract"),
    "subject_access.request_viewed": _("Data-subject request opened"),
    "subject_access.item_decided": _("Item of a data-subject extract released or withheld"),
    "subject_access.approved": _("Data-subject extract approved"),
    "subject_access.refused": _("Data-subject extract refused"),
    "subject_access.extract_downloaded": _("Data-subject extract downloaded"),
    "subject_access.delivered": _("Data-subject extract marked as delivered"),
    "subject_access.culled": _("Retention: a data-subject request deleted"),
}
