"""The approved extract as JSON and PDF: the demo person's own data is in both, her father's
name and identity number in neither; withheld items say why; the JSON's schema is stable."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from hedershus.subject_access import exports, selectors, services
from hedershus.subject_access.demo import DEMO_RELATIVE_NAME, DEMO_RELATIVE_NUMBER, DEMO_SUBJECT_NAME
from hedershus.subject_access.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db

RELATIVE_DIGITS = DEMO_RELATIVE_NUMBER.replace("-", "")


def _approved(family: Any, *, release_journal: bool) -> SubjectAccessRequest:
    request = services.request_prepare(
        actor=family.counsellor,
        identity_number="200903129823",
        received_on=timezone.localdate(),
        identity_check="e_id",
    )
    for item in selectors.extract_build(request, family.counsellor).items():
        release = release_journal or not item.key.startswith("journal:")
        services.item_decide(
            actor=family.counsellor,
            request_id=request.pk,
            item=item.key,
            release=release,
            reason="" if release else "other_person",
        )
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    return request


def _pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # lines wrap anywhere


def _forbidden(text: str) -> list[str]:
    compact = text.replace(" ", "").replace("-", "")
    found = [word for word in (DEMO_RELATIVE_NAME, "Karim", "Exempelsson") if word in text]
    found += [RELATIVE_DIGITS for _ in [0] if RELATIVE_DIGITS in compact or RELATIVE_DIGITS[2:] in compact]
    return found


def test_the_extract_of_the_demo_person_withholds_her_father(family):
    request = _approved(family, release_journal=False)
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    with translation.override("sv"):
        document = json.loads(exports.as_json(extract))
        pdf = _pdf_text(exports.as_pdf(extract))
    raw = json.dumps(document, ensure_ascii=False)
    assert _forbidden(raw) == [] and _forbidden(pdf) == []
    # Her own data is there.
    [case] = document["cases"]
    assert case["your_entries"][0]["name"] == DEMO_SUBJECT_NAME
    assert case["your_entries"][0]["identity_number"] == "200903129823"
    assert DEMO_SUBJECT_NAME in pdf and "200903129823" in pdf
    # Others: marked and withheld with the reason.
    assert len(case["other_persons"]) == 3
    assert all(
        p == {"released": False, "reason": "other_person", "reason_text": p["reason_text"]}
        for p in case["other_persons"]
    )
    assert "OSL 26 kap. 1 §" in case["other_persons"][0]["reason_text"]
    assert "[undanhållen]" in pdf and "Uppgift om annan person" in pdf
    # The journal entry (it names the father by his role) was withheld: its text is in neither.
    # A withheld text withholds its whole record: the entry is left out of the journal and
    # listed among the other information, with its reason only.
    assert case["journal"] == []
    assert {
        "released": False,
        "reason": "other_person",
        "reason_text": case["other_persons"][0]["reason_text"],
    } in (case["withheld_information"])
    assert "kontrollerar hennes telefon" not in raw and "kontrollerar hennes telefon" not in pdf


def test_a_released_item_is_printed_in_both(family):
    request = _approved(family, release_journal=True)
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="pdf")
    document = exports.as_dict(extract)
    assert "kontrollerar hennes telefon" in document["cases"][0]["journal"][0]["text"]["text"]
    assert "kontrollerar hennes telefon" in _pdf_text(exports.as_pdf(extract))
    assert _forbidden(json.dumps(document, ensure_ascii=False)) == []


def test_the_json_has_a_versioned_schema(family):
    request = _approved(family, release_journal=False)
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    document = exports.as_dict(extract)
    assert document["schema"] == "hedershus.subject_access.extract"
    assert document["schema_version"] == 3
    assert set(document) == {
        "schema",
        "schema_version",
        "request",
        "data_subject",
        "holds_data",
        "cases",
        "entries_removed_since_request",
        "withholding_reasons",
        "about_the_processing",
    }
    assert set(document["cases"][0]) >= {
        "reference",
        "your_entries",
        "other_persons",
        "relations",
        "withheld_information",
        "contacts",
        "flags",
        "decisions",
        "journal",
        "assessments",
        "referrals",
        "documents",
        "follow_ups",
        "protective_measures",
        "reads",
    }
    assert document["holds_data"] is True
    # Her own case: only the withheld journal entry is a withheld record (a withheld text
    # withholds its record), listed with its reason only.
    assert [w["reason"] for w in document["cases"][0]["withheld_information"]] == ["other_person"]
    assert exports.filename(extract, "json") == f"registerutdrag-{request.pk}.json"


def test_no_data_is_said_in_both(family, supervisor):
    request = services.request_prepare(
        actor=family.counsellor,
        identity_number="191212121212",
        received_on=timezone.localdate(),
        identity_check="e_id",
    )
    services.request_approve(actor=supervisor, request_id=request.pk)
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="pdf")
    assert exports.as_dict(extract)["holds_data"] is False
    with translation.override("en"):
        assert "We hold no personal data about you" in _pdf_text(exports.as_pdf(extract))


def test_assessments_follow_ups_measures_and_documents_are_in_the_extract(family):
    from hedershus.assessments.services import assessment_complete, instrument_shipped_ensure
    from hedershus.assessments.tests.helpers import asq
    from hedershus.case_documents.services import document_upload
    from hedershus.followup.services import follow_up_record, measure_add

    case = family.nour.case
    instrument_shipped_ensure("asq")
    assessment_complete(actor=family.counsellor, case=case, instrument_key="asq", version="1", raw=asq())
    follow_up_record(
        user=family.counsellor,
        case=case,
        held_on=timezone.localdate(),
        ratings={"safety": 2},
        note="Oro hemma.",
    )
    measure_add(user=family.counsellor, case=case, kind="safety_plan", started_on=timezone.localdate())
    document_upload(
        actor=family.counsellor,
        case_id=case.pk,
        title="Orosanmälan",
        file_name="a.txt",
        data=b"Text om Nour.\n",
    )
    request = _approved(family, release_journal=False)
    with translation.override("en"):  # labels are taken when the extract is built
        extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
        [case_json] = exports.as_dict(extract)["cases"]
        pdf = _pdf_text(exports.as_pdf(extract))
    assert case_json["assessments"][0]["instrument"] and case_json["assessments"][0]["result"]
    assert case_json["follow_ups"][0]["note"] == {"released": True, "text": "Oro hemma."}
    assert case_json["follow_ups"][0]["ratings"] == [{"domain": "Safety", "rating": "Vulnerable"}]
    assert case_json["protective_measures"][0]["measure"] == "Safety plan"
    assert case_json["documents"][0]["title"] == {"released": True, "text": "Orosanmälan"}
    assert case_json["documents"][0]["versions"][0]["file_type"] == "txt"
    assert "Text om Nour" not in json.dumps(case_json)  # listed, not attached
    assert "Orosanmälan" in pdf and "Safety plan" in pdf
