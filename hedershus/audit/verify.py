"""Checks the audit chain from its first event to its last (``manage.py audit_verify``).

What makes a chain intact (docs/architecture.md, "The audit log"):

1. each event's ``prev_hash`` is the hash of the event before it (the first: ``GENESIS_HASH``);
2. each event's hash matches its content: an HMAC under the AUDIT_HMAC_KEYS key its
   ``key_id`` names, or plain SHA-256 for a legacy event;
3. legacy (unkeyed) events form the chain's prefix: the first keyed event is the
   ``audit.chain_keyed`` event recorded by migration 0003, which counts the legacy events
   before it, and no unkeyed event may follow it. Anyone who can write the database could
   compute a plain SHA-256 chain; only a key holder can sign, so a forger can neither append
   unkeyed events nor rewrite the log as an unkeyed one.
"""

from __future__ import annotations

from dataclasses import dataclass

from hedershus.audit import keys
from hedershus.audit.chain import LEGACY_KEY_ID, UnknownAuditKey, hashes_match
from hedershus.audit.models import GENESIS_HASH, AuditEvent

CHAIN_KEYED_EVENT = "audit.chain_keyed"


@dataclass(frozen=True)
class KeyRun:
    """Consecutive events signed with one key (``key_id`` "" for unsigned legacy events).

    Listed so that, after a leaked key was rotated out, an event signed with the old key
    after the new key's first event stands out (docs/operations.md)."""

    key_id: str
    first_id: int
    last_id: int
    count: int


@dataclass(frozen=True)
class ChainReport:
    """The result of a walk: ``checked`` events were intact before the problem, if any.

    ``first_broken_id`` names the first event that fails, or None when the problem is not
    one event (an empty log) or there is no problem; ``problem`` is "" for an intact chain.
    """

    checked: int
    first_broken_id: int | None
    problem: str
    key_runs: tuple[KeyRun, ...] = ()

    @property
    def intact(self) -> bool:
        return not self.problem


def audit_chain_verify(batch_size: int = 2000) -> ChainReport:
    """Walks the chain in id order; reports the first event whose link, hash or key is wrong."""
    verification_keys = keys.verification_keys()
    expected_prev = GENESIS_HASH
    checked = 0
    legacy_events = 0
    keyed = False
    runs: list[KeyRun] = []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked,
                event.pk,
                "its link to the previous event is broken (an event was removed or reordered)",
            )
        if event.key_id == LEGACY_KEY_ID:
            if keyed:
                return ChainReport(
                    checked,
                    event.pk,
                    "it is unsigned (plain SHA-256) after the chain was signed: it was forged "
                    "or rewritten without the audit key",
                )
            legacy_events += 1
        elif not keyed and (
            event.event_type != CHAIN_KEYED_EVENT or event.data != {"legacy_events": legacy_events}
        ):
            return ChainReport(
                checked,
                event.pk,
                f"the first signed event must be the {CHAIN_KEYED_EVENT} event counting "
                f"the {legacy_events} unsigned events before it",
            )
        try:
            computed = event.compute_hash(verification_keys)
        except UnknownAuditKey:
            return ChainReport(
                checked,
                event.pk,
                f"it is signed with key id {event.key_id}, which is not in AUDIT_HMAC_KEYS "
                "(keep retired keys listed after the signing key)",
            )
        if not hashes_match(computed, event.hash):
            return ChainReport(
                checked,
                event.pk,
                "its content does not match its hash (it was changed, or its hash was "
                "recomputed without the audit key)",
            )
        keyed = keyed or event.key_id != LEGACY_KEY_ID
        if runs and runs[-1].key_id == event.key_id:
            runs[-1] = KeyRun(event.key_id, runs[-1].first_id, event.pk, runs[-1].count + 1)
        else:
            runs.append(KeyRun(event.key_id, event.pk, event.pk, 1))
        expected_prev = event.hash
        checked += 1
    if not keyed:
        # Migration 0003 signs an event on every installation, so a log without one was
        # emptied or rewritten unsigned by someone without the key.
        first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
        return ChainReport(
            0,
            first,
            "the log holds no signed event, yet installing signs one: it was emptied or "
            "rewritten without the audit key",
        )
    return ChainReport(checked, None, "", tuple(runs))
