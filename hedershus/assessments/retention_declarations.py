"""What assessments keep and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the assessments app's record types (from ``AssessmentsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(model="assessments.Assessment", personal_data=True, parent="cases.Case"),
        RetentionDeclaration(
            model="assessments.Instrument",
            personal_data=True,
            kept_because=_(
                "An instrument's questions name no client; kept while assessments use it. It names "
                "the member of staff who loaded it, as long as the account exists."
            ),
        ),
    )
