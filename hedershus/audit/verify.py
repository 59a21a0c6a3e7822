"""Checks the audit log from its first event to its last (``manage.py audit_verify``).

What makes the log intact (docs/architecture.md, "The audit log"):

1. **The chained events** (``prev_hash`` set; every event up to migration 0005), in id order:
   each event's ``prev_hash`` is the hash of the event before it (the first:
   ``GENESIS_HASH``), and its hash matches its content: an HMAC under the AUDIT_HMAC_KEYS key
   its ``key_id`` names, or plain SHA-256 for a legacy event. Legacy (unkeyed) events form
   the prefix: the first keyed event is the ``audit.chain_keyed`` event recorded by migration
   0003, which counts the legacy events before it, and no unkeyed event may follow it. The
   last chained event is the ``audit.sealing_started`` event of migration 0005, which counts
   the chained events before it: no chained event may follow it, so a forger cannot append
   events of the old kind.
2. **The seals**, in id order (the order they were written under the seal lock): each links
   to the seal before it (the first: to the ``audit.sealing_started`` event's hash) and
   matches its content under its key. A removed event takes its seal with it (the seal
   refers to it), which breaks the next seal's link.
3. **The sealed events** (``prev_hash`` NULL), in id order: each is signed (never unkeyed),
   its hash matches its content, and it is sealed exactly once, by a seal naming its hash.
   An event not yet sealed is reported only once it is older than the grace period: the
   sealer runs right after the event's commit, so a younger one is on its way.

4. **The newest anchor** (``anchors.py``), if ``AUDIT_ANCHOR_DIR`` is set: the seal it names is
   still there, and nothing it counted is missing. Without it, removing the newest events
   with their seals would leave an intact, shorter log. Then the anchor files themselves:
   each records the SHA-256 of the one before it and no count goes down
   (``anchor_chain_problem``), so an older anchor file removed or changed is reported.

Anyone who can write the database could compute a plain SHA-256 chain; only a key holder
can sign, so a forger can neither append, change nor reorder events without being named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.anchors import (
    AnchorUnreadable,
    anchor_chain_problem,
    anchor_directory,
    anchor_latest,
    anchor_problem,
)
from hedershus.audit.chain import LEGACY_KEY_ID, UnknownAuditKey, hashes_match
from hedershus.audit.models import GENESIS_HASH, AuditEvent, AuditSeal

CHAIN_KEYED_EVENT = "audit.chain_keyed"
SEALING_STARTED_EVENT = "audit.sealing_started"
# How long after it was recorded an event may wait for its seal before audit_verify names
# it. The sealer runs right after commit; this covers long transactions and a sealer that
# failed until `manage.py audit_seal` runs (every few minutes from cron, operations.md).
SEAL_GRACE = timedelta(minutes=10)


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
    one event (an empty log) or there is no problem; ``problem`` is "" for an intact log.
    ``sealed`` counts the seals checked; ``waiting`` the events not sealed yet but younger
    than the grace period (not a problem). ``anchored_at`` is the time of the newest anchor the
    log was checked against ("" when none was: no AUDIT_ANCHOR_DIR, or no anchor in it yet).
    """

    checked: int
    first_broken_id: int | None
    problem: str
    key_runs: tuple[KeyRun, ...] = ()
    sealed: int = 0
    waiting: int = 0
    anchored_at: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


class _Broken(Exception):
    def __init__(self, event_id: int | None, problem: str) -> None:
        super().__init__(problem)
        self.event_id = event_id
        self.problem = problem


class _Walk:
    """The state of one verification: keys, counts and runs of key ids."""

    def __init__(self, grace: timedelta) -> None:
        self.keys = keys.verification_keys()
        self.checked = 0
        self.sealed = 0
        self.waiting = 0
        self.runs: list[KeyRun] = []
        self.oldest_unsealed_allowed = timezone.now() - grace

    def check_signature(self, event: AuditEvent) -> None:
        try:
            computed = event.compute_hash(self.keys)
        except UnknownAuditKey:
            raise _Broken(
                event.pk,
                f"it is signed with key id {event.key_id}, which is not in AUDIT_HMAC_KEYS "
                "(keep retired keys listed after the signing key)",
            ) from None
        if not hashes_match(computed, event.hash):
            raise _Broken(
                event.pk,
                "its content does not match its hash (it was changed, or its hash was "
                "recomputed without the audit key)",
            )

    def count(self, event: AuditEvent) -> None:
        if self.runs and self.runs[-1].key_id == event.key_id:
            last = self.runs[-1]
            self.runs[-1] = KeyRun(event.key_id, last.first_id, event.pk, last.count + 1)
        else:
            self.runs.append(KeyRun(event.key_id, event.pk, event.pk, 1))
        self.checked += 1

    def chained(self, batch_size: int) -> AuditEvent | None:
        """Walks the chained events; returns the ``audit.sealing_started`` event, if any."""
        expected_prev = GENESIS_HASH
        legacy_events = 0
        keyed = False
        sealing_started: AuditEvent | None = None
        events = AuditEvent.objects.filter(prev_hash__isnull=False).order_by("id")
        for event in events.iterator(chunk_size=batch_size):
            if sealing_started is not None:
                raise _Broken(
                    event.pk,
                    f"it is chained (the old kind of event) after the {SEALING_STARTED_EVENT} "
                    "event: it was forged",
                )
            if event.prev_hash != expected_prev:
                raise _Broken(
                    event.pk, "its link to the previous event is broken (an event was removed or reordered)"
                )
            if event.key_id == LEGACY_KEY_ID:
                if keyed:
                    raise _Broken(
                        event.pk,
                        "it is unsigned (plain SHA-256) after the chain was signed: it was forged "
                        "or rewritten without the audit key",
                    )
                legacy_events += 1
            elif not keyed and (
                event.event_type != CHAIN_KEYED_EVENT or event.data != {"legacy_events": legacy_events}
            ):
                raise _Broken(
                    event.pk,
                    f"the first signed event must be the {CHAIN_KEYED_EVENT} event counting "
                    f"the {legacy_events} unsigned events before it",
                )
            self.check_signature(event)
            if event.event_type == SEALING_STARTED_EVENT and event.key_id != LEGACY_KEY_ID:
                if event.data != {"chained_events": self.checked}:
                    raise _Broken(
                        event.pk,
                        f"the {SEALING_STARTED_EVENT} event must count the {self.checked} "
                        "chained events before it",
                    )
                sealing_started = event
            keyed = keyed or event.key_id != LEGACY_KEY_ID
            self.count(event)
            expected_prev = event.hash
        if not keyed:
            # Migration 0003 signs an event on every installation, so a log without one was
            # emptied or rewritten unsigned by someone without the key.
            first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
            raise _Broken(
                first,
                "the log holds no signed event, yet installing signs one: it was emptied or "
                "rewritten without the audit key",
            )
        return sealing_started

    def seals(self, anchor: AuditEvent | None, batch_size: int) -> None:
        """Walks the seal chain from the ``audit.sealing_started`` event's hash."""
        seals = AuditSeal.objects.order_by("id")
        if anchor is None:
            # Migration 0005 records it on every installation: removed, with what followed.
            first = (
                AuditEvent.objects.filter(prev_hash__isnull=True).order_by("id").values_list("id", flat=True)
            )
            raise _Broken(
                first.first(),
                f"the log holds no {SEALING_STARTED_EVENT} event, yet installing records one: "
                "the newest chained events were removed",
            )
        expected_prev = anchor.hash
        for seal in seals.iterator(chunk_size=batch_size):
            if seal.prev_hash != expected_prev:
                raise _Broken(
                    seal.event_id,
                    "its seal's link to the previous seal is broken (an event and its seal were "
                    "removed, or seals reordered)",
                )
            try:
                computed = seal.compute_hash(self.keys)
            except UnknownAuditKey:
                raise _Broken(
                    seal.event_id,
                    f"its seal is signed with key id {seal.key_id}, which is not in AUDIT_HMAC_KEYS",
                ) from None
            if not hashes_match(computed, seal.hash):
                raise _Broken(
                    seal.event_id,
                    "its seal does not match its hash (changed, or recomputed without the audit key)",
                )
            expected_prev = seal.hash
            self.sealed += 1
        # Caught by constraints, unless they were dropped: checked all the same.
        twice = (
            AuditSeal.objects.values("event_id").annotate(n=Count("id")).filter(n__gt=1).order_by("event_id")
        )
        for row in twice[:1]:
            raise _Broken(row["event_id"], f"it is sealed {row['n']} times (a seal was forged)")
        orphan = (
            AuditSeal.objects.filter(~Exists(AuditEvent.objects.filter(pk=OuterRef("event_id"))))
            .values_list("event_id", flat=True)
            .first()
        )
        if orphan is not None:
            raise _Broken(orphan, "its seal remains but the event is gone (it was removed)")
        chained = AuditSeal.objects.filter(event__prev_hash__isnull=False).values_list("event_id", flat=True)
        for event_id in chained[:1]:
            raise _Broken(event_id, "it is a chained event, yet sealed (a seal was forged)")

    def sealed_events(self, anchor: AuditEvent | None, batch_size: int) -> None:
        events = AuditEvent.objects.filter(prev_hash__isnull=True).select_related("seal").order_by("id")
        for event in events.iterator(chunk_size=batch_size):
            if anchor is not None and event.pk < anchor.pk:
                raise _Broken(event.pk, f"it is sealed but older than the {SEALING_STARTED_EVENT} event")
            if event.key_id == LEGACY_KEY_ID:
                raise _Broken(event.pk, "it is unsigned: it was forged or rewritten without the audit key")
            self.check_signature(event)
            seal = getattr(event, "seal", None)
            if seal is None:
                if event.occurred_at < self.oldest_unsealed_allowed:
                    raise _Broken(
                        event.pk,
                        "it was never sealed, long after it was recorded (its seal was removed, "
                        "or run `manage.py audit_seal`)",
                    )
                self.waiting += 1
            elif not hashes_match(seal.event_hash, event.hash):
                raise _Broken(event.pk, "its seal names another hash (the event was replaced)")
            self.count(event)


def audit_chain_verify(batch_size: int = 2000, grace: timedelta = SEAL_GRACE) -> ChainReport:
    """Checks the chained events, the seal chain, every sealed event and, if AUDIT_ANCHOR_DIR is
    set, the log against its newest anchor, in that order.

    Returns a ``ChainReport`` naming the first event whose link, signature, key or seal is
    wrong; events younger than ``grace`` may still wait for their seal (counted, not wrong).
    A log shorter than its newest anchor says (the newest events removed) is a problem with
    no single event to name. Reads only; ``batch_size`` rows are read at a time.
    """
    walk = _Walk(grace)
    try:
        anchor = walk.chained(batch_size)
        walk.seals(anchor, batch_size)
        walk.sealed_events(anchor, batch_size)
    except _Broken as broken:
        return ChainReport(walk.checked, broken.event_id, broken.problem)
    anchored_at, problem = _against_newest_anchor()
    return ChainReport(
        walk.checked, None, problem, tuple(walk.runs), walk.sealed, walk.waiting, anchored_at=anchored_at
    )


def _against_newest_anchor() -> tuple[str, str]:
    """(the newest anchor's time or "", what the log lacks against it or "")."""
    directory = anchor_directory()
    if directory is None:
        return "", ""
    try:
        newest = anchor_latest(directory)
    except AnchorUnreadable as unreadable:
        return "", str(unreadable)
    if newest is None:
        return "", ""
    # The newest anchor against the database, then the anchor files against each other.
    return newest.written_at, anchor_problem(newest) or anchor_chain_problem(directory)
