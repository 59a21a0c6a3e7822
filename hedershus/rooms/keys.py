"""New peppers for ``ROOM_CODE_PEPPERS``; reads no settings, so manage.py can run it before
the settings load (which, with DEBUG off, refuse to load without a pepper)."""

from __future__ import annotations

import base64
import secrets


def new_pepper() -> str:
    """A pepper for ROOM_CODE_PEPPERS: 32 random bytes in url-safe base64 (44 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
