"""Outsiders get 404 at every log review URL naming a review or a read (``core.access_testing``):
everyone but auditors for reviews, everyone but supervisors for follow-ups, and a read named
under a review it is not in."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.oversight.tests.access_matrix import _review


def _without(cast: dict[Role, Any], capability: str) -> list[Any]:
    return [None, *(cast[role] for role in roles_without(capability))]


def _a_review(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    review, _item = _review(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"review_id": review.pk},
        outsiders=_without(cast, Capability.REVIEW_AUDIT_LOG)[1:],
        control_user=cast[Role.AUDITOR],
    )


def _a_read_of_another_review(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    review, item = _review(cast[Role.COUNSELLOR])
    other, _other_item = _review(cast[Role.COUNSELLOR])
    return Scenario(
        kwargs={"review_id": other.pk, "item_id": item.pk},
        outsiders=[cast[Role.AUDITOR], *_without(cast, Capability.REVIEW_AUDIT_LOG)[1:]],
        control_user=cast[Role.AUDITOR],
        control_kwargs={"review_id": review.pk, "item_id": item.pk},
    )


def _a_follow_up(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    _justified_review, justified = _review(cast[Role.COUNSELLOR], signed=True)
    _review_obj, item = _review(cast[Role.COUNSELLOR], signed=True, follow_up=True)
    return Scenario(
        # A read judged justified is no follow-up: 404 even for a supervisor.
        kwargs={"item_id": justified.pk},
        outsiders=[cast[Role.SUPERVISOR], *_without(cast, Capability.SUPERVISE_CASES)[1:]],
        control_user=cast[Role.SUPERVISOR],
        control_kwargs={"item_id": item.pk},
    )


object_url("oversight:review")(_a_review)
object_url("oversight:sign", method="post", data={"summary": "x"})(_a_review)
object_url("oversight:item_mark", method="post", data={"verdict": "justified"})(_a_read_of_another_review)
object_url("oversight:follow_up_close", method="post", data={"note": "done"})(_a_follow_up)

test_an_outsider_gets_404 = outsider_test(__name__)
