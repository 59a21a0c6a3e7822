"""Who sees which case (R20): assigned staff and the supervisor without a reason, another
counsellor with an unexpired reason, nobody else; protected identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import _make_user
from hedershus.cases import services
from hedershus.cases.models import CaseAccessGrant, CaseStatus, ProblemType
from hedershus.cases.selectors import (
    CaseFilters,
    CaseReasonRequired,
    case_get_for_user,
    case_page,
    case_rows_for,
    cases_searchable_by,
    cases_visible_to,
)
from hedershus.cases.services import PersonInput
from hedershus.cases.tests.helpers import case_make, conversation_make
from hedershus.core.access import Capability, Role
from hedershus.core.access_testing import for_roles_without
from hedershus.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def test_assigned_staff_and_the_supervisor_open_the_case(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    assert case_get_for_user(counsellor, case.pk) == case
    assert case_get_for_user(supervisor, case.pk) == case
    assert set(cases_visible_to(supervisor)) == {case}


def test_another_counsellor_must_give_a_reason(counsellor, colleague):
    case = case_make(counsellor)
    with pytest.raises(CaseReasonRequired):
        case_get_for_user(colleague, case.pk)
    assert case not in cases_visible_to(colleague)
    services.case_access_grant(actor=colleague, case_id=case.pk, reason="Hon ringer nu, jour")
    assert case_get_for_user(colleague, case.pk) == case
    assert case in cases_visible_to(colleague)


def test_a_grant_expires(counsellor, colleague):
    case = case_make(counsellor)
    grant = services.case_access_grant(actor=colleague, case_id=case.pk, reason="Hon ringer nu, jour")
    CaseAccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(CaseReasonRequired):
        case_get_for_user(colleague, case.pk)
    assert case not in cases_visible_to(colleague)


@for_roles_without(Capability.HANDLE_CASES)
def test_roles_that_do_not_handle_cases_get_not_found(counsellor, role):
    case = case_make(counsellor)
    other = _make_user(role, f"{role}-x@example.org")
    with pytest.raises(NotFound):
        case_get_for_user(other, case.pk)
    assert not cases_visible_to(other).exists()
    assert not cases_searchable_by(other).exists()


def test_protected_identity_is_hidden_from_all_but_assigned_staff(counsellor, supervisor, colleague):
    case = case_make(counsellor, supervisor=supervisor, protected_identity=True)
    services.person_add(
        actor=counsellor,
        case_id=case.pk,
        person=PersonInput(
            "Sara", "exposed", "13-17", "female", "Botkyrka", "Alby", "Sara Real", "811218-9876"
        ),
    )
    mine = case_page(counsellor, case).persons[0]
    assert not mine.protected_hidden and mine.name == "Sara Real"
    assert mine.identity_number_masked == "19811218-****"
    theirs = case_page(supervisor, case).persons[0]
    assert theirs.protected_hidden and theirs.name == "" and theirs.identity_number_masked == ""
    assert case not in cases_searchable_by(colleague)
    assert case in cases_searchable_by(counsellor)


def test_a_municipality_filter_does_not_find_a_protected_case_for_its_supervisor(counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor, protected_identity=True)
    services.person_add(
        actor=counsellor, case_id=case.pk, person=PersonInput("A", "exposed", "unknown", "unknown", "Solna")
    )
    by_place = CaseFilters(municipality="Solna")
    assert [r.case for r in case_rows_for(counsellor, by_place, search=False)] == [case]
    assert case_rows_for(supervisor, by_place, search=False) == []
    assert [r.case for r in case_rows_for(supervisor, CaseFilters(), search=False)] == [case]


def test_search_finds_others_cases_as_outside_rows_without_aliases(counsellor, colleague):
    case = case_make(counsellor)
    services.person_add(
        actor=counsellor, case_id=case.pk, person=PersonInput("Leyla", "exposed", "unknown", "unknown")
    )
    assert case_rows_for(colleague, CaseFilters(), search=False) == []
    rows = case_rows_for(colleague, CaseFilters(alias="ley"), search=True)
    assert [(r.case, r.outside, r.aliases) for r in rows] == [(case, True, [])]
    mine = case_rows_for(counsellor, CaseFilters(alias="ley"), search=True)
    assert [(r.outside, r.aliases) for r in mine] == [(False, ["Leyla"])]


def test_filters_by_status_urgency_problem_type_and_dates(counsellor):
    first, second = case_make(counsellor), case_make(counsellor, urgency="acute")
    services.case_status_set(actor=counsellor, case_id=second.pk, status=CaseStatus.ONGOING)
    marriage = ProblemType.objects.get(name_en="Forced marriage")
    services.case_problem_types_set(actor=counsellor, case_id=first.pk, problem_type_ids=[marriage.pk])

    def found(**kwargs):
        return [r.case for r in case_rows_for(counsellor, CaseFilters(**kwargs), search=False)]

    assert found(status="ongoing") == [second]
    assert found(urgency="acute") == [second]
    assert found(problem_type=marriage.pk) == [first]
    today = timezone.localdate()
    assert set(found(opened_from=today, opened_to=today)) == {first, second}
    assert found(opened_to=today - dt.timedelta(days=1)) == []
    assert CaseFilters(status="new", urgency="").used() == ["status"]


def test_the_case_page_shows_the_linked_thread_and_then_its_deletion(counsellor):
    conversation = conversation_make("Min bror följer efter mig")
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    page = case_page(counsellor, case)
    [thread] = page.threads
    assert thread.messages[0]["text"] == "Min bror följer efter mig"
    assert thread.messages[0]["sender"] == "visitor"
    assert not thread.deleted
    conversation.room.delete()
    case.refresh_from_db()
    page = case_page(counsellor, case)
    [thread] = page.threads
    assert thread.messages == [] and thread.deleted and thread.conversation_id is None


def test_contacts_are_listed_newest_first(counsellor):
    case = case_make(counsellor)
    earlier = services.ContactInput("email", timezone.now() - dt.timedelta(days=2))
    services.contact_add(actor=counsellor, case_id=case.pk, contact=earlier)
    channels = [c.contact.channel for c in case_page(counsellor, case).contacts]
    assert channels == ["phone", "email"]


def test_a_supervisor_does_not_see_cases_they_do_not_supervise(counsellor):
    case = case_make(counsellor)
    other_supervisor = _make_user(Role.SUPERVISOR, "other-supervisor@example.org")
    with pytest.raises(CaseReasonRequired):
        case_get_for_user(other_supervisor, case.pk)


def test_the_conversation_link_shows_only_to_those_messaging_lets_in(counsellor, colleague):
    from hedershus.messaging.services.queue import conversation_claim

    conversation = conversation_make()
    conversation_claim(user=counsellor, conversation=conversation)
    case = services.case_open_from_conversation(actor=counsellor, conversation=conversation)
    services.case_access_grant(actor=colleague, case_id=case.pk, reason="Jour: hon ringer nu")
    assert case_page(counsellor, case).threads[0].open_to_user
    [thread] = case_page(colleague, case).threads
    assert thread.messages and not thread.open_to_user


def test_every_linked_conversation_shows_oldest_first(counsellor):
    from hedershus.messaging.models import Conversation

    first = conversation_make("Första gången")
    case = services.case_open_from_conversation(actor=counsellor, conversation=first)
    Conversation.objects.filter(pk=first.pk).update(status="closed")
    later = conversation_make("Andra gången")
    Conversation.objects.filter(pk=later.pk).update(room=first.room)
    services.conversation_join_case(actor=counsellor, conversation=later, case_id=case.pk)
    texts = [thread.messages[0]["text"] for thread in case_page(counsellor, case).threads]
    assert texts == ["Första gången", "Andra gången"]
