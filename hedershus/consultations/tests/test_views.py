"""Consultations' pages, end to end through the test client: a professional asks, a
counsellor answers and makes a case, the professional follows up; refusals save nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django.core import mail
from django.urls import reverse

from hedershus.audit.models import AuditEvent
from hedershus.cases.models import Case
from hedershus.consultations import services
from hedershus.consultations.models import Consultation, ConsultationMessage, ConsultationStatus
from hedershus.consultations.tests.helpers import professional_make

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _ask(partner: Any, unit: Any, **kwargs: Any) -> Consultation:
    values: dict[str, Any] = {"subject": "Pojke 16, kontrollerad", "text": "Familjen bestämmer allt."}
    values.update(kwargs)
    return services.consultation_ask(actor=partner, unit_id=unit.pk, **values)


def test_a_professional_asks_and_lands_on_the_thread(signed_in, partner, unit):
    client = signed_in(partner)
    page = client.get(reverse("consultations_partner:new"), **EN).content.decode()
    assert "Do not name the person." in page
    client_id = str(uuid.uuid4())

    response = client.post(
        reverse("consultations_partner:new"),
        {"unit": unit.pk, "subject": "Flicka 15", "text": "Rädd för sommarlovet", "client_id": client_id},
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations_partner:detail", kwargs={"consultation_id": consultation.pk}
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Flicka 15" in detail and "Rädd för sommarlovet" in detail


def test_a_question_with_an_identity_number_is_refused_with_a_message(signed_in, partner, unit):
    client = signed_in(partner)
    response = client.post(
        reverse("consultations_partner:new"),
        {
            "unit": unit.pk,
            "subject": "Fråga",
            "text": "Hon heter x, 19811218-9876",
            "client_id": str(uuid.uuid4()),
        },
        **EN,
    )
    assert response.status_code == 400
    assert "Remove the personal identity number" in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_professional_without_a_unit_is_told_whom_to_ask(signed_in, partner):
    response = signed_in(partner).get(reverse("consultations_partner:new"), **EN)
    assert response.status_code == 200
    assert "ask your unit's administrator" in response.content.decode()


def test_a_professional_lists_only_their_units_consultations(signed_in, partner, unit, other_partner):
    mine = _ask(partner, unit, subject="Min fråga")
    other_unit = other_partner.unit_memberships.get().unit
    _ask(other_partner, other_unit, subject="Annans fråga")

    page = signed_in(partner).get(reverse("consultations_partner:list")).content.decode()

    assert "Min fråga" in page and "Annans fråga" not in page
    assert reverse("consultations_partner:detail", kwargs={"consultation_id": mine.pk}) in page


def test_a_professional_of_another_unit_gets_404(signed_in, partner, unit, other_partner):
    consultation = _ask(partner, unit)
    client = signed_in(other_partner)
    url = reverse("consultations_partner:detail", kwargs={"consultation_id": consultation.pk})
    assert client.get(url).status_code == 404
    reply = reverse("consultations_partner:reply", kwargs={"consultation_id": consultation.pk})
    assert client.post(reply, {"text": "Hej"}).status_code == 404
    assert ConsultationMessage.objects.count() == 1


def test_a_colleague_of_the_same_unit_sees_it(signed_in, partner, unit):
    colleague = professional_make()
    unit.memberships.create(user=colleague)
    consultation = _ask(partner, unit)
    url = reverse("consultations_partner:detail", kwargs={"consultation_id": consultation.pk})
    assert signed_in(colleague).get(url).status_code == 200


def test_every_opening_is_an_audit_event(signed_in, partner, unit, counsellor, client):
    consultation = _ask(partner, unit)
    signed_in(partner).get(
        reverse("consultations_partner:detail", kwargs={"consultation_id": consultation.pk})
    )
    signed_in(counsellor).get(
        reverse("consultations_staff:detail", kwargs={"consultation_id": consultation.pk})
    )
    signed_in(counsellor).get(reverse("consultations_staff:list"))

    viewed = AuditEvent.objects.filter(event_type="consultation.viewed").order_by("id")
    assert [(e.actor_id, e.data["side"]) for e in viewed] == [
        (partner.pk, "partner"),
        (counsellor.pk, "centre"),
    ]
    listed = AuditEvent.objects.get(event_type="consultation.listed")
    assert listed.data == {"side": "centre", "count": 1}


def test_the_staff_list_shows_waiting_ones_first(signed_in, partner, unit, counsellor):
    waiting = _ask(partner, unit, subject="Väntar")
    answered = _ask(partner, unit, subject="Besvarad")
    services.answer_post(actor=counsellor, consultation_id=answered.pk, text="Svar")
    closed = _ask(partner, unit, subject="Stängd")
    services.consultation_close(actor=counsellor, consultation_id=closed.pk)

    page = signed_in(counsellor).get(reverse("consultations_staff:list")).content.decode()

    assert page.index("Väntar") < page.index("Besvarad") < page.index("Stängd")
    assert waiting.pk


def test_a_counsellor_answers_and_the_unit_is_told(
    signed_in, partner, unit, counsellor, django_capture_on_commit_callbacks
):
    consultation = _ask(partner, unit)
    client = signed_in(counsellor)
    url = reverse("consultations_staff:answer", kwargs={"consultation_id": consultation.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Ring oss", "client_id": str(uuid.uuid4())})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    assert [m.to for m in mail.outbox] == [[partner.email]]
    page = (
        signed_in(partner)
        .get(reverse("consultations_partner:detail", kwargs={"consultation_id": consultation.pk}))
        .content.decode()
    )
    assert "Ring oss" in page
    # The centre's author is named by first name only.
    assert counsellor.email not in page


def test_an_empty_answer_is_refused_and_saves_nothing(signed_in, partner, unit, counsellor):
    consultation = _ask(partner, unit)
    url = reverse("consultations_staff:answer", kwargs={"consultation_id": consultation.pk})
    response = signed_in(counsellor).post(url, {"text": "   "}, **EN)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert ConsultationMessage.objects.count() == 1


def test_make_this_a_case_leads_to_the_new_case(signed_in, partner, unit, counsellor):
    consultation = _ask(partner, unit)
    url = reverse("consultations_staff:case_open", kwargs={"consultation_id": consultation.pk})

    response = signed_in(counsellor).post(url, {"urgency": "acute"})

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"case_id": case.pk})
    assert case.urgency == "acute"
    staff_page = (
        signed_in(counsellor)
        .get(reverse("consultations_staff:detail", kwargs={"consultation_id": consultation.pk}))
        .content.decode()
    )
    assert case.reference in staff_page
    partner_page = (
        signed_in(partner)
        .get(reverse("consultations_partner:detail", kwargs={"consultation_id": consultation.pk}), **EN)
        .content.decode()
    )
    # The professional learns that there is a case, not its number.
    assert "opened a case" in partner_page and case.reference not in partner_page


def test_the_agent_request_is_shown_and_accepted(signed_in, partner, unit, counsellor):
    consultation = _ask(partner, unit, agent_request=True)
    client = signed_in(counsellor)
    detail = reverse("consultations_staff:detail", kwargs={"consultation_id": consultation.pk})
    assert "Accept to act as the authority" in client.get(detail, **EN).content.decode()

    client.post(reverse("consultations_staff:agent_accept", kwargs={"consultation_id": consultation.pk}))

    page = client.get(detail, **EN).content.decode()
    assert "The centre accepted to act as the authority" in page
    assert "Accept to act as the authority" not in page


def test_a_professional_closes_and_can_write_no_more(signed_in, partner, unit):
    consultation = _ask(partner, unit)
    client = signed_in(partner)
    client.post(reverse("consultations_partner:close", kwargs={"consultation_id": consultation.pk}))
    response = client.post(
        reverse("consultations_partner:reply", kwargs={"consultation_id": consultation.pk}),
        {"text": "Hej"},
        **EN,
    )
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert ConsultationMessage.objects.count() == 1


def test_the_pages_are_in_swedish(signed_in, partner, unit):
    page = (
        signed_in(partner)
        .get(reverse("consultations_partner:new"), HTTP_ACCEPT_LANGUAGE="sv")
        .content.decode()
    )
    assert "Nämn inte personen." in page
