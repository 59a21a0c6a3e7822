"""Events hashed with plain SHA-256 before the chain was keyed (migration 0003) still verify,
but only as the chain's prefix, sealed by the signed switch-over event."""

from __future__ import annotations

import importlib
import io
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from hedershus.audit.chain import GENESIS_HASH
from hedershus.audit.models import AuditEvent, AuditSeal
from hedershus.audit.services import audit_record
from hedershus.audit.tests.conftest import seal
from hedershus.audit.verify import CHAIN_KEYED_EVENT, SEALING_STARTED_EVENT, audit_chain_verify

_keyed_chain = importlib.import_module("hedershus.audit.migrations.0003_keyed_chain")
_sealed_events = importlib.import_module("hedershus.audit.migrations.0005_sealed_events")


class _SchemaEditor:
    """What the migration's function reads from its schema editor."""

    connection = connection


def _insert_legacy(count: int) -> list[AuditEvent]:
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    events = []
    for n in range(count):
        event = AuditEvent(
            occurred_at=datetime(2026, 11, 1, 12, n, tzinfo=UTC),
            actor_kind="system",
            event_type="user.unlocked",
            data={"n": n},
            prev_hash=previous,
            key_id="",
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        events.append(event)
        previous = event.hash
    return events


@pytest.fixture
def upgraded_log(append_only_triggers_dropped):
    """A log as an installation from before migration 0003 has it after upgrading: three
    unsigned events, then the signed switch-over event migration 0003 records, then the
    signed event migration 0005 records before the first sealed event."""
    with connection.cursor() as cursor:
        for table in ("audit_auditpending", "audit_auditseal", "audit_auditevent"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    legacy = _insert_legacy(3)
    _keyed_chain.record_switch_over(apps, _SchemaEditor())
    switch_over = AuditEvent.objects.order_by("-id").first()
    _sealed_events.record_sealing_started(apps, _SchemaEditor())
    return legacy, switch_over


def _command_error() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stdout=io.StringIO())
    return str(raised.value)


def test_migration_switch_over_is_a_signed_event_counting_the_unsigned_ones(upgraded_log):
    legacy, switch_over = upgraded_log
    assert switch_over.event_type == CHAIN_KEYED_EVENT
    assert switch_over.key_id
    assert switch_over.data == {"legacy_events": 3}
    assert switch_over.prev_hash == legacy[-1].hash
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.checked == 5


def test_after_the_upgrade_the_old_events_verify_and_new_ones_are_sealed_after_them(upgraded_log):
    _legacy, switch_over = upgraded_log
    sealing_started = AuditEvent.objects.order_by("-id").first()
    assert sealing_started.event_type == SEALING_STARTED_EVENT
    assert sealing_started.prev_hash == switch_over.hash
    assert sealing_started.data == {"chained_events": 4}
    new = [audit_record("user.unlocked", data={"n": n}) for n in range(3)]
    seal()
    assert all(event.prev_hash is None and event.key_id for event in new)
    first_seal = AuditSeal.objects.order_by("id").first()
    assert (first_seal.event_id, first_seal.prev_hash) == (new[0].pk, sealing_started.hash)
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert (report.checked, report.sealed) == (8, 3)


def test_a_log_without_the_event_that_starts_sealing_is_broken(upgraded_log):
    sealing_started = AuditEvent.objects.order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [sealing_started.pk])
    report = audit_chain_verify()
    assert not report.intact
    assert f"no {SEALING_STARTED_EVENT} event" in _command_error()


def test_an_installed_log_starts_signed(db):
    first_signed = AuditEvent.objects.exclude(key_id="").order_by("id").first()
    assert first_signed is not None
    assert first_signed.event_type == CHAIN_KEYED_EVENT
    assert not AuditEvent.objects.filter(key_id="", id__gt=first_signed.pk).exists()


def test_rewriting_the_unsigned_prefix_breaks_the_signed_switch_over(upgraded_log):
    legacy, switch_over = upgraded_log
    # Rewrite the second unsigned event and recompute the unsigned hashes after it: possible
    # without a key, but the switch-over's signed link to the old last hash no longer holds.
    previous = legacy[0].hash
    with connection.cursor() as cursor:
        for event in legacy[1:]:
            event.reason = "rewritten" if event is legacy[1] else event.reason
            event.prev_hash = previous
            old_hash, event.hash = event.hash, event.compute_hash()
            cursor.execute(
                "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE hash = %s",
                [event.reason, event.prev_hash, event.hash, old_hash],
            )
            previous = event.hash
    report = audit_chain_verify()
    assert report.first_broken_id == switch_over.pk
    assert "link to the previous event is broken" in _command_error()


def test_a_log_rewritten_as_unsigned_only_is_broken(upgraded_log):
    _legacy, switch_over = upgraded_log
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [switch_over.pk])
    report = audit_chain_verify()
    assert not report.intact
    assert "no signed event" in _command_error()


def test_an_emptied_log_is_broken(append_only_triggers_dropped):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    report = audit_chain_verify()
    assert not report.intact
    assert report.first_broken_id is None
    assert _command_error().startswith("Audit chain broken: the log holds no signed event")


def test_removing_an_unsigned_event_is_named(upgraded_log):
    legacy, _switch_over = upgraded_log
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [legacy[0].pk])
    assert audit_chain_verify().first_broken_id == legacy[1].pk
