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

        register_event_types(CASE_DOCUMENT_EVENT_TYPES)
