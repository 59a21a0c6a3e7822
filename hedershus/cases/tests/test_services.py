"""The cases app's writes (issue 10, items 1 and 6): each change and its audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.cases import services
from hedershus.cases.models import (
    Case,
    CaseAccessGrant,
    CaseAssignment,
    CaseOutcome,
    CaseStatus,
    Channel,
    Contact,
    Decision,
    DecisionKind,
    Flag,
    Person,
    PersonRole,
    ProblemType,
    RelationKind,
    Urgency,
)
from hedershus.cases.services import ContactInput, PersonInput
from hedershus.cases.tests.helpers import case_make, conversation_make, phone_contact
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def events(event_type: str, case: Case | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(event_type=event_type)
    if case is not None:
        found = found.filter(object_id=str(case.pk))
    return list(found.order_by("id"))


def test_opening_a_case_numbers_it_by_year_assigns_the_opener_and_is_audited(counsellor):
    first = case_make(counsellor)
    second = case_make(counsellor)
    year = timezone.localdate().year
    assert first.reference == f"{year}-0001"
    assert second.reference == f"{year}-0002"
    assert list(first.assignments.values_list("user_id", flat=True)) == [counsellor.pk]
    assert first.contacts.get().channel == Channel.PHONE
    assert events("case.opened", first)[0].data["channel"] == "phone"


def test_the_reference_sequence_starts_again_each_year(counsellor, monkeypatch):
    case_make(counsellor)
    next_year = timezone.now() + dt.timedelta(days=366)
    monkeypatch.setattr(services.timezone, "now", lambda: next_year)
    later = services.case_open(
        actor=counsellor, contact=ContactInput(Channel.SMS, next_year - dt.timedelta(minutes=1))
    )
    assert later.reference == f"{timezone.localtime(next_year).year}-0001"


def test_the_database_refuses_two_cases_with_one_reference(counsellor):
    case = case_make(counsellor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(reference=case.reference, opened_by=counsellor, opened_at=timezone.now())


def test_a_supervisor_must_supervise_cases(counsellor, colleague, supervisor):
    with pytest.raises(InvalidInput):
        case_make(counsellor, supervisor=colleague)
    assert not Case.objects.exists()
    assert case_make(counsellor, supervisor=supervisor).supervisor == supervisor


def test_only_staff_who_handle_cases_open_one(editor):
    with pytest.raises(AccessDenied):
        case_make(editor)


def test_a_contact_note_is_encrypted_at_rest(counsellor):
    case = services.case_open(actor=counsellor, contact=phone_contact("Pappan hotar"))
    stored = Contact.objects.get(case=case)
    assert "Pappan" not in stored.note_encrypted
    assert decrypt_text(stored.note_encrypted) == "Pappan hotar"


def test_a_later_contact_joins_the_same_case(counsellor):
    case = case_make(counsellor)
    services.contact_add(
        actor=counsellor, case_id=case.pk, contact=ContactInput(Channel.EMAIL, timezone.now(), 5, "svar")
    )
    assert case.contacts.count() == 2
    assert events("case.contact_added", case)[0].data["channel"] == "email"


def test_a_contact_in_the_future_or_longer_than_a_day_is_refused(counsellor):
    case = case_make(counsellor)
    with pytest.raises(InvalidInput):
        services.contact_add(
            actor=counsellor,
            case_id=case.pk,
            contact=ContactInput(Channel.PHONE, timezone.now() + dt.timedelta(hours=1)),
        )
    with pytest.raises(InvalidInput):
        services.contact_add(
            actor=counsellor,
            case_id=case.pk,
            contact=ContactInput(Channel.PHONE, timezone.now(), 24 * 60 + 1),
        )
    assert case.contacts.count() == 1


def test_a_case_from_a_conversation_links_its_first_contact(counsellor):
    conversation = conversation_make()
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    contact = case.contacts.get()
    assert contact.channel == Channel.CHAT
    assert contact.conversation == conversation
    assert contact.from_conversation


def test_a_conversation_gets_one_case_only(counsellor, colleague):
    conversation = conversation_make()
    first = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    with pytest.raises(Conflict) as refused:
        services.case_open_from_conversation(actor=colleague, conversation=conversation)
    assert refused.value.extra["case_id"] == first.pk
    assert Case.objects.count() == 1


def test_the_unique_conversation_link_holds_even_past_the_check(counsellor):
    """Two openings at once both pass the read; the database's UNIQUE refuses the second."""
    conversation = conversation_make()
    first = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    with pytest.raises(Conflict) as refused:
        services.case_open(
            actor=counsellor, contact=ContactInput(Channel.CHAT, timezone.now()), conversation=conversation
        )
    assert refused.value.extra["case_id"] == first.pk
    assert Case.objects.count() == 1


def test_deleting_the_room_keeps_the_contact_without_its_conversation(counsellor):
    conversation = conversation_make()
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    conversation.room.delete()
    contact = case.contacts.get()
    assert contact.conversation is None
    assert contact.from_conversation


def test_closing_needs_an_outcome_and_sets_closed_at_reopening_clears_both(counsellor):
    case = case_make(counsellor)
    with pytest.raises(InvalidInput):
        services.case_status_set(actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED)
    closed = services.case_status_set(
        actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED, outcome=CaseOutcome.HELPED
    )
    assert closed.closed_at is not None and closed.outcome == CaseOutcome.HELPED
    reopened = services.case_status_set(actor=counsellor, case_id=case.pk, status=CaseStatus.ONGOING)
    assert reopened.closed_at is None and reopened.outcome == ""
    assert [e.data["new"] for e in events("case.status_changed", case)] == ["closed", "ongoing"]


def test_the_database_refuses_invalid_status_urgency_and_outcome(counsellor):
    case = case_make(counsellor)
    for values in ({"status": "lost"}, {"urgency": "whenever"}, {"status": "closed", "outcome": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(
                closed_at=timezone.now() if "outcome" in values else None, **values
            )


def test_unchanged_urgency_records_nothing(counsellor):
    case = case_make(counsellor)
    services.case_urgency_set(actor=counsellor, case_id=case.pk, urgency=Urgency.ROUTINE)
    assert not events("case.urgency_changed", case)
    services.case_urgency_set(actor=counsellor, case_id=case.pk, urgency=Urgency.ACUTE)
    assert events("case.urgency_changed", case)[0].data == {"old": "routine", "new": "acute"}


def test_the_last_assignee_cannot_be_removed(counsellor, colleague):
    case = case_make(counsellor)
    with pytest.raises(Conflict):
        services.case_unassign(actor=counsellor, case_id=case.pk, user_id=counsellor.pk)
    services.case_assign(actor=counsellor, case_id=case.pk, user=colleague)
    services.case_unassign(actor=counsellor, case_id=case.pk, user_id=counsellor.pk)
    assert list(CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True)) == [colleague.pk]
    assert events("case.unassigned", case)[0].data == {"user_id": counsellor.pk}


def test_only_handlers_can_be_assigned(counsellor, editor):
    case = case_make(counsellor)
    with pytest.raises(InvalidInput):
        services.case_assign(actor=counsellor, case_id=case.pk, user=editor)


def test_a_reason_grants_access_for_hours_and_is_audited_with_the_reason(counsellor, colleague):
    case = case_make(counsellor)
    grant = services.case_access_grant(actor=colleague, case_id=case.pk, reason="Jourtid, pappan ringer")
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=services.ACCESS_GRANT_HOURS)
    event = events("case.opened_with_reason", case)[0]
    assert event.reason == "Jourtid, pappan ringer"
    assert event.actor_id == colleague.pk


def test_an_empty_or_short_reason_grants_nothing(counsellor, colleague):
    case = case_make(counsellor)
    for reason in ("", "   ", "för att"):
        with pytest.raises(InvalidInput):
            services.case_access_grant(actor=colleague, case_id=case.pk, reason=reason)
    assert not CaseAccessGrant.objects.exists()


def test_a_person_with_a_valid_number_is_stored_encrypted(counsellor):
    case = case_make(counsellor)
    person = services.person_add(
        actor=counsellor,
        case_id=case.pk,
        person=PersonInput(
            "Sara", PersonRole.EXPOSED, "13-17", "female", "Botkyrka", "Alby", "", "811218-9876"
        ),
    )
    stored = Person.objects.get(pk=person.pk)
    assert "9876" not in stored.identity_number_encrypted
    assert decrypt_text(stored.identity_number_encrypted) == "198112189876"
    assert events("case.person_added", case)[0].data["identified"] is True


def test_a_person_with_an_invalid_number_is_refused(counsellor):
    case = case_make(counsellor)
    with pytest.raises(InvalidInput):
        services.person_add(
            actor=counsellor,
            case_id=case.pk,
            person=PersonInput("Sara", PersonRole.EXPOSED, "13-17", "female", identity_number="811218-9875"),
        )
    assert not Person.objects.exists()


def test_several_perpetrators_and_relations_in_one_family(counsellor):
    case = case_make(counsellor)

    def add(alias: str, role: str) -> Person:
        return services.person_add(
            actor=counsellor, case_id=case.pk, person=PersonInput(alias, role, "unknown", "unknown")
        )

    girl, father, brother = (
        add("A", PersonRole.EXPOSED),
        add("B", PersonRole.PERPETRATOR),
        add("C", "perpetrator"),
    )
    services.relation_add(
        actor=counsellor,
        case_id=case.pk,
        from_person_id=father.pk,
        to_person_id=girl.pk,
        kind=RelationKind.FATHER,
    )
    services.relation_add(
        actor=counsellor,
        case_id=case.pk,
        from_person_id=brother.pk,
        to_person_id=girl.pk,
        kind=RelationKind.BROTHER,
    )
    assert case.persons.filter(role=PersonRole.PERPETRATOR).count() == 2
    with pytest.raises(Conflict):
        services.relation_add(
            actor=counsellor, case_id=case.pk, from_person_id=father.pk, to_person_id=girl.pk, kind="father"
        )
    with pytest.raises(InvalidInput):
        services.relation_add(
            actor=counsellor, case_id=case.pk, from_person_id=girl.pk, to_person_id=girl.pk, kind="sister"
        )


def test_a_relation_to_a_person_of_another_case_is_refused(counsellor):
    case, other = case_make(counsellor), case_make(counsellor)
    mine = services.person_add(
        actor=counsellor, case_id=case.pk, person=PersonInput("A", "exposed", "unknown", "unknown")
    )
    theirs = services.person_add(
        actor=counsellor, case_id=other.pk, person=PersonInput("B", "relative", "unknown", "unknown")
    )
    with pytest.raises(InvalidInput):
        services.relation_add(
            actor=counsellor, case_id=case.pk, from_person_id=mine.pk, to_person_id=theirs.pk, kind="mother"
        )


def test_the_seeded_problem_types_are_there_and_supervisors_extend_them(counsellor, supervisor):
    names = set(ProblemType.objects.values_list("name_en", flat=True))
    assert {"Forced marriage", "Child marriage", "Female genital mutilation", "Being taken abroad"} <= names
    with pytest.raises(AccessDenied):
        services.problem_type_create(actor=counsellor, name_sv="Ny", name_en="New")
    created = services.problem_type_create(
        actor=supervisor, name_sv="Digitalt våld", name_en="Digital violence"
    )
    with pytest.raises(Conflict):
        services.problem_type_create(actor=supervisor, name_sv="digitalt våld", name_en="Other")
    assert created.pk in ProblemType.objects.values_list("pk", flat=True)


def test_problem_types_are_set_and_the_change_audited(counsellor):
    case = case_make(counsellor)
    ids = list(ProblemType.objects.order_by("id").values_list("pk", flat=True)[:3])
    services.case_problem_types_set(actor=counsellor, case_id=case.pk, problem_type_ids=ids)
    services.case_problem_types_set(actor=counsellor, case_id=case.pk, problem_type_ids=ids[:1])
    assert list(case.problem_type_links.values_list("problem_type_id", flat=True)) == ids[:1]
    changes = events("case.problem_types_changed", case)
    assert [c.data for c in changes] == [{"added": ids, "removed": []}, {"added": [], "removed": ids[1:]}]


def test_a_flag_is_lifted_with_a_message_and_both_stay(counsellor):
    case = case_make(counsellor)
    flag = services.flag_raise(actor=counsellor, case_id=case.pk, message="Kontakta inte familjen")
    services.flag_lift(
        actor=counsellor, case_id=case.pk, flag_id=flag.pk, message="Flyttat till skyddat boende"
    )
    stored = Flag.objects.get(pk=flag.pk)
    assert decrypt_text(stored.message_encrypted) == "Kontakta inte familjen"
    assert decrypt_text(stored.lift_message_encrypted) == "Flyttat till skyddat boende"
    assert stored.lifted_by == counsellor
    with pytest.raises(Conflict):
        services.flag_lift(actor=counsellor, case_id=case.pk, flag_id=flag.pk, message="igen")


def test_decisions_keep_their_history(counsellor):
    case = case_make(counsellor)
    services.decision_record(
        actor=counsellor, case_id=case.pk, kind=DecisionKind.IN_HOUSE, reason="Första bedömning"
    )
    services.decision_record(
        actor=counsellor, case_id=case.pk, kind=DecisionKind.REFER, reason="Socialtjänsten"
    )
    decisions = list(Decision.objects.filter(case=case))
    assert [d.kind for d in decisions] == ["refer", "in_house"]
    assert "Socialtjänsten" not in decisions[0].reason_encrypted
    assert len(events("case.decision_recorded", case)) == 2


def test_a_colleague_outside_the_case_cannot_change_it_without_a_reason(counsellor, colleague):
    from hedershus.cases.selectors import CaseReasonRequired

    case = case_make(counsellor)
    with pytest.raises(CaseReasonRequired):
        services.case_urgency_set(actor=colleague, case_id=case.pk, urgency=Urgency.ACUTE)
    case.refresh_from_db()
    assert case.urgency == Urgency.ROUTINE


def test_contacts_in_one_minute_list_in_the_order_recorded(counsellor):
    """A chat that began at hh:mm:40 and a call typed as hh:mm: the call, recorded later, is newer."""
    from hedershus.cases.selectors import case_page

    conversation = conversation_make()
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    services.contact_add(
        actor=counsellor, case_id=case.pk, contact=ContactInput(Channel.PHONE, timezone.now())
    )
    assert [c.contact.channel for c in case_page(counsellor, case).contacts] == ["phone", "chat"]


def test_only_assigned_staff_change_protected_identity(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    with pytest.raises(AccessDenied):
        services.case_protected_identity_set(actor=supervisor, case_id=case.pk, protected=True)
    services.case_protected_identity_set(actor=counsellor, case_id=case.pk, protected=True)
    case.refresh_from_db()
    assert case.protected_identity
    assert events("case.protected_identity_changed", case)[0].data == {"protected": True}
    with pytest.raises(AccessDenied):
        services.case_protected_identity_set(actor=supervisor, case_id=case.pk, protected=False)
    case.refresh_from_db()
    assert case.protected_identity


def test_a_pseudonymous_person_is_identified_later_and_only_by_assigned_staff_if_protected(
    counsellor, supervisor
):
    case = case_make(counsellor, supervisor=supervisor)
    person = services.person_add(
        actor=counsellor, case_id=case.pk, person=PersonInput("Nour", "exposed", "13-17", "female")
    )
    services.person_identify(
        actor=supervisor, case_id=case.pk, person_id=person.pk, name="", identity_number="121212-1212"
    )
    stored = Person.objects.get(pk=person.pk)
    assert decrypt_text(stored.identity_number_encrypted) == "201212121212" and stored.name_encrypted == ""
    assert events("case.person_identified", case)[0].data == {
        "person_id": person.pk,
        "fields": ["identity_number"],
    }
    with pytest.raises(InvalidInput):
        services.person_identify(
            actor=counsellor, case_id=case.pk, person_id=person.pk, name="", identity_number=""
        )
    with pytest.raises(InvalidInput):
        services.person_identify(
            actor=counsellor, case_id=case.pk, person_id=person.pk, name="", identity_number="121212-1213"
        )
    services.case_protected_identity_set(actor=counsellor, case_id=case.pk, protected=True)
    with pytest.raises(AccessDenied):
        services.person_identify(
            actor=supervisor, case_id=case.pk, person_id=person.pk, name="X", identity_number=""
        )
    assert Person.objects.get(pk=person.pk).name_encrypted == ""


def test_the_district_is_encrypted_at_rest(counsellor):
    case = case_make(counsellor)
    person = services.person_add(
        actor=counsellor,
        case_id=case.pk,
        person=PersonInput("A", "exposed", "unknown", "unknown", "Solna", "Hagalund"),
    )
    stored = Person.objects.get(pk=person.pk)
    assert "Hagalund" not in stored.district_encrypted
    assert decrypt_text(stored.district_encrypted) == "Hagalund"
