"""The staff pages: the case's list, the forms, the result, and the supervisors' frame page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hedershus.assessments import engine
from hedershus.assessments.models import Assessment, Instrument
from hedershus.assessments.services import assessment_complete, frame_load
from hedershus.assessments.tests.helpers import asq, case_make, judgement, phq9
from hedershus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

EXAMPLES = Path(engine.__file__).resolve().parent / "examples"
FRAME = (EXAMPLES / "example_frame.json").read_bytes()


@pytest.fixture
def signed_in(signed_in):
    """As the project's, with the pages in English (Swedish is the default; one test checks it)."""

    def _sign_in(user, **kwargs):
        client = signed_in(user, **kwargs)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return _sign_in


def _new(case, key):
    return reverse("assessments:new", kwargs={"case_id": case.pk, "instrument": key})


def test_the_form_has_a_fieldset_per_item_with_radio_buttons(signed_in, counsellor):
    case = case_make(counsellor)
    response = signed_in(counsellor).get(_new(case, "phq9"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 10 and html.count('type="radio"') == 9 * 4 + 5
    assert "<legend>9. Thoughts that you would be better off dead" in html
    assert 'name="instrument_version" value="1"' in html
    assert "No permission required to reproduce" in html


def test_a_form_with_missing_answers_saves_nothing_and_keeps_the_answers(signed_in, counsellor):
    case = case_make(counsellor)
    answers = phq9(2, 1)
    del answers["item5"], answers["item9"]
    response = signed_in(counsellor).post(_new(case, "phq9"), {**answers, "instrument_version": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_item5_0">Answer question 5.</a>' in html
    assert '<a href="#id_item9_0">Answer question 9.</a>' in html
    assert 'id="id_item1_2" value="2" checked' in html  # the answer given stays chosen
    assert not Assessment.objects.exists()


def test_phq9_with_item9_above_zero_shows_the_band_and_prompts_the_screening(signed_in, counsellor):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    response = client.post(
        _new(case, "phq9"), {**phq9(3, 3, 2, 2, 1, 0, 0, 0, 1), "instrument_version": "1"}, follow=True
    )
    assessment = Assessment.objects.get()
    assert response.redirect_chain == [
        (
            reverse("assessments:detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
            + "?saved=1",
            302,
        )
    ]
    html = response.content.decode()
    assert "The assessment is saved." in html
    assert "<strong>12 of 27: Moderate</strong>" in html
    assert 'class="prompt" aria-labelledby="prompt-1" role="alert"' in html
    assert "Run the suicide-risk screening (ASQ) now" in html
    assert f'href="{_new(case, "asq")}">Start ASQ \u2013 suicide risk screening</a>' in html


def test_phq9_with_item9_at_zero_prompts_nothing(signed_in, counsellor):
    case = case_make(counsellor)
    response = signed_in(counsellor).post(
        _new(case, "phq9"), {**phq9(3, 3, 3, 3, 3, 3, 3, 3, 0), "instrument_version": "1"}, follow=True
    )
    html = response.content.decode()
    assert "<strong>24 of 27: Severe</strong>" in html
    assert 'class="prompt' not in html


def test_an_acute_asq_screen_asks_for_an_immediate_safety_evaluation(signed_in, counsellor):
    case = case_make(counsellor)
    response = signed_in(counsellor).post(
        _new(case, "asq"), {**asq(q1=1, q5=1), "instrument_version": "1"}, follow=True
    )
    html = response.content.decode()
    assert "<strong>Acute positive screen: imminent risk</strong>" in html
    assert "An immediate safety evaluation" in html and 'role="alert"' in html


def test_the_judgement_frame_form_and_result(signed_in, counsellor, supervisor):
    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    case = case_make(counsellor)
    client = signed_in(counsellor)
    form = client.get(_new(case, "example-frame")).content.decode()
    assert "<h3>Part A: example factors</h3>" in form and "<legend>Acute risk</legend>" in form
    data = judgement({"A1": "present", "A2": "partly", "B1": "omitted"}, acute="high")
    del data["reason-severity"]
    refused = client.post(_new(case, "example-frame"), {**data, "instrument_version": "1"})
    assert refused.status_code == 400
    assert "Give the reason for the judgement of Severity." in refused.content.decode()
    data["reason-severity"] = "Threats from two relatives"
    response = client.post(_new(case, "example-frame"), {**data, "instrument_version": "1"}, follow=True)
    html = response.content.decode()
    assert "<strong>Acute risk: High; Future risk: Medium; Severity: Low</strong>" in html
    assert "Threats from two relatives" in html and "note on B1" in html


def test_the_list_shows_results_newest_first_and_is_audited(signed_in, counsellor):
    case = case_make(counsellor)
    assessment_complete(actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(1, 1))
    assessment_complete(actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq())
    response = signed_in(counsellor).get(reverse("assessments:list", kwargs={"case_id": case.pk}))
    html = response.content.decode()
    assert html.index("Negative screen") < html.index("2 of 27: Minimal")
    assert f'href="{_new(case, "phq9")}"' in html
    event = AuditEvent.objects.get(event_type="assessment.list_viewed")
    assert (event.actor, event.object_id) == (counsellor, str(case.pk))


def test_opening_a_result_is_audited_without_content(signed_in, counsellor):
    case = case_make(counsellor)
    assessment = assessment_complete(
        actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(1, 1)
    )
    url = reverse("assessments:detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    assert signed_in(counsellor).get(url).status_code == 200
    event = AuditEvent.objects.get(event_type="assessment.viewed")
    assert event.data == {"case": case.pk, "instrument": "phq9", "version": "1"}


def test_a_colleague_outside_the_case_must_give_a_reason(signed_in, counsellor, colleague):
    case = case_make(counsellor)
    assessment_complete(actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq(q2=1, q5=0))
    response = signed_in(colleague).get(reverse("assessments:list", kwargs={"case_id": case.pk}))
    # 403 with the message, or the reason form once cases' CaseReasonRequiredMiddleware is on.
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("cases:reason", kwargs={"case_id": case.pk}))
    else:
        assert response.status_code == 403
    assert "positive screen" not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="assessment.list_viewed").exists()


def test_a_colleague_who_gave_a_reason_sees_the_results(signed_in, counsellor, colleague):
    import datetime as dt

    from django.utils import timezone

    from hedershus.cases.models import CaseAccessGrant

    case = case_make(counsellor)
    assessment_complete(actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq(q2=1, q5=0))
    now = timezone.now()
    CaseAccessGrant.objects.create(
        case=case, user=colleague, reason="On call", granted_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    response = signed_in(colleague).get(reverse("assessments:list", kwargs={"case_id": case.pk}))
    assert "Non-acute positive screen: potential risk" in response.content.decode()
    assert AuditEvent.objects.get(event_type="assessment.list_viewed").actor == colleague


def test_an_unknown_instrument_is_404(signed_in, counsellor):
    assert signed_in(counsellor).get(_new(case_make(counsellor), "nope")).status_code == 404


def test_the_pages_speak_swedish(signed_in, counsellor):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    html = client.get(_new(case, "phq9")).content.decode()
    assert "Spara bedömningen" in html and "Nästan varje dag" in html


# --- the supervisors' frame page -------------------------------------------------------------


@pytest.mark.urls("hedershus.assessments.tests.urls_with_frames")
def test_a_supervisor_uploads_a_frame(signed_in, supervisor):
    client = signed_in(supervisor)
    url = reverse("assessment_frames:upload")
    upload = SimpleUploadedFile("example_frame.csv", (EXAMPLES / "example_frame.csv").read_bytes())
    response = client.post(url, {"file": upload}, follow=True)
    assert "Version 1 of example-frame-csv is loaded." in response.content.decode()
    assert Instrument.objects.get(key="example-frame-csv").loaded_by == supervisor


@pytest.mark.urls("hedershus.assessments.tests.urls_with_frames")
def test_a_bad_frame_upload_names_the_problems_and_loads_nothing(signed_in, supervisor):
    upload = SimpleUploadedFile("ours.json", b'{"kind": "judgement", "id": "x", "version": "1"}')
    response = signed_in(supervisor).post(reverse("assessment_frames:upload"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ours.json: factors: Field required" in html and "ours.json: title: Field required" in html
    assert not Instrument.objects.exists()


@pytest.mark.urls("hedershus.assessments.tests.urls_with_frames")
def test_a_counsellor_may_not_open_the_frame_page(signed_in, counsellor):
    assert signed_in(counsellor).get(reverse("assessment_frames:upload")).status_code == 403


def _visible(html: str) -> str:
    """The page's text as read: tags and their attributes (links, names) removed."""
    return re.sub(r"<[^>]*>", " ", html)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_pages_name_an_instrument_by_its_title_never_its_code(signed_in, counsellor, language):
    case = case_make(counsellor)
    first = assessment_complete(
        actor=counsellor, case=case, instrument_key="phq9", version="1", raw=phq9(1, 0, 0, 0, 0, 0, 0, 0, 1)
    )
    second = assessment_complete(
        actor=counsellor, case=case, instrument_key="asq", version="1", raw=asq(q1=1, q5=0)
    )
    client = signed_in(counsellor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = [reverse("assessments:list", kwargs={"case_id": case.pk})] + [
        reverse("assessments:detail", kwargs={"case_id": case.pk, "assessment_id": a.pk})
        for a in (first, second)
    ]
    pages += [_new(case, "phq9"), _new(case, "asq")]
    for url in pages:
        text = _visible(client.get(url).content.decode())
        # Codes as words (the ASQ's source address has "asq-toolkit" in it: not a name).
        assert not re.search(r"(?<![\w/-])(phq9|asq)(?![\w/-])", text), url
    detail = _visible(client.get(pages[2]).content.decode())
    assert engine.shipped_definitions()["asq"].title.get(language) in detail
