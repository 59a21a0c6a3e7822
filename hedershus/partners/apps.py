from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner network register (R19): partner organisations and their units, the services
    they offer, the areas and languages they cover, and their professionals' memberships."""

    name = "hedershus.partners"
    label = "partners"
    verbose_name = _("Partner register")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.partners.events import PARTNERS_EVENT_TYPES

        register_event_types(PARTNERS_EVENT_TYPES)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.partners.retention_declarations import register as register_retention

        register_retention()
