"""Reads: who sees a case's assessments, and the follow-up timeline's read API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone, translation

from hedershus.assessments import engine, selectors
from hedershus.assessments.services import assessment_complete, frame_load
from hedershus.assessments.tests.helpers import asq, case_make, judgement, phq9
from hedershus.cases.models import CaseAccessGrant
from hedershus.core.exceptions import NotFound

pytestmark = pytest.mark.django_db

FRAME = (Path(engine.__file__).resolve().parent / "examples" / "example_frame.json").read_bytes()


def _judge(user, case, acute, future, severity, days_ago, monkeypatch):
    then = timezone.now() - dt.timedelta(days=days_ago)
    with monkeypatch.context() as patch:  # completed rows cannot be changed, so made back then
        patch.setattr(timezone, "now", lambda: then)
        return assessment_complete(
            actor=user,
            case=case,
            instrument_key="example-frame",
            version="1",
            raw=judgement({"A1": "present", "A2": "absent", "B1": "partly"}, acute, future, severity),
        )


def test_only_those_who_may_open_the_case_see_its_assessments(counsellor, colleague, supervisor, outsider):
    case = case_make(counsellor, supervisor=supervisor)
    assessment_complete(actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq())
    assert len(selectors.assessments_for_case(counsellor, case)) == 1
    assert len(selectors.assessments_for_case(supervisor, case)) == 1
    assert selectors.assessments_for_case(colleague, case) == []
    assert selectors.assessments_for_case(outsider, case) == []
    assert selectors.risk_judgements_for_case(colleague, case) == []
    assert selectors.assessment_results_for_case(outsider, case) == []
    now = timezone.now()
    CaseAccessGrant.objects.create(
        case=case, user=colleague, reason="on call", granted_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    assert len(selectors.assessments_for_case(colleague, case)) == 1


def test_an_assessment_is_found_only_under_its_own_case(counsellor):
    case, other = case_make(counsellor), case_make(counsellor)
    assessment = assessment_complete(
        actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq()
    )
    assert selectors.assessment_get_for_user(counsellor, case, assessment.pk).answers == {
        "q1": 0,
        "q2": 0,
        "q3": 0,
        "q4": 0,
    }
    with pytest.raises(NotFound):
        selectors.assessment_get_for_user(counsellor, other, assessment.pk)


def test_risk_judgements_read_forward_in_time_with_their_levels(counsellor, supervisor, monkeypatch):
    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    case = case_make(counsellor)
    old = _judge(counsellor, case, "high", "high", "medium", days_ago=30, monkeypatch=monkeypatch)
    new = _judge(counsellor, case, "low", "medium", "medium", days_ago=1, monkeypatch=monkeypatch)
    assessment_complete(actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(1))
    found = selectors.risk_judgements_for_case(counsellor, case)
    assert [(j.assessment_id, j.acute, j.future, j.severity) for j in found] == [
        (old.pk, "high", "high", "medium"),
        (new.pk, "low", "medium", "medium"),
    ]
    assert found[0].date == (timezone.now() - dt.timedelta(days=30)).date()
    assert (found[0].instrument, found[0].version) == ("example-frame", "1")


def test_assessment_results_give_score_band_and_levels(counsellor, supervisor, monkeypatch):
    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    case = case_make(counsellor)
    _judge(counsellor, case, "medium", "low", "low", days_ago=3, monkeypatch=monkeypatch)
    assessment_complete(
        actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(3, 3, 3, 3, 3)
    )
    assessment_complete(actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq(q4=1, q5=0))
    found = selectors.assessment_results_for_case(counsellor, case)
    assert [(r.instrument, r.score, r.band, r.outcome, r.level) for r in found] == [
        ("example-frame", None, None, None, "medium"),
        ("phq9", 15, "moderately_severe", None, "none"),
        ("asq", None, None, "positive", "high"),
    ]
    # What a page or the timeline shows: the title in the page's language, never the code.
    assert [r.title for r in found] == [
        "Example frame (not a real instrument)",
        "PHQ-9 (depression)",
        "ASQ \u2013 suicide risk screening",
    ]
    with translation.override("sv"):
        swedish = selectors.assessment_results_for_case(counsellor, case)
        judged = selectors.risk_judgements_for_case(counsellor, case)
    assert swedish[2].title == "ASQ \u2013 screening av självmordsrisk"
    assert judged[0].title == swedish[0].title


def test_only_the_newest_version_of_a_frame_is_offered(supervisor):
    import json

    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    data = json.loads(FRAME)
    data["version"] = "2"
    frame_load(actor=supervisor, content=json.dumps(data).encode(), filename="example_frame.json")
    offered = {(c.key, c.version) for c in selectors.instruments_available()}
    assert offered == {("phq9", "1"), ("asq", "1"), ("example-frame", "2")}
