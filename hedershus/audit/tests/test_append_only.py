"""The database itself refuses to change or delete audit events, whoever asks."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from hedershus.audit.models import AuditEvent, AuditSeal
from hedershus.audit.services import audit_record
from hedershus.audit.tests.conftest import seal
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


def _tables_referring_to_events() -> list[str]:
    """The event table and every table with a foreign key to it, found from the models, so a
    new app's reference (oversight's log review items did) does not make TRUNCATE fail on the
    foreign key before the trigger is reached."""
    tables = {AuditEvent._meta.db_table}
    for relation in AuditEvent._meta.get_fields(include_hidden=True):
        model = relation.related_model
        if (
            relation.auto_created
            and not relation.concrete
            and model is not None
            and not isinstance(model, str)
        ):
            tables.add(model._meta.db_table)  # the queue's reverse relation is hidden ("+")
    return sorted(tables)


def test_database_refuses_truncate_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        # Run the deferred foreign key checks now: TRUNCATE refuses a table with pending
        # checks by itself, which would hide whether the trigger refuses it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # With the tables that refer to it: else the foreign keys refuse before the trigger.
        # Every table that refers to events (seals, the queue, log review items, ...).
        cursor.execute(f"TRUNCATE {', '.join(_tables_referring_to_events())}")
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
    # A sealed event is protected by its seal's foreign key before the trigger is reached.
    refused = pytest.raises(DatabaseError, match=r"append-only|protected foreign keys")
    with refused, transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match=r"append-only|protected foreign keys"), transaction.atomic():
        AuditEvent.objects.all().delete()
    _assert_untouched(event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditseal SET sealed_at = sealed_at WHERE event_id = %s",
        "UPDATE audit_auditseal SET hash = 'x', prev_hash = 'y' WHERE event_id = %s",
        "DELETE FROM audit_auditseal WHERE event_id = %s",
    ],
)
def test_database_refuses_changing_a_seal(event, sql):
    seal()
    before = AuditSeal.objects.get(event=event)
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditSeal.objects.get(event=event).hash == before.hash
    _assert_untouched(event)


def test_database_refuses_truncating_the_seals_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    seal()
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditseal")  # nothing refers to the seals
    assert AuditSeal.objects.filter(event=event).exists()


def test_sqlite_refuses_replacing_a_seal(event):
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    original = AuditSeal.objects.get(event=event)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE forged AS SELECT * FROM audit_auditseal WHERE id = %s", [original.pk]
        )
        cursor.execute("UPDATE forged SET sealed_at = '2020-01-01 00:00:00'")
    for sql in (
        "INSERT OR REPLACE INTO audit_auditseal SELECT * FROM forged",
        "REPLACE INTO audit_auditseal SELECT * FROM forged",
    ):
        with _refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditSeal.objects.get(pk=original.pk).sealed_at == original.sealed_at


# --- Inserts that replace or update an event (issue 7, item 11) ---------------------------


def _forged_copy(event, **changes):
    """A temp table holding a copy of ``event`` with ``changes``: the row a forger would write."""
    assignments = ", ".join(f"{column} = %s" for column in changes)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE forged AS SELECT * FROM audit_auditevent WHERE id = %s", [event.pk])
        cursor.execute(f"UPDATE forged SET {assignments}", list(changes.values()))  # noqa: S608


# Each replaces the event either by its id, or by another unique column (its hash) under a new id.
_SQLITE_REPLACING_INSERTS = [
    "INSERT OR REPLACE INTO audit_auditevent SELECT * FROM forged",
    "REPLACE INTO audit_auditevent SELECT * FROM forged",
]
_UPSERTS = [
    # SQLite needs the WHERE true to parse ON CONFLICT after a SELECT.
    "INSERT INTO audit_auditevent SELECT * FROM forged WHERE true "
    "ON CONFLICT (id) DO UPDATE SET reason = excluded.reason",
    "INSERT INTO audit_auditevent SELECT * FROM forged WHERE true "
    "ON CONFLICT (hash) DO UPDATE SET reason = excluded.reason",
]


@pytest.mark.parametrize("new_id", [False, True], ids=["same id", "same hash, new id"])
@pytest.mark.parametrize("sql", _SQLITE_REPLACING_INSERTS)
def test_sqlite_refuses_insert_or_replace(event, sql, new_id):
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    _forged_copy(event, reason="changed", **({"id": event.pk + 1_000_000} if new_id else {}))
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    _assert_untouched(event)
    assert not AuditEvent.objects.filter(pk=event.pk + 1_000_000).exists()


@pytest.mark.parametrize("sql", _UPSERTS, ids=["on id", "on hash"])
def test_database_refuses_upserts(event, sql):
    _forged_copy(event, reason="changed")
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    _assert_untouched(event)


def test_postgresql_refuses_merge(event):
    if connection.vendor != "postgresql":
        pytest.skip("MERGE is PostgreSQL's")
    _forged_copy(event, reason="changed")
    for action in ("UPDATE SET reason = f.reason", "DELETE"):
        with _refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "MERGE INTO audit_auditevent AS a USING forged AS f ON a.id = f.id "
                f"WHEN MATCHED THEN {action}"
            )
    _assert_untouched(event)


def test_an_insert_that_conflicts_with_nothing_is_still_allowed(event):
    """The conflict trigger must not stop the normal append path."""
    appended = audit_record("user.viewed", actor=event.actor, target=event.actor)
    seal()
    assert AuditSeal.objects.get(event=appended).prev_hash == AuditSeal.objects.get(event=event).hash
    assert audit_chain_verify().intact


def test_sqlite_insert_or_replace_is_refused_on_every_unique_column(db):
    """Guards the trigger's list: a UNIQUE column added later without joining it would let
    REPLACE delete the event holding the same value."""
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    # A chained event: a sealed one's prev_hash is NULL, which clashes with nothing.
    event = AuditEvent.objects.filter(prev_hash__isnull=False).order_by("-id").first()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditevent")
    unique = [c["columns"] for c in constraints.values() if c["unique"] or c["primary_key"]]
    assert ["id"] in unique and ["hash"] in unique  # the introspection sees them
    fresh = {"id": event.pk + 1_000_000, "hash": "f" * 64, "prev_hash": "e" * 64}
    unique_columns = {column for columns in unique for column in columns}
    assert unique_columns <= set(fresh), "a new UNIQUE column: add it to the trigger and here"
    for columns in unique:
        # A copy that clashes with the event on these columns only.
        changes = {column: value for column, value in fresh.items() if column not in columns}
        _forged_copy(event, reason="changed", **changes)
        with _refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT OR REPLACE INTO audit_auditevent SELECT * FROM forged")
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE forged")
        assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert audit_chain_verify().intact
