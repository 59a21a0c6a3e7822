"""Reads of the partner portal: what a partner professional's start page shows, and the unit a
unit administrator manages. Outsiders get empty results or ``None``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hedershus.consultations.models import ConsultationStatus
from hedershus.consultations.selectors import consultation_rows, consultations_for_professional
from hedershus.partners.models import PartnerUnit
from hedershus.partners.selectors import unit_admin_units, units_of_professional
from hedershus.partners.validation import keeps_free_places
from hedershus.referrals.models import AWAITING_ANSWER
from hedershus.referrals.selectors import referrals_inbox_for

# How many of each the start page lists; the full lists are a link away.
HOME_LIMIT = 10


def unit_has_capacity(unit: PartnerUnit) -> bool:
    """Whether the unit keeps a count of free places, shown and set on its pages: it offers
    a shelter or protected housing (``partners.validation.keeps_free_places``, the rule
    ``partners.services.unit_capacity_set`` enforces). A count left on a unit that offers
    no bed is not shown: tester's defect 3."""
    return keeps_free_places(unit.services)


@dataclass(frozen=True)
class UnitRow:
    unit: PartnerUnit
    is_admin: bool
    has_capacity: bool


@dataclass(frozen=True)
class PartnerHome:
    """The start page: the professional's units, the newest referrals in their inboxes (and
    how many wait to be answered), and their units' consultations (subjects decrypted)."""

    units: list[UnitRow]
    referrals: list[Any]
    referrals_waiting: int
    consultations: list[tuple[Any, str]]
    consultations_answered: int


def partner_home(user: Any) -> PartnerHome:
    """What ``user``'s start page shows; all empty for anyone but a partner professional."""
    admin_of = set(unit_admin_units(user).values_list("pk", flat=True))
    units = [
        UnitRow(unit=unit, is_admin=unit.pk in admin_of, has_capacity=unit_has_capacity(unit))
        for unit in units_of_professional(user)
    ]
    inbox = referrals_inbox_for(user)
    consultations = consultations_for_professional(user)
    return PartnerHome(
        units=units,
        referrals=list(inbox[:HOME_LIMIT]),
        referrals_waiting=inbox.filter(status__in=AWAITING_ANSWER).count(),
        consultations=consultation_rows(consultations[:HOME_LIMIT]),
        consultations_answered=consultations.filter(status=ConsultationStatus.ANSWERED).count(),
    )


def admin_unit_get(user: Any, unit_id: int) -> PartnerUnit | None:
    """Unit ``unit_id`` if ``user`` is an active partner professional and admin of it."""
    return unit_admin_units(user).filter(pk=unit_id).first()
