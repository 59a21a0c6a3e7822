from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Log review (loggkontroll, R20): auditors systematically review staff reads of personal
    data recorded in the audit log, mark each read justified or to be followed up, and sign
    the review off; follow-ups go to the supervisors (patientdatalagen 4 kap. 3 §)."""

    name = "hedershus.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.oversight.events import OVERSIGHT_EVENT_TYPES

        register_event_types(OVERSIGHT_EVENT_TYPES)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.oversight.retention_declarations import register as register_retention

        register_retention()
