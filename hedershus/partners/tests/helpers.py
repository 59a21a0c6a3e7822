"""Building register objects for the partner register's tests (straight to the database)."""

from __future__ import annotations

from typing import Any

from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit, UnitMembership


def organisation_make(
    name: str = "Botkyrka kommun", kind: str = OrganisationKind.MUNICIPALITY, **fields: Any
) -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(name=name, kind=kind, **fields)


def unit_make(
    organisation: PartnerOrganisation | None = None,
    name: str = "Socialtjänsten, barn och unga",
    **fields: Any,
) -> PartnerUnit:
    if organisation is None:
        organisation = (
            PartnerOrganisation.objects.filter(name="Botkyrka kommun").first() or organisation_make()
        )
    fields.setdefault("services", ["social_services"])
    fields.setdefault("municipalities", ["Botkyrka"])
    return PartnerUnit.objects.create(organisation=organisation, name=name, **fields)


def member_make(unit: PartnerUnit, user: Any, *, is_unit_admin: bool = False) -> UnitMembership:
    return UnitMembership.objects.create(unit=unit, user=user, is_unit_admin=is_unit_admin)
