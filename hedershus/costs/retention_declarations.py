"""What cost sharing keeps and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the cost sharing app's record types (from ``CostsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="costs.PopulationTable",
            personal_data=True,
            kept_because=_(
                "Population figures per municipality, the base of agreements: kept while an agreement "
                "points at them. Names only the member of staff who imported them."
            ),
        ),
        RetentionDeclaration(
            model="costs.MunicipalityPopulation", personal_data=False, parent="costs.PopulationTable"
        ),
        RetentionDeclaration(
            model="costs.CostAgreement",
            personal_data=True,
            kept_because=_(
                "Agreements between the principals are accounting records, kept as long as the "
                "accounting rules ask. Names only the member of staff who made them."
            ),
        ),
        RetentionDeclaration(model="costs.CostPart", personal_data=False, parent="costs.CostAgreement"),
        RetentionDeclaration(model="costs.FixedShare", personal_data=False, parent="costs.CostAgreement"),
    )
