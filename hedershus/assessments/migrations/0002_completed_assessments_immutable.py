"""The database itself refuses to change a completed assessment or a stored instrument
version (R15, R21: a result is never silently changed; a version means one text forever).

UPDATE of either table is refused on both databases, whatever the column; the application
has no path that updates them (a new assessment is made instead). DELETE stays possible:
culling an expired case removes its assessments with it (R22), and an instrument version
still used is kept by the foreign key (PROTECT). Errors are integrity errors on both
(SQLite's RAISE(ABORT); SQLSTATE 23001 restrict_violation on PostgreSQL), so Django raises
``IntegrityError``. A later migration that rebuilds either table on SQLite drops these
triggers: drop them first and create them again afterwards (``create_triggers``).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLES = {"assessments_assessment": "completed assessments", "assessments_instrument": "instrument versions"}

SQLITE_CREATE = [
    f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{what} cannot be changed'); END;"""
    for table, what in TABLES.items()
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in TABLES]
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION assessments_refuse_update() RETURNS trigger AS $$
       BEGIN
         -- No format string: Django hands this SQL to psycopg, which reads percent signs as placeholders.
         RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' cannot be changed',
           ERRCODE = 'restrict_violation';
       END;
       $$ LANGUAGE plpgsql;""",
    *(
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION assessments_refuse_update();"""
        for table in TABLES
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};" for table in TABLES),
    "DROP FUNCTION IF EXISTS assessments_refuse_update();",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"No assessments triggers for database vendor {vendor!r}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
