"""Indexes for the case list and search at scale (issue 10, item 8; bench/case_list.py).

- Newest first: the list and every search are ordered by opening time and stop at
  ``selectors.LIST_LIMIT`` rows, so PostgreSQL walks this index and stops instead of sorting
  every match.
- Alias search (``alias__icontains``, "Amina" finds "amina 4") on PostgreSQL: a trigram index
  (``pg_trgm``, a trusted extension since PostgreSQL 13, so the database's owner may create
  it) on the same expression Django's ``icontains`` compares, ``UPPER(alias::text)``; without
  it every search read every person. SQLite scans, as its single-user installations can.
  Outside Django's model state (a GIN index with an operator class is PostgreSQL's only);
  docs/operations.md names the extension.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRIGRAM_INDEX = "cases_person_alias_trgm"


def create_alias_trigram_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON cases_person "
        "USING gin (UPPER(alias::text) gin_trgm_ops)"
    )


def drop_alias_trigram_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_person_district_encrypted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-opened_at", "-id"], name="cases_case_newest_idx"),
        ),
        migrations.RunPython(create_alias_trigram_index, drop_alias_trigram_index),
    ]
