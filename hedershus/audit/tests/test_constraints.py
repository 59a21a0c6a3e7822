"""The database itself refuses audit events that break the log's invariants (issue 8, item 6),
whatever code writes them: the ORM without validation here, as raw SQL would."""

from __future__ import annotations

import secrets

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hedershus.audit.models import AuditEvent, AuditSeal
from hedershus.audit.services import audit_record
from hedershus.audit.tests.conftest import seal


def _event(**fields) -> AuditEvent:
    values = {
        "occurred_at": timezone.now(),
        "actor_kind": "system",
        "event_type": "user.unlocked",
        "prev_hash": secrets.token_hex(32),
        "hash": secrets.token_hex(32),
        "key_id": "0" * 16,
    }
    return AuditEvent(**{**values, **fields})


def _refused():
    # A savepoint each: on PostgreSQL a failed statement aborts the whole transaction.
    return pytest.raises(IntegrityError)


@pytest.mark.parametrize(
    ("kind", "with_user"),
    [("user", False), ("visitor", True), ("system", True), ("robot", False), ("", False)],
)
def test_database_refuses_an_actor_kind_that_disagrees_with_the_actor(counsellor, kind, with_user):
    before = AuditEvent.objects.count()
    with _refused(), transaction.atomic():
        _event(actor_kind=kind, actor=counsellor if with_user else None).save(force_insert=True)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("kind", "with_user"), [("user", True), ("visitor", False), ("system", False)])
def test_database_accepts_each_agreeing_actor_kind(counsellor, kind, with_user):
    _event(actor_kind=kind, actor=counsellor if with_user else None).save(force_insert=True)


def test_database_refuses_a_fork_in_the_chain(db):
    head = AuditEvent.objects.filter(prev_hash__isnull=False).order_by("-id").first()
    # A second chained event claiming to follow the same event as the head does.
    with _refused(), transaction.atomic():
        _event(prev_hash=head.prev_hash).save(force_insert=True)
    assert AuditEvent.objects.filter(prev_hash=head.prev_hash).count() == 1


def _seal_of(event: AuditEvent, **fields) -> AuditSeal:
    values = {
        "event": event,
        "event_hash": event.hash,
        "prev_hash": secrets.token_hex(32),
        "hash": secrets.token_hex(32),
        "key_id": "0" * 16,
        "sealed_at": timezone.now(),
    }
    return AuditSeal(**{**values, **fields})


def test_database_refuses_a_fork_in_the_seal_chain(counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    sealed = audit_record("user.viewed", actor=counsellor, target=counsellor)
    seal()
    unsealed = _event(prev_hash=None)  # inserted without the service: neither queued nor sealed
    unsealed.save(force_insert=True)
    # A seal claiming to follow the same seal as the newest seal does.
    with _refused(), transaction.atomic():
        _seal_of(unsealed, prev_hash=AuditSeal.objects.get(event=sealed).prev_hash).save(force_insert=True)
    assert not AuditSeal.objects.filter(event=unsealed).exists()


def test_database_refuses_sealing_an_event_twice(counsellor):
    event = audit_record("user.viewed", actor=counsellor, target=counsellor)
    seal()
    with _refused(), transaction.atomic():
        _seal_of(event).save(force_insert=True)
    assert AuditSeal.objects.filter(event=event).count() == 1


def test_prev_hash_is_unique_in_the_schema_itself(db):
    """Not only through SQLite's conflict trigger: the column has a unique constraint."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    assert any(c["unique"] and c["columns"] == ["prev_hash"] for c in constraints.values())
    assert any(c["check"] and name == "audit_event_actor_matches_kind" for name, c in constraints.items())
    with connection.cursor() as cursor:
        seal_constraints = connection.introspection.get_constraints(cursor, AuditSeal._meta.db_table)
    for column in ("event_id", "prev_hash", "hash"):
        assert any(c["unique"] and c["columns"] == [column] for c in seal_constraints.values()), column
