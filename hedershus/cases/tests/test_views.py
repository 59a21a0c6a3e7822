"""The case pages end to end through the test client: forms, refusals, the reason form."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from hedershus.audit.models import AuditEvent
from hedershus.cases.models import Case, CaseAccessGrant, Contact, Flag, Person, ProblemType
from hedershus.cases.tests.helpers import case_make, conversation_make
from hedershus.core.crypto import encrypt_text

pytestmark = pytest.mark.django_db


def detail(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


def test_a_counsellor_opens_a_case_for_a_phone_call(client, counsellor, supervisor):
    sign_in(client, counsellor)
    response = client.post(
        reverse("cases:open"),
        {
            "channel": "phone",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "20",
            "note": "Mamman ringde",
            "urgency": "urgent",
            "supervisor": str(supervisor.pk),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert case.urgency == "urgent" and case.supervisor == supervisor
    page = client.get(detail(case))
    assert page.status_code == 200
    assert "Mamman ringde" in page.content.decode()


def test_a_bad_open_form_says_why_and_saves_nothing(client, counsellor):
    sign_in(client, counsellor)
    response = client.post(reverse("cases:open"), {"channel": "phone", "occurred_at": "igår", "urgency": "x"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_conversation_page_offers_a_case_then_its_case(client, counsellor):
    conversation = conversation_make()
    sign_in(client, counsellor)
    page = client.get(reverse("messaging_staff:conversation", kwargs={"pk": conversation.pk}))
    open_url = reverse("cases:open_from_conversation", kwargs={"conversation_id": conversation.pk})
    assert open_url in page.content.decode()
    response = client.post(open_url)
    case = Case.objects.get()
    assert response["Location"] == detail(case)
    page = client.get(reverse("messaging_staff:conversation", kwargs={"pk": conversation.pk}))
    assert open_url not in page.content.decode() and detail(case) in page.content.decode()
    again = client.post(open_url)
    assert again["Location"] == detail(case) and Case.objects.count() == 1
    text = client.get(detail(case)).content.decode()
    assert "Jag behöver hjälp" in text


def test_a_case_whose_room_is_gone_says_so_and_keeps_the_contact(client, counsellor):
    conversation = conversation_make()
    sign_in(client, counsellor)
    client.post(reverse("cases:open_from_conversation", kwargs={"conversation_id": conversation.pk}))
    case = Case.objects.get()
    conversation.room.delete()  # the visitor deleted it, or room retention did
    text = client.get(detail(case), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This conversation is gone: the visitor deleted their room, or the room expired unused." in text
    assert "Jag behöver hjälp" not in text
    assert Contact.objects.filter(case=case, from_conversation=True, conversation__isnull=True).count() == 1


def test_the_case_page_links_to_its_journal_assessments_and_documents(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    text = client.get(detail(case)).content.decode()
    for name in ("journal:list", "assessments:list", "case_documents:list"):
        assert reverse(name, kwargs={"case_id": case.pk}) in text, name


def test_every_view_of_the_case_page_is_audited(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    client.get(detail(case))
    client.get(detail(case) + "?from=search")
    views = AuditEvent.objects.filter(event_type="case.viewed", object_id=str(case.pk)).order_by("id")
    assert [e.data["from_search"] for e in views] == [False, True]


def test_a_colleague_outside_the_case_gives_a_reason_first(client, counsellor, colleague):
    case = case_make(counsellor)
    sign_in(client, colleague)
    response = client.get(detail(case))
    reason_url = reverse("cases:reason", kwargs={"case_id": case.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{reason_url}?next={quote(detail(case), safe='')}"
    form = client.get(response["Location"])
    assert case.reference in form.content.decode()
    assert "Mamman" not in form.content.decode()
    refused = client.post(reason_url, {"reason": "kort", "next": detail(case)})
    assert refused.status_code == 400 and not CaseAccessGrant.objects.exists()
    given = client.post(reason_url, {"reason": "Jour: hon ringer nu", "next": detail(case)})
    assert given["Location"] == detail(case)
    assert client.get(detail(case)).status_code == 200
    event = AuditEvent.objects.get(event_type="case.opened_with_reason")
    assert event.reason == "Jour: hon ringer nu"


def test_the_reason_form_never_sends_elsewhere(client, counsellor, colleague):
    case = case_make(counsellor)
    other = case_make(counsellor)
    sign_in(client, colleague)
    reason_url = reverse("cases:reason", kwargs={"case_id": case.pk})
    for target in (
        "https://evil.example/",
        "//evil.example/",
        detail(other),
        "/staff/",
        detail(case) + "../../x",
    ):
        response = client.post(reason_url, {"reason": "Jour: hon ringer nu", "next": target})
        assert response["Location"] == detail(case), target


def test_a_post_from_outside_the_case_changes_nothing(client, counsellor, colleague):
    case = case_make(counsellor)
    sign_in(client, colleague)
    response = client.post(reverse("cases:urgency", kwargs={"case_id": case.pk}), {"urgency": "acute"})
    assert response.status_code == 302 and "/reason/" in response["Location"]
    case.refresh_from_db()
    assert case.urgency == "routine"


@override_settings(
    MIDDLEWARE=[
        *__import__("django.conf").conf.settings.MIDDLEWARE,
        "hedershus.cases.access.CaseReasonRequiredMiddleware",
    ]
)
def test_the_middleware_sends_other_case_apps_to_the_reason_form(client, counsellor, colleague):
    case = case_make(counsellor)
    sign_in(client, colleague)
    url = reverse("journal:list", kwargs={"case_id": case.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={quote(url, safe='')}")


def test_contacts_show_newest_first_with_the_note(client, counsellor):
    case = case_make(counsellor)
    Contact.objects.filter(case=case).update(
        occurred_at=timezone.now() - dt.timedelta(hours=1), note_encrypted=encrypt_text("Äldre samtal")
    )
    sign_in(client, counsellor)
    response = client.post(
        reverse("cases:contact_add", kwargs={"case_id": case.pk}),
        {
            "channel": "sms",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "Sms från Sara",
        },
    )
    assert response.status_code == 302
    text = client.get(detail(case)).content.decode()
    assert text.index("Sms från Sara") < text.index("Äldre samtal")


def test_a_bad_contact_comes_back_with_its_errors_and_adds_nothing(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    response = client.post(
        reverse("cases:contact_add", kwargs={"case_id": case.pk}),
        {"channel": "sms", "occurred_at": "2026-13-40T10:00", "duration_minutes": "99999", "note": "kvar"},
    )
    assert response.status_code == 400
    assert "kvar" in response.content.decode()  # what was typed is not lost
    assert Contact.objects.filter(case=case).count() == 1


def test_persons_identity_shows_masked(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    client.post(
        reverse("cases:person_add", kwargs={"case_id": case.pk}),
        {
            "alias": "Sara",
            "role": "exposed",
            "age_group": "13-17",
            "gender": "female",
            "identity_number": "811218-9876",
        },
    )
    text = client.get(detail(case)).content.decode()
    assert "19811218-****" in text and "9876" not in text
    refused = client.post(
        reverse("cases:person_add", kwargs={"case_id": case.pk}),
        {
            "alias": "B",
            "role": "exposed",
            "age_group": "unknown",
            "gender": "unknown",
            "identity_number": "811218-9875",
        },
    )
    assert refused.status_code == 400 and Person.objects.count() == 1


def test_status_flags_and_decision_through_the_page(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    base = {"case_id": case.pk}
    assert client.post(reverse("cases:status", kwargs=base), {"status": "closed"}).status_code == 400
    client.post(reverse("cases:status", kwargs=base), {"status": "closed", "outcome": "helped"})
    client.post(reverse("cases:flag_raise", kwargs=base), {"message": "Kontakta inte familjen"})
    flag = Flag.objects.get()
    client.post(
        reverse("cases:flag_lift", kwargs={**base, "flag_id": flag.pk}), {"message": "Hon har flyttat"}
    )
    client.post(reverse("cases:decision", kwargs=base), {"kind": "refer", "reason": "Till socialtjänsten"})
    problem = ProblemType.objects.get(name_en="Threats")
    client.post(reverse("cases:problem_types_set", kwargs=base), {"problem_types": [problem.pk]})
    text = client.get(detail(case)).content.decode()
    shown_all = (
        "Kontakta inte familjen",
        "Hon har flyttat",
        "Till socialtjänsten",
        problem.name_sv,
        "Stöd givet",
    )
    for shown in shown_all:
        assert shown in text, shown
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None


def test_the_last_assignee_cannot_be_removed_through_the_page(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    response = client.post(reverse("cases:unassign", kwargs={"case_id": case.pk, "user_id": counsellor.pk}))
    assert response.status_code == 302
    assert case.assignments.count() == 1


def test_the_list_shows_my_cases_and_search_shows_others_without_content(client, counsellor, colleague):
    mine = case_make(colleague)
    theirs = case_make(counsellor)
    Person.objects.create(case=theirs, alias="Hemligt", role="exposed", created_by=counsellor)
    sign_in(client, colleague)
    listing = client.get(reverse("cases:list")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    search = client.post(reverse("cases:list"), {"scope": "all", "alias": "hem"}).content.decode()
    assert theirs.reference in search and "Hemligt" not in search
    assert AuditEvent.objects.filter(event_type="case.listed").count() == 2


def test_a_list_cut_at_its_limit_says_so(client, counsellor, monkeypatch):
    from hedershus.cases import selectors, views

    for _ in range(3):
        case_make(counsellor)
    monkeypatch.setattr(selectors, "LIST_LIMIT", 2)
    monkeypatch.setattr(views, "LIST_LIMIT", 2)
    sign_in(client, counsellor)
    cut = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Only the newest 2 are shown" in cut
    monkeypatch.setattr(selectors, "LIST_LIMIT", 10)
    monkeypatch.setattr(views, "LIST_LIMIT", 10)
    whole = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Only the newest" not in whole


def test_a_bad_date_range_is_refused(client, counsellor):
    sign_in(client, counsellor)
    response = client.post(reverse("cases:list"), {"opened_from": "2026-05-02", "opened_to": "2026-05-01"})
    assert response.status_code == 400


def test_supervisors_add_problem_types(client, supervisor, counsellor):
    sign_in(client, supervisor)
    response = client.post(reverse("cases:problem_types"), {"name_sv": "Nätvåld", "name_en": "Online abuse"})
    assert response.status_code == 302
    assert ProblemType.objects.filter(name_en="Online abuse").exists()
    sign_in(client, counsellor)
    assert client.get(reverse("cases:problem_types")).status_code == 403


def test_the_staff_menu_links_to_cases_for_handlers_only(client, counsellor, editor):
    sign_in(client, counsellor)
    assert reverse("cases:list") in client.get(reverse("staff:dashboard")).content.decode()
    sign_in(client, editor)
    assert reverse("cases:list") not in client.get(reverse("staff:dashboard")).content.decode()


def test_marking_a_case_protected_hides_it_from_others_searches(client, counsellor, colleague):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    client.post(reverse("cases:protected_identity", kwargs={"case_id": case.pk}), {"protected": "on"})
    sign_in(client, colleague)
    search = client.post(reverse("cases:list"), {"scope": "all"}).content.decode()
    assert case.reference not in search


def test_a_person_is_identified_from_the_case_page(client, counsellor):
    case = case_make(counsellor)
    person = Person.objects.create(case=case, alias="Nour", role="exposed", created_by=counsellor)
    sign_in(client, counsellor)
    url = reverse("cases:person_identify", kwargs={"case_id": case.pk, "person_id": person.pk})
    prefix = f"identify-{person.pk}"
    refused = client.post(url, {f"{prefix}-name": "Nour Riktig", f"{prefix}-identity_number": "121212-1213"})
    assert refused.status_code == 400 and "Nour Riktig" in refused.content.decode()
    client.post(url, {f"{prefix}-name": "Nour Riktig", f"{prefix}-identity_number": "121212-1212"})
    text = client.get(detail(case)).content.decode()
    assert "Nour Riktig" in text and "20121212-****" in text


def test_removing_oneself_leads_back_to_the_list(client, counsellor, colleague):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    client.post(reverse("cases:assign", kwargs={"case_id": case.pk}), {"user": colleague.pk})
    response = client.post(reverse("cases:unassign", kwargs={"case_id": case.pk, "user_id": counsellor.pk}))
    assert response["Location"] == reverse("cases:list")
    assert list(case.assignments.values_list("user_id", flat=True)) == [colleague.pk]


def test_a_later_conversation_of_the_room_joins_the_same_case(client, counsellor):
    from hedershus.messaging.models import Conversation

    first = conversation_make()
    sign_in(client, counsellor)
    client.post(reverse("cases:open_from_conversation", kwargs={"conversation_id": first.pk}))
    case = Case.objects.get()
    Conversation.objects.filter(pk=first.pk).update(status="closed")
    later = Conversation.objects.create(room=first.room, status="waiting", waiting_since=timezone.now())
    page = client.get(reverse("messaging_staff:conversation", kwargs={"pk": later.pk})).content.decode()
    join_url = reverse("cases:join_from_conversation", kwargs={"conversation_id": later.pk})
    assert join_url in page
    response = client.post(join_url, {"case": case.pk})
    assert response["Location"] == detail(case) + "#contacts"
    assert Case.objects.count() == 1
    assert list(case.contacts.filter(channel="chat").values_list("conversation_id", flat=True)) in (
        [later.pk, first.pk],
        [first.pk, later.pk],
    )
    again = client.post(join_url, {"case": case.pk})
    assert again["Location"] == detail(case) and case.contacts.count() == 2
    assert client.post(join_url, {"case": "x"}).status_code == 400
