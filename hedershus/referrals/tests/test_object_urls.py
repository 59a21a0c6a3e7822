"""Outsiders get 404 at every referral URL (``core.access_testing``): everyone without
``HANDLE_CASES`` for a case's referrals (the unit's own professional too), the case's own staff
for a referral named under another case, and, for the partner pages, a professional of
another unit and everyone who does not answer referrals. A colleague who handles cases but is
outside the case gets the reason form (test_views.py)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import _make_user
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.referrals import services
from hedershus.referrals.tests.helpers import case_make, referral_input, unit_make


def _non_handlers(cast: dict[Role, Any]) -> list[Any]:
    return [cast[role] for role in roles_without(Capability.HANDLE_CASES)]


def _a_case(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    case = case_make(cast[Role.COUNSELLOR])
    unit_make(cast[Role.PARTNER])
    return Scenario(
        kwargs={"case_id": case.pk}, outsiders=_non_handlers(cast), control_user=cast[Role.COUNSELLOR]
    )


object_url("referrals:list")(_a_case)
object_url("referrals:new")(_a_case)


def _referral_of_another_case(request: pytest.FixtureRequest) -> Scenario:
    """A referral named under a case it does not belong to: 404 even for staff of both cases;
    the unit's own professional gets 404 under the case address too."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    counsellor = cast[Role.COUNSELLOR]
    case, other = case_make(counsellor), case_make(counsellor)
    unit = unit_make(cast[Role.PARTNER])
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    return Scenario(
        kwargs={"case_id": other.pk, "referral_id": referral.pk},
        outsiders=[counsellor, *_non_handlers(cast)],
        control_user=counsellor,
        control_kwargs={"case_id": case.pk, "referral_id": referral.pk},
    )


object_url("referrals:detail")(_referral_of_another_case)
object_url("referrals:withdraw", method="post", data={"withdraw-reason": "Fel enhet"})(
    _referral_of_another_case
)
object_url("referrals:record_answer", method="post", data={"record-answer": "accepted"})(
    _referral_of_another_case
)


def _referral_of_another_unit(request: pytest.FixtureRequest) -> Scenario:
    """A referral in one unit's inbox: a professional of another unit, and everyone who does
    not answer referrals (the referring counsellor too), get 404."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    counsellor = cast[Role.COUNSELLOR]
    member = _make_user(Role.PARTNER, "member@example.org")
    unit_make(cast[Role.PARTNER])
    unit = unit_make(member)
    referral = services.referral_send(
        actor=counsellor, case_id=case_make(counsellor).pk, data=referral_input(unit)
    )
    outsiders = [cast[Role.PARTNER], *(cast[role] for role in roles_without(Capability.ANSWER_REFERRALS))]
    return Scenario(kwargs={"referral_id": referral.pk}, outsiders=outsiders, control_user=member)


object_url("referrals_partner:detail")(_referral_of_another_unit)
object_url("referrals_partner:accept", method="post")(_referral_of_another_unit)
object_url("referrals_partner:decline", method="post", data={"decline-reason": "Nej"})(
    _referral_of_another_unit
)
object_url("referrals_partner:complete", method="post", data={"complete-successful": "yes"})(
    _referral_of_another_unit
)

test_an_outsider_gets_404 = outsider_test(__name__)
