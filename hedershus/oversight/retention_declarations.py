"""What log reviews keep and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the oversight app's record types (from ``OversightConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="oversight.LogReview",
            personal_data=True,
            kept_because=_(
                "A signed log review is the evidence that access was checked (R20): kept as long as "
                "the audit log it reviews. It names staff members only."
            ),
        ),
        RetentionDeclaration(
            model="oversight.LogReviewItem", personal_data=True, parent="oversight.LogReview"
        ),
    )
