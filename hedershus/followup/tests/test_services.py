"""Follow-up's services: what is saved, what is refused (nothing saved), what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.followup import services
from hedershus.followup.models import DomainRating, FollowUp, ProtectiveMeasure
from hedershus.followup.tests.helpers import case_make

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def counsellor(cast):
    return cast[Role.COUNSELLOR]


@pytest.fixture
def case(counsellor):
    return case_make(counsellor)


def test_a_follow_up_keeps_its_ratings_and_an_encrypted_note_and_is_audited_without_them(counsellor, case):
    follow_up = services.follow_up_record(
        user=counsellor, case=case, held_on=DAY, ratings={"safety": 2, "housing": 4}, note="Bor hos moster."
    )
    assert {r.domain: r.rating for r in follow_up.ratings.all()} == {"safety": 2, "housing": 4}
    assert "moster" not in follow_up.note_encrypted
    assert decrypt_text(follow_up.note_encrypted) == "Bor hos moster."
    event = AuditEvent.objects.get(event_type="followup.recorded")
    assert event.actor == counsellor
    assert event.data == {"case": case.pk, "held_on": "2026-03-02", "domains": ["housing", "safety"]}
    assert "moster" not in str(event.data)


@pytest.mark.parametrize(
    ("ratings", "held_on"),
    [
        ({}, DAY),
        ({"safety": 0}, DAY),
        ({"safety": 6}, DAY),
        ({"religion": 3}, DAY),
        ({"safety": 3}, dt.date.today() + dt.timedelta(days=2)),
        ({"safety": 3}, dt.date(1, 1, 1)),
        ({"safety": 3}, dt.date(1800, 1, 1)),
    ],
    ids=["no-rating", "below-scale", "above-scale", "unknown-domain", "future", "year-1", "year-1800"],
)
def test_bad_input_is_refused_and_saves_nothing(counsellor, case, ratings, held_on):
    with pytest.raises(InvalidInput):
        services.follow_up_record(user=counsellor, case=case, held_on=held_on, ratings=ratings)
    assert not FollowUp.objects.exists()
    assert not DomainRating.objects.exists()
    assert not AuditEvent.objects.filter(event_type="followup.recorded").exists()


def test_a_second_follow_up_on_the_same_day_is_refused_and_the_first_kept(counsellor, case):
    services.follow_up_record(user=counsellor, case=case, held_on=DAY, ratings={"safety": 2})
    with pytest.raises(Conflict):
        services.follow_up_record(user=counsellor, case=case, held_on=DAY, ratings={"safety": 5})
    assert [r.rating for r in DomainRating.objects.all()] == [2]


def test_the_database_refuses_a_rating_outside_the_scale(counsellor, case):
    follow_up = services.follow_up_record(user=counsellor, case=case, held_on=DAY, ratings={"safety": 2})
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainRating.objects.create(follow_up=follow_up, domain="health", rating=9)


def test_a_measure_is_recorded_ended_once_and_audited(counsellor, case):
    measure = services.measure_add(
        user=counsellor, case=case, kind="contact_ban", started_on=DAY, note="Gäller fadern."
    )
    assert measure.ended_on is None and "fadern" not in measure.note_encrypted
    services.measure_end(
        user=counsellor, case=case, measure_id=measure.pk, ended_on=DAY + dt.timedelta(days=30)
    )
    measure.refresh_from_db()
    assert measure.ended_on == DAY + dt.timedelta(days=30) and measure.ended_by == counsellor
    with pytest.raises(Conflict):
        services.measure_end(
            user=counsellor, case=case, measure_id=measure.pk, ended_on=DAY + dt.timedelta(days=31)
        )
    kinds = list(
        AuditEvent.objects.filter(event_type__startswith="followup.measure").values_list(
            "event_type", flat=True
        )
    )
    assert sorted(kinds) == ["followup.measure_added", "followup.measure_ended"]


@pytest.mark.parametrize("started_on", [dt.date(1, 1, 1), dt.date(1900, 1, 1)])
def test_a_measure_from_an_implausible_past_is_refused(counsellor, case, started_on):
    with pytest.raises(InvalidInput):
        services.measure_add(user=counsellor, case=case, kind="alarm", started_on=started_on)
    assert not ProtectiveMeasure.objects.exists()


def test_a_measure_cannot_end_before_it_starts(counsellor, case):
    with pytest.raises(InvalidInput):
        services.measure_add(
            user=counsellor, case=case, kind="alarm", started_on=DAY, ended_on=DAY - dt.timedelta(days=1)
        )
    measure = services.measure_add(user=counsellor, case=case, kind="alarm", started_on=DAY)
    with pytest.raises(InvalidInput):
        services.measure_end(
            user=counsellor, case=case, measure_id=measure.pk, ended_on=DAY - dt.timedelta(days=1)
        )
    measure.refresh_from_db()
    assert measure.ended_on is None
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectiveMeasure.objects.filter(pk=measure.pk).update(ended_on=DAY - dt.timedelta(days=3))


def test_a_measure_is_ended_only_through_its_own_case(counsellor, case):
    other = case_make(counsellor)
    measure = services.measure_add(user=counsellor, case=case, kind="alarm", started_on=DAY)
    with pytest.raises(NotFound):
        services.measure_end(
            user=counsellor, case=other, measure_id=measure.pk, ended_on=timezone.localdate()
        )
    measure.refresh_from_db()
    assert measure.ended_on is None
