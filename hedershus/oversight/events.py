"""The audit event types of log reviews: ids and counts only, never a comment's text."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OVERSIGHT_EVENT_TYPES: dict[str, Promise] = {
    "log_review.created": _("Log review started"),
    "log_review.viewed": _("Log review opened"),
    "log_review.item_marked": _("Read in a log review marked"),
    "log_review.signed": _("Log review signed off"),
    "log_review.follow_up_closed": _("Follow-up of a log review closed by a supervisor"),
}
