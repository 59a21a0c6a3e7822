"""What referrals keep and how long (R22; ``hedershus.core.retention``): a referral goes with
its case (``hedershus/referrals/retention.py``, a cull guard)."""

from __future__ import annotations

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the referrals app's record types (from ``ReferralsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(model="referrals.Referral", personal_data=True, parent="cases.Case"),
        RetentionDeclaration(model="referrals.ReferralStep", personal_data=True, parent="referrals.Referral"),
    )
