"""Three index entries fewer for every audited write (issue 8, item 7).

- Only the chained events recorded before migration 0005 link to the one before them; every
  event since has ``prev_hash`` NULL and is put in order by its seal. The uniqueness of the
  links (no fork in the old chain) now covers those events alone, as a partial unique index,
  so a new event no longer adds a NULL entry to it.
- A seal's ``prev_hash`` and ``hash`` stay unique (no fork in the seal chain), as named
  constraints instead of ``unique=True``: on PostgreSQL that added a second index for LIKE
  queries beside each, which nothing runs on hashes (as 0006 did for events).

Each constraint is in place before the one it replaces goes (one transaction on both
databases). SQLite rebuilds both tables, which drops their append-only triggers: they are
dropped first and created again afterwards (0003's and 0005's SQL).
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")
_sealed_events = importlib.import_module("hedershus.audit.migrations.0005_sealed_events")


def _drop_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _keyed_chain.drop_sqlite_triggers(apps, schema_editor)
        _sealed_events.drop_seal_triggers(apps, schema_editor)


def _create_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _keyed_chain.create_sqlite_triggers(apps, schema_editor)
        _sealed_events.create_seal_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_leaner_event_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_drop_sqlite_triggers, _create_sqlite_triggers),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("prev_hash__isnull", False)),
                fields=("prev_hash",),
                name="audit_event_chained_prev_hash_unique",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="auditevent",
            name="audit_event_prev_hash_unique",
        ),
        migrations.AddConstraint(
            model_name="auditseal",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_seal_prev_hash_unique"),
        ),
        migrations.AddConstraint(
            model_name="auditseal",
            constraint=models.UniqueConstraint(fields=("hash",), name="audit_seal_hash_unique"),
        ),
        migrations.AlterField(
            model_name="auditseal",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="auditseal",
            name="prev_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(_create_sqlite_triggers, _drop_sqlite_triggers),
    ]
