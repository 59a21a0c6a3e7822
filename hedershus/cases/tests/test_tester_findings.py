"""The defects a tester found in case management (issue 10's review), each with its proof."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from hedershus.cases import services
from hedershus.cases.models import Case, CaseAssignment, Contact, Person, PersonRole
from hedershus.cases.services import PersonInput
from hedershus.cases.tests.helpers import case_make, conversation_make
from hedershus.core.exceptions import AccessDenied, NotFound

pytestmark = pytest.mark.django_db

REASON = "Följer upp ett samtal med mamman i ärendet"


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
