from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    """Cost sharing between the partners (R25): agreement periods, yearly amounts, fixed shares
    and the municipalities' shares by population."""

    name = "hedershus.costs"
    label = "costs"
    verbose_name = _("Cost sharing")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.costs.events import COSTS_EVENT_TYPES

        register_event_types(COSTS_EVENT_TYPES)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.costs.retention_declarations import register as register_retention

        register_retention()
