"""Signing staff in from the browser tests: password, then a TOTP code (RFC 6238).

One helper for every browser test, because the rules of the code are easy to get wrong: a
code is valid in its own 30-second window only, and the server accepts each code once per
account (allauth marks it used), so two sign-ins of one account in the same window must wait
for the next. Forgetting the second rule made tests that sign the same person in twice fail
at random (the second sign-in stayed on the code page).
"""

from __future__ import annotations

import base64
import hmac
import re
import struct
import time
from typing import Any

STAFF_HOME = re.compile(r"/staff/(?!auth/)")
_last_window: dict[str, int] = {}  # secret -> the window of the last code sent (per process)


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit RFC 6238 code (SHA-1, 30-second step) a phone would show at ``at``."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at or time.time()) // 30), "sha1").digest()
    offset = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def fresh_code(secret: str) -> str:
    """A code for ``secret`` that has at least 4 s left and was not sent before (waits up to
    30.5 s for the next window when needed)."""
    while time.time() % 30 > 26 or _last_window.get(secret) == int(time.time()) // 30:
        time.sleep(30.5 - time.time() % 30)
    _last_window[secret] = int(time.time()) // 30
    return totp(secret)


def staff_sign_in(
    page: Any, server: Any, email: str, password: str, secret: str, start: str | None = "/staff/auth/login/"
) -> Any:
    """Signs ``email`` in on ``page`` (a Playwright page) and waits until a staff page past the
    sign-in shows. ``start`` is where to begin; None when ``page`` already shows the sign-in
    form. Returns ``page``."""
    if start is not None:
        page.goto(server.url(start))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form[action^='/staff/auth/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/auth/2fa/authenticate/"))
    page.fill("input[name=code]", fresh_code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(STAFF_HOME)
    return page


def latest_conversation(server: Any) -> int:
    """The number of the conversation opened last on ``server`` (read with manage.py shell)."""
    code = "from hedershus.messaging.models import Conversation; print(Conversation.objects.latest('pk').pk)"
    return int(server.manage("shell", "-c", code).strip().splitlines()[-1])


def page_width(page: Any) -> int:
    """The page's laid-out width in CSS pixels, once its stylesheets have loaded: measured
    right after a navigation, the text can be in the DOM before the CSS that wraps it applies
    (a long document title measured 3,201 px that way, once in several runs)."""
    page.wait_for_load_state("load")
    return int(page.evaluate("document.documentElement.scrollWidth"))
