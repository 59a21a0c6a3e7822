"""Audit event types of the counsellors' side, registered from ``MessagingConfig.ready``."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STAFF_EVENT_TYPES: dict[str, Promise] = {
    "conversation.routed": _("Conversation routed to a contact person or stand-in"),
    "conversation.viewed": _("Conversation opened by staff"),
    "conversation.read": _("Conversation messages read by staff"),
    "conversation.claimed": _("Conversation taken"),
    "conversation.transferred": _("Conversation handed to a colleague"),
    "conversation.closed": _("Conversation closed"),
    "standard_reply.created": _("Standard reply created"),
    "standard_reply.changed": _("Standard reply changed"),
    "standard_reply.deleted": _("Standard reply deleted"),
    "opening_hours.changed": _("Opening hours changed"),
    "absence.created": _("Absence set"),
    "absence.deleted": _("Absence removed"),
}
