"""Writes: completing an assessment, loading instrument versions and judgement frames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from hedershus.assessments import engine, services
from hedershus.assessments.models import Assessment, Instrument, InstrumentSource
from hedershus.assessments.services import AnswersInvalid, FrameInvalid, assessment_complete, frame_load
from hedershus.assessments.tests.helpers import asq, case_make, judgement, phq9
from hedershus.audit.models import AuditEvent
from hedershus.cases.selectors import CaseReasonRequired
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, NotFound

pytestmark = pytest.mark.django_db

EXAMPLES = Path(engine.__file__).resolve().parent / "examples"
FRAME = (EXAMPLES / "example_frame.json").read_bytes()


def _complete(user, case, key="phq9", answers=None, version="1"):
    return assessment_complete(
        actor=user,
        case=case,
        instrument_key=key,
        version=version,
        raw=answers or phq9(1, 2, 3, 0, 0, 0, 0, 0, 1),
    )


def test_a_completed_phq9_stores_version_answers_and_result_encrypted(counsellor):
    case = case_make(counsellor)
    assessment = _complete(counsellor, case)
    assert (assessment.instrument.key, assessment.instrument.version) == ("phq9", "1")
    assert assessment.performed_by == counsellor
    # Nothing about the person in clear: neither the answers nor the score or band.
    assert "item9" not in assessment.answers_encrypted and "mild" not in assessment.result_encrypted
    answers = json.loads(decrypt_text(assessment.answers_encrypted))
    result = json.loads(decrypt_text(assessment.result_encrypted))
    assert answers["item3"] == 3 and answers["item9"] == 1
    assert result == {
        "score": 7,
        "max_score": 27,
        "band": "mild",
        "outcome": None,
        "level": "none",
        "triggers": ["item9_suicide_screening"],
    }


def test_completing_is_audited_without_answers_or_result(counsellor):
    case = case_make(counsellor)
    assessment = _complete(counsellor, case)
    event = AuditEvent.objects.get(event_type="assessment.completed")
    assert event.actor == counsellor and event.object_id == str(assessment.pk)
    assert event.data == {"case": case.pk, "instrument": "phq9", "version": "1", "kind": "questionnaire"}


def test_missing_answers_save_nothing_and_audit_nothing(counsellor):
    case = case_make(counsellor)
    answers = phq9(1)
    del answers["item9"]
    with pytest.raises(AnswersInvalid) as caught:
        _complete(counsellor, case, answers=answers)
    assert caught.value.errors == {"item9": "Answer question 9."}
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(event_type="assessment.completed").exists()


def test_someone_without_the_case_is_refused_before_anything_is_read(counsellor, colleague, outsider):
    case = case_make(counsellor)
    with pytest.raises(CaseReasonRequired):
        _complete(colleague, case)
    with pytest.raises(NotFound):
        _complete(outsider, case)
    assert not Assessment.objects.exists()


def test_the_supervisor_of_the_case_may_complete_one(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    assert _complete(supervisor, case, key="asq", answers=asq(q1=1, q5=0)).performed_by == supervisor


def test_an_unknown_version_is_refused(counsellor):
    with pytest.raises(NotFound):
        _complete(counsellor, case_make(counsellor), version="99")


def test_a_shipped_file_changed_without_a_new_version_is_never_used(counsellor, monkeypatch, tmp_path):
    _complete(counsellor, case_make(counsellor))
    data = json.loads((engine.INSTRUMENTS_DIR / "phq9.json").read_text(encoding="utf-8"))
    data["items"][0]["text"]["en"] = "Something else"
    (tmp_path / "phq9.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(engine, "INSTRUMENTS_DIR", tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"phq9\.json changed but kept version 1"):
        services.instrument_shipped_ensure("phq9")


def test_a_new_shipped_version_leaves_old_results_as_they_were(counsellor, monkeypatch, tmp_path):
    case = case_make(counsellor)
    old = _complete(counsellor, case)
    data = json.loads((engine.INSTRUMENTS_DIR / "phq9.json").read_text(encoding="utf-8"))
    data["version"] = "2"
    data["scoring"]["bands"][0]["label"]["en"] = "None to minimal"
    (tmp_path / "phq9.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(engine, "INSTRUMENTS_DIR", tmp_path)
    new = _complete(counsellor, case, version="2")
    old.refresh_from_db()
    assert (old.instrument.version, new.instrument.version) == ("1", "2")
    assert old.instrument.definition["scoring"]["bands"][0]["label"]["en"] == "Minimal"


# --- judgement frames --------------------------------------------------------------------


def test_a_supervisor_loads_a_frame_once_and_it_is_audited(supervisor):
    instrument, created = frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    assert created and (instrument.key, instrument.version, instrument.source) == (
        "example-frame",
        "1",
        "loaded",
    )
    again, created_again = frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    assert again == instrument and not created_again
    event = AuditEvent.objects.get(event_type="assessment.instrument_loaded")
    assert event.actor == supervisor
    assert event.data == {"instrument": "example-frame", "version": "1", "source": "loaded"}


def test_a_counsellor_may_not_load_a_frame(counsellor):
    with pytest.raises(AccessDenied):
        frame_load(actor=counsellor, content=FRAME, filename="example_frame.json")
    assert not Instrument.objects.exists()


def test_the_same_version_with_other_content_is_refused(supervisor):
    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    changed = FRAME.replace(b"Example factor A1", b"Another factor A1")
    with pytest.raises(Conflict, match="already loaded with other content"):
        frame_load(actor=supervisor, content=changed, filename="example_frame.json")


def test_a_frame_may_not_take_a_shipped_instruments_id(supervisor):
    data = json.loads(FRAME)
    data["id"] = "phq9"
    with pytest.raises(Conflict, match="shipped with the platform"):
        frame_load(actor=supervisor, content=json.dumps(data).encode(), filename="x.json")


def test_a_bad_frame_file_names_every_problem(supervisor):
    with pytest.raises(FrameInvalid) as caught:
        frame_load(actor=supervisor, content=b'{"kind": "judgement", "id": "x"}', filename="ours.json")
    assert "ours.json: version: Field required" in caught.value.problems
    assert "ours.json: factors: Field required" in caught.value.problems
    assert not Instrument.objects.exists()


def test_a_new_frame_version_keeps_old_assessments_with_their_version(counsellor, supervisor):
    case = case_make(counsellor)
    frame_load(actor=supervisor, content=FRAME, filename="example_frame.json")
    first = assessment_complete(
        actor=counsellor,
        case=case,
        instrument_key="example-frame",
        version="1",
        raw=judgement({"A1": "present", "A2": "absent", "B1": "partly"}),
    )
    data = json.loads(FRAME)
    data["version"] = "2"
    data["factors"] = data["factors"][:2]
    frame_load(actor=supervisor, content=json.dumps(data).encode(), filename="example_frame.json")
    second = assessment_complete(
        actor=counsellor,
        case=case,
        instrument_key="example-frame",
        version="2",
        raw=judgement({"A1": "absent", "A2": "absent"}, acute="low"),
    )
    first.refresh_from_db()
    assert first.instrument.version == "1" and len(first.instrument.definition["factors"]) == 3
    assert second.instrument.version == "2" and len(second.instrument.definition["factors"]) == 2
    assert json.loads(decrypt_text(first.answers_encrypted))["factors"]["B1"] == {
        "rating": "partly",
        "note": "note on B1",
    }


def test_the_management_command_loads_the_example_files_as_the_system(capsys):
    call_command("assessments_load_frame", str(EXAMPLES / "example_frame.csv"))
    assert "example-frame-csv version 1: loaded." in capsys.readouterr().out
    row = Instrument.objects.get(key="example-frame-csv")
    assert row.source == InstrumentSource.LOADED and row.loaded_by is None
    assert AuditEvent.objects.get(event_type="assessment.instrument_loaded").actor is None


def test_the_management_command_names_the_problem_in_a_bad_file(tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text("type,id,sv,en\nframe,x,Ram,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"ours\.csv: version: Field required"):
        call_command("assessments_load_frame", str(path))
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("assessments_load_frame", str(tmp_path / "missing.json"))


def test_the_database_refuses_to_change_a_completed_assessment_or_a_stored_version(counsellor):
    from django.db import IntegrityError, transaction

    assessment = _complete(counsellor, case_make(counsellor))
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(result_encrypted=assessment.answers_encrypted)
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=assessment.instrument_id).update(version="2")
    assessment.refresh_from_db()
    assert json.loads(decrypt_text(assessment.result_encrypted))["band"] == "mild"
    # Culling the case (retention, R22) still removes its assessments with it.
    assessment.case.delete()
    assert not Assessment.objects.exists()
