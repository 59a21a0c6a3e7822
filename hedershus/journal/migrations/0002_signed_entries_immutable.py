"""The database itself refuses to change or delete a signed journal entry (R21).

As the audit log's triggers (audit migrations 0002, 0003, 0005), on both databases:

- UPDATE of a signed row is refused, whatever the column (``signed_at`` included). A draft
  may change, and be signed (an UPDATE whose OLD row is unsigned), but never move to
  another case, author or time of writing.
- DELETE of a signed row is refused unless its case holds a ``CullingPermit`` (the
  retention job's narrow path for culling a whole expired case, R22); on PostgreSQL the
  permit must have been written in the same transaction (``txid_current()``, which the
  database writes into the permit itself, so it cannot be forged for a later one).
- SQLite: INSERT OR REPLACE deletes the row it conflicts with without firing DELETE
  triggers, so a BEFORE INSERT trigger refuses an insert that conflicts with a signed row
  (its id, or the one signed correction of an entry).
- PostgreSQL: TRUNCATE is refused. Upserts and MERGE fire the row triggers.

Errors are integrity errors on both (SQLite's RAISE(ABORT); SQLSTATE 23001
restrict_violation on PostgreSQL), so Django raises ``IntegrityError`` for either.
A table rebuild drops SQLite's triggers: a later migration that rebuilds the entry table
must drop them first and create them again afterwards (``create_triggers`` here).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "journal_journalentry"
PERMITS = "journal_cullingpermit"

SQLITE_CREATE = [
    f"""CREATE TRIGGER journal_entry_signed_no_update BEFORE UPDATE ON {TABLE}
        WHEN OLD.signed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'signed journal entries cannot be changed'); END;""",
    f"""CREATE TRIGGER journal_entry_draft_keeps_place BEFORE UPDATE ON {TABLE}
        WHEN NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id
          OR NEW.author_id IS NOT OLD.author_id OR NEW.created_at IS NOT OLD.created_at
        BEGIN SELECT RAISE(ABORT, 'a journal entry keeps its case, author and time written'); END;""",
    f"""CREATE TRIGGER journal_entry_signed_no_delete BEFORE DELETE ON {TABLE}
        WHEN OLD.signed_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {PERMITS} WHERE case_id = OLD.case_id)
        BEGIN SELECT RAISE(ABORT, 'signed journal entries cannot be deleted'); END;""",  # noqa: S608
    f"""CREATE TRIGGER journal_entry_signed_no_replace BEFORE INSERT ON {TABLE}
        WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id AND signed_at IS NOT NULL)
          OR (NEW.signed_at IS NOT NULL AND NEW.corrects_id IS NOT NULL AND EXISTS (
              SELECT 1 FROM {TABLE} WHERE corrects_id = NEW.corrects_id AND signed_at IS NOT NULL))
        BEGIN SELECT RAISE(ABORT, 'signed journal entries cannot be replaced'); END;""",  # noqa: S608
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS journal_entry_signed_no_update;",
    "DROP TRIGGER IF EXISTS journal_entry_draft_keeps_place;",
    "DROP TRIGGER IF EXISTS journal_entry_signed_no_delete;",
    "DROP TRIGGER IF EXISTS journal_entry_signed_no_replace;",
]
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION journal_entry_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE' THEN
           RAISE EXCEPTION 'journal entries cannot be truncated' USING ERRCODE = 'restrict_violation';
         END IF;
         IF TG_OP = 'DELETE' THEN
           IF OLD.signed_at IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM {PERMITS} p
               WHERE p.case_id = OLD.case_id AND p.transaction_id = txid_current()) THEN
             RAISE EXCEPTION 'signed journal entries cannot be deleted' USING ERRCODE = 'restrict_violation';
           END IF;
           RETURN OLD;
         END IF;
         IF OLD.signed_at IS NOT NULL THEN
           RAISE EXCEPTION 'signed journal entries cannot be changed' USING ERRCODE = 'restrict_violation';
         END IF;
         IF NEW.id <> OLD.id OR NEW.case_id <> OLD.case_id OR NEW.author_id <> OLD.author_id
            OR NEW.created_at <> OLD.created_at THEN
           RAISE EXCEPTION 'a journal entry keeps its case, author and time written'
             USING ERRCODE = 'restrict_violation';
         END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql;""",  # noqa: S608
    f"""CREATE TRIGGER journal_entry_guard BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION journal_entry_guard();""",
    f"""CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION journal_entry_guard();""",
    # The permit names the transaction that wrote it, whatever the writer said.
    """CREATE OR REPLACE FUNCTION journal_permit_stamp() RETURNS trigger AS $$
       BEGIN NEW.transaction_id := txid_current(); RETURN NEW; END;
       $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER journal_permit_stamp BEFORE INSERT OR UPDATE ON {PERMITS}
        FOR EACH ROW EXECUTE FUNCTION journal_permit_stamp();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS journal_entry_guard ON {TABLE};",
    f"DROP TRIGGER IF EXISTS journal_entry_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS journal_entry_guard();",
    f"DROP TRIGGER IF EXISTS journal_permit_stamp ON {PERMITS};",
    "DROP FUNCTION IF EXISTS journal_permit_stamp();",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"No journal triggers for database vendor {vendor!r}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
