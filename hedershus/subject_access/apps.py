from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectAccessConfig(AppConfig):
    """Data-subject access requests (registerutdrag, GDPR art. 15, R22): an extract of
    everything the platform holds about one identified person, released after a supervisor
    approves it, with what must not be released (others' data) withheld and the reason given."""

    name = "hedershus.subject_access"
    label = "subject_access"
    verbose_name = _("Data-subject requests")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.subject_access.events import SUBJECT_ACCESS_EVENT_TYPES

        register_event_types(SUBJECT_ACCESS_EVENT_TYPES)

        # Requests past retention are deleted by the daily run; every record type is declared
        # in core's registry (R22).
        from hedershus.core.retention import register_retention_job
        from hedershus.subject_access.retention import requests_cull_expired
        from hedershus.subject_access.retention_declarations import register as register_retention

        register_retention_job("subject_access", requests_cull_expired)
        register_retention()
