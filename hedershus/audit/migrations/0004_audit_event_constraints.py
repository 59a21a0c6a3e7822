"""The database enforces two invariants of the audit log (issue 8, item 6):

- an event's actor kind and actor agree: "user" has a user, "visitor" and "system" have none;
- ``prev_hash`` is unique: no two events follow the same event, so the chain cannot fork.

SQLite adds a CHECK constraint by rebuilding the table, which drops its triggers, so they are
dropped first and created again afterwards (the SQL of migration 0003).
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.db import migrations, models

_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_keyed_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_keyed_chain.drop_sqlite_triggers, _keyed_chain.create_sqlite_triggers),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("actor__isnull", False), ("actor_kind", "user")),
                    models.Q(("actor__isnull", True), ("actor_kind__in", ["visitor", "system"])),
                    _connector="OR",
                ),
                name="audit_event_actor_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_event_prev_hash_unique"),
        ),
        migrations.RunPython(_keyed_chain.create_sqlite_triggers, _keyed_chain.drop_sqlite_triggers),
    ]
