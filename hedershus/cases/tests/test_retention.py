"""Retention of cases (R22, cases/retention.py): a closed case goes, with everything in it,
CASE_RETENTION_YEARS after its last entry; an open one never; what goes leaves a
content-free audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.cases import retention
from hedershus.cases.models import Case, CaseOutcome, CaseStatus, Contact
from hedershus.cases.services import case_status_set
from hedershus.cases.tests.helpers import case_make
from hedershus.core.access import Role
from hedershus.followup.services import follow_up_record
from hedershus.journal import services as journal
from hedershus.journal.models import JournalEntry
from hedershus.messaging.retention import retention_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def counsellor(cast):
    return cast[Role.COUNSELLOR]


def _closed_case(counsellor, *, years_ago: float):
    """A case closed (and last touched) ``years_ago`` years before now."""
    case = case_make(counsellor)
    case_status_set(actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED, outcome=_an_outcome())
    then = timezone.now() - dt.timedelta(days=round(365.25 * years_ago))
    Case.objects.filter(pk=case.pk).update(closed_at=then, updated_at=then, opened_at=then)
    Contact.objects.filter(case=case).update(occurred_at=then, created_at=then)
    case.refresh_from_db()
    return case


def _an_outcome() -> str:
    return CaseOutcome.values[0]


def test_a_closed_case_past_its_period_is_culled_with_its_contacts_and_leaves_no_content(counsellor):
    case = _closed_case(counsellor, years_ago=5.1)
    reference = case.reference
    counts = retention.cases_cull_expired(timezone.now(), 100)
    assert counts == {"cases_culled": 1}
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Contact.objects.filter(case_id=case.pk).exists()
    event = AuditEvent.objects.get(event_type="case.culled")
    assert event.object_id == str(case.pk)
    assert event.data == {"closed_year": case.closed_at.year}
    assert reference not in str(event.data) and event.actor is None


def test_a_case_within_its_period_or_still_open_is_kept(counsellor):
    recent = _closed_case(counsellor, years_ago=4.9)
    old_but_open = case_make(counsellor)
    then = timezone.now() - dt.timedelta(days=365 * 20)
    Case.objects.filter(pk=old_but_open.pk).update(opened_at=then, updated_at=then)
    assert retention.cases_cull_expired(timezone.now(), 100) == {"cases_culled": 0}
    assert Case.objects.filter(pk__in=[recent.pk, old_but_open.pk]).count() == 2


def test_a_later_entry_in_another_app_moves_the_cull_date(counsellor):
    case = _closed_case(counsellor, years_ago=5.1)
    follow_up_record(
        user=counsellor,
        case=case,
        held_on=timezone.localdate() - dt.timedelta(days=300),
        ratings={"safety": 3},
    )
    assert retention.cases_cull_expired(timezone.now(), 100) == {"cases_culled": 0}
    assert retention.case_cull_date(case) == retention._years_later(timezone.localdate(), 5)


def test_a_case_with_signed_journal_entries_is_culled_through_the_journals_permit(counsellor):
    case = case_make(counsellor)
    draft = journal.entry_draft_create(user=counsellor, case=case, text="Samtal.")
    journal.entry_sign(user=counsellor, case=case, entry_id=draft.pk)
    case_status_set(actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED, outcome=_an_outcome())
    then = timezone.now() - dt.timedelta(days=365 * 6)
    Case.objects.filter(pk=case.pk).update(closed_at=then, updated_at=then)
    Contact.objects.filter(case=case).update(occurred_at=then, created_at=then)
    # Signed rows never change, so the entry keeps today's time: the period runs from it.
    with override_settings(CASE_RETENTION_YEARS=1):
        future = timezone.now() + dt.timedelta(days=400)
        assert retention.cases_cull_expired(future, 100) == {"cases_culled": 1}
    assert not JournalEntry.objects.filter(case_id=case.pk).exists()
    assert AuditEvent.objects.filter(event_type="journal.culled", object_id=str(case.pk)).exists()


def test_the_cull_date_shows_only_for_a_closed_case_and_handles_leap_days(counsellor):
    case = case_make(counsellor)
    assert retention.case_cull_date(case) is None
    assert retention._years_later(dt.date(2028, 2, 29), 5) == dt.date(2033, 2, 28)
    closed = _closed_case(counsellor, years_ago=1)
    assert retention.case_cull_date(closed) == retention._years_later(timezone.localdate(closed.closed_at), 5)


@override_settings(CASE_RETENTION_YEARS=10)
def test_the_period_is_set_per_installation(counsellor):
    case = _closed_case(counsellor, years_ago=6)
    assert retention.cases_cull_expired(timezone.now(), 100) == {"cases_culled": 0}
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_daily_retention_run_culls_cases_and_audits_the_count(counsellor):
    _closed_case(counsellor, years_ago=5.5)
    counts = retention_run()
    assert counts["cases_culled"] == 1
    run = AuditEvent.objects.get(event_type="messaging.retention_run")
    assert run.data["cases_culled"] == 1 and run.data["completed"] is True


def test_a_conversation_taken_into_a_case_outlives_the_conversations_retention(counsellor):
    from hedershus.cases.services import case_open_from_conversation
    from hedershus.cases.tests.helpers import conversation_make
    from hedershus.messaging.models import Conversation, ConversationStatus

    taken, other = conversation_make(), conversation_make()
    case_open_from_conversation(actor=counsellor, conversation=taken)
    long_ago = timezone.now() - dt.timedelta(days=400)
    Conversation.objects.filter(pk__in=[taken.pk, other.pk]).update(
        status=ConversationStatus.CLOSED, closed_at=long_ago
    )
    retention_run()
    assert Conversation.objects.filter(pk=taken.pk).exists()
    assert not Conversation.objects.filter(pk=other.pk).exists()


def test_every_case_app_reports_its_entries_to_retention():
    """Each app that records things on a case moves the cull date: a new app that forgets to
    register would let a case be culled while its newest record is young."""
    from django.apps import apps

    registered = set(retention._last_entry_sources)
    written_on_a_case = {
        config.label
        for config in apps.get_app_configs()
        for model in config.get_models()
        if config.label != "cases"
        and any(
            field.related_model is Case
            for field in model._meta.get_fields()
            if field.concrete and field.many_to_one
        )
    }
    assert written_on_a_case <= registered, written_on_a_case - registered


def test_a_closed_case_shows_when_it_will_be_culled(client, counsellor):
    from django.urls import reverse

    from conftest import sign_in

    case = case_make(counsellor)
    sign_in(client, counsellor)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    assert "Will be culled" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    case_status_set(actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED, outcome=_an_outcome())
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    day = retention._years_later(timezone.localdate(), 5)
    assert "Will be culled" in page and day.isoformat() in page
