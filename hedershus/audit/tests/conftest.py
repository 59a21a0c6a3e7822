"""Fixtures for the audit app's tests."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record

_triggers = importlib.import_module("hedershus.audit.migrations.0002_append_only_triggers")


@pytest.fixture
def append_only_triggers_dropped(db: Any) -> Iterator[None]:
    """Lets a test change the table behind the application's back, as an intruder with
    database access could. The test's transaction is rolled back afterwards, which brings
    the triggers back; they are also re-created here in case it is not."""
    if connection.vendor == "sqlite":
        drop = ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]
        create = list(_triggers.SQLITE_CREATE)
    elif connection.vendor == "postgresql":
        drop = [f"DROP TRIGGER audit_event_no_update_delete ON {_triggers.TABLE}"]
        create = [s for s in _triggers.POSTGRES_CREATE if "audit_event_no_update_delete" in s]
    else:
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)


def record_at(when: datetime, event_type: str, **kwargs: Any) -> AuditEvent:
    """Records an event as if it happened at ``when`` (events cannot be changed afterwards)."""
    with mock.patch("hedershus.audit.services.timezone.now", return_value=when):
        return audit_record(event_type, **kwargs)
