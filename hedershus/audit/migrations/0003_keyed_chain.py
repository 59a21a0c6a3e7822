"""Signs the audit chain with a key kept outside the database, and refuses replacing inserts.

1. SQLite's ``INSERT OR REPLACE`` (and ``REPLACE INTO``) deletes a conflicting row without
   firing DELETE triggers (unless ``recursive_triggers`` is on), so an event could be
   replaced although UPDATE and DELETE are refused. A BEFORE INSERT trigger now refuses any
   insert that conflicts with an existing event on any unique column (id, hash, prev_hash):
   no legitimate append ever does. Every UNIQUE column added later must join this trigger
   (a test checks). Not ``PRAGMA recursive_triggers``: a per-connection setting protects
   nothing against another client (the sqlite3 shell), and it would change how every other
   trigger behaves (Wagtail's search index keeps its full-text table with triggers).
   PostgreSQL has no REPLACE; its ``ON CONFLICT DO UPDATE`` and ``MERGE`` fire the UPDATE
   trigger, which refuses them.
2. ``key_id``: the AUDIT_HMAC_KEYS key that signed an event; "" for the events hashed with
   plain SHA-256 before this migration. They cannot be re-signed (UPDATE is refused), so
   they stay as the chain's unsigned prefix.
3. The switch-over is recorded: a signed ``audit.chain_keyed`` event counting the unsigned
   events before it. From here on ``audit_verify`` refuses any unsigned event, so a forger
   cannot append "legacy" events, nor rewrite the log as an unsigned one.

SQLite rebuilds the table to add a column, which drops its triggers: they are dropped first
and created again afterwards. The SQL below is also what later migrations that rebuild the
table re-create (``SQLITE_CREATE``).
"""

from __future__ import annotations

import importlib

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.chain import GENESIS_HASH, canonical_content, digest

TABLE = "audit_auditevent"
_previous = importlib.import_module("hedershus.audit.migrations.0002_append_only_triggers")

SQLITE_CREATE = [
    *_previous.SQLITE_CREATE,
    # Constant SQL: TABLE is this module's own name.
    f"""CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON {TABLE}
        WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
          OR EXISTS (SELECT 1 FROM {TABLE} WHERE hash = NEW.hash)
          OR EXISTS (SELECT 1 FROM {TABLE} WHERE prev_hash = NEW.prev_hash)
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",  # noqa: S608
]
SQLITE_DROP = [*_previous.SQLITE_DROP, "DROP TRIGGER IF EXISTS audit_event_no_replace;"]

# The advisory lock services.audit_record takes, so the switch-over cannot interleave.
_CHAIN_LOCK_KEY = 0x48454452


def _sqlite(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def drop_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Before SQLite rebuilds the table (its triggers would go with the old table)."""
    _sqlite(schema_editor, SQLITE_DROP)


def create_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """After the rebuild: UPDATE, DELETE and conflicting INSERTs refused (PostgreSQL's stay)."""
    _sqlite(schema_editor, SQLITE_CREATE)


def create_previous_sqlite_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _sqlite(schema_editor, _previous.SQLITE_CREATE)


def record_switch_over(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Appends the first signed event, counting the unsigned events before it."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    event_model = apps.get_model("audit", "AuditEvent")
    events = event_model.objects.using(connection.alias)
    previous = events.order_by("-id").values_list("hash", flat=True).first()
    key_id, key = keys.signing_key()
    event = event_model(
        occurred_at=timezone.now(),
        actor=None,
        actor_kind="system",
        event_type="audit.chain_keyed",
        object_type="audit.auditevent",
        object_id="",
        reason="",
        request_id="",
        data={"legacy_events": events.count()},
        prev_hash=previous or GENESIS_HASH,
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
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_previous_sqlite_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
        # Irreversible: signed events cannot be removed, nor verified without key_id.
        migrations.RunPython(record_switch_over),
    ]
