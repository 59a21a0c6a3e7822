"""What the journal keeps and how long (R22; ``hedershus.core.retention``): entries go with
their case (``hedershus/journal/retention.py``, the culling permit)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the journal's record types (from ``JournalConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(model="journal.JournalEntry", personal_data=True, parent="cases.Case"),
        RetentionDeclaration(
            model="journal.CullingPermit",
            personal_data=False,
            kept_because=_(
                "Exists only inside the transaction that culls a case, and is removed before it commits."
            ),
        ),
    )
