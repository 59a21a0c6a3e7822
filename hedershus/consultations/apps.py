from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """Consultations (R17): partner professionals ask the centre for advice without naming the
    person; a counsellor answers in a thread."""

    name = "hedershus.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cases.retention import (
            last_entry_source_for,
            register_cull_guard,
            register_last_entry_source,
        )
        from hedershus.consultations.events import CONSULTATION_EVENT_TYPES
        from hedershus.consultations.models import Consultation
        from hedershus.consultations.retention import (
            consultations_cull_expired,
            consultations_culled_with_cases,
        )
        from hedershus.core.retention import register_retention_job

        register_event_types(CONSULTATION_EVENT_TYPES)
        # A consultation made a case is an entry in it: it moves the day the case may be
        # culled, and goes with the case when it is culled.
        register_last_entry_source("consultations", last_entry_source_for(Consultation, "last_activity_at"))
        register_cull_guard("consultations", consultations_culled_with_cases)
        # Consultations without a case: their own rule (consultations/retention.py).
        register_retention_job("consultations", consultations_cull_expired)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.consultations.retention_declarations import register as register_retention

        register_retention()
