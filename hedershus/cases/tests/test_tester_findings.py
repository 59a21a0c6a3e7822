"""The defects a tester found in case management (issue 10's review), each with its proof."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from hedershus.cases import services
from hedershus.cases.models import Case, CaseAccessGrant, CaseAssignment, Channel, Contact, Person, PersonRole
from hedershus.cases.services import ContactInput, PersonInput
from hedershus.cases.tests.helpers import case_make, conversation_make
from hedershus.core.exceptions import AccessDenied, InvalidInput, NotFound

pytestmark = pytest.mark.django_db

REASON = "Följer upp ett samtal med mamman i ärendet"


def sv(text: str) -> str:
    """``text`` as the staff pages show it (Swedish), HTML-escaped as a template does."""
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override("sv"):
        return escape(gettext(text))


def detail(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


def granted(case: Case, user) -> None:
    services.case_access_grant(actor=user, case_id=case.pk, reason=REASON)


# --- 1. who works on the case: insiders only ----------------------------------------------


def test_a_grant_holder_cannot_assign_themselves_or_change_who_works_on_the_case(
    counsellor, colleague, supervisor
):
    case = case_make(counsellor, protected_identity=True)
    granted(case, colleague)
    with pytest.raises(AccessDenied):
        services.case_assign(actor=colleague, case_id=case.pk, user=colleague)
    with pytest.raises(AccessDenied):
        services.case_supervisor_set(actor=colleague, case_id=case.pk, supervisor=supervisor)
    with pytest.raises(AccessDenied):
        services.case_unassign(actor=colleague, case_id=case.pk, user_id=counsellor.pk)
    with pytest.raises(AccessDenied):
        services.case_protected_identity_set(actor=colleague, case_id=case.pk, protected=False)
    case.refresh_from_db()
    assert list(case.assignments.values_list("user_id", flat=True)) == [counsellor.pk]
    assert case.supervisor is None and case.protected_identity


def test_the_case_supervisor_may_assign(counsellor, colleague, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    services.case_assign(actor=supervisor, case_id=case.pk, user=colleague)
    assert CaseAssignment.objects.filter(case=case, user=colleague).exists()


def test_the_page_offers_a_grant_holder_no_staff_forms_and_refuses_the_post(client, counsellor, colleague):
    case = case_make(counsellor, protected_identity=True)
    granted(case, colleague)
    sign_in(client, colleague)
    page = client.get(detail(case)).content.decode()
    for name in ("assign", "supervisor", "protected_identity"):
        assert reverse(f"cases:{name}", kwargs={"case_id": case.pk}) not in page
    assert reverse("cases:unassign", kwargs={"case_id": case.pk, "user_id": counsellor.pk}) not in page
    response = client.post(reverse("cases:assign", kwargs={"case_id": case.pk}), {"user": colleague.pk})
    assert response.status_code == 403
    assert not CaseAssignment.objects.filter(case=case, user=colleague).exists()


# --- 2. identity in a protected case ------------------------------------------------------


def test_a_grant_holder_cannot_write_identity_into_a_protected_case(client, counsellor, colleague):
    case = case_make(counsellor, protected_identity=True)
    granted(case, colleague)
    for extra in ({"name": "Sara Ahmed"}, {"identity_number": "19121212-1212"}, {"district": "Centrum"}):
        with pytest.raises(AccessDenied):
            services.person_add(
                actor=colleague,
                case_id=case.pk,
                person=PersonInput(
                    alias="A", role=PersonRole.EXPOSED, age_group="unknown", gender="unknown", **extra
                ),
            )
    assert not Person.objects.exists()
    sign_in(client, colleague)
    page = client.get(detail(case)).content.decode()
    for name in ("identity_number", "district", "name"):
        assert f'name="{name}"' not in page
    response = client.post(
        reverse("cases:person_add", kwargs={"case_id": case.pk}),
        {
            "alias": "A",
            "role": "exposed",
            "age_group": "unknown",
            "gender": "unknown",
            "name": "Sara Ahmed",
            "identity_number": "19121212-1212",
        },
    )
    assert response.status_code in (400, 403)
    assert not Person.objects.filter(name_encrypted__gt="").exists()
    assert not Person.objects.filter(identity_number_encrypted__gt="").exists()


def test_a_grant_holder_may_still_add_a_pseudonymous_person(counsellor, colleague):
    case = case_make(counsellor, protected_identity=True)
    granted(case, colleague)
    services.person_add(
        actor=colleague,
        case_id=case.pk,
        person=PersonInput(alias="A", role=PersonRole.EXPOSED, age_group="unknown", gender="unknown"),
    )
    assert Person.objects.count() == 1


# --- 3. joining a conversation only to its room's case ------------------------------------


def test_a_conversation_joins_only_a_case_holding_an_earlier_conversation_of_its_room(client, counsellor):
    stranger = conversation_make()
    other_case = case_make(counsellor)
    with pytest.raises(NotFound):
        services.conversation_join_case(actor=counsellor, conversation=stranger, case_id=other_case.pk)
    sign_in(client, counsellor)
    url = reverse("cases:join_from_conversation", kwargs={"conversation_id": stranger.pk})
    assert client.post(url, {"case": other_case.pk}).status_code == 404
    assert not Contact.objects.filter(conversation=stranger).exists()
    assert other_case.contacts.count() == 1


# --- 4. contacts dated far in the past ----------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1900-01-01T10:00", "2001-05-05T10:00"])
def test_an_implausibly_old_contact_is_refused_with_a_message(client, counsellor, when):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    response = client.post(
        reverse("cases:contact_add", kwargs={"case_id": case.pk}), {"channel": "phone", "occurred_at": when}
    )
    assert response.status_code == 400
    assert sv("A contact is at most %(years)s years ago: check the year.") % {"years": 10} in (
        response.content.decode()
    )
    assert case.contacts.count() == 1
    old = timezone.now() - dt.timedelta(days=365 * 11)
    with pytest.raises(InvalidInput):
        services.contact_add(actor=counsellor, case_id=case.pk, contact=ContactInput(Channel.PHONE, old))
    assert case.contacts.count() == 1


# --- 6. a reason never holds an identity number ---------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "Sara Ahmed 19121212-1212 bor på Storgatan 1",
        "Gäller 121212-1212 som ringde",
        "Gäller 1212121212 som ringde",
        "Gäller 191212121212 som ringde",
        "Gäller 121212+1212 som ringde",
        # What phones and word processors type (found in consultations, the same detector).
        "Gäller 19121212\u20131212 som ringde",  # en dash
        "Gäller 121212 \u2013 1212 som ringde",
        "Gäller 121212\u20141212 som ringde",  # em dash
        "Gäller 121212\u20111212 som ringde",  # non-breaking hyphen
        "Gäller \uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12 som ringde",  # full-width
    ],
)
def test_a_reason_with_an_identity_number_is_refused(client, counsellor, colleague, reason):
    case = case_make(counsellor)
    with pytest.raises(InvalidInput):
        services.case_access_grant(actor=colleague, case_id=case.pk, reason=reason)
    sign_in(client, colleague)
    url = reverse("cases:reason", kwargs={"case_id": case.pk})
    response = client.post(url, {"reason": reason})
    assert response.status_code == 400
    assert not CaseAccessGrant.objects.exists()
    assert sv("Say why you need the case, not who the person is.") in client.get(url).content.decode()


def test_a_reason_with_a_date_or_phone_length_number_is_accepted(counsellor, colleague):
    case = case_make(counsellor)
    services.case_access_grant(actor=colleague, case_id=case.pk, reason="Samtal 2026-11-30, ärende 2026-0001")
    assert CaseAccessGrant.objects.count() == 1


# --- 7. a huge problem type id ----------------------------------------------------------------


def test_a_huge_or_bad_problem_type_id_is_a_clear_400(client, counsellor):
    case = case_make(counsellor)
    sign_in(client, counsellor)
    url = reverse("cases:problem_types_set", kwargs={"case_id": case.pk})
    for value in ("99999999999999999999", "abc", "999", "-1"):
        response = client.post(url, {"problem_types": value})
        assert response.status_code == 400, value
        assert sv("Choose problem types from the list.") in response.content.decode()
        assert "giltigt värde" not in response.content.decode()
    for value in ("99999999999999999999", "abc", "999"):
        response = client.post(reverse("cases:list"), {"problem_type": value})
        assert response.status_code == 400, value


# --- 11. wording ---------------------------------------------------------------------------


def test_swedish_filters_default_to_any_not_any_type(client, counsellor):
    sign_in(client, counsellor)
    client.cookies["django_language"] = "sv"
    from django.utils import translation

    with translation.override("sv"):
        from hedershus.cases.forms import SearchForm

        form = SearchForm()
        for name in ("status", "municipality", "urgency"):
            assert str(form.fields[name].choices[0][1]) == "Alla", name


# --- 5. double submits store one row --------------------------------------------------------


def test_a_double_submit_of_a_flag_contact_person_or_decision_stores_one(client, counsellor):
    import uuid

    from hedershus.audit.models import AuditEvent
    from hedershus.cases.models import Decision, Flag

    case = case_make(counsellor)
    sign_in(client, counsellor)
    page = client.get(detail(case)).content.decode()
    assert page.count('name="client_id"') >= 4
    posts = {
        "flag_raise": {"message": "Kontakta inte familjen"},
        "contact_add": {"channel": "phone", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        "person_add": {"alias": "A", "role": "exposed", "age_group": "unknown", "gender": "unknown"},
        "decision": {"kind": "in_house", "reason": "Vi hanterar det själva"},
    }
    for name, data in posts.items():
        data = {**data, "client_id": str(uuid.uuid4())}
        url = reverse(f"cases:{name}", kwargs={"case_id": case.pk})
        assert client.post(url, data).status_code == 302
        assert client.post(url, data).status_code == 302
    assert Flag.objects.count() == 1 and Person.objects.count() == 1 and Decision.objects.count() == 1
    assert case.contacts.count() == 2  # the opening contact and one added
    assert AuditEvent.objects.filter(event_type="case.flag_raised").count() == 1
    assert AuditEvent.objects.filter(event_type="case.contact_added").count() == 1


def test_a_client_id_of_another_case_is_refused(counsellor):
    import uuid

    first, second = case_make(counsellor), case_make(counsellor)
    client_id = uuid.uuid4()
    services.flag_raise(actor=counsellor, case_id=first.pk, message="Första", client_id=client_id)
    with pytest.raises(NotFound):
        services.flag_raise(actor=counsellor, case_id=second.pk, message="Andra", client_id=client_id)


# --- 9. the search keeps the alias out of addresses ------------------------------------------


def test_the_case_search_is_a_post_and_an_address_never_carries_the_alias(client, counsellor):
    case = case_make(counsellor)
    services.person_add(
        actor=counsellor,
        case_id=case.pk,
        person=PersonInput(alias="Hemlig", role=PersonRole.EXPOSED, age_group="unknown", gender="unknown"),
    )
    case_make(counsellor)
    sign_in(client, counsellor)
    page = client.get(reverse("cases:list")).content.decode()
    assert 'method="post"' in page and 'method="get"' not in page
    assert 'name="alias"' in page and 'autocomplete="off"' in page
    found = client.post(reverse("cases:list"), {"alias": "Hemlig", "scope": "all"})
    assert found.status_code == 200 and "no-store" in found["Cache-Control"]
    assert found.content.decode().count("?from=search") == 1
    # An address with filters shows the plain list: nothing typed is taken from a URL.
    plain = client.get(reverse("cases:list"), {"alias": "Hemlig"}).content.decode()
    assert plain.count('<th scope="row"><a href="/staff/cases/') == 2
    detail_page = client.get(detail(case)).content.decode()
    assert detail_page.count('autocomplete="off"') >= 2  # the person form's alias and district


# --- 10. bidirectional controls -------------------------------------------------------------


def test_bidi_controls_are_stripped_from_every_free_text(counsellor):
    from hedershus.cases.models import Decision, Flag
    from hedershus.core.crypto import decrypt_text

    case = case_make(counsellor)
    flag = services.flag_raise(actor=counsellor, case_id=case.pk, message="Flag \u202eevil")
    assert decrypt_text(flag.message_encrypted) == "Flag evil"
    services.flag_lift(actor=counsellor, case_id=case.pk, flag_id=flag.pk, message="Lyft \u2067nu\u2069")
    flag.refresh_from_db()
    assert decrypt_text(flag.lift_message_encrypted) == "Lyft nu"
    contact = services.contact_add(
        actor=counsellor,
        case_id=case.pk,
        contact=ContactInput(Channel.PHONE, timezone.now(), note="Ring \u202dtillbaka"),
    )
    assert decrypt_text(contact.note_encrypted) == "Ring tillbaka"
    services.decision_record(actor=counsellor, case_id=case.pk, kind="refer", reason="Skolan \u202etar över")
    assert decrypt_text(Decision.objects.get().reason_encrypted) == "Skolan tar över"
    person = services.person_add(
        actor=counsellor,
        case_id=case.pk,
        person=PersonInput(
            alias="No\u202eur", role=PersonRole.EXPOSED, age_group="unknown", gender="unknown"
        ),
    )
    assert person.alias == "Nour"
    for invisible in ("\u202e", "\u202e\u200b \u2066", "\ufeff\u200d"):
        with pytest.raises(InvalidInput):
            services.flag_raise(actor=counsellor, case_id=case.pk, message=invisible)
    assert Flag.objects.count() == 1


def test_an_invisible_flag_from_the_page_is_refused(client, counsellor):
    from hedershus.cases.models import Flag

    case = case_make(counsellor)
    sign_in(client, counsellor)
    response = client.post(
        reverse("cases:flag_raise", kwargs={"case_id": case.pk}), {"message": "\u202e\u200b"}
    )
    assert response.status_code == 400
    assert not Flag.objects.exists()


# --- 12. a chat contact does not claim the opener took the chat -----------------------------


def test_a_chat_contact_says_who_took_it_into_the_case_not_that_they_took_the_chat(client, counsellor):
    conversation = conversation_make()
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    sign_in(client, counsellor)
    page = client.get(detail(case)).content.decode()
    assert "Togs in i ärendet av" in page and "själva chatten kan ha besvarats av någon annan" in page
    assert sv("Taken or recorded by") in page
