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
        from hedershus.audit.events import register_event_types

        register_event_types(ASSESSMENT_EVENT_TYPES)
