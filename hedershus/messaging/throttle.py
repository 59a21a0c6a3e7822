"""The send rate of a visitor's messages, per room, without any client address.

The platform never reads a client address (``hedershus/rooms/throttle.py`` says why), so the
limit is kept per room: a room is what one visitor holds, and flooding a conversation needs
one. Counted in the shared cache (Redis with ``REDIS_URL``), so every app process sees the
same count; never in the database, so a refused message costs no write.

The rule (numbers and reasoning in docs/threat-model.md, "Message and room-opening limits"):
at most ``ROOM_MESSAGES_PER_MINUTE`` visitor messages per room per clock minute, attachments
included. Within the minute nothing is spaced: the whole allowance may be used at once (the
burst of someone typing "help", "please", "he is here" as fast as they can). A message above
it is refused with the seconds until the minute ends (``retry_after``) and is not counted,
so a client that retries when told is never held back by its own retries. Counsellors'
replies are never counted (``services.messages.message_post_staff`` does not call this).
"""

from __future__ import annotations

import contextlib
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

_PREFIX = "hedershus:messaging:send"
# A key outlives its minute whatever the clocks of several servers say (as rooms.throttle).
_KEY_SECONDS = 120


def _now() -> float:
    """Seconds since the epoch; one place, so tests can move the clock."""
    return time.time()


def _key(room_id: Any, minute: int) -> str:
    return f"{_PREFIX}:{room_id}:{minute}"


def _retry_after(now: float) -> int:
    """Whole seconds (1-60) until the current clock minute ends."""
    return max(1, math.ceil(60 - now % 60))


def send_wait(room_id: Any) -> int:
    """Seconds the visitor of room ``room_id`` must wait before a message can be taken; 0 when
    one can be taken now. Reads only: for a caller that wants to refuse before costly work
    (an attachment's re-encoding) what ``send_take`` would refuse anyway."""
    now = _now()
    used = int(cache.get(_key(room_id, int(now // 60)), 0))
    return _retry_after(now) if used >= settings.ROOM_MESSAGES_PER_MINUTE else 0


def send_take(room_id: Any) -> int:
    """Counts one message of room ``room_id`` in the current clock minute: 0 when it is within
    ``ROOM_MESSAGES_PER_MINUTE``, else the seconds until the minute ends (1-60), and then it
    is not counted.

    ``add`` then ``incr`` is atomic in Redis and in one process's memory cache, so parallel
    sends (two tabs, a script on many sockets) get distinct counts and no more than the
    allowance gets through; a refused one is given back with ``decr``.
    """
    now = _now()
    key = _key(room_id, int(now // 60))
    cache.add(key, 0, timeout=_KEY_SECONDS)
    try:
        used = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=_KEY_SECONDS)
        used = 1
    if used <= settings.ROOM_MESSAGES_PER_MINUTE:
        return 0
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
        cache.decr(key)
    return _retry_after(now)
