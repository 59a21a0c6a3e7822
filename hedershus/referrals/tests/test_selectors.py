"""Referrals' selectors: who sees which referrals, and what the timeline says."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import _make_user
from hedershus.core.access import Role
from hedershus.referrals import selectors, services
from hedershus.referrals.tests.helpers import case_make, referral_input, unit_make

pytestmark = pytest.mark.django_db


def test_a_professional_of_another_unit_sees_none_of_a_units_referrals(counsellor, partner):
    case = case_make(counsellor)
    unit = unit_make(partner)
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    stranger = _make_user(Role.PARTNER, "stranger@example.org")
    unit_make(stranger)
    assert list(selectors.referrals_inbox_for(partner)) == [referral]
    assert not selectors.referrals_inbox_for(stranger).exists()
    assert selectors.referral_get_for_partner(stranger, referral.pk) is None


@pytest.mark.parametrize("role", [role for role in Role if role != Role.PARTNER], ids=str)
def test_nobody_but_partner_professionals_has_an_inbox(counsellor, partner, role: Any):
    unit = unit_make(partner)
    services.referral_send(actor=counsellor, case_id=case_make(counsellor).pk, data=referral_input(unit))
    someone = _make_user(role, f"{role}-inbox@example.org")
    unit.memberships.create(user=someone)  # even a membership row does not open it to another role
    assert not selectors.referrals_inbox_for(someone).exists()


def test_a_phone_referral_is_not_in_the_units_inbox(counsellor, partner):
    unit = unit_make(partner, on_platform=False)
    from django.utils import timezone

    services.referral_record_offline(
        actor=counsellor,
        case_id=case_make(counsellor).pk,
        data=referral_input(unit),
        channel="letter",
        sent_at=timezone.now(),
        contact="Registrator",
    )
    assert not selectors.referrals_inbox_for(partner).exists()


def test_escalated_referrals_are_listed_for_supervisors_only(counsellor, supervisor, partner):
    unit = unit_make(partner)
    referral = services.referral_send(
        actor=counsellor, case_id=case_make(counsellor).pk, data=referral_input(unit)
    )
    services.referrals_escalate_overdue(referral.deadline)
    assert list(selectors.referrals_escalated_for(supervisor)) == [referral]
    assert not selectors.referrals_escalated_for(counsellor).exists()
    assert list(selectors.referrals_sent_by(counsellor)) == [referral]
    assert not selectors.referrals_sent_by(partner).exists()


def test_the_timeline_names_the_unit_and_never_a_reason(counsellor, partner):
    case = case_make(counsellor)
    unit = unit_make(partner, name="Familjeenheten")
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    services.referral_decline(actor=partner, referral_id=referral.pk, reason="Hemlig anledning")
    texts = [step.text for step in selectors.referral_steps_for_timeline(case)]
    assert len(texts) == 2 and all("Familjeenheten" in text for text in texts)
    assert not any("Hemlig" in text for text in texts)
    assert selectors.open_referrals_count(case) == 0
