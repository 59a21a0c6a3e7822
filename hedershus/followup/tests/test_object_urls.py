"""Outsiders get 404 at every follow-up URL (``core.access_testing``): everyone without
``HANDLE_CASES``; for a measure, also its own case's staff through another case's address.
A colleague who handles cases but is outside the case gets the reason form (test_views.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.followup.services import measure_add
from hedershus.followup.tests.helpers import case_make


def _non_handlers(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.HANDLE_CASES)]


def _a_case(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    case = case_make(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"case_id": case.pk}, outsiders=_non_handlers(cast), control_user=cast[Role.COUNSELLOR]
    )


object_url("followup:timeline")(_a_case)
object_url("followup:new", method="post", data={"held_on": "2026-01-05", "rating_safety": "2"})(_a_case)
object_url("followup:measure_new", method="post", data={"kind": "alarm", "started_on": "2026-01-05"})(_a_case)


def _measure_of_another_case(request: pytest.FixtureRequest) -> Scenario:
    """A measure named under a case it does not belong to: 404 even for staff of both cases."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    counsellor = cast[Role.COUNSELLOR]
    case, other = case_make(counsellor), case_make(counsellor)
    measure = measure_add(user=counsellor, case=case, kind="alarm", started_on=dt.date(2026, 1, 5))
    return Scenario(
        kwargs={"case_id": other.pk, "measure_id": measure.pk},
        outsiders=[counsellor, *_non_handlers(cast)],
        control_user=counsellor,
        control_kwargs={"case_id": case.pk, "measure_id": measure.pk},
    )


object_url("followup:measure_end", method="post", data={"ended_on": "2026-01-06"})(_measure_of_another_case)

test_an_outsider_gets_404 = outsider_test(__name__)
