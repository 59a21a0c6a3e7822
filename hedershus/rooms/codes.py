"""Room codes, their keyed digest, and passphrase hashing (issue 9, item 1; R7, R9).

The code
    16 characters drawn with ``secrets`` from Crockford's base32 alphabet
    ``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` (no I, L, O, U: they look like 1, 1, 0 and V),
    shown in four groups of four (``7K2M-QX9D-…``): 16 x 5 = **80 bits**. What a visitor
    types is normalised (:func:`normalise_code`): case, spaces and dashes do not matter, and
    the look-alikes O (read as 0) and I, L (read as 1) are accepted.
    Source: Douglas Crockford, "Base32 Encoding", https://www.crockford.com/base32.html.

The digest
    The server never stores the code: a room is found by ``HMAC-SHA256(pepper, code)``
    (:func:`code_digests`), with peppers from ``ROOM_CODE_PEPPERS``, kept outside the
    database like the encryption keys, so a copy of the database alone cannot test guesses.
    The first pepper digests new codes; lookup tries every pepper, so a pepper is rotated
    by putting a new one first (a room found under an old one is re-digested at entry).

The passphrase
    Optional, chosen by the visitor; kept as an Argon2id hash by argon2-cffi's
    ``PasswordHasher`` with RFC 9106's "low memory" profile (time cost 3, 64 MiB, 4 lanes,
    16-byte salt, 32-byte hash; RFC 9106 section 4, second recommended option), a
    well-kept library rather than our own KDF.

Equal cost
    Every entry attempt costs exactly one Argon2id verification (:func:`passphrase_check`):
    against the room's hash, or, when no room matches or the room has no passphrase,
    against a dummy hash made with the same parameters. So a wrong code costs the server
    as much as a right one, and the time of an answer does not tell whether a code exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from django.conf import settings

from hedershus.env import decode_32_byte_key

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: 32 symbols, 5 bits each
GROUPS = 4
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH  # 16 characters
CODE_BITS = CODE_LENGTH * 5  # 80 bits
# What a visitor may type for a symbol that is not in the alphabet (Crockford's decoding).
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Typed separators that carry no meaning: spaces of every kind, dashes, dots.
_SEPARATORS = frozenset(" \t\r\n-.\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

_PASSPHRASE_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


def code_new() -> str:
    """A new room code: 16 symbols of :data:`ALPHABET` from ``secrets`` (80 bits), normalised
    form (no dashes). Show it with :func:`code_display`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_display(code: str) -> str:
    """``code`` (normalised) in groups of four joined by dashes, e.g. ``"7K2M-QX9D-0AB1-ZZ34"``."""
    return "-".join(code[i : i + GROUP_LENGTH] for i in range(0, len(code), GROUP_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The normalised code for what a visitor typed, or ``None`` when it cannot be one.

    NFKC folds full-width and other compatibility forms; case, spaces, dashes and dots are
    ignored; O reads as 0 and I, L as 1. ``None`` when the rest is not exactly
    :data:`CODE_LENGTH` symbols of :data:`ALPHABET` (a U, a stray letter, too short).
    """
    folded = unicodedata.normalize("NFKC", typed).upper()
    compact = "".join(ch for ch in folded if ch not in _SEPARATORS and not ch.isspace())
    compact = compact.translate(_LOOK_ALIKES)
    if len(compact) != CODE_LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


@lru_cache(maxsize=4)
def _peppers(encoded: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(decode_32_byte_key(key) for key in encoded)


def _configured_peppers() -> tuple[bytes, ...]:
    return _peppers(tuple(settings.ROOM_CODE_PEPPERS))


def _digest(pepper: bytes, code: str) -> str:
    return hmac.new(pepper, code.encode("ascii"), hashlib.sha256).hexdigest()


def code_digest(code: str) -> str:
    """The digest a new room is stored under: HMAC-SHA256 (64 hex digits) of the normalised
    ``code`` under the first pepper of ``ROOM_CODE_PEPPERS``."""
    return _digest(_configured_peppers()[0], code)


def code_digests(code: str) -> list[str]:
    """The digests of the normalised ``code`` under every configured pepper, first pepper's
    first: a room stored under any of them is found (pepper rotation, docs/operations.md)."""
    return [_digest(pepper, code) for pepper in _configured_peppers()]


def passphrase_hash(passphrase: str) -> str:
    """Argon2id hash (argon2-cffi's encoded form, with its parameters and salt) of ``passphrase``."""
    return _PASSPHRASE_HASHER.hash(passphrase)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # A hash of a random secret nobody knows, made with the same parameters as real ones.
    return passphrase_hash(secrets.token_urlsafe(32))


def passphrase_verify(encoded_hash: str, passphrase: str) -> bool:
    """True when ``passphrase`` matches ``encoded_hash``. One Argon2id verification, always:
    the single place where entry attempts spend it (tests count calls to it)."""
    try:
        return _PASSPHRASE_HASHER.verify(encoded_hash, passphrase)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def passphrase_check(encoded_hash: str | None, passphrase: str) -> bool:
    """Whether ``passphrase`` opens a room whose stored hash is ``encoded_hash``, at the same
    cost whatever the case (module docstring, "Equal cost").

    ``encoded_hash``: the room's ``passphrase_hash`` (``""`` when it has none), or ``None``
    when no room matched the code. A room without a passphrase opens with an empty one
    only; no room never opens. Exactly one Argon2id verification in every case.
    """
    if encoded_hash:
        return passphrase_verify(encoded_hash, passphrase)
    passphrase_verify(_dummy_hash(), passphrase)  # the same work, result ignored
    return encoded_hash == "" and passphrase == ""


def passphrase_needs_rehash(encoded_hash: str) -> bool:
    """True when ``encoded_hash`` was made with other parameters than today's (re-hash at entry)."""
    try:
        return _PASSPHRASE_HASHER.check_needs_rehash(encoded_hash)
    except InvalidHashError:
        return True
