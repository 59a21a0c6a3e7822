"""Outsiders get 404 at every URL of a unit's administration (``core.access_testing``):
everyone but that unit's own administrators: staff of every role, a professional of the
unit who is not its administrator, and the administrator of another unit."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.consultations.tests.helpers import professional_make, unit_make
from hedershus.core.access import Role
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _unit(request: pytest.FixtureRequest) -> tuple[Scenario, Any]:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    admin, member, other_admin = professional_make(), professional_make(), professional_make()
    unit = unit_make(member, admins=(admin,), services=["shelter"])
    unit_make(admins=(other_admin, cast[Role.PARTNER]))
    outsiders = [*cast.values(), member, other_admin]
    return Scenario(kwargs={"unit_id": unit.pk}, outsiders=outsiders, control_user=admin), member


def _a_unit(request: pytest.FixtureRequest) -> Scenario:
    return _unit(request)[0]


def _a_member(request: pytest.FixtureRequest) -> Scenario:
    scenario, member = _unit(request)
    return Scenario(
        kwargs={**scenario.kwargs, "user_id": member.pk},
        outsiders=scenario.outsiders,
        control_user=scenario.control_user,
    )


object_url("partner_portal:unit")(_a_unit)
object_url(
    "partner_portal:invite",
    method="post",
    data={"first_name": "Ny", "last_name": "Kollega", "email": "ny@kommun.example"},
)(_a_unit)
object_url("partner_portal:member_remove", method="post")(_a_member)
object_url("partner_portal:capacity", method="post", data={"free_places": "3"})(_a_unit)

test_an_outsider_gets_404 = outsider_test(__name__)
