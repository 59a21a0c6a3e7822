from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    """A case's journal (R21): signed entries that are never changed, corrections, drafts."""

    name = "hedershus.journal"
    label = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.journal.events import JOURNAL_EVENT_TYPES

        register_event_types(JOURNAL_EVENT_TYPES)
