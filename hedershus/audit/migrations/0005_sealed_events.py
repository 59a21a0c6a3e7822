"""Audit events that scale: signed on their own, put in order by a separate chain of seals.

Until now each event named the previous event's hash, so recording one took a lock held until
the caller's transaction committed, and every audited transaction ran one at a time. From
here on (docs/architecture.md, "The audit log"):

1. a new event has ``prev_hash`` NULL and is signed over its own content and a random
   ``nonce`` (``chain.canonical_content``, ``"scheme": "sealed"``), queued in
   ``audit_auditpending`` and, after its transaction has committed, **sealed**: an
   ``audit_auditseal`` row naming the event's id and hash and the previous seal's hash,
   signed with the same keys. The seals form the log's order;
2. the seal table is append-only like the events (UPDATE, DELETE, TRUNCATE and replacing
   inserts refused); the queue is a work list, not a record;
3. the switch-over is recorded as the last chained event, ``audit.sealing_started``,
   counting the chained events before it; the first seal links to its hash, so the two
   chains are one. From here on ``audit_verify`` refuses any chained event after it, so a
   forger cannot append events that pretend to be of the old kind.

SQLite rebuilds the event table to make ``prev_hash`` nullable and add ``nonce``, which
drops its triggers: they are dropped first and created again afterwards (0003's SQL).
"""

from __future__ import annotations

import importlib

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.chain import canonical_content, digest

_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")

SEAL_TABLE = "audit_auditseal"
SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON {SEAL_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;""",
    f"""CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON {SEAL_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;""",
    # As for events (0003): INSERT OR REPLACE would delete a conflicting seal silently.
    f"""CREATE TRIGGER audit_seal_no_replace BEFORE INSERT ON {SEAL_TABLE}
        WHEN EXISTS (SELECT 1 FROM {SEAL_TABLE} WHERE id = NEW.id)
          OR EXISTS (SELECT 1 FROM {SEAL_TABLE} WHERE event_id = NEW.event_id)
          OR EXISTS (SELECT 1 FROM {SEAL_TABLE} WHERE hash = NEW.hash)
          OR EXISTS (SELECT 1 FROM {SEAL_TABLE} WHERE prev_hash = NEW.prev_hash)
        BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;""",  # noqa: S608
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_seal_no_update;",
    "DROP TRIGGER IF EXISTS audit_seal_no_delete;",
    "DROP TRIGGER IF EXISTS audit_seal_no_replace;",
]
# audit_event_refuse_change() is migration 0002's function.
POSTGRES_CREATE = [
    f"""CREATE TRIGGER audit_seal_no_update_delete BEFORE UPDATE OR DELETE ON {SEAL_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();""",
    f"""CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON {SEAL_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_seal_no_update_delete ON {SEAL_TABLE};",
    f"DROP TRIGGER IF EXISTS audit_seal_no_truncate ON {SEAL_TABLE};",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"No append-only triggers for database vendor {vendor!r}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def create_seal_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The seal table refuses UPDATE, DELETE, TRUNCATE and replacing inserts."""
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_seal_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


def record_sealing_started(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Appends the last chained event, counting the chained events before it."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_keyed_chain._CHAIN_LOCK_KEY])
    event_model = apps.get_model("audit", "AuditEvent")
    events = event_model.objects.using(connection.alias)
    previous = events.order_by("-id").values_list("hash", flat=True).first()
    if previous is None:
        raise RuntimeError("The audit log is empty: migration 0003 records its first event.")
    key_id, key = keys.signing_key()
    event = event_model(
        occurred_at=timezone.now(),
        actor=None,
        actor_kind="system",
        event_type="audit.sealing_started",
        object_type="audit.auditevent",
        object_id="",
        reason="",
        request_id="",
        data={"chained_events": events.count()},
        prev_hash=previous,
        key_id=key_id,
    )
    content = canonical_content(
        occurred_at=event.occurred_at,
        actor_id=None,
        actor_kind=event.actor_kind,
        event_type=event.event_type,
        object_type=event.object_type,
        object_id=event.object_id,
        reason=event.reason,
        request_id=event.request_id,
        data=event.data,
        prev_hash=event.prev_hash,
        key_id=key_id,
    )
    event.hash = digest(content, key_id, {key_id: key})
    event.save(force_insert=True, using=connection.alias)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_event_constraints")]

    operations = [
        migrations.RunPython(_keyed_chain.drop_sqlite_triggers, _keyed_chain.create_sqlite_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="nonce",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(_keyed_chain.create_sqlite_triggers, _keyed_chain.drop_sqlite_triggers),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event_hash", models.CharField(max_length=64)),
                ("prev_hash", models.CharField(max_length=64, unique=True)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("key_id", models.CharField(max_length=16)),
                ("sealed_at", models.DateTimeField()),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.auditevent",
                    ),
                ),
            ],
            options={"ordering": ("id",)},
        ),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_seal_triggers, drop_seal_triggers),
        # Irreversible: the switch-over event cannot be removed.
        migrations.RunPython(record_sealing_started),
    ]
