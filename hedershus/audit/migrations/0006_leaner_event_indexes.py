"""Three indexes fewer to update on every audited write (issue 8, item 7).

On PostgreSQL Django adds a second index for LIKE queries beside every indexed or unique
CharField, and one for every foreign key; nothing runs LIKE on an event's type or hash, and
the (actor, occurred_at) index already serves lookups by actor. The uniqueness of ``hash``
stays, as a named constraint, and is in place before the old one goes. SQLite rebuilds the
table, which drops its append-only triggers: they are dropped first and created again
afterwards (0003's SQL), as in 0005.
"""

from __future__ import annotations

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_sealed_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_keyed_chain.drop_sqlite_triggers, _keyed_chain.create_sqlite_triggers),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["event_type"], name="audit_event_type_idx"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("hash",), name="audit_event_hash_unique"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="event_type",
            field=models.CharField(max_length=64, verbose_name="event"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(_keyed_chain.create_sqlite_triggers, _keyed_chain.drop_sqlite_triggers),
    ]
