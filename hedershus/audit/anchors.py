"""Anchors: the audit log's newest hash and counts, written where the database cannot reach.

The chains of events and seals (``verify.py``) show any change, removal or reordering of an
event *before* the newest one; they cannot show that the newest events were removed, with
their seals, by someone with write access to the database: what is left is still an intact
chain. An **anchor** closes that gap. On a schedule (`manage.py audit_anchor`, from cron, and
on demand from the audit page) the log's head is written

- as a file of its own in ``AUDIT_ANCHOR_DIR``, a directory on the application host (better:
  one another host or an append-only mount keeps; docs/operations.md, "Audit anchors"),
  created with O_EXCL so an anchor is never overwritten, and
- to each address in ``AUDIT_ANCHOR_EMAILS`` (an external mailbox nobody at the centre can
  edit), if set.

An anchor names the newest seal (id and hash), how many seals and chained events come before
it, the highest event id and how many events had an id up to it, and is signed with the
audit key (HMAC-SHA-256, ``chain.digest``), so a forged anchor file does not verify.
``audit_verify`` then checks the log against the newest anchor in the directory: the seal it
names must still be there with its hash, no seal before it may be missing, and no fewer
events than it counted may remain. Events recorded after the newest anchor can still be
removed unseen: the schedule bounds that window (docs/threat-model.md).

**Before writing**, the writer checks the log still holds everything the newest anchor file
counted (:func:`anchor_problem`, the same check ``audit_verify`` makes). If not, it refuses
(:class:`AnchorRefused`): a new anchor of the shortened log would otherwise make the removal
invisible to the next ``audit_verify``. The refusal is logged as an error and, if
``AUDIT_ANCHOR_EMAILS`` is set, mailed as an alarm naming only the anchor file.

**The anchors form a chain**: each records ``previous``, the SHA-256 of the previous anchor
file's bytes, so ``audit_verify`` also reports an older anchor file removed, changed or put
back out of order, and counts that went down (:func:`anchor_chain_problem`, which reads the
files only: no database query per anchor). Files from before the chain began (no ``previous``)
are accepted only before the first chained one.

An anchor holds no personal data: ids, counts, hashes and a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from hedershus.audit import keys
from hedershus.audit.chain import UnknownAuditKey, digest, hashes_match
from hedershus.audit.models import AuditEvent, AuditSeal

logger = logging.getLogger("hedershus.audit")

ANCHOR_SCHEME = "anchor"
# Files are named by the time they were written, so the newest sorts last.
FILE_PREFIX = "audit-anchor-"
FILE_SUFFIX = ".json"


class AnchorNotConfigured(Exception):
    """Neither AUDIT_ANCHOR_DIR nor AUDIT_ANCHOR_EMAILS is set: there is nowhere to write."""


class AnchorUnreadable(Exception):
    """The newest anchor file cannot be read or parsed, or its signature does not verify."""


class AnchorRefused(Exception):
    """No anchor was written: the log no longer holds what the newest anchor counted, or that
    anchor cannot be trusted. ``problem`` says what (ids and counts), ``file_name`` names the
    newest anchor file."""

    def __init__(self, problem: str, file_name: str) -> None:
        self.problem = problem
        self.file_name = file_name
        super().__init__(f"No anchor written: {problem} (newest anchor file {file_name}).")


@dataclass(frozen=True)
class Anchor:
    """The log's head at ``written_at`` (UTC, ISO 8601).

    ``head_seal_id``/``head_hash``: the newest seal, or None and the newest chained event's
    hash if nothing was sealed yet. ``seals``: seals with an id up to ``head_seal_id``.
    ``events``: events with an id up to ``max_event_id`` (0 when the log is empty).
    ``key_id`` names the AUDIT_HMAC_KEYS key that signed it; ``signature`` is the HMAC.
    ``previous``: the SHA-256 (hex) of the previous anchor file's bytes, "" for the first
    anchor (and for anchors from before the chain began).
    """

    written_at: str
    head_seal_id: int | None
    head_hash: str
    seals: int
    max_event_id: int
    events: int
    key_id: str
    signature: str = ""
    previous: str = ""

    def content(self) -> bytes:
        """The signed content: every field but the signature, as canonical UTF-8 JSON
        (``previous`` only when set, so anchors from before the chain still verify)."""
        fields = asdict(self)
        fields.pop("signature")
        if not fields["previous"]:
            fields.pop("previous")
        fields["scheme"] = ANCHOR_SCHEME
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def as_json(self) -> str:
        """The anchor as one line of JSON (the file's content and the e-mail's body)."""
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def written(self) -> datetime:
        """``written_at`` as an aware datetime."""
        return datetime.fromisoformat(self.written_at)


def anchor_current(previous: str = "") -> Anchor:
    """The log's head now, signed with the signing key, chained to the anchor file whose
    SHA-256 is ``previous`` ("" for the first). Reads only.

    Counts run over the events and seals tables (a few hundred milliseconds per million
    rows on PostgreSQL): an anchor is written every few minutes, not per request."""
    head = AuditSeal.objects.order_by("-id").values_list("id", "hash").first()
    if head is not None:
        head_seal_id: int | None = head[0]
        head_hash = head[1]
        seals = AuditSeal.objects.filter(id__lte=head[0]).count()
    else:
        head_seal_id, seals = None, 0
        chained = (
            AuditEvent.objects.filter(prev_hash__isnull=False).order_by("-id").values_list("hash", flat=True)
        )
        head_hash = chained.first() or ""
    max_event_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events = AuditEvent.objects.filter(id__lte=max_event_id).count()
    key_id, key = keys.signing_key()
    unsigned = Anchor(
        written_at=timezone.now().astimezone(UTC).isoformat(),
        head_seal_id=head_seal_id,
        head_hash=head_hash,
        seals=seals,
        max_event_id=max_event_id,
        events=events,
        key_id=key_id,
        previous=previous,
    )
    return Anchor(**{**asdict(unsigned), "signature": digest(unsigned.content(), key_id, {key_id: key})})


def anchor_signature_valid(anchor: Anchor) -> bool:
    """Whether ``anchor`` was signed by one of the configured AUDIT_HMAC_KEYS."""
    try:
        expected = digest(anchor.content(), anchor.key_id, keys.verification_keys())
    except UnknownAuditKey:
        return False
    return hashes_match(expected, anchor.signature)


def anchor_directory() -> Path | None:
    """``AUDIT_ANCHOR_DIR`` as a path, or None when anchors are not written to files."""
    return Path(settings.AUDIT_ANCHOR_DIR) if settings.AUDIT_ANCHOR_DIR else None


def _file_name(anchor: Anchor) -> str:
    stamp = anchor.written.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{FILE_PREFIX}{stamp}{FILE_SUFFIX}"


def anchor_file_write(anchor: Anchor, directory: Path) -> Path:
    """Writes ``anchor`` as a new file in ``directory`` and flushes it to disk.

    O_EXCL: an existing anchor is never overwritten (FileExistsError). Raises OSError when
    the directory is missing or not writable."""
    path = directory / _file_name(anchor)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    try:
        os.write(descriptor, (anchor.as_json() + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    # The file's directory entry is on disk too, not only its content.
    directory_descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_descriptor)
    finally:
        os.close(directory_descriptor)
    return path


def anchor_mail(anchor: Anchor, addresses: list[str]) -> None:
    """Sends ``anchor`` to each external address, one message each (no address sees another).

    Raises what the mail backend raises: the caller decides whether a failed mail fails."""
    for address in addresses:
        EmailMessage(
            subject=f"Hedershus audit anchor {anchor.written_at}",
            body=(
                "The audit log's head at the time above. Keep this message: it lets the centre "
                "prove that no audit events up to it were removed (docs/operations.md).\n\n"
                f"{anchor.as_json()}\n"
            ),
            to=[address],
        ).send(fail_silently=False)


LOCK_NAME = ".audit-anchor.lock"


@contextlib.contextmanager
def anchor_lock(directory: Path) -> Iterator[None]:
    """Holds an exclusive lock (flock) on ``directory``'s lock file while an anchor is checked
    and written, so two writers (the cron and an auditor's button) never chain to the same
    previous file, which would read as a broken chain. Read-only file, created once (an
    append-only directory allows that); raises OSError when it cannot be created."""
    descriptor = os.open(directory / LOCK_NAME, os.O_RDONLY | os.O_CREAT, 0o444)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def anchor_file_names(directory: Path) -> list[str]:
    """The anchor files' names in ``directory``, oldest first ([] if it does not exist)."""
    try:
        return sorted(
            name
            for name in os.listdir(directory)
            if name.startswith(FILE_PREFIX) and name.endswith(FILE_SUFFIX)
        )
    except FileNotFoundError:
        return []


def file_digest(content: bytes) -> str:
    """SHA-256 (hex) of an anchor file's bytes: what the next anchor records as ``previous``."""
    return hashlib.sha256(content).hexdigest()


def anchor_parse(name: str, content: bytes) -> Anchor:
    """The anchor in file ``name`` with ``content``; raises AnchorUnreadable when it does not
    parse or its signature does not verify."""
    try:
        anchor = Anchor(**json.loads(content.decode("utf-8")))
    except (ValueError, TypeError) as error:
        raise AnchorUnreadable(f"the anchor file {name} cannot be read ({error})") from None
    if not anchor_signature_valid(anchor):
        raise AnchorUnreadable(
            f"the anchor file {name} does not verify with AUDIT_HMAC_KEYS (it was forged or changed)"
        )
    return anchor


def anchor_alarm_mail(file_name: str, addresses: list[str]) -> None:
    """Mails the alarm that an anchor was refused to each external address, one message each:
    the fact and the newest anchor file's name, no ids, counts or content. Raises what the
    mail backend raises."""
    for address in addresses:
        EmailMessage(
            subject="Hedershus audit anchor REFUSED",
            body=(
                "No audit anchor was written: the audit log no longer holds what the newest "
                f"anchor file ({file_name or 'unknown'}) counted, or that file cannot be trusted. "
                "Events may have been removed behind the application's back. Run "
                "manage.py audit_verify on the server and follow docs/operations.md, "
                '"Audit anchors".\n'
            ),
            to=[address],
        ).send(fail_silently=False)


def anchor_latest_file(directory: Path) -> tuple[Anchor, str, bytes] | None:
    """The newest anchor file in ``directory`` (by its name's time) as (anchor, name, bytes),
    or None if there is none.

    Raises AnchorUnreadable when that file cannot be parsed or its signature does not verify:
    an anchor that was tampered with is a finding, not a reason to fall back to an older one.
    """
    names = anchor_file_names(directory)
    if not names:
        return None
    path = directory / names[-1]
    try:
        content = path.read_bytes()
    except OSError as error:
        raise AnchorUnreadable(f"the newest anchor file {path.name} cannot be read ({error})") from None
    return anchor_parse(path.name, content), path.name, content


def anchor_latest(directory: Path) -> Anchor | None:
    """The newest anchor in ``directory``, or None (see :func:`anchor_latest_file`)."""
    latest = anchor_latest_file(directory)
    return latest[0] if latest is not None else None


def anchor_chain_problem(directory: Path) -> str:
    """What is wrong with the chain of anchor files in ``directory``; "" when it is unbroken.

    Every file must parse and verify; from the first anchor that records ``previous`` on,
    each must record the SHA-256 of the file before it (a removed, changed or re-ordered
    older file breaks it); and no count (seals, events, highest event id) may go down from
    one anchor to the next. Reads the files only, one pass, no database query."""
    before: tuple[Anchor, str, bytes] | None = None
    chained = False
    for name in anchor_file_names(directory):
        try:
            content = (directory / name).read_bytes()
        except OSError as error:
            return f"the anchor file {name} cannot be read ({error})"
        try:
            anchor = anchor_parse(name, content)
        except AnchorUnreadable as unreadable:
            return str(unreadable)
        if before is not None:
            previous, previous_name, previous_content = before
            if (anchor.previous or chained) and anchor.previous != file_digest(previous_content):
                return (
                    f"the anchor file {name} does not follow {previous_name}: an anchor file "
                    "between them was removed, or one of them was changed"
                )
            if (
                anchor.events < previous.events
                or anchor.seals < previous.seals
                or anchor.max_event_id < previous.max_event_id
            ):
                return (
                    f"the anchor file {name} counts fewer events or seals than {previous_name} "
                    "before it: events were removed between the two"
                )
        chained = chained or bool(anchor.previous)
        before = (anchor, name, content)
    return ""


def anchor_problem(anchor: Anchor) -> str:
    """What the log lacks that ``anchor`` says it had; "" when the log still holds it all.

    Checked: the seal the anchor names is there with the same hash (or, before any seal, the
    chained event with that hash), no seal up to it is missing, and at least as many events
    with an id up to ``max_event_id`` remain (more may: transactions that were still open when
    the anchor was written commit later)."""
    when = anchor.written_at
    if anchor.head_seal_id is not None:
        head = AuditSeal.objects.filter(id=anchor.head_seal_id).values_list("hash", flat=True).first()
        if head is None or not hashes_match(head, anchor.head_hash):
            return (
                f"the seal {anchor.head_seal_id} that the anchor of {when} names is gone or changed: "
                "the newest events were removed with their seals"
            )
        seals = AuditSeal.objects.filter(id__lte=anchor.head_seal_id).count()
        if seals < anchor.seals:
            return f"{anchor.seals - seals} seals written before the anchor of {when} are missing"
    elif anchor.head_hash and not AuditEvent.objects.filter(hash=anchor.head_hash).exists():
        return f"the event the anchor of {when} names is gone: the newest events were removed"
    events = AuditEvent.objects.filter(id__lte=anchor.max_event_id).count()
    if events < anchor.events:
        return (
            f"{anchor.events - events} of the {anchor.events} events recorded up to event "
            f"{anchor.max_event_id} (anchor of {when}) are missing"
        )
    return ""
