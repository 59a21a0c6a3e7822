"""Data-subject requests: finding the person, withholding others, the review, four eyes, and
what may be downloaded when (services and selectors)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.cases import services as case_services
from hedershus.cases.models import Person
from hedershus.cases.services import ContactInput, PersonInput
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.journal import services as journal_services
from hedershus.subject_access import selectors, services
from hedershus.subject_access.demo import (
    DEMO_RELATIVE_NAME,
    DEMO_RELATIVE_NUMBER,
    DEMO_SUBJECT_NAME,
    DEMO_SUBJECT_NUMBER,
)
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


NOUR = "200903129823"


def _prepare(actor: Any, number: str = DEMO_SUBJECT_NUMBER, **extra: Any) -> SubjectAccessRequest:
    arguments: dict[str, Any] = {
        "identity_number": number,
        "received_on": timezone.localdate(),
        "identity_check": "id_document",
    }
    arguments.update(extra)
    return services.request_prepare(actor=actor, **arguments)


def _review_all(actor: Any, request: SubjectAccessRequest, *, release: bool = True) -> None:
    for item in selectors.extract_build(request, actor).items():
        if item.hidden:
            services.item_decide(
                actor=actor, request_id=request.pk, item=item.key, release=False, reason="protected_identity"
            )
        else:
            services.item_decide(
                actor=actor,
                request_id=request.pk,
                item=item.key,
                release=release,
                reason="" if release else "harm",
            )


def test_a_request_finds_every_entry_with_the_number_in_any_case(family):
    other_case = case_services.case_open(
        actor=family.counsellor, contact=ContactInput("phone", timezone.now(), 5, "Samtal.")
    )
    again = case_services.person_add(
        actor=family.counsellor,
        case_id=other_case.pk,
        person=PersonInput("N.", "exposed", "13-17", "female", "", "", "", NOUR),
    )
    request = _prepare(family.counsellor, "0903129823")  # the ten-digit form finds the same person
    assert sorted(request.person_ids) == sorted([family.nour.pk, again.pk])
    assert selectors.request_case_ids(request) == sorted([family.nour.case_id, other_case.pk])


def test_an_invalid_number_is_refused_and_nothing_is_stored(family):
    with pytest.raises(InvalidInput, match="not a valid personal identity number"):
        _prepare(family.counsellor, "20090312-9824")  # the check digit is wrong
    assert not SubjectAccessRequest.objects.exists()


def test_a_future_date_and_a_missing_check_description_are_refused(family):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        _prepare(family.counsellor, received_on=tomorrow)
    with pytest.raises(InvalidInput):
        _prepare(family.counsellor, identity_check="other", identity_check_note="  ")
    with pytest.raises(InvalidInput):
        _prepare(family.counsellor, identity_check="other", identity_check_note="Pass 20090312-9823")
    assert not SubjectAccessRequest.objects.exists()


def test_only_staff_who_prepare_extracts_record_requests(family, editor, auditor):
    for user in (editor, auditor):
        with pytest.raises(AccessDenied):
            _prepare(user)


def test_nobody_with_the_number_is_recorded_and_answered_with_no_data(family, supervisor):
    request = _prepare(family.counsellor, "19121212-1212")
    assert request.person_ids == []
    services.request_approve(actor=supervisor, request_id=request.pk)
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    assert extract.cases == []


def test_the_number_is_stored_encrypted_and_never_in_the_audit_log(family):
    request = _prepare(family.counsellor)
    request.refresh_from_db()
    assert NOUR not in request.identity_number_encrypted
    events = AuditEvent.objects.filter(event_type__startswith="subject_access.")
    assert events.exists()
    for event in events:
        text = json.dumps(event.data) + event.reason
        assert NOUR not in text and "0903129823" not in text
    assert events.get(event_type="subject_access.prepared").data == {"persons": 1, "cases": 1}


def test_a_double_submit_returns_the_first_request(family):
    client_id = uuid.uuid4()
    first = _prepare(family.counsellor, client_id=client_id)
    second = _prepare(family.counsellor, client_id=client_id)
    assert first.pk == second.pk
    assert SubjectAccessRequest.objects.count() == 1


def test_the_relative_in_the_same_case_is_withheld(family):
    request = _prepare(family.counsellor)
    extract = selectors.extract_build(request, family.counsellor)
    [case] = extract.cases
    assert [s.person_id for s in case.subject] == [family.nour.pk]
    assert case.subject[0].name == DEMO_SUBJECT_NAME
    assert case.subject[0].identity_number == NOUR
    # The father, the brother and the school counsellor: three others, two relations, all withheld.
    assert case.others_withheld == 3
    assert case.relations_withheld == 2
    flat = repr(extract)
    assert DEMO_RELATIVE_NAME not in flat
    assert DEMO_RELATIVE_NUMBER.replace("-", "") not in flat
    assert "Pappan" not in flat.replace("pappan", "")  # the alias, not the word in the journal


def test_free_text_is_withheld_until_the_preparer_releases_it(family):
    request = _prepare(family.counsellor)
    items = selectors.extract_build(request, family.counsellor).items()
    assert items and all(item.state == "undecided" and not item.released for item in items)
    journal = next(item for item in items if item.key.startswith("journal:"))
    services.item_decide(
        actor=family.counsellor, request_id=request.pk, item=journal.key, release=False, reason="other_person"
    )
    again = services.item_decide(
        actor=family.counsellor, request_id=request.pk, item=journal.key, release=False, reason="other_person"
    )
    assert again.reason == "other_person"
    assert AuditEvent.objects.filter(event_type="subject_access.item_decided").count() == 1  # the same twice
    item = next(i for i in selectors.extract_build(request).items() if i.key == journal.key)
    assert item.state == "withheld" and "OSL 26 kap. 1 §" in item.reason_label


def test_a_withheld_item_needs_a_reason_and_an_item_of_the_extract(family):
    request = _prepare(family.counsellor)
    with pytest.raises(InvalidInput):
        services.item_decide(
            actor=family.counsellor, request_id=request.pk, item="journal:1", release=False, reason=""
        )
    with pytest.raises(InvalidInput, match="not in this extract"):
        services.item_decide(
            actor=family.counsellor, request_id=request.pk, item="journal:999999", release=True
        )


def test_only_the_preparer_reviews_the_items(family, colleague):
    request = _prepare(family.counsellor)
    key = selectors.extract_build(request).items()[0].key
    for other in (colleague, family.supervisor):
        with pytest.raises(AccessDenied):
            services.item_decide(actor=other, request_id=request.pk, item=key, release=True)


def test_approval_needs_every_item_reviewed(family):
    request = _prepare(family.counsellor)
    with pytest.raises(InvalidInput, match="left"):
        services.request_approve(actor=family.supervisor, request_id=request.pk)
    _review_all(family.counsellor, request)
    approved = services.request_approve(actor=family.supervisor, request_id=request.pk)
    assert approved.status == RequestStatus.APPROVED and approved.decided_by == family.supervisor
    # A second click changes nothing.
    assert (
        services.request_approve(actor=family.supervisor, request_id=request.pk).decided_at
        == approved.decided_at
    )
    assert AuditEvent.objects.filter(event_type="subject_access.approved").count() == 1


def test_four_eyes_the_preparer_never_approves(family, supervisor):
    request = _prepare(supervisor)
    with pytest.raises(AccessDenied):
        services.request_approve(actor=supervisor, request_id=request.pk)
    with pytest.raises(AccessDenied):
        services.request_refuse(actor=supervisor, request_id=request.pk, reason="Nej.")
    with pytest.raises(AccessDenied):
        services.request_approve(actor=family.counsellor, request_id=request.pk)  # not a supervisor
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectAccessRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.APPROVED, decided_by=supervisor, decided_at=timezone.now()
        )


def test_a_refused_extract_is_never_downloaded(family):
    request = _prepare(family.counsellor)
    with pytest.raises(InvalidInput):
        services.request_refuse(actor=family.supervisor, request_id=request.pk, reason=" ")
    services.request_refuse(
        actor=family.supervisor, request_id=request.pk, reason="Identiteten är inte styrkt."
    )
    assert selectors.refusal_reason(SubjectAccessRequest.objects.get()) == "Identiteten är inte styrkt."
    for fmt in ("pdf", "json"):
        with pytest.raises(Conflict):
            services.extract_download(actor=family.counsellor, request_id=request.pk, fmt=fmt)
    with pytest.raises(Conflict):
        services.request_approve(actor=family.supervisor, request_id=request.pk)
    with pytest.raises(Conflict):
        services.request_deliver(actor=family.counsellor, request_id=request.pk)


def test_a_prepared_extract_is_not_downloaded_and_others_get_not_found(family, colleague):
    request = _prepare(family.counsellor)
    with pytest.raises(Conflict):
        services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="pdf")
    _review_all(family.counsellor, request)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    with pytest.raises(NotFound):
        services.extract_download(actor=colleague, request_id=request.pk, fmt="pdf")


def test_after_delivery_the_extract_is_not_downloaded_again(family):
    request = _prepare(family.counsellor)
    _review_all(family.counsellor, request)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="pdf")
    services.request_deliver(actor=family.counsellor, request_id=request.pk)
    services.request_deliver(actor=family.counsellor, request_id=request.pk)  # twice: harmless
    assert AuditEvent.objects.filter(event_type="subject_access.delivered").count() == 1
    with pytest.raises(Conflict):
        services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    download = AuditEvent.objects.get(event_type="subject_access.extract_downloaded")
    assert download.data == {"format": "pdf", "persons": 1, "cases": 1}


def test_decisions_cannot_change_after_approval_and_new_text_is_withheld(family):
    request = _prepare(family.counsellor)
    _review_all(family.counsellor, request)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    key = selectors.extract_build(request).items()[0].key
    with pytest.raises(Conflict):
        services.item_decide(
            actor=family.counsellor, request_id=request.pk, item=key, release=False, reason="harm"
        )
    case = family.nour.case
    draft = journal_services.entry_draft_create(
        user=family.counsellor, case=case, text="Ny anteckning om pappan."
    )
    entry = journal_services.entry_sign(user=family.counsellor, case=case, entry_id=draft.pk)
    item = next(i for i in selectors.extract_build(request).items() if i.key == f"journal:{entry.pk}")
    assert item.state == "undecided" and not item.released


def test_a_protected_location_is_withheld_until_assigned_staff_release_it(family, supervisor):
    protected = Person.objects.get(alias="Sara")
    protected.identity_number_encrypted = encrypt_text("199001019802")
    protected.save()
    request = _prepare(supervisor, "19900101-9802")  # a supervisor not assigned to the case
    [item] = [
        i for i in selectors.extract_build(request, supervisor).items() if i.key.startswith("location:")
    ]
    assert item.hidden and item.state == "undecided"
    with pytest.raises(AccessDenied):
        services.item_decide(actor=supervisor, request_id=request.pk, item=item.key, release=True)
    services.item_decide(
        actor=supervisor, request_id=request.pk, item=item.key, release=False, reason="protected_identity"
    )
    assigned = selectors.extract_build(request, family.counsellor).items()
    assert next(i for i in assigned if i.key == item.key).text == "Stockholm, Skärholmen"


def test_reads_of_the_cases_are_listed_by_role_not_by_name(family, partner):
    case = family.nour.case
    audit_record("case.viewed", actor=family.counsellor, target=case, data={})
    audit_record("journal.viewed", actor=family.counsellor, target=case, data={"page": 1})
    audit_record("case.viewed", actor=family.supervisor, target=case, data={})
    audit_record(
        "case.viewed", actor=family.counsellor, object_type="cases.case", object_id="999999", data={}
    )
    request = _prepare(family.counsellor)
    [extract_case] = selectors.extract_build(request).cases
    reads = extract_case.reads
    assert len(reads) == 3
    assert {r.reader for r in reads} == {"Staff member 1", "Staff member 2"}
    assert {r.role_label for r in reads} == {"Counsellor", "Supervisor"}
    text = repr(reads)
    assert family.counsellor.email not in text and family.counsellor.get_full_name() not in text


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 3, 15), dt.date(2026, 4, 15)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 10), dt.date(2027, 1, 10)),
    ],
)
def test_the_answer_is_due_one_month_after_the_request(received, due):
    assert selectors.due_date(received) == due


def test_an_open_request_past_its_due_date_is_overdue(family):
    request = _prepare(family.counsellor, received_on=timezone.localdate() - dt.timedelta(days=40))
    assert selectors.is_overdue(request)
    assert not selectors.is_overdue(_prepare(family.counsellor, client_id=uuid.uuid4()))


def test_the_preview_reads_each_case_once_a_day_per_staff_member(family):
    request = _prepare(family.counsellor)
    case_ids = selectors.request_case_ids(request)
    for _ in range(3):
        services.request_view_record(actor=family.counsellor, request=request, case_ids=case_ids)
    services.request_view_record(actor=family.supervisor, request=request, case_ids=case_ids)
    assert AuditEvent.objects.filter(event_type="subject_access.request_viewed").count() == 4
    reads = AuditEvent.objects.filter(event_type="subject_access.case_viewed")
    assert sorted(reads.values_list("actor_id", flat=True)) == sorted(
        [family.counsellor.pk, family.supervisor.pk]
    )
    assert reads.first().data == {"case": family.nour.case_id, "request": request.pk}


def test_an_entry_whose_number_was_corrected_since_is_left_out(family):
    request = _prepare(family.counsellor)
    case_services.person_identify(
        actor=family.counsellor,
        case_id=family.nour.case_id,
        person_id=family.nour.pk,
        name="",
        identity_number="19121212-1212",
    )
    extract = selectors.extract_build(request, family.counsellor)
    assert extract.cases == [] and extract.persons_gone == 1


def test_the_texts_of_a_protected_case_are_hidden_from_staff_not_assigned_to_it(family, supervisor):
    sara = Person.objects.get(alias="Sara")
    sara.identity_number_encrypted = encrypt_text("199001019802")
    sara.name_encrypted = encrypt_text("Sara Skyddad")
    sara.save()
    request = _prepare(supervisor, "19900101-9802")
    [case] = selectors.extract_build(request, supervisor).cases
    assert case.subject[0].identity_hidden and case.subject[0].name == ""
    note = case.contacts[0].note
    assert note is not None and note.hidden and note.text == ""
    assert "skyddat boende" not in repr(case)
    with pytest.raises(AccessDenied):
        services.item_decide(actor=supervisor, request_id=request.pk, item=note.key, release=True)
    # Assigned staff see it; the download prints what was released.
    [assigned] = selectors.extract_build(request, family.counsellor).cases
    assert assigned.subject[0].name == "Sara Skyddad"
    assert assigned.contacts[0].note is not None and "skyddat boende" in assigned.contacts[0].note.text


def test_the_demo_command_runs_only_in_debug_and_once(db, settings):
    from django.core.management import CommandError, call_command

    from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
    from hedershus.accounts.services import users_create_demo
    from hedershus.cases.demo import demo_cases_load

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_subject_access")
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    demo_cases_load()
    settings.DEBUG = True
    call_command("demo_subject_access")
    assert Person.objects.exclude(identity_number_encrypted="").count() == 2
    call_command("demo_subject_access")
    assert Person.objects.exclude(identity_number_encrypted="").count() == 2
    assert _prepare(Person.objects.get(alias="Nour").created_by).person_ids == [
        Person.objects.get(alias="Nour").pk
    ]
