"""Only auditors read the audit log."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from hedershus.audit.selectors import AuditEventFilters, audit_events_search, audit_events_visible_to
from hedershus.audit.services import audit_record
from hedershus.core.access import Capability
from hedershus.core.access_testing import for_roles_without


@pytest.fixture
def some_events(counsellor):
    return [audit_record("user.viewed", actor=counsellor, target=counsellor) for _ in range(3)]


def test_an_auditor_sees_every_event_newest_first(auditor, some_events):
    ours = audit_events_visible_to(auditor).filter(pk__gte=some_events[0].pk)
    assert list(ours) == list(reversed(some_events))


@for_roles_without(Capability.REVIEW_AUDIT_LOG)
def test_no_other_role_sees_any_event(cast, some_events, role):
    user = cast[role]
    assert not audit_events_visible_to(user).exists()
    assert not audit_events_search(user, AuditEventFilters()).exists()


def test_an_anonymous_user_sees_no_event(some_events):
    assert not audit_events_visible_to(AnonymousUser()).exists()


def test_a_deactivated_auditor_sees_no_event(auditor, some_events):
    auditor.is_active = False
    assert not audit_events_visible_to(auditor).exists()


def test_filters_report_only_what_is_set_as_ids_and_iso_dates():
    filters = AuditEventFilters(actor_id=3, event_type="user.viewed", date_from=date(2026, 3, 1), up_to_id=9)
    assert filters.as_data() == {
        "actor_id": 3,
        "event_type": "user.viewed",
        "date_from": "2026-03-01",
        "up_to_id": 9,
    }
    assert AuditEventFilters().as_data() == {}
