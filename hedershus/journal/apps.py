from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    """A case's journal (R21): signed entries that are never changed, corrections, drafts."""

    name = "hedershus.journal"
    label = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cases.retention import (
            last_entry_source_for,
            register_cull_guard,
            register_last_entry_source,
        )
        from hedershus.journal.events import JOURNAL_EVENT_TYPES
        from hedershus.journal.models import JournalEntry
        from hedershus.journal.retention import culling_permitted

        register_event_types(JOURNAL_EVENT_TYPES)
        # Case retention (cases/retention.py): an entry moves the cull date, and signed
        # entries leave only through the culling permit.
        register_last_entry_source("journal", last_entry_source_for(JournalEntry, "updated_at", "signed_at"))
        register_cull_guard("journal", culling_permitted)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.journal.retention_declarations import register as register_retention

        register_retention()
