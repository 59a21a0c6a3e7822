"""Anchors: the newest events removed behind the application's back are reported (issue 13,
item 2), which the chains alone cannot show."""

from __future__ import annotations

import io
import json
import os
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hedershus.audit.anchors import FILE_PREFIX, anchor_current, anchor_latest, anchor_signature_valid
from hedershus.audit.models import AuditEvent, AuditSeal
from hedershus.audit.services import audit_anchor_write, audit_record
from hedershus.audit.tests.conftest import seal
from hedershus.audit.verify import audit_chain_verify


@pytest.fixture
def anchor_dir(tmp_path, settings):
    settings.AUDIT_ANCHOR_DIR = str(tmp_path)
    settings.AUDIT_ANCHOR_EMAILS = []
    return tmp_path


def _record_several(actor, n=4):
    events = [audit_record("user.viewed", actor=actor, target=actor, data={"n": i}) for i in range(n)]
    seal()
    return events


def _remove_newest(events):
    """What an intruder with database access does: the newest events go, with their seals."""
    with connection.cursor() as cursor:
        for event in events:
            cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [event.pk])
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_removing_the_newest_events_leaves_an_intact_chain_without_an_anchor(
    counsellor, append_only_triggers_dropped
):
    """The gap anchors close: without one, a shortened log still verifies."""
    events = _record_several(counsellor)
    _remove_newest(events[-2:])
    assert audit_chain_verify().intact


def test_audit_verify_reports_the_newest_events_removed_after_an_anchor(
    counsellor, anchor_dir, append_only_triggers_dropped
):
    events = _record_several(counsellor)
    _anchor, name = audit_anchor_write()
    assert (anchor_dir / name).exists()
    # The anchor's own event is the newest now; removing it and the two before it is the attack.
    anchored = AuditEvent.objects.get(event_type="audit.anchored")
    seal()
    _remove_newest([*events[-2:], anchored])
    report = audit_chain_verify()
    assert not report.intact
    assert report.first_broken_id is None
    assert "the newest events were removed" in report.problem
    with pytest.raises(CommandError, match="the newest events were removed"):
        call_command("audit_verify", stdout=io.StringIO())


def test_an_event_not_yet_sealed_when_anchored_and_then_removed_is_reported_by_the_count(
    counsellor, anchor_dir, append_only_triggers_dropped
):
    """No seal names it, so only the anchor's count of events can tell it is gone."""
    _record_several(counsellor)
    with mock.patch("hedershus.audit.services._seal_queued", return_value=0):
        waiting = audit_record("user.unlocked", data={"n": 1})
        audit_anchor_write()
    assert not AuditSeal.objects.filter(event=waiting).exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditpending WHERE event_id = %s", [waiting.pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [waiting.pk])
    report = audit_chain_verify()
    assert not report.intact
    assert "1 of the" in report.problem and "are missing" in report.problem


def test_events_recorded_after_the_anchor_keep_the_log_intact(counsellor, anchor_dir):
    _record_several(counsellor)
    anchor, _name = audit_anchor_write()
    _record_several(counsellor)
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.anchored_at == anchor.written_at
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"Checked against the newest anchor ({anchor.written_at})" in out.getvalue()


def test_a_forged_anchor_file_is_reported_not_trusted(counsellor, anchor_dir):
    _record_several(counsellor)
    _anchor, name = audit_anchor_write()
    fields = json.loads((anchor_dir / name).read_text())
    fields["events"] = 1  # a shorter log, as an intruder would like the anchor to say
    fields["written_at"] = fields["written_at"].replace("+00:00", "1+00:00")
    forged = anchor_dir / (FILE_PREFIX + "99999999T000000000000Z.json")
    forged.write_text(json.dumps(fields))
    report = audit_chain_verify()
    assert "does not verify with AUDIT_HMAC_KEYS" in report.problem


def test_an_anchor_is_a_new_read_only_file_signed_with_the_audit_key(counsellor, anchor_dir):
    _record_several(counsellor)
    first, first_name = audit_anchor_write()
    second, second_name = audit_anchor_write()
    assert first_name != second_name
    assert sorted(n for n in os.listdir(anchor_dir) if n.startswith(FILE_PREFIX)) == sorted(
        [first_name, second_name]
    )
    assert not os.access(anchor_dir / first_name, os.W_OK) or os.geteuid() == 0
    assert oct((anchor_dir / first_name).stat().st_mode & 0o777) == "0o444"
    assert anchor_signature_valid(first)
    assert anchor_latest(anchor_dir) == second
    assert second.max_event_id > first.max_event_id  # the first anchor's own event came between
    # Content-free: ids, counts and hashes only.
    assert set(json.loads((anchor_dir / first_name).read_text())) == {
        "written_at",
        "head_seal_id",
        "head_hash",
        "seals",
        "max_event_id",
        "events",
        "key_id",
        "signature",
        "previous",
    }


def test_the_anchor_is_mailed_to_each_external_address_alone(counsellor, settings):
    settings.AUDIT_ANCHOR_DIR = ""
    settings.AUDIT_ANCHOR_EMAILS = ["anchors@example.org", "board@example.org"]
    _record_several(counsellor)
    anchor, name = audit_anchor_write()
    assert name == ""
    assert [m.to for m in mail.outbox] == [["anchors@example.org"], ["board@example.org"]]
    assert anchor.as_json() in mail.outbox[0].body
    event = AuditEvent.objects.get(event_type="audit.anchored")
    assert event.data == {
        "events": anchor.events,
        "max_event_id": anchor.max_event_id,
        "file": False,
        "mailed": 2,
    }


def test_anchoring_without_anywhere_to_write_is_refused_and_records_nothing(counsellor, settings):
    settings.AUDIT_ANCHOR_DIR = ""
    settings.AUDIT_ANCHOR_EMAILS = []
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="Set AUDIT_ANCHOR_DIR or AUDIT_ANCHOR_EMAILS"):
        call_command("audit_anchor")
    assert AuditEvent.objects.count() == before


def test_the_anchor_command_writes_one(counsellor, anchor_dir):
    _record_several(counsellor)
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)
    assert "Audit anchor written (file audit-anchor-" in out.getvalue()
    assert anchor_latest(anchor_dir) is not None


def test_an_anchor_counts_what_the_log_holds(counsellor):
    events = _record_several(counsellor)
    anchor = anchor_current()
    assert anchor.max_event_id == events[-1].pk
    assert anchor.events == AuditEvent.objects.count()
    assert anchor.seals == AuditSeal.objects.count()
    assert anchor.head_hash == AuditSeal.objects.order_by("-id").first().hash


def test_an_auditor_writes_an_anchor_from_the_audit_page(client, auditor, anchor_dir):
    from conftest import sign_in

    sign_in(client, auditor)
    page = client.get("/staff/audit/")
    assert "Ingen ankarfil har skrivits ännu." in page.content.decode()  # the staff UI is Swedish
    response = client.post("/staff/audit/anchor/")
    assert response.status_code == 302
    anchor = anchor_latest(anchor_dir)
    assert anchor is not None
    assert AuditEvent.objects.filter(event_type="audit.anchored", actor=auditor).exists()
    page = client.get("/staff/audit/")
    local = timezone.localtime(anchor.written).strftime("%Y-%m-%d %H:%M:%S")
    assert f"Senaste ankare: {local}." in page.content.decode()


def test_without_anchors_set_up_the_audit_page_says_so_and_offers_no_button(client, auditor, settings):
    from conftest import sign_in

    settings.AUDIT_ANCHOR_DIR = ""
    settings.AUDIT_ANCHOR_EMAILS = []
    sign_in(client, auditor)
    body = client.get("/staff/audit/").content.decode()
    assert "Ankare är inte inställda" in body  # the staff UI is Swedish
    assert "Skriv ett ankare nu" not in body
    response = client.post("/staff/audit/anchor/", follow=True)
    assert "Inget ankare skrevs" in response.content.decode()
