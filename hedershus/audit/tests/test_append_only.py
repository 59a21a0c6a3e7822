"""The database itself refuses to change or delete audit events, whoever asks."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.audit.verify import audit_chain_verify


@pytest.fixture
def event(counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    return audit_record("user.viewed", actor=counsellor, target=counsellor, reason="original")


def _assert_untouched(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.reason, stored.hash) == ("original", event.hash)
    assert audit_chain_verify().intact


def _refused():
    # A savepoint each: on PostgreSQL a failed statement aborts the whole transaction.
    return pytest.raises(DatabaseError, match="append-only")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'changed' WHERE id = %s",
        "UPDATE audit_auditevent SET hash = 'x', prev_hash = 'y' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_raw_sql_changes(event, sql):
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    _assert_untouched(event)


def test_database_refuses_deleting_every_event(event):
    before = AuditEvent.objects.count()
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == before


def test_database_refuses_truncate_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        # Run the deferred foreign key checks now: TRUNCATE refuses a table with pending
        # checks by itself, which would hide whether the trigger refuses it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")
    _assert_untouched(event)


def test_orm_bulk_update_is_refused(event):
    with _refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    _assert_untouched(event)


def test_orm_save_of_an_existing_event_is_refused(event):
    event.reason = "changed"
    with _refused(), transaction.atomic():
        event.save()
    event.reason = "original"
    _assert_untouched(event)


def test_orm_delete_is_refused(event):
    with _refused(), transaction.atomic():
        event.delete()
    with _refused(), transaction.atomic():
        AuditEvent.objects.all().delete()
    _assert_untouched(event)
