"""How an audit event's content becomes its hash: the one format every stored event depends on.

Never change the canonical form or the digest of an existing key id: stored events were
hashed with them and cannot be re-hashed (UPDATE is refused). A new format would need a new
``key_id`` scheme, verified side by side with this one.

Three kinds of record exist:

- **legacy** (``key_id == ""``): plain SHA-256 over the content, as every event was hashed
  before the chain was keyed (migration 0003). Anyone who can write the database can
  recompute these, so they are accepted only before the first keyed event.
- **keyed**: HMAC-SHA-256 over the content and the key id, with a key from
  ``AUDIT_HMAC_KEYS`` that is kept outside the database (RFC 2104). Without the key a
  database writer cannot compute a hash that verifies. Chained: each names the hash of the
  event before it (``prev_hash``), so appending one needed a lock held until commit.
- **sealed** (``prev_hash`` None, migration 0005): HMAC-SHA-256 over the content and key id
  alone, marked ``"scheme": "sealed"`` so its content can never read as a chained event's.
  Their order is kept by **seals** (``AuditSeal``): a separate signed chain, one link per
  event, written after the event's commit (``seal_content``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
LEGACY_KEY_ID = ""
SEALED_SCHEME = "sealed"


class UnknownAuditKey(LookupError):
    """An event names a key id that is not among the configured AUDIT_HMAC_KEYS."""


def canonical_content(
    *,
    occurred_at: datetime,
    actor_id: int | None,
    actor_kind: str,
    event_type: str,
    object_type: str,
    object_id: str,
    reason: str,
    request_id: str,
    data: Any,
    prev_hash: str | None,
    key_id: str,
    nonce: str = "",
) -> bytes:
    """The event's fields as canonical UTF-8 JSON (sorted keys, no spaces).

    The key id is part of a keyed event's content, so an event cannot be moved to another
    key; legacy events leave it out, so their content is byte for byte what it was. A sealed
    event (``prev_hash`` None) has no ``prev_hash`` key but ``"scheme": "sealed"`` and its
    random ``nonce`` instead: without a link, two events alike to the microsecond would
    otherwise have the same hash, which is unique.
    """
    content: dict[str, Any] = {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "actor_id": actor_id,
        "actor_kind": actor_kind,
        "event_type": event_type,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
        "request_id": request_id,
        "data": data,
    }
    if prev_hash is None:
        content["scheme"] = SEALED_SCHEME
        content["nonce"] = nonce
    else:
        content["prev_hash"] = prev_hash
    if key_id != LEGACY_KEY_ID:
        content["key_id"] = key_id
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal_content(
    *, event_id: int, event_hash: str, prev_hash: str, sealed_at: datetime, key_id: str
) -> bytes:
    """A seal's fields as canonical UTF-8 JSON: which event (id and hash) it seals, the hash
    of the seal before it, when, and the signing key's id. ``"scheme": "seal"`` keeps a seal's
    content apart from any event's."""
    content = {
        "scheme": "seal",
        "event_id": event_id,
        "event_hash": event_hash,
        "prev_hash": prev_hash,
        "sealed_at": sealed_at.astimezone(UTC).isoformat(),
        "key_id": key_id,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(content: bytes, key_id: str, keys: Mapping[str, bytes]) -> str:
    """The 64-hex-digit hash of ``content``: SHA-256 for legacy events, else HMAC-SHA-256.

    ``keys`` maps key ids to raw keys (``hedershus.audit.keys.verification_keys()``).
    Raises ``UnknownAuditKey`` if ``key_id`` is not in ``keys``.
    """
    if key_id == LEGACY_KEY_ID:
        return hashlib.sha256(content).hexdigest()
    try:
        key = keys[key_id]
    except KeyError:
        raise UnknownAuditKey(key_id) from None
    return hmac.new(key, content, hashlib.sha256).hexdigest()


def hashes_match(expected: str, actual: str) -> bool:
    """Constant-time comparison of two hex hashes."""
    return hmac.compare_digest(expected.encode("ascii", "replace"), actual.encode("ascii", "replace"))
