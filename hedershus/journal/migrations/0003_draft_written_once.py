"""A draft is stored once per form (``client_id``), and SQLite's INSERT OR REPLACE cannot use
the new unique index to delete a signed entry: the replace trigger of migration 0002 is
re-created with that index's conflict added (REPLACE deletes the row it conflicts with on
any unique index, without firing DELETE triggers). The column and a partial index are added
without rebuilding the table, so the other triggers stay as they are.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "journal_journalentry"
TRIGGER = "journal_entry_signed_no_replace"
SQLITE_REPLACE_GUARD_V2 = f"""CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {TABLE}
    WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id AND signed_at IS NOT NULL)
      OR (NEW.signed_at IS NOT NULL AND NEW.corrects_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM {TABLE} WHERE corrects_id = NEW.corrects_id AND signed_at IS NOT NULL))
      OR (NEW.client_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM {TABLE} WHERE author_id = NEW.author_id AND client_id = NEW.client_id
            AND signed_at IS NOT NULL))
    BEGIN SELECT RAISE(ABORT, 'signed journal entries cannot be replaced'); END;"""  # noqa: S608
SQLITE_REPLACE_GUARD_V1 = f"""CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {TABLE}
    WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id AND signed_at IS NOT NULL)
      OR (NEW.signed_at IS NOT NULL AND NEW.corrects_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM {TABLE} WHERE corrects_id = NEW.corrects_id AND signed_at IS NOT NULL))
    BEGIN SELECT RAISE(ABORT, 'signed journal entries cannot be replaced'); END;"""  # noqa: S608


def _replace_guard(schema_editor: BaseDatabaseSchemaEditor, sql: str) -> None:
    # PostgreSQL has no INSERT OR REPLACE: its upserts fire the UPDATE trigger.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER};")
        schema_editor.execute(sql)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _replace_guard(schema_editor, SQLITE_REPLACE_GUARD_V2)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _replace_guard(schema_editor, SQLITE_REPLACE_GUARD_V1)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_problem_types_seed"),
        ("journal", "0002_signed_entries_immutable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="client_id",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="journalentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_id__isnull", False)),
                fields=("author", "client_id"),
                name="journal_entry_written_once",
            ),
        ),
        # After the column: the trigger names it. Backwards, before the column goes.
        migrations.RunPython(forwards, backwards),
    ]
