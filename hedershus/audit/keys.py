"""The keys that sign the audit chain (``AUDIT_HMAC_KEYS``), kept outside the database.

Like ``ENCRYPTION_KEYS`` the first key signs and every key verifies, so a key is rotated by
putting a new one first. Old keys stay listed for as long as events signed with them must
verify: events cannot be re-signed, because the database refuses UPDATE.

Each key has a **key id**, derived from the key itself (an HMAC of a fixed label, cut to 16
hex digits) and stored with every event it signs. Deriving it means an operator only lists
keys, and a key id can never point at the wrong key; it reveals nothing usable about the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from django.conf import settings

from hedershus.env import decode_32_byte_key

KEY_ID_LENGTH = 16
_KEY_ID_LABEL = b"hedershus audit key id"


def new_key() -> str:
    """A new key for AUDIT_HMAC_KEYS: 32 random bytes in url-safe base64 (44 characters).

    Reads no settings, so manage.py can run it before the settings load."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def decode_key(encoded: str) -> bytes:
    """The raw 32 bytes of a key given in url-safe base64; ValueError if it is not one."""
    return decode_32_byte_key(encoded)


def key_id(raw_key: bytes) -> str:
    """The public identifier of a key: 16 hex digits of HMAC-SHA-256(key, fixed label)."""
    return hmac.new(raw_key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


@lru_cache(maxsize=4)
def _parsed(encoded_keys: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    parsed = []
    for encoded in encoded_keys:
        raw = decode_key(encoded)
        parsed.append((key_id(raw), raw))
    return tuple(parsed)


def _configured() -> tuple[tuple[str, bytes], ...]:
    return _parsed(tuple(settings.AUDIT_HMAC_KEYS))


def signing_key() -> tuple[str, bytes]:
    """``(key_id, raw_key)`` of the key new events are signed with: the first configured."""
    return _configured()[0]


def verification_keys() -> dict[str, bytes]:
    """Every configured key by key id, for verifying events signed before a rotation."""
    return dict(_configured())
