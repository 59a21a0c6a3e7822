"""Consultations' audit event types (registered from ``ConsultationsConfig.ready``).

No event carries a subject or a message: only ids, the side that acted and counts.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CONSULTATION_EVENT_TYPES: dict[str, Promise] = {
    "consultation.asked": _("Consultation asked by a partner professional"),
    "consultation.listed": _("Consultations listed"),
    "consultation.viewed": _("Consultation opened"),
    "consultation.taken": _("Consultation taken by a counsellor"),
    "consultation.message_posted": _("Consultation message posted"),
    "consultation.agent_accepted": _("Centre accepted to act as the authority's agent"),
    "consultation.case_opened": _("Case opened from a consultation"),
    "consultation.closed": _("Consultation closed"),
    "consultation.culled": _("Consultations culled by retention"),
}
