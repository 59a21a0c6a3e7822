from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowUpConfig(AppConfig):
    """Follow-up over time (R18): life domains rated at each follow-up, protective measures,
    and one timeline of the case drawn on the server."""

    name = "hedershus.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cases.retention import last_entry_source_for, register_last_entry_source
        from hedershus.followup.events import FOLLOWUP_EVENT_TYPES
        from hedershus.followup.models import FollowUp, ProtectiveMeasure

        register_event_types(FOLLOWUP_EVENT_TYPES)
        # A follow-up is an entry in the case: it moves the day the case may be culled.
        register_last_entry_source("followup", last_entry_source_for(FollowUp, "recorded_at"))
        register_last_entry_source("measures", last_entry_source_for(ProtectiveMeasure, "recorded_at"))

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.followup.retention_declarations import register as register_retention

        register_retention()
