"""The hash chain: intact when untouched, and any change behind the application's back is named."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hedershus.audit.models import GENESIS_HASH, AuditEvent
from hedershus.audit.services import audit_record
from hedershus.audit.verify import audit_chain_verify


def _record_several(user, count=4):
    return [
        audit_record("user.viewed", actor=user, target=user, reason=f"check {n}", data={"n": n})
        for n in range(count)
    ]


def test_each_event_links_to_the_one_before_it(counsellor):
    existing = AuditEvent.objects.count()
    events = _record_several(counsellor)
    if existing == 0:
        assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    for event in events:
        event.refresh_from_db()
        assert event.compute_hash() == event.hash


def test_recorded_events_verify_as_an_intact_chain(counsellor, visitor):
    _record_several(counsellor)
    audit_record("auth.login_failed", visitor=True, data={"stage": "password"})
    audit_record("user.unlocked", data={"é": "å, ä, ö"})
    report = audit_chain_verify(batch_size=2)  # small batches: the walk crosses batch edges
    assert report.intact
    assert report.first_broken_id is None
    assert report.checked == AuditEvent.objects.count() >= 6


def test_audit_verify_command_prints_the_number_of_events_checked(counsellor):
    _record_several(counsellor)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"Audit chain intact: {AuditEvent.objects.count()} events checked." in out.getvalue()


def test_the_log_as_installed_verifies(db):
    # Installation itself may record system events (the CMS creates its home page).
    report = audit_chain_verify()
    assert report.intact
    assert report.checked == AuditEvent.objects.count()


def _verify_fails_at(event_id):
    report = audit_chain_verify()
    assert report.first_broken_id == event_id
    with pytest.raises(CommandError, match=rf"^Audit chain broken at event {event_id}: ") as raised:
        call_command("audit_verify", stdout=io.StringIO())
    return report, str(raised.value)


@pytest.mark.parametrize(
    ("column", "new_value"),
    [("reason", "nothing to see here"), ("event_type", "auth.login"), ("object_id", "999")],
)
def test_audit_verify_names_the_event_changed_behind_the_applications_back(
    counsellor, append_only_triggers_dropped, column, new_value
):
    events = _record_several(counsellor)
    tampered = events[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [new_value, tampered.pk])  # noqa: S608
    report, message = _verify_fails_at(tampered.pk)
    assert report.checked == AuditEvent.objects.filter(id__lt=tampered.pk).count()
    assert "was changed" in message


def test_audit_verify_names_the_event_whose_actor_was_swapped(
    counsellor, colleague, append_only_triggers_dropped
):
    events = _record_several(counsellor)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [colleague.pk, events[2].pk]
        )
    _verify_fails_at(events[2].pk)


def test_a_changed_event_with_a_recomputed_hash_breaks_the_link_of_the_next(
    counsellor, append_only_triggers_dropped
):
    events = _record_several(counsellor)
    tampered = AuditEvent.objects.get(pk=events[1].pk)
    tampered.reason = "rewritten"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
            [tampered.reason, tampered.compute_hash(), tampered.pk],
        )
    _report, message = _verify_fails_at(events[2].pk)
    assert "link to the previous event is broken" in message


def test_audit_verify_names_the_event_after_a_deleted_one(counsellor, append_only_triggers_dropped):
    events = _record_several(counsellor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _report, message = _verify_fails_at(events[2].pk)
    assert "removed or reordered" in message
