"""Follow-up's pages: the timeline as accessible SVG with its tables, and the forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from hedershus.audit.models import AuditEvent
from hedershus.cases.models import Contact
from hedershus.core.access import Role
from hedershus.followup import services
from hedershus.followup.models import FollowUp
from hedershus.followup.tests.helpers import case_make

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english(client):
    """The staff pages answer in the browser's language (Swedish by default); these read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def counsellor(cast):
    return cast[Role.COUNSELLOR]


@pytest.fixture
def case(counsellor):
    return case_make(counsellor)


def test_the_timeline_draws_ratings_and_events_as_svg_with_the_same_data_in_tables(client, counsellor, case):
    services.follow_up_record(user=counsellor, case=case, held_on=DAY, ratings={"safety": 1, "housing": 2})
    services.follow_up_record(
        user=counsellor, case=case, held_on=DAY + dt.timedelta(days=28), ratings={"safety": 3, "housing": 4}
    )
    services.measure_add(user=counsellor, case=case, kind="shelter", started_on=DAY)
    Contact.objects.create(
        case=case,
        channel="phone",
        occurred_at=timezone.make_aware(dt.datetime(2026, 3, 10, 14)),
        taken_by=counsellor,
    )
    sign_in(client, counsellor)
    response = client.get(reverse("followup:timeline", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert html.count('class="chart-line"') >= 2  # safety and housing, two points each
    assert 'class="chart-span' in html and 'class="chart-mark' in html
    assert "<table>" in html and 'scope="row"' in html
    assert '3 <span class="rating-label">Stable</span>' in html
    assert "Contact: Phone call" in html
    assert "<script" not in html.split("<main", 1)[1]
    assert 'style="' not in html
    assert (
        AuditEvent.objects.filter(event_type="followup.timeline_viewed", object_id=str(case.pk)).count() == 1
    )


def test_svg_numbers_are_not_localised_in_swedish(client, counsellor, case):
    services.follow_up_record(user=counsellor, case=case, held_on=DAY, ratings={"safety": 1})
    services.follow_up_record(
        user=counsellor, case=case, held_on=DAY + dt.timedelta(days=3), ratings={"safety": 2}
    )
    sign_in(client, counsellor)
    client.cookies["django_language"] = "sv"
    html = client.get(
        reverse("followup:timeline", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    path = html.split('class="chart-line" d="', 1)[1].split('"', 1)[0]
    assert "," in path and path.count(".") >= 2  # "M150.0,16.0 L…", never "150,0"


def test_recording_a_follow_up_through_the_form(client, counsellor, case):
    sign_in(client, counsellor)
    url = reverse("followup:new", kwargs={"case_id": case.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"held_on": "2026-03-02", "rating_safety": "2", "rating_health": "4", "note": "Ok"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:timeline", kwargs={"case_id": case.pk})
    follow_up = FollowUp.objects.get(case=case)
    assert {r.domain: r.rating for r in follow_up.ratings.all()} == {"safety": 2, "health": 4}


def test_a_follow_up_without_any_rating_is_refused_with_a_message(client, counsellor, case):
    sign_in(client, counsellor)
    url = reverse("followup:new", kwargs={"case_id": case.pk})
    response = client.post(url, {"held_on": "2026-03-02"})
    assert response.status_code == 400
    assert "Rate at least one life domain." in response.content.decode()
    swedish = client.post(url, {"held_on": "2026-03-02"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Bedöm minst ett livsområde." in swedish.content.decode()
    assert not FollowUp.objects.exists()


def test_a_colleague_outside_the_case_must_give_a_reason_first(client, cast, case):
    supervisor = cast[Role.SUPERVISOR]  # handles cases, neither assigned nor the case's supervisor
    sign_in(client, supervisor)
    response = client.get(reverse("followup:timeline", kwargs={"case_id": case.pk}))
    assert response.status_code in (302, 403)
    assert b"chart-title" not in response.content
    assert not AuditEvent.objects.filter(event_type="followup.timeline_viewed").exists()


def test_ending_a_measure_through_the_form(client, counsellor, case):
    measure = services.measure_add(user=counsellor, case=case, kind="alarm", started_on=DAY)
    sign_in(client, counsellor)
    url = reverse("followup:measure_end", kwargs={"case_id": case.pk, "measure_id": measure.pk})
    assert client.post(url, {"ended_on": "2026-03-01"}).status_code == 400  # before the start
    measure.refresh_from_db()
    assert measure.ended_on is None
    assert client.post(url, {"ended_on": "2026-03-20"}).status_code == 302
    measure.refresh_from_db()
    assert measure.ended_on == dt.date(2026, 3, 20)


def test_the_timeline_names_an_assessment_by_its_title_not_its_code(client, counsellor, case):
    from hedershus.assessments.services import assessment_complete
    from hedershus.assessments.tests.helpers import phq9

    assessment_complete(actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(1, 1))
    sign_in(client, counsellor)
    events = client.get(reverse("followup:timeline", kwargs={"case_id": case.pk})).content.decode()
    events = events.split('class="followup-events"', 1)[1]
    assert "Assessment PHQ-9" in events
    assert "Assessment phq9" not in events
