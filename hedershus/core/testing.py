"""Test helpers for every app: captured real-time events, and transactional tests that can
empty the database despite the audit log's append-only triggers.

Loaded for the whole suite by the project's ``conftest.py`` (``pytest_plugins``), so its
session fixture applies to every test; import ``capture_events`` and ``committed_db`` from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connections


@dataclass(frozen=True)
class SentEvent:
    """One event a service sent with ``send_event_on_commit``: the group and the payload."""

    group: str
    payload: dict[str, Any]


@contextmanager
def capture_events(
    expected: int | None = None, *, using: str = DEFAULT_DB_ALIAS
) -> Iterator[list[SentEvent]]:
    """Collects the real-time events sent inside the block, in order, instead of sending them.

    The test's transaction never commits, so the block runs the on-commit callbacks
    registered inside it when it ends (Django's ``captureOnCommitCallbacks``); callbacks of
    a savepoint that rolled back were already dropped by Django, so a rolled-back change
    sends nothing, as in production. The list fills when the block ends: assert after it.
    ``expected``: if given, the number of events there must be (AssertionError otherwise).
    Modelled on Zulip's ``capture_send_event_calls``.
    """
    events: list[SentEvent] = []

    def record(group: str, message: dict[str, Any]) -> None:
        events.append(SentEvent(group=group, payload=message["event"]))

    from django.test import TestCase  # not at import: conftest loads this module before Django is set up

    with (
        mock.patch("hedershus.core.realtime._send_now", record),
        TestCase.captureOnCommitCallbacks(using=using, execute=True),
    ):
        yield events
    if expected is not None:
        assert len(events) == expected, f"expected {expected} real-time events, got {len(events)}: {events}"


# Triggers that refuse a change (the audit log's append-only guards, and any later table
# kept the same way) are recognised by what they do, so new ones are covered by themselves.
_SQLITE_GUARDS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%'"
_POSTGRES_GUARDED_TABLES = """
    SELECT DISTINCT c.relname FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND n.nspname = current_schema()
"""


@contextmanager
def append_only_triggers_suspended(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Switches off the triggers that refuse changes (the audit log's) inside the block.

    For emptying the test database only: PostgreSQL disables the user triggers of every
    table that has some (``ALTER TABLE … DISABLE TRIGGER USER``) and enables them after;
    SQLite, which cannot disable a trigger, drops each trigger that raises and re-creates
    it from its own saved SQL. Nothing depends on the triggers' names, so the audit app
    may change them freely. Never use this outside tests.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_GUARDED_TABLES)
            tables = [connection.ops.quote_name(row[0]) for row in cursor.fetchall()]
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield
            finally:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            cursor.execute(_SQLITE_GUARDS)
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            try:
                yield
            finally:
                for _name, sql in triggers:
                    cursor.execute(sql)
        else:
            yield


@pytest.fixture(autouse=True, scope="session")
def _append_only_tables_reset_in_transactional_tests() -> Iterator[None]:
    """Lets ``transaction=True`` tests start and end despite the audit log's triggers.

    Django empties every table after such a test, which the triggers (rightly) refuse (on
    PostgreSQL even with no rows, as TRUNCATE); with ``serialized_rollback=True`` it also
    re-saves the migrations' rows, audit events included, before the test. For the whole
    session both steps run with the triggers suspended (:func:`append_only_triggers_suspended`);
    they are back before the test body runs. Tests that use ``db`` (a rolled-back
    transaction) are unaffected.
    """
    from django.test import TransactionTestCase

    # Django's private hooks (stable since 1.x); the stubs do not know them.
    test_case: Any = TransactionTestCase
    original_setup = test_case._fixture_setup.__func__
    original_teardown = test_case._fixture_teardown

    def suspended(test: Any) -> ExitStack:
        stack = ExitStack()
        for alias in test._databases_names(include_mirrors=False):
            stack.enter_context(append_only_triggers_suspended(alias))
        return stack

    def fixture_setup(cls: Any) -> None:
        if not cls.serialized_rollback:
            original_setup(cls)
            return
        with suspended(cls):
            original_setup(cls)

    def fixture_teardown(self: Any) -> None:
        with suspended(self):
            original_teardown(self)

    with (
        mock.patch.object(TransactionTestCase, "_fixture_setup", classmethod(fixture_setup)),
        mock.patch.object(TransactionTestCase, "_fixture_teardown", fixture_teardown),
    ):
        yield


# Tests whose code reads the database from other threads (consumers, through
# database_sync_to_async) need committed data. serialized_rollback restores the rows the
# migrations made (Wagtail's tree, wagtail-localize's permissions, the audit chain's first
# event) before each such test: the flush after a transactional test removes them.
committed_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)
