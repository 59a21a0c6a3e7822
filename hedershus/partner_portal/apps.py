from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerPortalConfig(AppConfig):
    """The partner professionals' pages (P4, P6): their unit's inbox of referrals and
    consultations, and the unit's own administration of its professionals."""

    name = "hedershus.partner_portal"
    label = "partner_portal"
    verbose_name = _("Partner portal")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.partner_portal.events import PARTNER_PORTAL_EVENT_TYPES

        register_event_types(PARTNER_PORTAL_EVENT_TYPES)
