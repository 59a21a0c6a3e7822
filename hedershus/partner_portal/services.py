"""Writes of the partner portal: only the audit events of what a professional opens here.
The unit's own administration writes through ``hedershus.partners.services``
(``professional_invite``, ``professional_remove``, ``unit_capacity_set``), which check the
actor again and audit themselves."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hedershus.audit.services import audit_record
from hedershus.partners.models import PartnerUnit


def home_view_record(*, actor: Any, units: int, referrals: int, consultations: int) -> None:
    """Records that ``actor`` opened the partner start page, with how many units, referrals
    and consultations it listed (counts only)."""
    with transaction.atomic():
        audit_record(
            "partner_portal.home_viewed",
            actor=actor,
            data={"units": units, "referrals": referrals, "consultations": consultations},
        )


def unit_view_record(*, actor: Any, unit: PartnerUnit) -> None:
    """Records that ``actor`` opened ``unit``'s administration (its professionals listed)."""
    with transaction.atomic():
        audit_record("partner_portal.unit_viewed", actor=actor, target=unit)
