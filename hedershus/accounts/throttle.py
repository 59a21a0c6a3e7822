"""Per-address sign-in back-off, kept in Django's cache (shared when Redis is configured).

Why this exists: the platform never reads a client address, so every per-IP limit would be
one bucket for the whole site, which anyone could fill to block every staff sign-in
(issue 7, item 2). Limits are therefore keyed on what the person typed: the normalised
e-mail address, whether or not an account has it, so a refusal looks the same for an
account that exists and one that does not (issue 7, item 3c).

The rule (docs/architecture.md, "Sign-in"; arithmetic in docs/threat-model.md):

- The first ``LOCKOUT_ATTEMPTS - 1`` failures in a row cost nothing. Failure number
  ``LOCKOUT_ATTEMPTS`` delays the next attempt by ``SIGN_IN_DELAY_SECONDS``, and each
  further failure doubles the delay, up to ``LOCKOUT_MINUTES``.
- Attempts during a delay are refused without checking anything and do not count, so a
  stranger cannot lengthen a delay by hammering; once it has passed, a correct password
  and second factor sign in.
- Failures are forgotten ``SIGN_IN_FAILURE_MEMORY_HOURS`` after the last one, and at once
  after a complete sign-in.
- Site-wide ceiling: when more than ``SIGN_IN_SITE_CEILING`` failures happen in one clock
  minute across the whole site, no address gets free failures for the rest of that
  minute: each failure starts a delay at once. The ceiling never refuses an attempt by
  itself, so reaching it (which made-up addresses can do) blocks nobody's correct
  sign-in; it only shrinks what a spray across many accounts can try.

Counters are keyed on an HMAC of the address (SECRET_KEY-derived), so the cache never
holds what someone typed in the address field (it may be a mistyped password).
"""

from __future__ import annotations

import math
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy, ngettext

_PREFIX = "hedershus:signin"
# How long one attempt may hold an address's lock (a password hash takes well under 1 s),
# and how long another attempt on the same address waits for it before being refused.
_LOCK_SECONDS = 10
_LOCK_WAIT_SECONDS = 2.0


# Shown when an administrator deactivated or locked the account during a sign-in.
ACCOUNT_UNAVAILABLE = gettext_lazy("This sign-in cannot continue. Ask your administrator.")


class SignInDelayed(ValidationError):
    """Raised when an address is in a back-off delay. Its message is shown to the person
    and is the same for every address, existing account or not (issue 7, item 3c)."""

    def __init__(self, seconds: float) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        message = ngettext(
            "Too many unsuccessful attempts to sign in with this address. For safety, "
            "signing in is paused: try again in %(minutes)d minute.",
            "Too many unsuccessful attempts to sign in with this address. For safety, "
            "signing in is paused: try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message, code="sign_in_delayed")
        self.seconds = seconds


@dataclass(frozen=True)
class Failure:
    """The state after one more failure: ``failures`` in a row, and the delay it started
    (``delay_seconds``, 0 when this failure was still free)."""

    failures: int
    delay_seconds: int


def normalise_address(typed: str) -> str:
    """The form of a typed e-mail address that counters are keyed on.

    NFKC folds look-alike compatibility characters and ``casefold`` ignores case, so
    ``" Nobody@Example.ORG"`` and ``"nobody@example.org"`` share one bucket. Accounts'
    addresses are stored lower-case (``StaffUserManager``), so an account and its typed
    address land in the same bucket.
    """
    return unicodedata.normalize("NFKC", typed).strip().casefold()


def _now() -> float:
    """Seconds since the epoch; one place, so tests can move the back-off's clock."""
    return time.time()


def _key(kind: str, address: str) -> str:
    digest = salted_hmac("hedershus.accounts.throttle", address, algorithm="sha256").hexdigest()
    return f"{_PREFIX}:{kind}:{digest}"


def delay_for(failures: int, *, free: int | None = None) -> int:
    """Seconds of delay started by failure number ``failures`` (1-based).

    ``free`` is how many failures in a row cost nothing plus one, i.e. the failure that
    starts the first delay (``settings.LOCKOUT_ATTEMPTS`` unless the site-wide ceiling is
    reached, then 1). Delay = ``SIGN_IN_DELAY_SECONDS * 2 ** (failures - free)``, at most
    ``LOCKOUT_MINUTES`` minutes.
    """
    first = settings.LOCKOUT_ATTEMPTS if free is None else free
    if failures < first:
        return 0
    cap = settings.LOCKOUT_MINUTES * 60
    exponent = min(failures - first, 32)  # 2**32 seconds is far past any cap
    return int(min(settings.SIGN_IN_DELAY_SECONDS * 2**exponent, cap))


def delay_remaining(address: str, *, now: float | None = None) -> float:
    """Seconds until ``address`` (already normalised) may try again; 0 when it may now."""
    until = cache.get(_key("until", address))
    if until is None:
        return 0.0
    return max(0.0, float(until) - (_now() if now is None else now))


def first_refusal(address: str, seconds: float) -> bool:
    """True once per delay: lets callers record one audit event per delay, not one per
    refused request (a flood of refused requests must not flood the audit log)."""
    return bool(cache.add(_key("refused", address), 1, timeout=max(1, math.ceil(seconds))))


def _site_ceiling_reached() -> bool:
    """Counts this failure in the current clock minute; True when the site-wide ceiling
    (``SIGN_IN_SITE_CEILING`` failures per minute) is exceeded."""
    key = f"{_PREFIX}:site:{int(_now() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        count = 1
    return bool(count > settings.SIGN_IN_SITE_CEILING)


def record_failure(address: str) -> Failure:
    """Counts one failure for ``address`` (normalised) and starts its delay if due.

    Call it while holding ``serialised(address)`` so the count and the delay cannot race.
    """
    memory = settings.SIGN_IN_FAILURE_MEMORY_HOURS * 3600
    count_key = _key("failures", address)
    failures = int(cache.get(count_key, 0)) + 1
    cache.set(count_key, failures, timeout=memory)
    free = 1 if _site_ceiling_reached() else None
    delay = delay_for(failures, free=free)
    if delay:
        cache.set(_key("until", address), _now() + delay, timeout=delay + 1)
        cache.delete(_key("refused", address))
    return Failure(failures=failures, delay_seconds=delay)


def clear(address: str) -> None:
    """Forgets the failures and any delay of ``address`` (after a complete sign-in, or an
    administrator's unlock)."""
    cache.delete_many([_key(kind, address) for kind in ("failures", "until", "refused")])


@contextmanager
def serialised(address: str) -> Iterator[None]:
    """One check at a time per address, so parallel requests cannot all slip in before
    the failure that starts a delay is counted. Raises ``SignInDelayed`` (a short wait)
    when another attempt holds the address for longer than ``_LOCK_WAIT_SECONDS``."""
    key = _key("lock", address)
    token = uuid.uuid4().hex
    deadline = time.monotonic() + _LOCK_WAIT_SECONDS
    interval = 0.01
    while not cache.add(key, token, timeout=_LOCK_SECONDS):
        if time.monotonic() >= deadline:
            raise SignInDelayed(60)
        time.sleep(interval)
        interval = min(interval * 2, 0.2)
    try:
        yield
    finally:
        # Only our own lock: it may have expired and been taken by another attempt.
        if cache.get(key) == token:
            cache.delete(key)
