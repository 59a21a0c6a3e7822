from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Structured assessments on a case (R15): versioned instruments defined in data."""

    name = "hedershus.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from hedershus.assessments import checks  # noqa: F401  (registers the instrument check)
        from hedershus.assessments.events import ASSESSMENT_EVENT_TYPES
        from hedershus.assessments.models import Assessment
        from hedershus.audit.events import register_event_types
        from hedershus.cases.retention import last_entry_source_for, register_last_entry_source

        register_event_types(ASSESSMENT_EVENT_TYPES)
        # An assessment is an entry in the case: it moves the day the case may be culled.
        register_last_entry_source("assessments", last_entry_source_for(Assessment, "performed_at"))

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.assessments.retention_declarations import register as register_retention

        register_retention()
