"""Outsiders get 404 at every register URL naming an object (``core.access_testing``): all
who may not read the register (editors, auditors, partner professionals), and for
the pages that change the register also those who may only read it. A professional's URL
named under another unit is 404 even for an administrator."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_with, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.partners.tests.helpers import member_make, unit_make


def _not_readers(cast: dict[Role, Any]) -> list[Any]:
    readers = set(roles_with(Capability.HANDLE_CASES)) | set(roles_with(Capability.MANAGE_PARTNER_REGISTER))
    return [cast[role] for role in Role if role not in readers]


def _not_admins(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.MANAGE_PARTNER_REGISTER)]


def _read_unit(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    unit = unit_make()
    member_make(unit, cast[Role.PARTNER])  # even its own member: the register is the centre's
    return Scenario(
        kwargs={"unit_id": unit.pk}, outsiders=_not_readers(cast), control_user=cast[Role.COUNSELLOR]
    )


def _read_organisation(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    unit = unit_make()
    return Scenario(
        kwargs={"organisation_id": unit.organisation_id},
        outsiders=_not_readers(cast),
        control_user=cast[Role.COUNSELLOR],
    )


def _change_unit(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    unit = unit_make()
    member_make(unit, cast[Role.PARTNER], is_unit_admin=True)
    return Scenario(
        kwargs={"unit_id": unit.pk}, outsiders=_not_admins(cast), control_user=cast[Role.ADMINISTRATOR]
    )


def _change_organisation(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    unit = unit_make()
    return Scenario(
        kwargs={"organisation_id": unit.organisation_id},
        outsiders=_not_admins(cast),
        control_user=cast[Role.ADMINISTRATOR],
    )


def _member_of_another_unit(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    unit, other = unit_make(), unit_make(name="Vuxenenheten")
    professional = cast[Role.PARTNER]
    member_make(unit, professional)
    return Scenario(
        kwargs={"unit_id": other.pk, "user_id": professional.pk},
        outsiders=[cast[Role.ADMINISTRATOR], *_not_admins(cast)],
        control_user=cast[Role.ADMINISTRATOR],
        control_kwargs={"unit_id": unit.pk, "user_id": professional.pk},
    )


object_url("partners:unit_detail")(_read_unit)
object_url("partners:organisation_detail")(_read_organisation)
object_url("partners:unit_edit")(_change_unit)
object_url("partners:unit_capacity", method="post", data={"free_places": "3"})(_change_unit)
object_url("partners:professional_invite")(_change_unit)
object_url("partners:organisation_edit")(_change_organisation)
object_url("partners:unit_new")(_change_organisation)
object_url("partners:professional_remove", method="post")(_member_of_another_unit)

test_an_outsider_gets_404 = outsider_test(__name__)
