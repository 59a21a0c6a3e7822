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
        from hedershus.cases.retention import (
            RETENTION_EVENT_TYPES,
            cases_cull_expired,
            conversations_held_by_cases,
        )
        from hedershus.core.retention import register_retention_job
        from hedershus.messaging.retention import register_conversation_retention_hold

        register_event_types(CASE_EVENT_TYPES)
        register_event_types(RETENTION_EVENT_TYPES)
        # Culled in the daily `manage.py retention_run`, after rooms and conversations.
        register_retention_job("cases", cases_cull_expired)
        register_conversation_retention_hold(conversations_held_by_cases)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.cases.retention_declarations import register as register_retention

        register_retention()
