"""An anchor is never written over a shortened log, and the anchor files form a chain
(issue 13 item 2, a tester's finding): before the fix, the next scheduled ``audit_anchor``
after the newest events were removed wrote an anchor of the shorter log, and ``audit_verify``
then called the log intact."""

from __future__ import annotations

import fcntl
import io
import json
import os
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from hedershus.audit import keys
from hedershus.audit.anchors import (
    LOCK_NAME,
    Anchor,
    anchor_chain_problem,
    anchor_current,
    anchor_file_names,
    anchor_file_write,
    anchor_lock,
    file_digest,
)
from hedershus.audit.chain import digest
from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_anchor_write, audit_record
from hedershus.audit.tests.conftest import seal
from hedershus.audit.tests.test_anchors import _record_several, _remove_newest
from hedershus.audit.verify import audit_chain_verify


@pytest.fixture
def anchor_dir(tmp_path: Path, settings) -> Path:
    settings.AUDIT_ANCHOR_DIR = str(tmp_path)
    settings.AUDIT_ANCHOR_EMAILS = []
    return tmp_path


def _shorten_log_after_an_anchor(counsellor) -> None:
    """The tester's steps: an anchor, then the newest events and their seals removed."""
    events = _record_several(counsellor)
    audit_anchor_write()
    anchored = AuditEvent.objects.get(event_type="audit.anchored")
    seal()
    _remove_newest([*events[-2:], anchored])


def _resign(anchor: Anchor) -> Anchor:
    key_id, key = keys.signing_key()
    unsigned = replace(anchor, key_id=key_id, signature="")
    return replace(unsigned, signature=digest(unsigned.content(), key_id, {key_id: key}))


def test_the_anchor_command_refuses_to_anchor_a_log_shorter_than_the_last_anchor(
    counsellor, anchor_dir, append_only_triggers_dropped
):
    _shorten_log_after_an_anchor(counsellor)
    files_before = anchor_file_names(anchor_dir)

    with pytest.raises(CommandError, match=r"No anchor written: .*the newest events were removed"):
        call_command("audit_anchor", stdout=io.StringIO())

    assert anchor_file_names(anchor_dir) == files_before
    assert not audit_chain_verify().intact  # still reported, the next cron run changes nothing
    with pytest.raises(CommandError):
        call_command("audit_anchor", stdout=io.StringIO())
    assert not audit_chain_verify().intact


def test_a_refused_anchor_is_logged_and_mailed_as_an_alarm_without_content(
    counsellor, anchor_dir, append_only_triggers_dropped, settings, caplog
):
    _shorten_log_after_an_anchor(counsellor)
    [newest] = anchor_file_names(anchor_dir)
    settings.AUDIT_ANCHOR_EMAILS = ["anchors@example.org", "board@example.org"]
    mail.outbox.clear()

    with pytest.raises(CommandError):
        call_command("audit_anchor", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [["anchors@example.org"], ["board@example.org"]]
    assert "REFUSED" in mail.outbox[0].subject
    assert newest in mail.outbox[0].body
    assert "head_hash" not in mail.outbox[0].body and "seal" not in mail.outbox[0].body.lower()
    assert any(r.levelname == "ERROR" and "audit anchor refused" in r.getMessage() for r in caplog.records)


def test_the_auditors_anchor_button_refuses_over_a_shortened_log(
    client, auditor, counsellor, anchor_dir, append_only_triggers_dropped
):
    from conftest import sign_in

    _shorten_log_after_an_anchor(counsellor)
    files_before = anchor_file_names(anchor_dir)
    sign_in(client, auditor)

    with translation.override("en"):
        response = client.post("/staff/audit/anchor/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert anchor_file_names(anchor_dir) == files_before
    assert "No anchor was written: the audit log no longer holds everything" in response.content.decode()
    assert not audit_chain_verify().intact


def test_each_anchor_records_the_digest_of_the_anchor_file_before_it(counsellor, anchor_dir):
    _record_several(counsellor)
    first, first_name = audit_anchor_write()
    second, _second_name = audit_anchor_write()
    assert first.previous == ""
    assert second.previous == file_digest((anchor_dir / first_name).read_bytes())
    assert anchor_chain_problem(anchor_dir) == ""
    assert audit_chain_verify().intact


def test_a_removed_older_anchor_file_is_reported(counsellor, anchor_dir):
    _record_several(counsellor)
    for _ in range(3):
        audit_anchor_write()
    middle = anchor_dir / anchor_file_names(anchor_dir)[1]
    os.chmod(middle, 0o644)
    middle.unlink()

    report = audit_chain_verify()

    assert not report.intact
    assert "does not follow" in report.problem
    with pytest.raises(CommandError, match="does not follow"):
        call_command("audit_verify", stdout=io.StringIO())


def test_an_older_anchor_file_changed_and_signed_again_is_reported(counsellor, anchor_dir):
    """Even by someone holding the audit key: the next anchor's digest no longer matches."""
    _record_several(counsellor)
    audit_anchor_write()
    audit_anchor_write()
    first = anchor_dir / anchor_file_names(anchor_dir)[0]
    fields = json.loads(first.read_text())
    changed = _resign(replace(Anchor(**fields), events=fields["events"] - 1))
    os.chmod(first, 0o644)
    first.write_text(changed.as_json() + "\n")

    assert "does not follow" in audit_chain_verify().problem


def test_an_anchor_counting_fewer_events_than_the_one_before_is_reported(
    counsellor, anchor_dir, append_only_triggers_dropped
):
    """An anchor written over a shortened log by other means (the key, by hand) breaks the
    chain's counts even though it matches the database."""
    _shorten_log_after_an_anchor(counsellor)
    [older] = anchor_file_names(anchor_dir)
    shorter = anchor_current(file_digest((anchor_dir / older).read_bytes()))
    anchor_file_write(shorter, anchor_dir)

    report = audit_chain_verify()

    assert not report.intact
    assert "counts fewer events or seals" in report.problem


def test_anchor_files_from_before_the_chain_still_verify(counsellor, anchor_dir):
    _record_several(counsellor)
    legacy = anchor_current()
    assert set(json.loads(legacy.content())) == {
        "written_at",
        "head_seal_id",
        "head_hash",
        "seals",
        "max_event_id",
        "events",
        "key_id",
        "scheme",
    }
    fields = asdict(legacy)
    del fields["previous"]  # as written before anchors were chained
    (anchor_dir / "audit-anchor-20000101T000000000000Z.json").write_text(json.dumps(fields))
    audit_record("user.unlocked", data={"n": 1})
    audit_anchor_write()

    assert anchor_chain_problem(anchor_dir) == ""
    assert audit_chain_verify().intact


def test_anchor_writers_take_turns(anchor_dir):
    """The cron and an auditor's button at the same moment would otherwise both chain to the
    same file, which reads as a broken chain."""
    with anchor_lock(anchor_dir):
        other = os.open(anchor_dir / LOCK_NAME, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    other = os.open(anchor_dir / LOCK_NAME, os.O_RDONLY)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
    finally:
        os.close(other)
