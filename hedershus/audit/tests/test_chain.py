"""The hash chain: intact when untouched, and any change behind the application's back is named."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import itertools
import json
import secrets
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hedershus.audit.chain import seal_content
from hedershus.audit.models import AuditEvent, AuditPending, AuditSeal
from hedershus.audit.services import audit_record
from hedershus.audit.tests.conftest import seal
from hedershus.audit.verify import audit_chain_verify


def _record_several(user, count=4):
    return [
        audit_record("user.viewed", actor=user, target=user, reason=f"check {n}", data={"n": n})
        for n in range(count)
    ]


def test_each_event_is_signed_alone_and_sealed_once_in_a_chain_of_seals(counsellor):
    events = _record_several(counsellor)
    seal()
    seals = list(AuditSeal.objects.filter(event__in=events).order_by("id"))
    assert [s.event_id for s in seals] == [e.pk for e in events]  # one each, in the order sealed
    for before, after in itertools.pairwise(seals):
        assert after.prev_hash == before.hash
    for event, event_seal in zip(events, seals, strict=True):
        event.refresh_from_db()
        assert event.prev_hash is None  # no link to take a lock for
        assert event.compute_hash() == event.hash == event_seal.event_hash
        assert event_seal.compute_hash() == event_seal.hash
    assert not AuditPending.objects.exists()


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


def test_a_changed_event_with_a_recomputed_hash_no_longer_matches_its_seal(
    counsellor, append_only_triggers_dropped
):
    """Even re-signed with the key, a changed event differs from what its seal names."""
    events = _record_several(counsellor)
    seal()
    tampered = AuditEvent.objects.get(pk=events[1].pk)
    tampered.reason = "rewritten"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
            [tampered.reason, tampered.compute_hash(), tampered.pk],
        )
    _report, message = _verify_fails_at(events[1].pk)
    assert "its seal names another hash" in message


def test_audit_verify_names_the_event_after_a_deleted_one(counsellor, append_only_triggers_dropped):
    events = _record_several(counsellor)
    seal()
    with connection.cursor() as cursor:
        # Its seal must go too (the seal refers to the event): that breaks the next seal's link.
        cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _report, message = _verify_fails_at(events[2].pk)
    assert "removed" in message


def test_audit_verify_names_an_event_whose_seal_was_deleted(counsellor, append_only_triggers_dropped):
    events = _record_several(counsellor)
    seal()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
    _report, message = _verify_fails_at(events[2].pk)
    assert "link to the previous seal is broken" in message


def test_a_seal_re_signed_without_the_key_is_named(counsellor, append_only_triggers_dropped):
    events = _record_several(counsellor)
    seal()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditseal SET sealed_at = %s WHERE event_id = %s",
            [datetime(2020, 1, 1, tzinfo=UTC), events[1].pk],
        )
    _report, message = _verify_fails_at(events[1].pk)
    assert "its seal does not match its hash" in message


# --- A forger who can write the database but holds no audit key (issue 7, item 11) -------


def _content(row: dict, key_id: str | None) -> bytes:
    """An event's canonical content as anyone can compute it from its row (chain.py)."""
    content = {k: row[k] for k in _plain_fields}
    content["occurred_at"] = row["occurred_at"].astimezone(UTC).isoformat()
    if row["prev_hash"] is None:
        content["scheme"] = "sealed"
        content["nonce"] = row["nonce"]
    else:
        content["prev_hash"] = row["prev_hash"]
    if key_id:
        content["key_id"] = key_id
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _plain_sha256(row: dict, key_id: str | None) -> str:
    """How anyone could hash an event without the key: the old plain SHA-256 recipe."""
    return hashlib.sha256(_content(row, key_id)).hexdigest()


def _hmac_with(key: bytes):
    def recompute(row: dict, key_id: str | None) -> str:
        return hmac.new(key, _content(row, key_id), hashlib.sha256).hexdigest()

    return recompute


_plain_fields = (
    "actor_id",
    "actor_kind",
    "event_type",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "data",
)
_RECOMPUTES = [
    (_plain_sha256, False),
    (_plain_sha256, True),
    (_hmac_with(b"a key the forger made up, 32 b!!"), False),
]
_RECOMPUTE_IDS = ["plain SHA-256", "plain SHA-256 posing as unsigned legacy events", "HMAC with a wrong key"]


def _park_and_set(cursor, table: str, row_id: int, **values) -> None:
    # Hashes are unique: park the old one first so the new value can be anything.
    cursor.execute(f"UPDATE {table} SET hash = %s WHERE id = %s", ["x" + str(row_id), row_id])  # noqa: S608
    assignments = ", ".join(f"{column} = %s" for column in values)
    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), row_id])  # noqa: S608


def _rewrite_chained_from(first_id: int, recompute, *, reason: str, as_legacy: bool = False) -> None:
    """Changes chained event ``first_id`` and recomputes its hash and every later chained
    one, so that each link is right again: what an intruder with write access would do."""
    rows = list(AuditEvent.objects.filter(id__gte=first_id, prev_hash__isnull=False).order_by("id").values())
    previous = AuditEvent.objects.filter(id__lt=first_id).order_by("-id").values_list("hash", flat=True)[0]
    rows[0]["reason"] = reason
    with connection.cursor() as cursor:
        for row in rows:
            row["prev_hash"] = previous
            key_id = "" if as_legacy else row["key_id"]
            row["hash"] = recompute(row, key_id)
            _park_and_set(
                cursor,
                "audit_auditevent",
                row["id"],
                key_id=key_id,
                reason=row["reason"],
                prev_hash=row["prev_hash"],
                hash=row["hash"],
            )
            previous = row["hash"]


@pytest.mark.parametrize(("recompute", "as_legacy"), _RECOMPUTES, ids=_RECOMPUTE_IDS)
def test_audit_verify_names_the_first_event_of_a_chain_rewritten_without_the_key(
    counsellor, append_only_triggers_dropped, recompute, as_legacy
):
    """The chained events from before sealing began (migrations 0003 and 0005 record two)."""
    _record_several(counsellor, count=2)
    seal()
    last_chained = AuditEvent.objects.filter(prev_hash__isnull=False).order_by("-id").first()
    _rewrite_chained_from(last_chained.pk, recompute, reason="nothing happened", as_legacy=as_legacy)
    rows = list(
        AuditEvent.objects.filter(prev_hash__isnull=False).order_by("id").values_list("prev_hash", "hash")
    )
    assert all(after[0] == before[1] for before, after in itertools.pairwise(rows))
    report, message = _verify_fails_at(last_chained.pk)
    assert report.checked == AuditEvent.objects.filter(id__lt=last_chained.pk).count()
    assert "without the audit key" in message


@pytest.mark.parametrize("with_seals", [False, True], ids=["event alone", "event and every seal after it"])
@pytest.mark.parametrize(("recompute", "as_legacy"), _RECOMPUTES, ids=_RECOMPUTE_IDS)
def test_audit_verify_names_a_sealed_event_re_signed_without_the_key(
    counsellor, append_only_triggers_dropped, recompute, as_legacy, with_seals
):
    events = _record_several(counsellor, count=5)
    seal()
    target = events[2]
    row = AuditEvent.objects.filter(pk=target.pk).values().get()
    row["reason"] = "nothing happened"
    key_id = "" if as_legacy else row["key_id"]
    new_hash = recompute(row, key_id)
    with connection.cursor() as cursor:
        _park_and_set(
            cursor, "audit_auditevent", target.pk, key_id=key_id, reason=row["reason"], hash=new_hash
        )
        if with_seals:
            # The forger also re-signs the event's seal and every later seal, so the links hold.
            seals = list(AuditSeal.objects.filter(id__gte=target.seal.pk).order_by("id"))
            previous = seals[0].prev_hash
            for forged in seals:
                forged.prev_hash = previous
                if forged.event_id == target.pk:
                    forged.event_hash = new_hash
                content = seal_content(
                    event_id=forged.event_id,
                    event_hash=forged.event_hash,
                    prev_hash=forged.prev_hash,
                    sealed_at=forged.sealed_at,
                    key_id=forged.key_id,
                )
                forged.hash = hmac.new(
                    b"a key the forger made up, 32 b!!", content, hashlib.sha256
                ).hexdigest()
                _park_and_set(
                    cursor,
                    "audit_auditseal",
                    forged.pk,
                    event_hash=forged.event_hash,
                    prev_hash="p" + str(forged.pk),
                )
                cursor.execute(
                    "UPDATE audit_auditseal SET prev_hash = %s, hash = %s WHERE id = %s",
                    [forged.prev_hash, forged.hash, forged.pk],
                )
                previous = forged.hash
    _report, message = _verify_fails_at(target.pk)
    assert "without the audit key" in message


def test_an_unsigned_event_appended_after_signed_ones_is_named(counsellor):
    """A forger cannot sign, so they might append an event hashed the old, unkeyed way."""
    _record_several(counsellor, count=2)
    head = AuditEvent.objects.order_by("-id").first()
    forged = AuditEvent(
        occurred_at=head.occurred_at,
        actor_kind="system",
        event_type="user.unlocked",
        data={},
        prev_hash=None,
        nonce="0" * 32,
        key_id="",
    )
    forged.hash = forged.compute_hash()  # plain SHA-256: no key needed
    forged.save(force_insert=True)  # INSERT is allowed: appending is what the log is for
    _report, message = _verify_fails_at(forged.pk)
    assert "unsigned" in message


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_an_event_of_the_old_chained_kind_appended_after_sealing_began_is_named(counsellor, signed):
    """After migration 0005 no chained event may follow: a forger cannot append one that
    links to the last chained event, even with a hash that matches (here, with the key)."""
    _record_several(counsellor, count=2)
    last_chained = AuditEvent.objects.filter(prev_hash__isnull=False).order_by("-id").first()
    assert last_chained.event_type == "audit.sealing_started"
    forged = AuditEvent(
        occurred_at=last_chained.occurred_at,
        actor_kind="system",
        event_type="user.unlocked",
        data={},
        prev_hash=last_chained.hash,
        key_id=last_chained.key_id if signed else "",
    )
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    _report, message = _verify_fails_at(forged.pk)
    assert "chained (the old kind of event) after the audit.sealing_started event" in message


def test_events_are_signed_with_the_first_configured_key(counsellor, settings):
    from hedershus.audit import keys  # here, not at the top: the old code had no keys

    first = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings.AUDIT_HMAC_KEYS = [first, *settings.AUDIT_HMAC_KEYS]
    event = audit_record("user.viewed", actor=counsellor, target=counsellor)
    assert event.key_id == keys.key_id(base64.urlsafe_b64decode(first))
    assert event.hash != _plain_sha256(
        {**AuditEvent.objects.filter(pk=event.pk).values().get()}, event.key_id
    )
    assert audit_chain_verify().intact


def test_a_rotated_key_still_verifies_the_events_it_signed(counsellor, settings):
    old_keys = list(settings.AUDIT_HMAC_KEYS)
    before = _record_several(counsellor, count=2)
    new = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings.AUDIT_HMAC_KEYS = [new, *old_keys]  # rotation: the new key first, old ones kept
    after = _record_several(counsellor, count=2)
    assert {e.key_id for e in before}.isdisjoint({e.key_id for e in after})
    assert len({e.key_id for e in after}) == 1
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.checked == AuditEvent.objects.count()

    # Dropping the old key leaves its events unverifiable: audit_verify says which and why.
    settings.AUDIT_HMAC_KEYS = [new]
    first_old = AuditEvent.objects.exclude(key_id="").order_by("id").first()
    _report, message = _verify_fails_at(first_old.pk)
    assert "not in AUDIT_HMAC_KEYS" in message


def test_audit_verify_lists_which_key_signed_which_events(counsellor, settings):
    """After a leaked key is rotated out, an older key id below the new one marks forgeries."""
    old_key_id = AuditEvent.objects.order_by("-id").values_list("key_id", flat=True).first()
    before = _record_several(counsellor, count=2)
    settings.AUDIT_HMAC_KEYS = [
        base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        *settings.AUDIT_HMAC_KEYS,
    ]
    after = _record_several(counsellor, count=3)
    first_id = AuditEvent.objects.order_by("id").values_list("id", flat=True)[0]
    runs = audit_chain_verify().key_runs
    assert [(run.key_id, run.first_id, run.last_id, run.count) for run in runs] == [
        # Ids need not be consecutive (PostgreSQL's sequences skip rolled-back ids).
        (old_key_id, first_id, before[-1].pk, AuditEvent.objects.filter(id__lte=before[-1].pk).count()),
        (after[0].key_id, after[0].pk, after[-1].pk, 3),
    ]
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"  events {after[0].pk}-{after[-1].pk} (3): signed with key {after[0].key_id}" in out.getvalue()
