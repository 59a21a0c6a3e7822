"""Referrals' pages: the counsellor's way from a case to a unit's inbox, the partner's inbox
and answers, withdrawal, a phone call recorded, the lists, the timeline and the case page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import _make_user
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.referrals import services
from hedershus.referrals.models import Referral, ReferralStatus
from hedershus.referrals.selectors import referral_get_for_partner, referrals_inbox_for
from hedershus.referrals.tests.helpers import case_make, person_of, referral_input, unit_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    """The staff pages answer in the browser's language (Swedish by default); these read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(counsellor: Any, supervisor: Any) -> Any:
    return case_make(counsellor, supervisor=supervisor)


@pytest.fixture
def unit(partner: Any) -> Any:
    return unit_make(partner, name="Socialtjänsten Botkyrka")


def _form(unit: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "action": "send",
        "client_id": str(uuid.uuid4()),
        "find-municipality": "Botkyrka",
        "find-service": "social_services",
        "unit": str(unit.pk),
        "channel": "platform",
        "asked": "Kontakta Rosa i skolan.",
        "urgency": "urgent",
        "legal_basis": "exception",
        "secrecy_exception": "necessary",
    }
    data.update(changes)
    return data


def test_finding_units_by_municipality_and_service_lists_them_without_saving(
    signed_in, client, counsellor, case, unit
):
    other = unit_make(name="Enhet i Nacka", municipality="Nacka")
    signed_in(counsellor)
    url = reverse("referrals:new", kwargs={"case_id": case.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Botkyrka" selected' in page.content.decode()  # the person's municipality
    found = client.post(
        url, {"action": "search", "find-municipality": "Botkyrka", "find-service": "social_services"}
    )
    body = found.content.decode()
    assert found.status_code == 200
    assert "Socialtjänsten Botkyrka" in body and other.name not in body
    assert Referral.objects.count() == 0


def test_searching_again_keeps_what_was_written(signed_in, client, counsellor, case, unit):
    signed_in(counsellor)
    again = _form(unit, action="search", asked="Ring mamman först.", shared_fields=["age_group"])
    body = client.post(reverse("referrals:new", kwargs={"case_id": case.pk}), again).content.decode()
    assert "Ring mamman först." in body
    assert 'value="age_group" id="id_shared_fields_1" checked' in body
    assert Referral.objects.count() == 0


def test_a_counsellor_sends_a_referral_and_sees_its_page(signed_in, client, counsellor, case, unit):
    signed_in(counsellor)
    response = client.post(
        reverse("referrals:new", kwargs={"case_id": case.pk}),
        _form(unit, person=str(person_of(case).pk), shared_fields=["alias", "age_group"]),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:detail", kwargs={"case_id": case.pk, "referral_id": referral.pk}
    )
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Kontakta Rosa i skolan." in body and "Rosa" in body and "13 to 17" in body
    assert AuditEvent.objects.filter(event_type="referral.viewed").count() == 1
    listing = client.get(reverse("referrals:list", kwargs={"case_id": case.pk}))
    assert "Socialtjänsten Botkyrka" in listing.content.decode()


def test_a_bad_referral_comes_back_with_its_message_and_nothing_is_sent(
    signed_in, client, counsellor, case, unit
):
    signed_in(counsellor)
    response = client.post(
        reverse("referrals:new", kwargs={"case_id": case.pk}), _form(unit, secrecy_exception="other")
    )
    assert response.status_code == 400
    assert "Name the provision" in response.content.decode()
    assert Referral.objects.count() == 0


def test_a_colleague_outside_the_case_is_asked_for_a_reason(signed_in, client, colleague, case):
    signed_in(colleague)
    response = client.get(reverse("referrals:list", kwargs={"case_id": case.pk}))
    assert response.status_code == 302 and "/reason/" in response["Location"]


def test_a_phone_call_is_recorded_and_the_counsellor_records_the_answers(signed_in, client, counsellor, case):
    unit = unit_make(on_platform=False, name="Kvinnojouren")
    signed_in(counsellor)
    called = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("referrals:new", kwargs={"case_id": case.pk}),
        _form(
            unit, channel="phone", offline_contact="Jouren, Sara", offline_at=called, **{"find-service": ""}
        ),
    )
    assert response.status_code == 302, response.content.decode()
    referral = Referral.objects.get()
    assert referral.channel == "phone"
    answer = reverse("referrals:record_answer", kwargs={"case_id": case.pk, "referral_id": referral.pk})
    assert client.post(answer, {"record-answer": "declined"}).status_code == 400  # a decline needs a reason
    assert client.post(answer, {"record-answer": "accepted"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


def test_the_answer_form_is_refused_for_a_referral_the_unit_answers_itself(
    signed_in, client, counsellor, case, unit
):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(counsellor)
    answer = reverse("referrals:record_answer", kwargs={"case_id": case.pk, "referral_id": referral.pk})
    assert client.post(answer, {"record-answer": "accepted"}).status_code == 409
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_withdrawing_needs_a_reason(signed_in, client, counsellor, case, unit):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(counsellor)
    url = reverse("referrals:withdraw", kwargs={"case_id": case.pk, "referral_id": referral.pk})
    assert client.post(url, {"withdraw-reason": ""}).status_code == 400
    assert client.post(url, {"withdraw-reason": "Hon vill inte längre"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.WITHDRAWN


# --- the partner's side -------------------------------------------------------------------------


def test_the_partner_inbox_shows_only_their_units_referrals(
    signed_in, client, counsellor, case, unit, partner
):
    mine = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    theirs = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit_make()))
    assert list(referrals_inbox_for(partner)) == [mine]
    assert referral_get_for_partner(partner, theirs.pk) is None
    signed_in(partner)
    body = client.get(reverse("referrals_partner:inbox")).content.decode()
    assert f"No. {mine.pk}," in body and f"No. {theirs.pk}," not in body


def test_a_professional_of_another_unit_sees_nothing(counsellor, case, unit):
    services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    stranger = _make_user(Role.PARTNER, "stranger@example.org")
    unit_make(stranger)
    assert not referrals_inbox_for(stranger).exists()
    assert not referrals_inbox_for(counsellor).exists()


def test_opening_marks_received_once_and_every_open_is_audited(
    signed_in, client, counsellor, case, unit, partner
):
    referral = services.referral_send(
        actor=counsellor,
        case_id=case.pk,
        data=referral_input(unit, person_id=person_of(case).pk, shared_fields=["alias"]),
    )
    signed_in(partner)
    url = reverse("referrals_partner:detail", kwargs={"referral_id": referral.pk})
    first = client.get(url)
    client.get(url)
    assert first.status_code == 200
    body = first.content.decode()
    assert "Kontakta Rosa i skolan i dag." in body and "Rosa" in body
    assert case.reference not in body  # the case number is not among the fields shared
    assert Referral.objects.get().status == ReferralStatus.RECEIVED
    assert AuditEvent.objects.filter(event_type="referral.opened").count() == 2


def test_the_partner_accepts_and_marks_done(signed_in, client, counsellor, case, unit, partner):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(partner)
    client.get(reverse("referrals_partner:detail", kwargs={"referral_id": referral.pk}))
    assert (
        client.post(reverse("referrals_partner:accept", kwargs={"referral_id": referral.pk})).status_code
        == 302
    )
    done = reverse("referrals_partner:complete", kwargs={"referral_id": referral.pk})
    refused = client.post(done, {"complete-successful": "no"})
    assert refused.status_code == 400 and "did not succeed" in refused.content.decode()
    assert client.post(done, {"complete-successful": "yes"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.DONE


def test_declining_twice_is_a_conflict_with_a_message(signed_in, client, counsellor, case, unit, partner):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(partner)
    url = reverse("referrals_partner:decline", kwargs={"referral_id": referral.pk})
    assert client.post(url, {"decline-reason": "Fel kommun"}).status_code == 302
    accept = client.post(reverse("referrals_partner:accept", kwargs={"referral_id": referral.pk}))
    assert accept.status_code == 409 and "declined" in accept.content.decode()


def test_a_referral_withdrawn_before_it_was_opened_no_longer_shows_what_was_shared(
    signed_in, client, counsellor, case, unit, partner
):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    services.referral_withdraw(actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="Fel enhet")
    signed_in(partner)
    body = client.get(
        reverse("referrals_partner:detail", kwargs={"referral_id": referral.pk})
    ).content.decode()
    assert "Kontakta Rosa" not in body and "withdrawn before your unit opened it" in body


@pytest.mark.parametrize("opened_first", [False, True], ids=["never opened", "opened"])
def test_the_unit_never_sees_why_a_referral_was_withdrawn(
    signed_in, client, counsellor, case, unit, partner, opened_first
):
    # The tester: partner2@ read the counsellor's free-text reason, which can name the person.
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    if opened_first:
        services.referral_receive(actor=partner, referral_id=referral.pk)
    services.referral_withdraw(
        actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="Rosa har flytt till sin moster"
    )
    signed_in(partner)
    url = reverse("referrals_partner:detail", kwargs={"referral_id": referral.pk})
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Återkalla" in body  # the status and the step (another catalogue says "Återkallat")
    withdrawn = referral.steps.get(kind="withdrawn")
    assert timezone.localtime(withdrawn.at).strftime("%Y-%m-%d %H:%M") in body
    assert "moster" not in body and "Skäl:" not in body
    # The centre's staff still read it.
    signed_in(counsellor)
    staff = client.get(reverse("referrals:detail", kwargs={"case_id": case.pk, "referral_id": referral.pk}))
    assert "Rosa har flytt till sin moster" in staff.content.decode()


def test_the_withdrawal_form_says_the_reason_stays_with_the_centre(signed_in, client, counsellor, case, unit):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(counsellor)
    url = reverse("referrals:detail", kwargs={"case_id": case.pk, "referral_id": referral.pk})
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Skälet stannar hos centret" in body


# --- lists, timeline, case page ------------------------------------------------------------------


def test_supervisors_see_escalated_referrals_and_counsellors_their_own(
    signed_in, client, counsellor, supervisor, case, unit
):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    services.referrals_escalate_overdue(referral.deadline)
    signed_in(counsellor)
    mine = client.get(reverse("referrals_staff:list")).content.decode()
    assert case.reference in mine and "Escalated: no answer" not in mine
    signed_in(supervisor)
    theirs = client.get(reverse("referrals_staff:list")).content.decode()
    assert "Escalated: no answer" in theirs and case.reference in theirs


def test_the_counsellors_list_says_when_it_is_cut_and_pages_to_the_rest(
    signed_in, client, counsellor, case, unit, monkeypatch
):
    # The tester: /staff/referrals/ stopped at 200 rows with no notice.
    from hedershus.referrals import views

    monkeypatch.setattr(views, "LIST_LIMIT", 2)
    sent = [
        services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit)) for _ in range(5)
    ]
    services.referral_withdraw(actor=counsellor, case_id=case.pk, referral_id=sent[0].pk, reason="Fel")
    signed_in(counsellor)
    url = reverse("referrals_staff:list")

    def shown(body: str) -> set[int]:
        return {r.pk for r in sent if f"/referrals/{r.pk}/" in body}

    first = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Visar de 2 senaste av 5" in first
    assert shown(first) == {sent[4].pk, sent[3].pk}
    assert "?page=2" in first and "?page=3" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert shown(last) == {sent[0].pk}
    assert "Showing 5\u20135 of 5, newest first" in last
    # A filter by status reaches the rest too.
    withdrawn = client.get(url, {"status": "withdrawn"}).content.decode()
    assert shown(withdrawn) == {sent[0].pk} and "Showing the newest" not in withdrawn
    refused = client.get(url, {"status": "nonsense"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    monkeypatch.setattr(views, "LIST_LIMIT", 200)
    whole = client.get(url).content.decode()
    assert shown(whole) == {r.pk for r in sent} and "Showing" not in whole


def test_the_partner_inbox_says_when_it_is_cut_and_pages_to_the_rest(
    signed_in, client, counsellor, case, unit, partner, monkeypatch
):
    from hedershus.referrals import views

    monkeypatch.setattr(views, "LIST_LIMIT", 2)
    sent = [
        services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit)) for _ in range(3)
    ]
    signed_in(partner)
    url = reverse("referrals_partner:inbox")
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Visar de 2 senaste av 3" in first and "?page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert f"/staff/partner/referrals/{sent[0].pk}/" in second
    assert f"/staff/partner/referrals/{sent[2].pk}/" not in second


def test_each_step_appears_on_the_case_timeline(signed_in, client, counsellor, case, unit, partner):
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    services.referral_receive(actor=partner, referral_id=referral.pk)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    services.referral_complete(actor=partner, referral_id=referral.pk, successful=True)
    signed_in(counsellor)
    body = client.get(reverse("followup:timeline", kwargs={"case_id": case.pk})).content.decode()
    for text in ("Referral sent to", "Referral received by", "Referral accepted by", "done (successful)"):
        assert text in body
    row = body.split('class="chart-row chart-row-referrals"', 1)[1].split("</g>", 1)[0]
    assert row.count("<circle") == 4  # one mark per step in the chart's row of referrals


def test_timeline_referral_rows_show_the_time_and_link_to_their_referral(
    signed_in, client, counsellor, case, unit, partner
):
    # The tester: two referrals on one day read the same, with no way to their pages.
    first = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    second = services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    services.referral_decline(actor=partner, referral_id=second.pk, reason="Hemlig anledning")
    signed_in(counsellor)
    body = client.get(reverse("followup:timeline", kwargs={"case_id": case.pk})).content.decode()
    events = body.split('class="followup-events"', 1)[1].split("</ol>", 1)[0]
    rows = [row for row in events.split("<li") if "followup-event-referral" in row]
    assert len(rows) == 3
    for referral, count in ((first, 1), (second, 2)):
        link = reverse("referrals:detail", kwargs={"case_id": case.pk, "referral_id": referral.pk})
        assert sum(f'href="{link}"' in row for row in rows) == count
    sent_at = timezone.localtime(first.sent_at)
    assert f"{sent_at:%Y-%m-%d %H:%M}" in rows[0] or f"{sent_at:%H:%M}" in rows[0]
    assert f'datetime="{sent_at.isoformat()}"' in rows[0]
    assert "Hemlig" not in events and "Kontakta Rosa" not in events


def test_the_case_page_links_to_its_referrals_with_the_open_count(signed_in, client, counsellor, case, unit):
    services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit))
    signed_in(counsellor)
    body = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert reverse("referrals:list", kwargs={"case_id": case.pk}) in body
    assert "Referrals (1 open)" in body
    swedish = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Remisser (1 öppen)" in swedish.content.decode()


def test_the_pages_speak_swedish_by_default(signed_in, client, counsellor, case):
    signed_in(counsellor)
    body = client.get(reverse("referrals:list", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Ny remiss" in body.content.decode()


def _languages(unit: Any, *codes: str) -> Any:
    unit.languages = list(codes)
    unit.save(update_fields=["languages"])
    return unit


def test_a_language_no_unit_lists_is_said_and_the_others_are_marked(
    signed_in, client, counsellor, case, unit
):
    # The tester: Botkyrka, social services, Tigrinya offered Botkyrka's unit (Swedish and
    # English only) with no notice.
    _languages(unit, "sv", "en")
    signed_in(counsellor)
    url = reverse("referrals:new", kwargs={"case_id": case.pk})
    search = {
        "action": "search",
        "find-municipality": "Botkyrka",
        "find-service": "social_services",
        "find-language": "ti",
    }
    body = client.post(url, search).content.decode()
    assert "No unit lists Tigrinya. Units without the language are shown below" in body
    assert "Socialtjänsten Botkyrka" in body and "does not list Tigrinya" in body
    swedish = client.post(url, search, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Ingen enhet anger tigrinja. Enheter utan språket visas nedan: boka tolk vid behov." in swedish
    assert "anger inte tigrinja" in swedish
    # The counsellor may still refer to it (with an interpreter).
    response = client.post(url, _form(unit, **{"find-language": "ti"}))
    assert response.status_code == 302 and Referral.objects.get().unit == unit


def test_a_language_search_offers_only_the_units_that_list_it(signed_in, client, counsellor, case, unit):
    _languages(unit, "sv", "en")
    tigrinya = _languages(unit_make(name="Tigrinjateamet"), "sv", "ti")
    signed_in(counsellor)
    body = client.post(
        reverse("referrals:new", kwargs={"case_id": case.pk}),
        {"action": "search", "find-municipality": "Botkyrka", "find-language": "ti"},
    ).content.decode()
    assert tigrinya.name in body and "Socialtjänsten Botkyrka" not in body
    assert "No unit lists" not in body and "does not list" not in body


def test_free_places_are_counted_in_the_right_plural(signed_in, client, counsellor, case, unit):
    # The tester: "1 lediga platser".
    unit.capacity_free = 1
    unit.save(update_fields=["capacity_free"])
    many = unit_make(name="Skyddat boende")
    many.capacity_free = 3
    many.save(update_fields=["capacity_free"])
    signed_in(counsellor)
    url = reverse("referrals:new", kwargs={"case_id": case.pk})
    search = {"action": "search", "find-municipality": "Botkyrka"}
    swedish = client.post(url, search, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "1 ledig plats" in swedish and "1 lediga platser" not in swedish
    assert "3 lediga platser" in swedish
    english = client.post(url, search).content.decode()
    assert "1 free place" in english and "1 free places" not in english and "3 free places" in english


def test_a_case_without_a_person_says_so_and_refers_without_person_fields(
    signed_in, client, counsellor, case, unit
):
    # The tester: the form offered Alias, Age group and Gender, then failed with "Choose the
    # person..." while the person list was empty.
    case.persons.all().delete()
    signed_in(counsellor)
    url = reverse("referrals:new", kwargs={"case_id": case.pk})
    body = client.post(
        url, {"action": "search", "find-municipality": "Botkyrka"}, HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "Ärendet har ingen person ännu" in body
    for person_field in ("alias", "age_group", "gender", "municipality", "district"):
        assert f'name="shared_fields" value="{person_field}"' not in body
    assert 'name="person"' not in body
    assert 'name="shared_fields" value="case_urgency"' in body
    refused = client.post(url, _form(unit, shared_fields=["alias"]))
    assert refused.status_code == 400 and Referral.objects.count() == 0
    sent = client.post(url, _form(unit, shared_fields=["case_urgency"]))
    assert sent.status_code == 302
    assert Referral.objects.get().shared_fields == ["case_urgency"]
