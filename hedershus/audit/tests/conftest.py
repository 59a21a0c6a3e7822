"""Fixtures for the audit app's tests."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.db import connection

from hedershus.audit.models import AuditEvent, AuditPending, AuditSeal
from hedershus.audit.services import audit_record, audit_seal_pending
from hedershus.audit.verify import audit_chain_verify
from hedershus.core.testing import append_only_triggers_suspended

_event_triggers = importlib.import_module("hedershus.audit.migrations.0002_append_only_triggers")
_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")
_seal_triggers = importlib.import_module("hedershus.audit.migrations.0005_sealed_events")


@pytest.fixture
def genuine_audit_log() -> None:
    """For ``committed_db`` tests that run ``audit_chain_verify``: a log that starts as a
    fresh installation's does (migrations 0003 and 0005 record its first events).

    serialized_rollback re-saves the migrations' events through Django's JSON serializer,
    which cuts their times to milliseconds and so breaks their signatures; here they are
    replaced, with the append-only triggers suspended (as core.testing does to empty the
    tables), by events recorded again the migrations' own way."""
    with append_only_triggers_suspended(connection.alias):
        AuditPending.objects.all().delete()
        AuditSeal.objects.all().delete()
        AuditEvent.objects.all().delete()
    editor: Any = SimpleNamespace(connection=connection)  # all the two functions read
    _keyed_chain.record_switch_over(django_apps, editor)
    _seal_triggers.record_sealing_started(django_apps, editor)
    assert audit_chain_verify().intact


@pytest.fixture
def append_only_triggers_dropped(db: Any) -> Iterator[None]:
    """Lets a test change events and seals behind the application's back, as an intruder with
    database access could. The test's transaction is rolled back afterwards, which brings
    the triggers back; they are also re-created here in case it is not. (Dropped, not
    disabled: PostgreSQL refuses ALTER TABLE while deferred foreign key checks are pending.)"""
    if connection.vendor == "sqlite":
        drop = [
            "DROP TRIGGER audit_event_no_update",
            "DROP TRIGGER audit_event_no_delete",
            "DROP TRIGGER audit_seal_no_update",
            "DROP TRIGGER audit_seal_no_delete",
        ]
        create = [*_event_triggers.SQLITE_CREATE, *_seal_triggers.SQLITE_CREATE[:2]]
    elif connection.vendor == "postgresql":
        drop = [
            f"DROP TRIGGER audit_event_no_update_delete ON {_event_triggers.TABLE}",
            f"DROP TRIGGER audit_seal_no_update_delete ON {_seal_triggers.SEAL_TABLE}",
        ]
        create = [
            *(s for s in _event_triggers.POSTGRES_CREATE if "audit_event_no_update_delete" in s),
            *(s for s in _seal_triggers.POSTGRES_CREATE if "audit_seal_no_update_delete" in s),
        ]
    else:
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)


def seal() -> int:
    """Seals what audit_record queued: on PostgreSQL the sealer runs after commit, which a
    test's transaction never reaches (on SQLite events are sealed at once)."""
    return audit_seal_pending()


def record_at(when: datetime, event_type: str, **kwargs: Any) -> AuditEvent:
    """Records an event as if it happened at ``when`` (events cannot be changed afterwards)."""
    with mock.patch("hedershus.audit.services.timezone.now", return_value=when):
        return audit_record(event_type, **kwargs)
