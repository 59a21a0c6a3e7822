"""The dedicated sealer (`manage.py audit_sealer`): while it runs, audited writes pay only
their own commit and it seals everyone's events in order; when it stops, writers seal after
their commits again, so no event waits for the safety net (issue 8, item 7)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from unittest import mock

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from hedershus.audit import sealer, services
from hedershus.audit.models import AuditEvent, AuditPending, AuditSeal
from hedershus.audit.services import (
    SEALER_CHECK_SECONDS,
    SEALER_PRESENT_KEY,
    audit_record,
    dedicated_sealer_running,
    forget_dedicated_sealer,
)
from hedershus.audit.verify import audit_chain_verify
from hedershus.core.testing import committed_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite seals each event in its own transaction"
)


@pytest.fixture(autouse=True)
def _fresh_sealer_view() -> Iterator[None]:
    """Each test looks for the sealer afresh: the answer is cached per process."""
    forget_dedicated_sealer()
    yield
    forget_dedicated_sealer()


@pytest.fixture
def presence_lock_held() -> Iterator[None]:
    """A sealer's presence lock, held on a connection of its own (as a sealer process
    would), released when the test ends."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [SEALER_PRESENT_KEY])
        yield


def _run_sealer_in_thread(stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=sealer.run_sealer, args=(stop,), kwargs={"poll_seconds": 0.05})
    thread.start()
    return thread


@postgresql_only
def test_while_a_sealer_runs_a_writer_leaves_sealing_to_it(db, presence_lock_held):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks, transaction.atomic():
        event = audit_record("user.unlocked", data={"n": 1})
    assert callbacks == []  # no sealing after this commit: the writer paid only its own
    assert AuditPending.objects.filter(event=event).exists()
    assert not AuditSeal.objects.filter(event=event).exists()


@postgresql_only
def test_without_a_sealer_a_writer_seals_after_its_own_commit(db):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks, transaction.atomic():
        event = audit_record("user.unlocked", data={"n": 1})
    assert len(callbacks) == 1
    assert AuditSeal.objects.filter(event=event).count() == 1


@postgresql_only
def test_what_a_process_saw_of_the_sealer_is_looked_up_again_only_after_a_while(db):
    with CaptureQueriesContext(connection) as queries:
        assert dedicated_sealer_running() is False
        assert dedicated_sealer_running() is False
    assert len(queries) == 1  # one look, not one per audited write
    later = services.time.monotonic() + SEALER_CHECK_SECONDS + 1
    with (
        mock.patch.object(services.time, "monotonic", return_value=later),
        CaptureQueriesContext(connection) as queries,
    ):
        dedicated_sealer_running()
    assert len(queries) == 1


@postgresql_only
def test_a_sealer_that_stopped_is_noticed_and_writers_seal_again(db):
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    other.execute("SELECT pg_advisory_lock(%s)", [SEALER_PRESENT_KEY])
    assert dedicated_sealer_running() is True
    other.close()  # the sealer's process ends: its session, and the lock, go with it
    seen = []
    # The server ends the closed session a moment later; each look is SEALER_CHECK_SECONDS on.
    for look in range(1, 51):
        later = services.time.monotonic() + look * (SEALER_CHECK_SECONDS + 1)
        with mock.patch.object(services.time, "monotonic", return_value=later):
            seen.append(dedicated_sealer_running())
        if not seen[-1]:
            break
        threading.Event().wait(0.1)
    assert seen[-1] is False


def test_the_sealer_command_refuses_sqlite_and_a_silly_interval(db):
    with pytest.raises(CommandError, match=r"between 0\.05 and 5"):
        call_command("audit_sealer", interval=60)
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="Only PostgreSQL needs the sealer"):
            call_command("audit_sealer")
        with pytest.raises(RuntimeError):
            sealer.run_sealer(threading.Event())
        assert dedicated_sealer_running() is False


WRITERS = 8
EVENTS_EACH = 15


@committed_db  # committed for real, so the writers' transactions and the sealer's meet
@postgresql_only
def test_with_a_sealer_concurrent_writers_events_are_all_sealed_once_and_the_log_verifies(
    genuine_audit_log,
):
    before = set(AuditEvent.objects.values_list("id", flat=True))
    stop = threading.Event()
    sealer_thread = _run_sealer_in_thread(stop)
    for _ in range(200):  # the writers must see it, as in production
        forget_dedicated_sealer()
        if dedicated_sealer_running():
            break
        stop.wait(0.05)
    assert dedicated_sealer_running()
    start = threading.Barrier(WRITERS)
    errors: list[Exception] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(EVENTS_EACH):
                with TestCase.captureOnCommitCallbacks() as callbacks, transaction.atomic():
                    audit_record("user.unlocked", data={"writer": number, "n": n, "name": "Åsa"})
                assert callbacks == []  # left to the sealer
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for _ in range(200):  # the sealer looks every 0.05 s
        if not AuditPending.objects.exists():
            break
        stop.wait(0.05)
    stop.set()
    sealer_thread.join(timeout=30)
    assert not sealer_thread.is_alive()
    new = AuditEvent.objects.exclude(id__in=before)
    assert new.count() == WRITERS * EVENTS_EACH
    assert not AuditPending.objects.exists()
    sealed = sorted(AuditSeal.objects.filter(event__in=new).values_list("event_id", flat=True))
    assert sealed == sorted(new.values_list("id", flat=True))  # each exactly once
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.waiting == 0
    assert report.sealed == AuditSeal.objects.count() >= WRITERS * EVENTS_EACH


@committed_db
@postgresql_only
def test_the_sealer_outlives_a_database_error_and_seals_afterwards(genuine_audit_log):
    stop = threading.Event()
    real_exists = AuditPending.objects.exists
    calls = {"n": 0}

    def exists_failing_once() -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_exists()

    with (
        mock.patch.object(AuditPending.objects, "exists", exists_failing_once),
        mock.patch.object(sealer, "RETRY_SECONDS", 0.05),
    ):
        forget_dedicated_sealer()
        with TestCase.captureOnCommitCallbacks():  # the writer's own sealer does not run
            event = audit_record("user.unlocked", data={"n": 1})
        thread = _run_sealer_in_thread(stop)
        for _ in range(200):
            if AuditSeal.objects.filter(event=event).exists():
                break
            stop.wait(0.05)
        stop.set()
        thread.join(timeout=30)
    assert calls["n"] >= 2
    assert AuditSeal.objects.filter(event=event).count() == 1
    assert audit_chain_verify().intact


@postgresql_only
def test_audit_verify_says_whether_the_sealer_runs(db):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "audit_sealer) is not running: writers seal after their own commits" in out.getvalue()


@postgresql_only
def test_audit_verify_says_when_the_sealer_runs(db, presence_lock_held):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "The dedicated sealer (manage.py audit_sealer) is running." in out.getvalue()
