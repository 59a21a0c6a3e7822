"""The partner portal's URLs in the access matrix (core/tests/test_access_matrix.py): the
start page belongs to partner professionals; a unit's administration to the unit's own
administrators (the builders make every partner professional an admin of the unit; the
outsider tests in test_object_urls.py cover everyone else, the unit's other members too)."""

from __future__ import annotations

import itertools
from typing import Any

from hedershus.core.access import Capability, roles_with

PARTNERS = frozenset(roles_with(Capability.ANSWER_REFERRALS))
FOUND, REFUSED = frozenset({200}), frozenset({400})
_numbers = itertools.count(1)


def _unit_of_every_partner(target: Any) -> Any:
    from hedershus.accounts.models import User
    from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit, UnitMembership

    number = next(_numbers)
    organisation = PartnerOrganisation.objects.create(
        name=f"Portalkommun {number}", kind=OrganisationKind.SHELTER
    )
    unit = PartnerUnit.objects.create(organisation=organisation, name="Jourboende", services=["shelter"])
    for user in User.objects.filter(role__in=PARTNERS, is_active=True):
        UnitMembership.objects.create(unit=unit, user=user, is_unit_admin=True)
    return unit


def _unit(target: Any) -> dict[str, Any]:
    return {"unit_id": _unit_of_every_partner(target).pk}


def _member(target: Any) -> dict[str, Any]:
    """The unit and a professional of it who is none of the signed-in users."""
    from hedershus.accounts.models import User
    from hedershus.core.access import Role
    from hedershus.partners.models import UnitMembership

    unit = _unit_of_every_partner(target)
    member = User.objects.create_user(
        email=f"member-{next(_numbers)}@kommun.example", role=Role.PARTNER, password=None
    )
    UnitMembership.objects.create(unit=unit, user=member)
    return {"unit_id": unit.pk, "user_id": member.pk}


def entries() -> dict[str, dict[str, Any]]:
    return {
        "partner_portal:home": {"allowed": PARTNERS},
        "partner_portal:unit": {"allowed": PARTNERS, "object_kwargs": _unit},
        "partner_portal:invite": {"allowed": PARTNERS, "object_kwargs": _unit},
        "partner_portal:member_remove": {"allowed": PARTNERS, "object_kwargs": _member},
        # Posted without a number: the form's own refusal (400) shows the view was reached.
        "partner_portal:capacity": {
            "allowed": PARTNERS,
            "method": "post",
            "object_kwargs": _unit,
            "ok_statuses": REFUSED,
        },
    }
