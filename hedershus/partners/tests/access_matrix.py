"""The partner register's staff URLs in the access matrix (core/tests/test_access_matrix.py):
browsing is for register administrators and whoever handles cases; every change is for
register administrators (``MANAGE_PARTNER_REGISTER``)."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _unit(target: Any) -> Any:
    from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit

    organisation, _ = PartnerOrganisation.objects.get_or_create(
        name="Matrix kommun", defaults={"kind": OrganisationKind.MUNICIPALITY}
    )
    return PartnerUnit.objects.create(
        organisation=organisation,
        name=f"Enhet {PartnerUnit.objects.count() + 1}",
        services=["social_services"],
    )


def _organisation_kwargs(target: Any) -> dict[str, Any]:
    return {"organisation_id": _unit(target).organisation_id}


def _unit_kwargs(target: Any) -> dict[str, Any]:
    return {"unit_id": _unit(target).pk}


def _member_kwargs(target: Any) -> dict[str, Any]:
    from hedershus.accounts.models import User
    from hedershus.core.access import Role
    from hedershus.partners.models import UnitMembership

    unit = _unit(target)
    professional = User.objects.create_user(
        email=f"member-{unit.pk}@example.org", role=Role.PARTNER, first_name="M", last_name="P"
    )
    UnitMembership.objects.create(unit=unit, user=professional)
    return {"unit_id": unit.pk, "user_id": professional.pk}


def entries() -> dict[str, dict[str, Any]]:
    admins = frozenset(roles_with(Capability.MANAGE_PARTNER_REGISTER))
    readers = admins | frozenset(roles_with(Capability.HANDLE_CASES))
    moved = frozenset({302})
    return {
        "partners:index": {"allowed": readers},
        "partners:organisation_list": {"allowed": readers},
        "partners:organisation_new": {"allowed": admins},
        "partners:import": {"allowed": admins},
        # With no help directory page the service refuses, and the view says so on the list.
        "partners:publish": {"allowed": admins, "method": "post", "ok_statuses": moved},
        "partners:organisation_detail": {"allowed": readers, "object_kwargs": _organisation_kwargs},
        "partners:organisation_edit": {"allowed": admins, "object_kwargs": _organisation_kwargs},
        "partners:unit_new": {"allowed": admins, "object_kwargs": _organisation_kwargs},
        "partners:unit_detail": {"allowed": readers, "object_kwargs": _unit_kwargs},
        "partners:unit_edit": {"allowed": admins, "object_kwargs": _unit_kwargs},
        # Posted without a number: refused with a message, back to the unit's page.
        "partners:unit_capacity": {
            "allowed": admins,
            "method": "post",
            "object_kwargs": _unit_kwargs,
            "ok_statuses": moved,
        },
        "partners:professional_invite": {"allowed": admins, "object_kwargs": _unit_kwargs},
        "partners:professional_remove": {
            "allowed": admins,
            "method": "post",
            "object_kwargs": _member_kwargs,
            "ok_statuses": moved,
        },
    }
