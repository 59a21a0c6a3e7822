"""Referrals' audit event types (registered from ``ReferralsConfig.ready``).

No event carries what is asked, a shared value, a reason or a name: only ids, choice values,
the names of the fields shared and counts.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REFERRAL_EVENT_TYPES: dict[str, Promise] = {
    "referral.sent": _("Referral sent to a unit's inbox"),
    "referral.recorded_offline": _("Referral by phone or letter recorded"),
    "referral.opened": _("Referral opened by a partner professional"),
    "referral.received": _("Referral received"),
    "referral.accepted": _("Referral accepted"),
    "referral.declined": _("Referral declined"),
    "referral.completed": _("Referral done"),
    "referral.withdrawn": _("Referral withdrawn"),
    "referral.escalated": _("Referral escalated: its deadline passed"),
    "referral.viewed": _("Referral read by staff"),
    "referral.listed": _("Referrals listed"),
}
