"""What follow-ups keep and how long (R22; ``hedershus.core.retention``): they go with their case."""

from __future__ import annotations

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the follow-up app's record types (from ``FollowupConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(model="followup.FollowUp", personal_data=True, parent="cases.Case"),
        RetentionDeclaration(model="followup.DomainRating", personal_data=True, parent="followup.FollowUp"),
        RetentionDeclaration(model="followup.ProtectiveMeasure", personal_data=True, parent="cases.Case"),
    )
