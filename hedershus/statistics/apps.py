from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Follow-up statistics (R24): counts of contacts, cases, referrals and assessment outcomes,
    county-wide and per municipality, with small counts suppressed so no figure points at a
    person."""

    name = "hedershus.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.statistics.events import STATISTICS_EVENT_TYPES

        register_event_types(STATISTICS_EVENT_TYPES)
