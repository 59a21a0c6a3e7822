"""Outsiders get 404 at every data-subject request URL (``core.access_testing``): a counsellor
who did not prepare the request, and every role that may not prepare extracts (editor,
administrator, auditor, partner). The control is a supervisor, who approves."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.subject_access.tests.access_matrix import make_request


def _outsiders(cast: dict[Role, Any]) -> list[Any]:
    others = [cast[role] for role in roles_without(Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS)]
    return [cast[Role.COUNSELLOR], *others]


def _preparer() -> Any:
    from conftest import _make_user

    return _make_user(Role.COUNSELLOR, "preparer@example.org")


def _a_request(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    sar = make_request(_preparer())
    return Scenario(
        kwargs={"request_id": sar.pk}, outsiders=_outsiders(cast), control_user=cast[Role.SUPERVISOR]
    )


def _an_approved_request(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    from conftest import _make_user

    sar = make_request(_preparer(), approved_by=_make_user(Role.SUPERVISOR, "approver@example.org"))
    return Scenario(
        kwargs={"request_id": sar.pk}, outsiders=_outsiders(cast), control_user=cast[Role.SUPERVISOR]
    )


object_url("subject_access:detail")(_a_request)
object_url("subject_access:item_decide", method="post", data={"item": "journal:1", "decision": "release"})(
    _a_request
)
object_url("subject_access:approve", method="post")(_a_request)
object_url("subject_access:refuse", method="post", data={"reason": "Identiteten kunde inte styrkas."})(
    _a_request
)
object_url("subject_access:deliver", method="post")(_an_approved_request)
object_url("subject_access:download_pdf")(_an_approved_request)
object_url("subject_access:download_json")(_an_approved_request)

test_an_outsider_gets_404 = outsider_test(__name__)
