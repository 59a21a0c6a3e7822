"""Follow-up's audit event types (registered from ``FollowUpConfig.ready``).

No event carries a note or a rating: only ids, dates and counts.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FOLLOWUP_EVENT_TYPES: dict[str, Promise] = {
    "followup.timeline_viewed": _("Case timeline read"),
    "followup.recorded": _("Follow-up recorded"),
    "followup.measure_added": _("Protective measure recorded"),
    "followup.measure_ended": _("Protective measure ended"),
}
