"""Helpers for the rooms app's tests."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from hedershus.rooms import codes

_GROUP = "[0-9A-HJKMNP-TV-Z]{4}"
CODE_PATTERN = re.compile("-".join([_GROUP] * 4))


def codes_shown(response: Any) -> list[str]:
    """The room codes a page shows (in groups of four, maybe split by markup between groups)."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return CODE_PATTERN.findall(text)


def open_room_in(client: Any, passphrase: str = "") -> str:
    """Opens a room through the open page (``client`` is then in it); returns its code (normalised)."""
    response = client.post(
        reverse("rooms:open"), {"passphrase": passphrase, "passphrase_confirm": passphrase}
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    found = codes_shown(response)
    assert len(found) == 1
    code = codes.normalise_code(found[0])
    assert code is not None
    return code
