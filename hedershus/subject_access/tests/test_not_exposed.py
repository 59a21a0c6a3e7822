"""An extract for someone who is not the exposed person of a case (the father of the demo
family, recorded as a perpetrator) must not tell him what the centre did for his daughter:
every record of the case is withheld until the preparer releases it, approval waits for each,
and the PDF and JSON hold none of it until then (issue 13 item 3 follow-up). The daughter's
own extract keeps its released records (test_exports.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from hedershus.assessments.services import assessment_complete, instrument_shipped_ensure
from hedershus.assessments.tests.helpers import asq
from hedershus.audit.services import audit_record
from hedershus.case_documents.services import document_upload
from hedershus.cases import services as case_services
from hedershus.cases.services import PersonInput
from hedershus.core.exceptions import InvalidInput
from hedershus.followup.services import follow_up_record, measure_add
from hedershus.referrals import services as referral_services
from hedershus.referrals.tests.helpers import referral_input, unit_make
from hedershus.subject_access import exports, selectors, services
from hedershus.subject_access.demo import DEMO_RELATIVE_NAME, DEMO_RELATIVE_NUMBER
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest

pytestmark = pytest.mark.django_db

FATHER = DEMO_RELATIVE_NUMBER.replace("-", "")
SHELTER = "Skyddat boende Eken"
STARTED = dt.date(2026, 11, 2)


@dataclass(frozen=True)
class Records:
    """What the centre did for Nour, as the texts that would give it away."""

    assessment: str
    shelter_organisation: str
    words: tuple[str, ...]


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def records(family: Any, partner: Any) -> Records:
    """The demo family case (a contact, a flag, a decision, a journal entry) with an
    assessment, a referral to a shelter read by its professional, a follow-up, a protective
    measure and a document."""
    case = family.nour.case
    instrument_shipped_ensure("asq")
    assessment_complete(actor=family.counsellor, case=case, instrument_key="asq", version="1", raw=asq())
    unit = unit_make(partner, name=SHELTER)
    referral = referral_services.referral_send(
        actor=family.counsellor, case_id=case.pk, data=referral_input(unit)
    )
    audit_record("referral.viewed", actor=partner, target=referral, data={})
    follow_up_record(
        user=family.counsellor,
        case=case,
        held_on=timezone.localdate(),
        ratings={"safety": 2},
        note="Oro hemma.",
    )
    measure_add(user=family.counsellor, case=case, kind="safety_plan", started_on=STARTED)
    document_upload(
        actor=family.counsellor,
        case_id=case.pk,
        title="Orosanmälan",
        file_name="a.txt",
        data=b"Text om Nour.\n",
    )
    [extract_case] = selectors.extract_build(_request(family, DEMO_RELATIVE_NUMBER), family.counsellor).cases
    result = extract_case.assessments[0].result
    return Records(
        assessment=result,
        shelter_organisation=unit.organisation.name,
        words=(
            result,
            SHELTER,
            unit.organisation.name,
            "Kontakta Rosa",  # the referral's question
            "Safety plan",
            STARTED.isoformat(),
            "Vulnerable",
            "Oro hemma",
            "Skolkuratorn ringde",  # the first contact's note
            "Besök i skolan",  # the second's
            "Kontakta inte familjen",  # the flag
            "Tillsammans med skolan",  # the decision's reason
            "Handle together with partners",  # its kind
            "kontrollerar hennes telefon",  # the journal entry
            "Orosanmälan",  # the document
            "Partner professional",  # who read it
            "Pappan",  # his alias
            "Perpetrator",  # his role
        ),
    )


def _request(family: Any, number: str) -> SubjectAccessRequest:
    return services.request_prepare(
        actor=family.counsellor,
        identity_number=number,
        received_on=timezone.localdate(),
        identity_check="id_document",
        client_id=None,
    )


def _decide_all(family: Any, request: SubjectAccessRequest, *, release: bool) -> None:
    for item in selectors.extract_build(request, family.counsellor).items():
        services.item_decide(
            actor=family.counsellor,
            request_id=request.pk,
            item=item.key,
            release=release,
            reason="" if release else "other_person",
        )


def _outputs(family: Any, request: SubjectAccessRequest) -> tuple[str, str]:
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    raw = exports.as_json(extract).decode("utf-8")
    pdf = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(exports.as_pdf(extract))).pages)
    return raw, " ".join(pdf.split())


def _found(text: str, words: tuple[str, ...]) -> list[str]:
    return [word for word in words if word in text]


def test_every_record_of_the_fathers_case_is_an_item_to_decide(family, records):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    [case] = selectors.extract_build(request, family.counsellor).cases
    assert case.caution and case.caution_reason == "not_exposed"
    keys = [item.key for item in case.items()]
    kinds = sorted({key.split(":")[0] if key.startswith("journal:") else key.split(":")[1] for key in keys})
    assert kinds == sorted(
        [
            "entry",
            "classification",
            "contact",
            "flag",
            "decision",
            "journal",
            "assessment",
            "referral",
            "document",
            "followup",
            "measure",
            "reads",
        ]
    )
    assert all(
        item.fact and item.state == "undecided" and item.default_reason == "other_person"
        for item in case.items()
    )
    # His own name and number go out without a decision; the case's reference too.
    assert case.subject[0].name == DEMO_RELATIVE_NAME and case.subject[0].identity_number == FATHER


def test_approval_is_refused_while_a_record_is_unreviewed(family, records):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    items = selectors.extract_build(request, family.counsellor).items()
    for item in items[:-1]:
        services.item_decide(actor=family.counsellor, request_id=request.pk, item=item.key, release=True)
    with pytest.raises(InvalidInput, match="1 left"):
        services.request_approve(actor=family.supervisor, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.PREPARED


def test_the_fathers_extract_holds_nothing_of_the_case_until_released(family, records):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    _decide_all(family, request, release=False)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    raw, pdf = _outputs(family, request)
    assert _found(raw, records.words) == [] and _found(pdf, records.words) == []
    document = json.loads(raw)
    [case] = document["cases"]
    for section in (
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
    ):
        assert case[section] == [], section
    # Withheld, with the reason, and not by kind.
    withheld = case["withheld_information"]
    assert len(withheld) == len(selectors.extract_build(request).items())
    assert all(w["released"] is False and w["reason"] == "other_person" for w in withheld)
    assert "OSL 26 kap. 1 §" in withheld[0]["reason_text"]
    assert "Other information in the case" in pdf and "[withheld] Information about another person" in pdf
    for heading in ("Referrals", "Protective measures", "Assessments", "Follow-ups", "Contacts", "Decisions"):
        assert heading not in pdf
    # What is his own is there: name, number, the case's reference and dates.
    entry = case["your_entries"][0]
    assert entry["name"] == DEMO_RELATIVE_NAME and entry["identity_number"] == FATHER
    assert entry["role"] is None and entry["alias"] is None
    assert case["reference"] == family.nour.case.reference and case["opened_at"]
    assert DEMO_RELATIVE_NAME in pdf and FATHER in pdf


def test_an_undecided_record_is_never_printed(family, records):
    """The download is the extract approved: a record added after approval is left out (and
    counted for staff), never printed as "not reviewed"."""
    request = _request(family, DEMO_RELATIVE_NUMBER)
    _decide_all(family, request, release=True)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    measure_add(user=family.counsellor, case=family.nour.case, kind="shelter", started_on=STARTED)
    raw, pdf = _outputs(family, request)
    assert "Protected housing" not in raw and "Protected housing" not in pdf
    assert json.loads(raw)["cases"][0]["withheld_information"] == []
    assert "not_reviewed" not in raw
    assert selectors.extract_build(SubjectAccessRequest.objects.get(pk=request.pk)).added_after_approval == 1


def test_released_records_appear(family, records):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    _decide_all(family, request, release=True)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    raw, pdf = _outputs(family, request)
    assert _found(raw, records.words) == list(records.words)
    for word in (SHELTER, "Safety plan", "Vulnerable", "Orosanmälan", "Kontakta inte familjen"):
        assert word in pdf
    assert json.loads(raw)["cases"][0]["withheld_information"] == []


def test_one_released_record_appears_alone(family, records):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    items = selectors.extract_build(request, family.counsellor).items()
    measure = next(item for item in items if item.key.startswith("fact:measure:"))
    for item in items:
        services.item_decide(
            actor=family.counsellor,
            request_id=request.pk,
            item=item.key,
            release=item.key == measure.key,
            reason="" if item.key == measure.key else "harm",
        )
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    raw, pdf = _outputs(family, request)
    assert _found(raw, records.words) == ["Safety plan", STARTED.isoformat()]
    assert "Safety plan" in pdf and SHELTER not in pdf
    assert {w["reason"] for w in json.loads(raw)["cases"][0]["withheld_information"]} == {"harm"}


def test_the_daughters_records_are_released_as_before(family, records):
    request = _request(family, "20090312-9823")
    [case] = selectors.extract_build(request, family.counsellor).cases
    assert not case.caution and case.facts() == []
    assert case.referrals[0].fact is None and case.referrals[0].recipient.endswith(SHELTER)
    assert all(not item.fact for item in case.items())


def test_a_sister_exposed_in_the_same_case_makes_the_records_items_too(family, records):
    case_services.person_add(
        actor=family.counsellor,
        case_id=family.nour.case_id,
        person=PersonInput("Lillasyster", "exposed", "13-17", "female", "Södertälje"),
    )
    request = _request(family, "20090312-9823")
    [case] = selectors.extract_build(request, family.counsellor).cases
    assert case.caution and case.caution_reason == "other_exposed"
    assert any(item.key.startswith("fact:referral:") for item in case.items())
    # Her own role and alias are hers alone: no decision on them.
    assert case.subject[0].role_alias is None


def test_the_preview_marks_the_records_and_preselects_the_reason(family, records, signed_in, client):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    signed_in(family.counsellor)
    with translation.override("sv"):
        html = client.get(
            reverse("subject_access:detail", kwargs={"request_id": request.pk})
        ).content.decode()
    assert "inte registrerad som den utsatta" in html
    assert "Behöver ditt beslut" in html
    referral = next(i for i in selectors.extract_build(request).items() if i.key.startswith("fact:referral:"))
    block = html[html.index(f'id="item-{referral.key.replace(":", "-")}"') :]
    block = block[: block.index("</select>")]
    assert '<option value="other_person" selected>' in block
    # The preparer sees the record to decide on it.
    assert SHELTER in html


def test_opening_the_preview_adds_no_reader_to_decide_but_her_request_does(family, records):
    """The preview's own reads of the case (``subject_access.case_viewed`` for this request)
    are no news about anyone; a read made for her request would tell him she asked."""
    hers = _request(family, "20090312-9823")
    services.request_view_record(actor=family.counsellor, request=hers, case_ids=[family.nour.case_id])
    request = _request(family, DEMO_RELATIVE_NUMBER)
    _decide_all(family, request, release=False)
    for viewer in (family.counsellor, family.supervisor):
        services.request_view_record(actor=viewer, request=request, case_ids=[family.nour.case_id])
    [case] = selectors.extract_build(request, family.counsellor).cases
    assert all(item.state == "withheld" for item in case.items())
    own = [r for r in case.reads if r.request_id == request.pk]
    assert len(own) == 2 and all(r.fact is None for r in own)
    # The reads made for her request are left out of his extract altogether (round 2).
    assert not [r for r in case.reads if r.request_id == hers.pk]
    services.request_approve(actor=family.supervisor, request_id=request.pk)
