"""audit_record: the one write API of the audit log."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from hedershus.audit.events import EVENT_TYPES, register_event_types
from hedershus.audit.models import ActorKind, AuditEvent
from hedershus.audit.services import audit_record


def test_an_unknown_event_type_is_refused_and_nothing_is_stored(counsellor):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match=r"Unknown audit event type: 'user\.veiwed'"):
        audit_record("user.veiwed", actor=counsellor)
    assert AuditEvent.objects.count() == before


def test_an_event_cannot_have_both_a_user_and_a_visitor_as_actor(counsellor):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="not both"):
        audit_record("auth.login_failed", actor=counsellor, visitor=True)
    assert AuditEvent.objects.count() == before


def test_a_user_event_stores_the_actor_and_the_target(counsellor, administrator):
    event = audit_record("user.viewed", actor=administrator, target=counsellor, reason="check", data={"a": 1})
    event.refresh_from_db()
    assert event.actor == administrator
    assert event.actor_kind == ActorKind.USER
    assert (event.object_type, event.object_id) == ("accounts.user", str(counsellor.pk))
    assert (event.reason, event.data) == ("check", {"a": 1})
    assert event.event_label == str(EVENT_TYPES["user.viewed"])


def test_a_visitor_event_stores_no_actor(db):
    event = audit_record("auth.login_failed", visitor=True, data={"stage": "password"})
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_kind == ActorKind.VISITOR == "visitor"


def test_an_anonymous_user_as_actor_is_not_stored_as_a_user(db):
    event = audit_record("auth.login_failed", actor=AnonymousUser(), visitor=False)
    assert event.actor is None
    assert event.actor_kind == ActorKind.SYSTEM


def test_an_event_without_actor_is_the_systems(db):
    event = audit_record("user.unlocked")
    assert event.actor is None
    assert event.actor_kind == ActorKind.SYSTEM == "system"


def test_outside_a_request_no_request_id_is_stored(db):
    assert audit_record("user.unlocked").request_id == ""


def test_the_request_id_of_the_middleware_is_stored(auditor, signed_in, caplog):
    caplog.set_level(logging.INFO, logger="hedershus.request")
    client = signed_in(auditor)
    for _ in range(2):
        assert client.get(reverse("audit:search")).status_code == 200
    logged = re.findall(r"GET /staff/audit/ 200 \d+ms id=([0-9a-f]{32})", caplog.text)
    stored = list(
        AuditEvent.objects.filter(event_type="audit.searched")
        .order_by("id")
        .values_list("request_id", flat=True)
    )
    assert len(logged) == 2
    assert stored == logged
    assert stored[0] != stored[1]


def test_event_types_are_registered_once(db):
    with pytest.raises(ValueError, match="registered twice"):
        register_event_types({"audit.searched": "again"})


def test_every_event_type_has_a_label_and_a_dotted_name():
    for name, label in EVENT_TYPES.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name
        assert str(label)
