"""New random secrets for the settings: SECRET_KEY and ENCRYPTION_KEYS.

These functions read no settings, so manage.py can run them before the settings load
(which, with DEBUG off, refuse to load without these very keys).
"""

from __future__ import annotations

import secrets

from cryptography.fernet import Fernet


def new_encryption_key() -> str:
    """A Fernet key for ENCRYPTION_KEYS: 32 random bytes in url-safe base64 (44 characters)."""
    return Fernet.generate_key().decode("ascii")


def new_secret_key() -> str:
    """A SECRET_KEY: 64 url-safe characters from 48 random bytes (384 bits)."""
    return secrets.token_urlsafe(48)
