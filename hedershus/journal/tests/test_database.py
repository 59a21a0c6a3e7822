"""The database itself refuses to change or delete a signed entry (R21; migration 0002).

These run on whichever database the suite runs on (SQLite by default; PostgreSQL with
``DATABASE_URL``), through the ORM and through raw SQL on ``connection.cursor()``, so no
path around the services gets through. Each refused statement runs in a savepoint
(``transaction.atomic``) so the test's transaction survives the error on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.cases.models import Case
from hedershus.journal import services
from hedershus.journal.models import CullingPermit, JournalEntry
from hedershus.journal.retention import culling_permitted
from hedershus.journal.tests.helpers import case_make, correction_make, draft_make, signed_make

pytestmark = pytest.mark.django_db

TABLE = "journal_journalentry"
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _refused(sql: str, params: list[Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("text_encrypted", "x"),
        ("signed_at", None),
        ("author_role", "supervisor"),
        ("updated_at", "2030-01-01"),
    ],
)
def test_raw_sql_cannot_update_any_column_of_a_signed_entry(counsellor, column, value):
    entry = signed_make(counsellor, case_make(counsellor), "original")
    _refused(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, entry.pk])  # noqa: S608
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert stored.text == "original" and stored.signed_at == entry.signed_at


def test_the_orm_cannot_update_a_signed_entry(counsellor):
    entry = signed_make(counsellor, case_make(counsellor))
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(signed_at=None, author_role="", author_name="")
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.text_encrypted = "tampered"
        entry.save()
    assert JournalEntry.objects.get(pk=entry.pk).signed_at == entry.signed_at


def test_raw_sql_and_the_orm_cannot_delete_a_signed_entry(counsellor):
    entry = signed_make(counsellor, case_make(counsellor))
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_a_draft_can_still_be_updated_signed_and_deleted_by_raw_sql(counsellor):
    case = case_make(counsellor)
    draft, other = draft_make(counsellor, case), draft_make(counsellor, case)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET text_encrypted = %s WHERE id = %s", ["x", draft.pk])  # noqa: S608
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [other.pk])  # noqa: S608
    assert JournalEntry.objects.get(pk=draft.pk).text_encrypted == "x"
    assert not JournalEntry.objects.filter(pk=other.pk).exists()


def test_a_draft_cannot_move_to_another_case_or_author(counsellor, colleague):
    case, other = case_make(counsellor), case_make(counsellor)
    draft = draft_make(counsellor, case)
    _refused(f"UPDATE {TABLE} SET case_id = %s WHERE id = %s", [other.pk, draft.pk])  # noqa: S608
    _refused(f"UPDATE {TABLE} SET author_id = %s WHERE id = %s", [colleague.pk, draft.pk])  # noqa: S608
    stored = JournalEntry.objects.get(pk=draft.pk)
    assert (stored.case_id, stored.author_id) == (case.pk, counsellor.pk)


def test_deleting_a_case_with_signed_entries_is_refused_without_a_permit(counsellor):
    case = case_make(counsellor)
    entry = signed_make(counsellor, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        case.delete()
    assert JournalEntry.objects.filter(pk=entry.pk).exists() and Case.objects.filter(pk=case.pk).exists()


def test_culling_a_case_deletes_its_journal_and_leaves_no_permit(counsellor):
    case, kept = case_make(counsellor), case_make(counsellor)
    old = signed_make(counsellor, case)
    correction_make(counsellor, case, old)
    draft_make(counsellor, case)
    survivor = signed_make(counsellor, kept)
    case_id = case.pk
    with transaction.atomic(), culling_permitted([case_id]):
        case.delete()
    assert not JournalEntry.objects.filter(case_id=case_id).exists()
    assert JournalEntry.objects.filter(pk=survivor.pk).exists()
    assert not CullingPermit.objects.exists()
    event = AuditEvent.objects.get(event_type="journal.culled")
    assert (event.object_id, event.data) == (str(case_id), {"entries_deleted": 3})
    # The path closed with the block: the other case's entries are as protected as before.
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [survivor.pk])  # noqa: S608


def test_a_permit_for_one_case_lets_no_other_case_go(counsellor):
    case, other = case_make(counsellor), case_make(counsellor)
    entry = signed_make(counsellor, other)
    with transaction.atomic(), culling_permitted([case.pk]):
        _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_a_failure_inside_the_culling_block_rolls_its_permits_back(counsellor):
    case = case_make(counsellor)
    signed_make(counsellor, case)
    with pytest.raises(RuntimeError), culling_permitted([case.pk]):
        raise RuntimeError("job failed")
    assert not CullingPermit.objects.exists()
    assert JournalEntry.objects.filter(case=case).count() == 1


@on_sqlite
def test_sqlite_refuses_insert_or_replace_over_a_signed_entry(counsellor):
    entry = signed_make(counsellor, case_make(counsellor), "original")
    now = timezone.now().isoformat()
    _refused(
        f"INSERT OR REPLACE INTO {TABLE} (id, case_id, author_id, text_encrypted, created_at, updated_at,"  # noqa: S608
        " signed_at, author_role, author_name) VALUES (%s, %s, %s, 'x', %s, %s, NULL, '', '')",
        [entry.pk, entry.case_id, counsellor.pk, now, now],
    )
    assert JournalEntry.objects.get(pk=entry.pk).text == "original"


@on_sqlite
def test_sqlite_refuses_replacing_the_signed_correction_of_an_entry(counsellor):
    case = case_make(counsellor)
    old = signed_make(counsellor, case)
    correction = correction_make(counsellor, case, old, "rätt")
    now = timezone.now().isoformat()
    _refused(
        f"INSERT OR REPLACE INTO {TABLE} (case_id, author_id, text_encrypted, created_at, updated_at,"  # noqa: S608
        " signed_at, author_role, author_name, corrects_id)"
        " VALUES (%s, %s, 'x', %s, %s, %s, 'counsellor', 'X', %s)",
        [case.pk, counsellor.pk, now, now, now, old.pk],
    )
    assert JournalEntry.objects.get(pk=correction.pk).text == "rätt"


@on_sqlite
def test_sqlite_refuses_replacing_a_signed_entry_through_its_form_id(counsellor):
    import uuid

    case = case_make(counsellor)
    form_id = uuid.uuid4()
    draft = services.entry_draft_create(user=counsellor, case=case, text="signerad", client_id=form_id)
    services.entry_sign(user=counsellor, case=case, entry_id=draft.pk)
    now = timezone.now().isoformat()
    _refused(
        f"INSERT OR REPLACE INTO {TABLE} (case_id, author_id, text_encrypted, created_at, updated_at,"  # noqa: S608
        " signed_at, author_role, author_name, client_id) VALUES (%s, %s, 'x', %s, %s, NULL, '', '', %s)",
        [case.pk, counsellor.pk, now, now, form_id.hex],
    )
    assert JournalEntry.objects.get(pk=draft.pk).text == "signerad"


@on_sqlite
def test_sqlite_still_replaces_a_draft(counsellor):
    draft = draft_make(counsellor, case_make(counsellor))
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT OR REPLACE INTO {TABLE} (id, case_id, author_id, text_encrypted, created_at, updated_at,"  # noqa: S608
            " signed_at, author_role, author_name) VALUES (%s, %s, %s, 'y', %s, %s, NULL, '', '')",
            [draft.pk, draft.case_id, counsellor.pk, now, now],
        )
    assert JournalEntry.objects.get(pk=draft.pk).text_encrypted == "y"


@on_postgres
def test_postgres_refuses_truncate(counsellor):
    signed_make(counsellor, case_make(counsellor))
    with connection.cursor() as cursor:
        # Runs the foreign-key checks deferred to commit, or TRUNCATE stops at those first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(IntegrityError, match="cannot be truncated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {TABLE} CASCADE")
    assert JournalEntry.objects.count() == 1


@on_postgres
def test_postgres_refuses_an_upsert_over_a_signed_entry(counsellor):
    entry = signed_make(counsellor, case_make(counsellor), "original")
    now = timezone.now()
    _refused(
        f"INSERT INTO {TABLE} (id, case_id, author_id, text_encrypted, created_at, updated_at, signed_at,"  # noqa: S608
        " author_role, author_name) VALUES (%s, %s, %s, 'x', %s, %s, NULL, '', '')"
        " ON CONFLICT (id) DO UPDATE SET text_encrypted = EXCLUDED.text_encrypted",
        [entry.pk, entry.case_id, counsellor.pk, now, now],
    )
    assert JournalEntry.objects.get(pk=entry.pk).text == "original"


@on_postgres
def test_postgres_stamps_the_permit_and_ignores_one_of_another_transaction(counsellor):
    case = case_make(counsellor)
    entry = signed_make(counsellor, case)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journal_cullingpermit (case_id, transaction_id, created_at) VALUES (%s, 1, now())",
            [case.pk],
        )
        cursor.execute("SELECT transaction_id = txid_current() FROM journal_cullingpermit")
        assert cursor.fetchone() == (True,)  # the database wrote its own id over the given 1
        # A permit that names another transaction (as one left behind would) opens nothing.
        cursor.execute("ALTER TABLE journal_cullingpermit DISABLE TRIGGER journal_permit_stamp")
        cursor.execute("UPDATE journal_cullingpermit SET transaction_id = 1")
        cursor.execute("ALTER TABLE journal_cullingpermit ENABLE TRIGGER journal_permit_stamp")
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_the_retention_job_culls_an_expired_case_with_its_signed_journal(counsellor):
    """cases.retention's daily job enters the journal's permit (registered in
    JournalConfig.ready) around the deletion, so an expired case goes with its journal, and
    a recent signed entry keeps its closed case from expiring."""
    import datetime as dt
    from unittest import mock

    from hedershus.cases.models import CaseStatus
    from hedershus.cases.retention import cases_cull_expired

    long_ago = timezone.now() - dt.timedelta(days=366 * 12)
    expired, recent = case_make(counsellor), case_make(counsellor)
    with mock.patch("hedershus.journal.services.timezone.now", return_value=long_ago):
        old = signed_make(counsellor, expired)
        correction_make(counsellor, expired, old)
        signed_make(counsellor, recent)
    kept = signed_make(counsellor, recent)
    Case.objects.filter(pk__in=[expired.pk, recent.pk]).update(
        status=CaseStatus.CLOSED,
        outcome="helped",
        closed_at=long_ago,
        updated_at=long_ago,
        opened_at=long_ago,
    )
    assert cases_cull_expired(timezone.now(), 10) == {"cases_culled": 1}
    assert not Case.objects.filter(pk=expired.pk).exists()
    assert not JournalEntry.objects.filter(case_id=expired.pk).exists()
    assert JournalEntry.objects.filter(pk=kept.pk).exists()
    assert not CullingPermit.objects.exists()
    event = AuditEvent.objects.get(event_type="journal.culled")
    assert (event.object_id, event.data) == (str(expired.pk), {"entries_deleted": 2})
