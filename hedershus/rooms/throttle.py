"""Limits on room entry and room opening, without any client address (issue 9, item 1).

The platform never reads a client address, so a limit per address is impossible; these
limits stand in for it (reasoning and arithmetic in docs/threat-model.md, "Rooms"):

- **Site-wide ceiling**: failed room entries are counted per clock minute across every
  visitor, in the shared cache (Redis with ``REDIS_URL``), as
  ``hedershus.accounts.throttle`` counts failed sign-ins. Above ``ROOM_ENTRY_SITE_CEILING``
  failures in the current minute, ``rooms.services.room_enter`` refuses at once, without
  Argon2 work, an attempt whose code matches no room, and every failed attempt gets the
  "busy" answer. An attempt whose code *does* match a room is never refused by the ceiling:
  so a stranger who keeps the site above it cannot lock anyone out of their own room; they
  only make their own guesses cheap to refuse. The counter ends with its minute.
- **Per room**: wrong passphrases for one room (the code already matched) are counted in
  the room's row (``passphrase_failures``); from failure number ``ROOM_PASSPHRASE_FREE_FAILURES``
  (1 while the site is above its ceiling) entry is paused until ``passphrase_blocked_until``,
  ``ROOM_PASSPHRASE_DELAY_SECONDS`` doubled for each further failure, at most
  ``ROOM_PASSPHRASE_MAX_DELAY_MINUTES``. A right entry clears the count.
- **Opening rooms**: rooms opened are counted per clock minute across every visitor, in the
  shared cache. Above ``ROOM_OPEN_SITE_CEILING`` in the current minute,
  ``rooms.services.room_open`` refuses (429, "try again in a minute") before any Argon2 work.
  It has its own counter: entering an existing room is never refused by it.
"""

from __future__ import annotations

import datetime
import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "hedershus:rooms:entry"
_OPEN_PREFIX = "hedershus:rooms:open"


def _now() -> float:
    """Seconds since the epoch; one place, so tests can move the ceiling's clock."""
    return time.time()


def _minute_key(prefix: str = _PREFIX) -> str:
    return f"{prefix}:site:{int(_now() // 60)}"


def _minute_count(key: str) -> int:
    """Adds one to the per-minute counter ``key`` and returns the new count.

    ``add`` then ``incr`` is atomic in Redis and in one process's memory cache; the key
    lives two minutes, so it outlasts its minute whatever the clocks of several servers say.
    """
    cache.add(key, 0, timeout=120)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        return 1


def site_failures() -> int:
    """Failed room entries counted so far in the current clock minute, site-wide."""
    return int(cache.get(_minute_key(), 0))


def site_over_ceiling() -> bool:
    """True when this minute's failures already exceed ``ROOM_ENTRY_SITE_CEILING``."""
    return site_failures() > settings.ROOM_ENTRY_SITE_CEILING


def site_failure_record() -> int:
    """Counts one failed room entry in the current clock minute; returns the new count."""
    return _minute_count(_minute_key())


def room_open_take() -> bool:
    """Counts one attempt to open a room in the current clock minute, site-wide; True when
    it is within ``ROOM_OPEN_SITE_CEILING`` (the room may be opened), False above it.

    Counted before the room is made, so parallel attempts get distinct counts and no more
    than the ceiling pass in one minute; refused attempts count too (they only keep the
    minute full, which it already is). The count ends with its minute.
    """
    return _minute_count(_minute_key(_OPEN_PREFIX)) <= settings.ROOM_OPEN_SITE_CEILING


def seconds_to_next_minute() -> int:
    """Whole seconds (1-60) until the current clock minute ends, when the counts start again."""
    return max(1, math.ceil(60 - _now() % 60))


def passphrase_delay(failures: int, *, site_busy: bool) -> datetime.timedelta:
    """The pause started by wrong passphrase number ``failures`` (1-based) for one room.

    Zero before failure ``ROOM_PASSPHRASE_FREE_FAILURES`` (before the first while
    ``site_busy``); then ``ROOM_PASSPHRASE_DELAY_SECONDS * 2 ** (failures - free)`` seconds,
    at most ``ROOM_PASSPHRASE_MAX_DELAY_MINUTES`` minutes.
    """
    free = 1 if site_busy else settings.ROOM_PASSPHRASE_FREE_FAILURES
    if failures < free:
        return datetime.timedelta(0)
    exponent = min(failures - free, 32)  # 2**32 seconds is far past any cap
    seconds = min(
        settings.ROOM_PASSPHRASE_DELAY_SECONDS * 2**exponent, settings.ROOM_PASSPHRASE_MAX_DELAY_MINUTES * 60
    )
    return datetime.timedelta(seconds=seconds)
