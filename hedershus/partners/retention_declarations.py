"""What the partner register keeps and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the partner register's record types (from ``PartnersConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="partners.PartnerOrganisation",
            personal_data=False,
            kept_because=_(
                "Organisations and their functional contact details name no person; kept while they "
                "are partners (deactivated, not deleted: referrals point at them)."
            ),
        ),
        RetentionDeclaration(
            model="partners.PartnerUnit",
            personal_data=False,
            kept_because=_(
                "Units and their functional contact details name no person; kept while they are "
                "partners (deactivated, not deleted: referrals point at them)."
            ),
        ),
        RetentionDeclaration(
            model="partners.UnitMembership",
            personal_data=True,
            kept_because=_(
                "Kept while the partner professional belongs to the unit: removed by the unit's "
                "administrator or the register administrator."
            ),
        ),
    )
