"""Encryption at rest for free text and files about people (DESIGN.md, privacy rules).

Keys live outside the database, in ENCRYPTION_KEYS (or a file). Fernet gives
authenticated encryption; MultiFernet lets a key be rotated: the first key encrypts,
every key decrypts, and ``rotate`` re-encrypts a token under the first key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt_text(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return _current().decrypt(token.encode("ascii")).decode("utf-8")


def encrypt_bytes(data: bytes) -> bytes:
    """``data`` encrypted (a Fernet token, URL-safe base64 as ASCII bytes: about 4/3 the size)."""
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes ``encrypt_bytes`` encrypted; raises ``cryptography.fernet.InvalidToken`` if tampered."""
    return _current().decrypt(bytes(token))


def rotate_token(token: str) -> str:
    """The same plaintext, encrypted under the first (newest) key."""
    return _current().rotate(token.encode("ascii")).decode("ascii")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
