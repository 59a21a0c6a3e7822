"""Seals: every event is put in the log's order after its commit, exactly once, in one chain,
and audit_verify names an event left unsealed past the grace period (issue 8, item 7)."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.utils import timezone

from hedershus.audit import services
from hedershus.audit.models import AuditEvent, AuditPending, AuditSeal
from hedershus.audit.services import audit_record, audit_seal_pending
from hedershus.audit.tests.conftest import record_at, seal
from hedershus.audit.verify import SEAL_GRACE, audit_chain_verify
from hedershus.core.testing import committed_db


def _unsealed(when=None):
    """Records an event whose sealer never ran (a crash between commit and seal)."""
    with mock.patch("hedershus.audit.services._seal_queued", return_value=0):
        if when is None:
            return audit_record("user.unlocked", data={"n": 1})
        return record_at(when, "user.unlocked", data={"n": 1})


def test_an_event_waiting_for_its_seal_within_the_grace_period_is_not_a_problem(db):
    _unsealed()
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.waiting == 1
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "1 recorded in the last 10 minutes still wait for their seal" in out.getvalue()


def test_an_event_never_sealed_past_the_grace_period_is_named(db):
    event = _unsealed(timezone.now() - SEAL_GRACE - timedelta(minutes=1))
    report = audit_chain_verify()
    assert report.first_broken_id == event.pk
    assert "never sealed" in report.problem
    # The safety net seals it: it is authentic (its own signature verifies), only late.
    out = io.StringIO()
    call_command("audit_seal", stdout=out)
    assert out.getvalue() == "Audit events sealed: 1.\n"
    assert audit_chain_verify().intact


def test_an_event_whose_queue_row_was_removed_is_named_after_the_grace_period(db):
    event = _unsealed(timezone.now() - SEAL_GRACE - timedelta(minutes=1))
    AuditPending.objects.filter(event=event).delete()  # the queue is a work list, not trusted
    assert audit_seal_pending() == 0
    assert audit_chain_verify().first_broken_id == event.pk


def test_on_postgresql_the_event_is_sealed_right_after_its_transaction_commits(counsellor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals inside the transaction: it runs one writer at a time")
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        event = audit_record("user.viewed", actor=counsellor, target=counsellor)
        assert not AuditSeal.objects.filter(event=event).exists()  # not before the commit
    assert AuditSeal.objects.filter(event=event).count() == 1
    assert not AuditPending.objects.exists()


def test_a_failing_sealer_does_not_undo_or_fail_the_committed_change(counsellor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals inside the transaction")
    with (
        mock.patch("hedershus.audit.services._seal_queued", side_effect=RuntimeError("disk full")),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        event = audit_record("user.viewed", actor=counsellor, target=counsellor)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditPending.objects.filter(event=event).exists()  # sealed later, by the next sealer
    assert seal() == 1


WRITERS = 8
EVENTS_EACH = 15


@committed_db  # committed for real, so the writers' transactions meet
def test_concurrent_audited_writes_are_all_sealed_once_in_one_unbroken_chain(genuine_audit_log):
    """Writers commit at the same time, each sealing after its commit without waiting for
    the lock: no event may be left behind, none sealed twice, and the chain must hold."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    before = set(AuditEvent.objects.values_list("id", flat=True))
    start = threading.Barrier(WRITERS)
    errors: list[Exception] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(EVENTS_EACH):
                with transaction.atomic():
                    audit_record("user.unlocked", data={"writer": number, "n": n})
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
    new = AuditEvent.objects.exclude(id__in=before)
    assert new.count() == WRITERS * EVENTS_EACH
    # Sealed by the writers' own after-commit sealers: no safety net has run.
    assert not AuditPending.objects.exists()
    sealed = list(AuditSeal.objects.filter(event__in=new).values_list("event_id", flat=True))
    assert sorted(sealed) == sorted(new.values_list("id", flat=True))  # each exactly once
    # One unbroken chain from the event that starts sealing, every link and signature right.
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert (report.sealed, report.waiting) == (AuditSeal.objects.count(), 0)
    previous = AuditEvent.objects.get(event_type="audit.sealing_started").hash
    for link in AuditSeal.objects.select_related("event").order_by("id"):
        assert link.prev_hash == previous
        assert link.compute_hash() == link.hash
        assert link.event.compute_hash() == link.event.hash == link.event_hash
        previous = link.hash


@committed_db
def test_an_event_committed_while_another_process_seals_is_sealed_by_that_process():
    """The sealer after a commit does not wait for the lock: if another sealer holds it, that
    one must look again after letting go, or the event would wait for the safety net."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals inside the transaction")
    original = services._seal_queued
    holder_sealed_a_batch = threading.Event()
    writer_committed = threading.Event()
    results: dict[str, int] = {}

    def seal_then_pause(**kwargs: bool) -> int:
        sealed = original(**kwargs)
        if threading.current_thread().name == "holder" and not holder_sealed_a_batch.is_set():
            holder_sealed_a_batch.set()
            writer_committed.wait(timeout=30)  # still holding the lock, after its batch
        return sealed

    def holder() -> None:
        try:
            results["holder"] = audit_seal_pending()
        finally:
            connection.close()

    with mock.patch.object(services, "_seal_queued", seal_then_pause):
        thread = threading.Thread(target=holder, name="holder")
        thread.start()
        assert holder_sealed_a_batch.wait(timeout=30)
        with TestCase.captureOnCommitCallbacks(execute=True):
            event = audit_record("user.unlocked", data={"n": 1})
        # This commit's own sealer found the lock taken and left the event to the holder.
        assert AuditPending.objects.filter(event=event).exists()
        writer_committed.set()
        thread.join(timeout=60)
    assert AuditSeal.objects.filter(event=event).count() == 1
    assert not AuditPending.objects.exists()
    assert results["holder"] == 1
