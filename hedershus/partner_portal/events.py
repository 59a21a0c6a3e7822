"""The partner portal's audit event types (registered from ``PartnerPortalConfig.ready``).

Issue 11, item 3: everything a partner professional opens is an audit event. The portal's
own pages record these; referrals and consultations record theirs.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARTNER_PORTAL_EVENT_TYPES: dict[str, Promise] = {
    "partner_portal.home_viewed": _("Partner start page opened"),
    "partner_portal.unit_viewed": _("Unit administration opened"),
}
