"""Who sees which consultations: case handlers all of them, a professional their units'."""

from __future__ import annotations

import pytest

from hedershus.consultations import selectors, services
from hedershus.consultations.tests.helpers import unit_make


def _ask(partner, unit, subject="Fråga"):
    return services.consultation_ask(actor=partner, unit_id=unit.pk, subject=subject, text="Situation")


def test_a_professional_sees_their_units_only(partner, unit, other_partner):
    mine = _ask(partner, unit)
    _ask(other_partner, other_partner.unit_memberships.get().unit)
    assert list(selectors.consultations_for_professional(partner)) == [mine]
    assert selectors.consultation_get_for_professional(other_partner, mine.pk) is None


def test_a_professional_of_two_units_sees_both(partner, unit):
    second = unit_make(partner)
    a, b = _ask(partner, unit), _ask(partner, second)
    assert set(selectors.consultations_for_professional(partner)) == {a, b}


def test_a_deactivated_professional_or_an_inactive_unit_sees_nothing(partner, unit):
    consultation = _ask(partner, unit)
    unit.active = False
    unit.save()
    assert selectors.consultation_get_for_professional(partner, consultation.pk) is None
    unit.active = True
    unit.save()
    partner.is_active = False
    partner.save()
    assert not selectors.consultations_for_professional(partner).exists()


@pytest.mark.parametrize("fixture", ["counsellor", "supervisor"])
def test_case_handlers_see_every_consultation(request, partner, unit, other_partner, fixture):
    _ask(partner, unit)
    _ask(other_partner, other_partner.unit_memberships.get().unit)
    assert selectors.consultations_for_staff(request.getfixturevalue(fixture)).count() == 2


@pytest.mark.parametrize("fixture", ["editor", "administrator", "auditor", "partner"])
def test_no_one_else_sees_the_staff_list(request, partner, unit, fixture):
    consultation = _ask(partner, unit)
    user = request.getfixturevalue(fixture)
    assert not selectors.consultations_for_staff(user).exists()
    assert selectors.consultation_get_for_staff(user, consultation.pk) is None


def test_the_professionals_are_named_fully_and_the_centre_by_first_name(partner, unit, counsellor):
    consultation = _ask(partner, unit)
    services.answer_post(actor=counsellor, consultation_id=consultation.pk, text="Svar")
    asked, answered = selectors.consultation_thread(consultation)
    assert asked.author_name == partner.get_full_name()
    assert answered.author_name == counsellor.first_name and answered.from_centre
