from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseDocumentsConfig(AppConfig):
    """Documents on a case (R19): versions, encrypted at rest, every download audited."""

    name = "hedershus.case_documents"
    label = "case_documents"
    verbose_name = _("Case documents")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.case_documents.events import CASE_DOCUMENT_EVENT_TYPES
        from hedershus.case_documents.selectors import documents_last_entries
        from hedershus.cases.retention import register_last_entry_source

        register_event_types(CASE_DOCUMENT_EVENT_TYPES)
        # An upload is an entry in the case: it moves the day the case may be culled.
        register_last_entry_source("case_documents", documents_last_entries)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.case_documents.retention_declarations import register as register_retention

        register_retention()
