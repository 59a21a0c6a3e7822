"""Outsiders get 404 at every journal URL (``core.access_testing``).

Case pages: everyone without ``HANDLE_CASES``. A colleague who handles cases but is outside
the case gets the reason form instead (``CaseReasonRequired``, test_views.py). A draft's
pages: also a colleague assigned to the same case (a draft is its author's alone), and the
author themselves through another case's address. The posts that sign and delete are the
ones registered, so a refused outsider is shown to change nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.journal.tests.helpers import case_make, draft_make, signed_make


def _non_handlers(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.HANDLE_CASES)]


def _a_case(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    case = case_make(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"case_id": case.pk}, outsiders=_non_handlers(cast), control_user=cast[Role.COUNSELLOR]
    )


object_url("journal:list")(_a_case)
object_url("journal:new", method="post", data={"text": "utkast"})(_a_case)


def _someone_elses_draft(request: pytest.FixtureRequest) -> Scenario:
    """A counsellor's draft in a case a supervisor also works on: the supervisor (assigned,
    and the case's supervisor) gets 404, and so does the author through another case."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    author, colleague = cast[Role.COUNSELLOR], cast[Role.SUPERVISOR]
    case = case_make(author, colleague, supervisor=colleague)
    other_case = case_make(author, colleague)
    draft = draft_make(author, case)
    return Scenario(
        kwargs={"case_id": other_case.pk, "entry_id": draft.pk},
        outsiders=[author, colleague, *_non_handlers(cast)],
        control_user=author,
        control_kwargs={"case_id": case.pk, "entry_id": draft.pk},
    )


def _someone_elses_draft_in_place(request: pytest.FixtureRequest) -> Scenario:
    scenario = _someone_elses_draft(request)
    return Scenario(
        kwargs=scenario.control_kwargs or {},
        outsiders=[user for user in scenario.outsiders if user is not scenario.control_user],
        control_user=scenario.control_user,
    )


object_url("journal:edit", method="post", data={"text": "ändrat"})(_someone_elses_draft_in_place)
object_url("journal:delete", method="post")(_someone_elses_draft_in_place)
object_url("journal:sign", method="post")(_someone_elses_draft)


@object_url("journal:correct", method="post", data={"text": "rättelse"})
def _a_signed_entry_through_another_case(request: pytest.FixtureRequest) -> Scenario:
    """A signed entry asked for through another case's address, by someone in both cases."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    author = cast[Role.COUNSELLOR]
    case, other_case = case_make(author), case_make(author)
    entry = signed_make(author, case)
    return Scenario(
        kwargs={"case_id": other_case.pk, "entry_id": entry.pk},
        outsiders=[author, *_non_handlers(cast)],
        control_user=author,
        control_kwargs={"case_id": case.pk, "entry_id": entry.pk},
    )


test_an_outsider_gets_404 = outsider_test(__name__)
