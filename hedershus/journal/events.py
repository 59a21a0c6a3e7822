"""The journal's audit event types (registered from ``JournalConfig.ready``).

No event carries entry text: only ids (entry, case, the entry corrected) and counts.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

JOURNAL_EVENT_TYPES: dict[str, Promise] = {
    "journal.viewed": _("Case journal read"),
    "journal.entry_viewed": _("Journal entry opened to correct it"),
    "journal.draft_created": _("Journal draft written"),
    "journal.draft_viewed": _("Own journal draft opened"),
    "journal.draft_edited": _("Journal draft changed"),
    "journal.draft_deleted": _("Journal draft deleted"),
    "journal.entry_signed": _("Journal entry signed"),
    "journal.correction_signed": _("Journal correction signed"),
    # One per culled case (journal/retention.py): counts only, never what was deleted.
    "journal.culled": _("Retention: a culled case's journal deleted"),
}
