"""Builders for the consultations' tests: a partner unit with its professionals."""

from __future__ import annotations

import itertools
from typing import Any

from conftest import _make_user
from hedershus.core.access import Role
from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit, UnitMembership

_numbers = itertools.count(1)


def unit_make(*members: Any, admins: tuple[Any, ...] = (), email: str = "", **fields: Any) -> PartnerUnit:
    """A new active unit of a new municipality organisation, with ``members`` as its
    professionals and ``admins`` as its unit administrators."""
    number = next(_numbers)
    organisation = PartnerOrganisation.objects.create(
        name=f"Testkommun {number}", kind=OrganisationKind.MUNICIPALITY
    )
    fields.setdefault("name", f"Socialtjänsten {number}")
    unit = PartnerUnit.objects.create(organisation=organisation, email=email, on_platform=True, **fields)
    for user in members:
        UnitMembership.objects.create(unit=unit, user=user)
    for user in admins:
        UnitMembership.objects.create(unit=unit, user=user, is_unit_admin=True)
    return unit


def professional_make(label: str = "") -> Any:
    """A new partner professional (with a second factor), member of no unit yet."""
    number = next(_numbers)
    return _make_user(Role.PARTNER, f"prof{number}{label}@kommun.example", last_name=f"Prof{number}")
