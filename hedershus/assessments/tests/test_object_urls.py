"""Outsiders get 404 for a case's assessment pages (``core.access_testing``): every role that
does not handle cases; and for an assessment, also the staff of another case asking for it
under their own case's address. (A colleague who handles cases but is outside the case gets
the reason form instead: test_views.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.assessments.services import assessment_complete
from hedershus.assessments.tests.helpers import asq, case_make
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _non_handlers(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.HANDLE_CASES)]


def _a_case(request: pytest.FixtureRequest, **extra: Any) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    case = case_make(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"case_id": case.pk, **extra},
        outsiders=_non_handlers(cast),
        control_user=cast[Role.COUNSELLOR],
    )


object_url("assessments:list")(_a_case)


@object_url("assessments:new")
def _a_cases_form(request: pytest.FixtureRequest) -> Scenario:
    return _a_case(request, instrument="phq9")


@object_url("assessments:detail")
def _an_assessment_of_another_case(request: pytest.FixtureRequest) -> Scenario:
    """The assessment of case A asked for under case B's address by B's own counsellor."""
    from conftest import _make_user

    cast: dict[Role, Any] = request.getfixturevalue("cast")
    owner = cast[Role.COUNSELLOR]
    case = case_make(owner)
    assessment = assessment_complete(actor=owner, case=case, instrument_key="asq", version="1", raw=asq())
    other_counsellor = _make_user(Role.COUNSELLOR, "other-case@example.org")
    other = case_make(other_counsellor)
    return Scenario(
        kwargs={"case_id": other.pk, "assessment_id": assessment.pk},
        outsiders=[other_counsellor, *_non_handlers(cast)],
        control_user=owner,
        control_kwargs={"case_id": case.pk, "assessment_id": assessment.pk},
    )


test_an_outsider_gets_404 = outsider_test(__name__)
