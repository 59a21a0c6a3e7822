from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Case management (R14, R20, R23): cases across channels, persons, contacts, access."""

    name = "hedershus.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cases.events import CASE_EVENT_TYPES

        register_event_types(CASE_EVENT_TYPES)
