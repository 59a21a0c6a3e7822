"""Outsiders get 404 for every documents URL (``core.access_testing``): everyone without
``HANDLE_CASES``, and, for a document's URLs, a counsellor on both cases who asks for one
case's document under the other case's address (a document is only found in its own case).

A colleague who handles cases but is outside the case gets the reason form, not 404
(``CaseReasonRequired``, the cases app's rule): test_views.py covers that.
"""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.case_documents.tests.access_matrix import document_of_such_a_case
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _without_cases(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.HANDLE_CASES)]


def _a_case(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    kwargs = document_of_such_a_case(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"case_id": kwargs["case_id"]},
        outsiders=_without_cases(cast),
        control_user=cast[Role.COUNSELLOR],
    )


object_url("case_documents:list")(_a_case)
object_url("case_documents:upload")(_a_case)


def _another_cases_document(request: pytest.FixtureRequest, *, version: bool) -> Scenario:
    """Case A's address with case B's document: 404 even for a counsellor assigned to both."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    counsellor = cast[Role.COUNSELLOR]
    mine = document_of_such_a_case(counsellor)
    theirs = document_of_such_a_case(counsellor)
    extra = {"number": 1} if version else {}
    return Scenario(
        kwargs={"case_id": mine["case_id"], "document_id": theirs["document_id"], **extra},
        outsiders=[counsellor, *_without_cases(cast)],
        control_user=counsellor,
        control_kwargs={**theirs, **extra},
    )


for _name in ("case_documents:document", "case_documents:new_version"):
    object_url(_name)(lambda request: _another_cases_document(request, version=False))
object_url("case_documents:download")(lambda request: _another_cases_document(request, version=True))
object_url("case_documents:withdraw", method="post", data={"v1-reason": "Fel fil"})(
    lambda request: _another_cases_document(request, version=True)
)

test_an_outsider_gets_404 = outsider_test(__name__)
