"""Consultations' writes (R17): who may do what, what is refused, what is recorded and who
is told."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail

from hedershus.audit.models import AuditEvent
from hedershus.cases.models import Case, Channel, Contact
from hedershus.consultations import services
from hedershus.consultations.models import Consultation, ConsultationMessage, ConsultationStatus
from hedershus.consultations.selectors import consultation_subject, consultation_thread
from hedershus.consultations.tests.helpers import professional_make, unit_make
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound

# A valid personnummer (Skatteverket's test series: a real date, Luhn check digit right).
VALID_NUMBER = "19811218-9876"


def _ask(partner: Any, unit: Any, **kwargs: Any) -> Consultation:
    values: dict[str, Any] = {
        "subject": "Flicka 15 år, rädd för resa",
        "text": "Hon berättar om en planerad resa.",
    }
    values.update(kwargs)
    return services.consultation_ask(actor=partner, unit_id=unit.pk, **values)


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type))


def test_a_professional_asks_from_their_unit(partner, unit):
    consultation = _ask(partner, unit, agent_request=True)

    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.agent_request is True
    assert consultation_subject(consultation) == "Flicka 15 år, rädd för resa"
    [message] = consultation_thread(consultation)
    assert message.text == "Hon berättar om en planerad resa." and not message.from_centre
    [event] = _events("consultation.asked")
    assert event.data == {"unit": unit.pk, "agent_request": True}


def test_subject_and_text_are_encrypted_at_rest(partner, unit):
    consultation = _ask(partner, unit)

    row = Consultation.objects.values("subject_encrypted").get(pk=consultation.pk)
    text = ConsultationMessage.objects.values_list("text_encrypted", flat=True).get()
    assert "Flicka" not in row["subject_encrypted"]
    assert "resa" not in text


def test_a_new_consultation_mails_nobody(partner, unit, counsellor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(partner, unit)
    assert mail.outbox == []


def test_a_professional_cannot_ask_from_another_unit(partner, unit, other_partner):
    with pytest.raises(NotFound):
        _ask(other_partner, unit)
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("field", ["subject", "text"])
@pytest.mark.parametrize("number", [VALID_NUMBER, "198112189876", "811218-9876", "8112189876", "811218 9876"])
def test_a_personal_identity_number_is_refused(partner, unit, field, number):
    with pytest.raises(InvalidInput, match="personnumret"):
        _ask(partner, unit, **{field: f"Gäller {number} i skolan"})
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "text", ["Ring 0701234560 i morgon", "År 2024 började det, 12 personer", "811218-9875"]
)
def test_numbers_that_are_no_identity_number_pass(partner, unit, text):
    """The control: ten digits failing the Luhn check or the date, and ordinary numbers."""
    assert not services.identity_number_found("811218-9875")
    consultation = _ask(partner, unit, text=text)
    assert consultation_thread(consultation)[0].text == text


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200e"])
def test_an_empty_question_is_refused(partner, unit, text):
    with pytest.raises(InvalidInput):
        _ask(partner, unit, text=text)
    assert not Consultation.objects.exists()


def test_bidi_controls_are_stripped(partner, unit):
    consultation = _ask(partner, unit, subject="Fråga \u202eomvänd")
    assert consultation_subject(consultation) == "Fråga omvänd"


def test_the_same_form_sent_twice_stores_one_consultation(partner, unit):
    client_id = uuid.uuid4()
    first = _ask(partner, unit, client_id=client_id)
    second = _ask(partner, unit, client_id=client_id)
    assert first.pk == second.pk
    assert Consultation.objects.count() == 1 and len(_events("consultation.asked")) == 1


def test_an_answer_marks_it_answered_takes_it_and_tells_the_unit(
    partner, unit, counsellor, django_capture_on_commit_callbacks
):
    colleague_in_unit = professional_make()
    unit.memberships.create(user=colleague_in_unit)
    consultation = _ask(partner, unit)

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(
            actor=counsellor, consultation_id=consultation.pk, text="Kontakta oss på telefon."
        )

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    assert consultation.handled_by == counsellor
    assert sorted(m.to[0] for m in mail.outbox) == sorted([partner.email, colleague_in_unit.email])
    for message in mail.outbox:
        assert "Kontakta" not in message.body and "Flicka" not in message.body
    [event] = _events("consultation.message_posted")
    assert event.data["side"] == "centre"


def test_a_unit_without_professionals_is_told_at_its_inbox(counsellor, django_capture_on_commit_callbacks):
    asker = professional_make()
    unit = unit_make(asker, email="inbox@kommun.example")
    consultation = _ask(asker, unit)
    asker.is_active = False
    asker.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(actor=counsellor, consultation_id=consultation.pk, text="Svar")

    assert [m.to for m in mail.outbox] == [["inbox@kommun.example"]]


def test_a_follow_up_reopens_it_and_tells_the_handling_counsellor(
    partner, unit, counsellor, colleague, django_capture_on_commit_callbacks
):
    consultation = _ask(partner, unit)
    services.answer_post(actor=counsellor, consultation_id=consultation.pk, text="Svar")

    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_post(actor=partner, consultation_id=consultation.pk, text="Tack, en fråga till")

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN
    assert [m.to for m in mail.outbox] == [[counsellor.email]]


def test_a_follow_up_on_an_untaken_consultation_mails_nobody(
    partner, unit, django_capture_on_commit_callbacks
):
    consultation = _ask(partner, unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_post(actor=partner, consultation_id=consultation.pk, text="Mer")
    assert mail.outbox == []


def test_a_professional_of_another_unit_cannot_write_or_close(partner, unit, other_partner):
    consultation = _ask(partner, unit)
    with pytest.raises(NotFound):
        services.follow_up_post(actor=other_partner, consultation_id=consultation.pk, text="Hej")
    with pytest.raises(NotFound):
        services.consultation_close(actor=other_partner, consultation_id=consultation.pk)
    assert ConsultationMessage.objects.count() == 1


@pytest.mark.parametrize("fixture", ["editor", "administrator", "auditor", "partner"])
def test_only_case_handlers_answer_take_or_make_a_case(request, partner, unit, fixture):
    consultation = _ask(partner, unit, agent_request=True)
    actor = request.getfixturevalue(fixture)
    with pytest.raises(NotFound):
        services.answer_post(actor=actor, consultation_id=consultation.pk, text="Svar")
    with pytest.raises(NotFound):
        services.consultation_take(actor=actor, consultation_id=consultation.pk)
    with pytest.raises(NotFound):
        services.agent_role_accept(actor=actor, consultation_id=consultation.pk)
    with pytest.raises(NotFound):
        services.case_open_from_consultation(actor=actor, consultation_id=consultation.pk)
    assert not Case.objects.exists()


def test_taking_from_a_colleague_needs_take_over(partner, unit, counsellor, colleague):
    consultation = _ask(partner, unit)
    services.consultation_take(actor=counsellor, consultation_id=consultation.pk)
    with pytest.raises(Conflict):
        services.consultation_take(actor=colleague, consultation_id=consultation.pk)

    services.consultation_take(actor=colleague, consultation_id=consultation.pk, take_over=True)

    consultation.refresh_from_db()
    assert consultation.handled_by == colleague
    assert sorted(e.data["previous"] or 0 for e in _events("consultation.taken")) == [0, counsellor.pk]


def test_the_agent_role_is_recorded_with_who_and_when(partner, unit, counsellor):
    consultation = _ask(partner, unit, agent_request=True)

    services.agent_role_accept(actor=counsellor, consultation_id=consultation.pk)

    consultation.refresh_from_db()
    assert consultation.agent_accepted_by == counsellor and consultation.agent_accepted_at is not None
    assert len(_events("consultation.agent_accepted")) == 1
    with pytest.raises(Conflict):
        services.agent_role_accept(actor=counsellor, consultation_id=consultation.pk)


def test_the_agent_role_cannot_be_accepted_when_not_asked(partner, unit, counsellor):
    consultation = _ask(partner, unit, agent_request=False)
    with pytest.raises(InvalidInput):
        services.agent_role_accept(actor=counsellor, consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert consultation.agent_accepted_at is None


def test_making_a_case_opens_one_from_a_professionals_request_and_links_it(partner, unit, counsellor):
    consultation = _ask(partner, unit)

    case = services.case_open_from_consultation(
        actor=counsellor, consultation_id=consultation.pk, urgency="urgent"
    )

    consultation.refresh_from_db()
    assert consultation.case == case
    assert case.urgency == "urgent" and case.assignments.filter(user=counsellor).exists()
    contact = Contact.objects.get(case=case)
    assert contact.channel == Channel.PROFESSIONAL and contact.occurred_at == consultation.created_at.replace(
        second=0, microsecond=0
    )
    # Nothing of the thread is copied into the case.
    assert contact.note_encrypted == ""
    assert _events("consultation.case_opened")[0].data == {"case": case.pk}
    assert _events("case.opened")


def test_a_consultation_becomes_a_case_once(partner, unit, counsellor, colleague):
    consultation = _ask(partner, unit)
    case = services.case_open_from_consultation(actor=counsellor, consultation_id=consultation.pk)
    with pytest.raises(Conflict) as refused:
        services.case_open_from_consultation(actor=colleague, consultation_id=consultation.pk)
    assert refused.value.extra == {"case_id": case.pk}
    assert Case.objects.count() == 1


def test_a_closed_consultation_takes_no_more_messages(partner, unit, counsellor):
    consultation = _ask(partner, unit)
    services.consultation_close(actor=counsellor, consultation_id=consultation.pk)
    services.consultation_close(actor=partner, consultation_id=consultation.pk)  # again: nothing happens

    with pytest.raises(Conflict):
        services.follow_up_post(actor=partner, consultation_id=consultation.pk, text="Hej igen")
    with pytest.raises(Conflict):
        services.answer_post(actor=counsellor, consultation_id=consultation.pk, text="Svar")
    assert ConsultationMessage.objects.count() == 1
    assert [e.data["side"] for e in _events("consultation.closed")] == ["centre"]


def test_a_double_submitted_answer_is_stored_and_mailed_once(
    partner, unit, counsellor, django_capture_on_commit_callbacks
):
    consultation = _ask(partner, unit)
    client_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(
            actor=counsellor, consultation_id=consultation.pk, text="Svar", client_id=client_id
        )
        services.answer_post(
            actor=counsellor, consultation_id=consultation.pk, text="Svar", client_id=client_id
        )
    assert ConsultationMessage.objects.filter(from_centre=True).count() == 1
    assert len(mail.outbox) == 1


def test_no_audit_event_carries_the_text(partner, unit, counsellor):
    consultation = _ask(partner, unit, agent_request=True)
    services.answer_post(actor=counsellor, consultation_id=consultation.pk, text="Hemligt svar")
    services.agent_role_accept(actor=counsellor, consultation_id=consultation.pk)
    services.case_open_from_consultation(actor=counsellor, consultation_id=consultation.pk)
    services.consultation_close(actor=counsellor, consultation_id=consultation.pk)
    for event in AuditEvent.objects.filter(event_type__startswith="consultation."):
        dumped = str(event.data) + event.reason
        assert "Flicka" not in dumped and "Hemligt" not in dumped and "resa" not in dumped
