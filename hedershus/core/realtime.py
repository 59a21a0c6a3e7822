"""Real-time events, sent to the channel layer only after the transaction commits.

A socket message is a hint that something changed; the database is the truth. So an event
goes out only once what it announces is committed (never for a change that rolled back),
and a client that reconnects asks the database for what it missed. Modelled on Zulip's
``send_event_on_commit`` (``zerver/tornado/django_api.py``).

Only services call :func:`send_event_on_commit`. Tests assert on what a service sent with
:func:`hedershus.core.testing.capture_events`, without a channel layer.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import DEFAULT_DB_ALIAS, transaction

from hedershus.core import context

logger = logging.getLogger(__name__)

# The channel-layer message type every event travels as; BaseConsumer.realtime_event
# forwards it to the socket. The payload's own keys are the app's business.
EVENT_MESSAGE_TYPE = "realtime.event"


def send_event_on_commit(group: str, payload: Mapping[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Sends ``payload`` to every socket in channel-layer ``group`` once the transaction commits.

    ``group``: a channel-layer group name (ASCII letters, digits, ``-``, ``_``, ``.``; under
    100 characters), e.g. ``"room.42"``. ``payload``: a mapping that survives a JSON round
    trip unchanged (str keys; str, int, float, bool, None, lists and dicts of those) and
    holds no personal data beyond what every member of the group may see; consumers
    receive it as ``message["event"]``.

    Raises ``ValueError`` at call time, inside the service, for a bad group name or a
    payload that does not survive the round trip (a tuple, a datetime, a model instance):
    a bug should fail the request that has it, not vanish later in a callback.
    Outside a transaction (autocommit) the event is sent at once. If sending fails after
    commit the error is logged and the request goes on: the change is committed, and
    clients catch up when they reconnect.
    """
    _check_group(group)
    event = _json_round_trip(payload)
    message = {"type": EVENT_MESSAGE_TYPE, "event": event, "request_id": context.request_id.get()}
    transaction.on_commit(lambda: _send_now(group, message), using=using)


def _send_now(group: str, message: dict[str, Any]) -> None:
    """Hands ``message`` to the channel layer; the one place that talks to it (tests patch it)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The payload is not logged: it may name people. The group and request id locate it.
        logger.exception("Real-time event to group %s not sent (request id=%s)", group, message["request_id"])


def _check_group(group: str) -> None:
    layer = get_channel_layer()
    try:
        valid = layer is None or layer.require_valid_group_name(group)
    except TypeError as exc:  # channels reports a bad name as TypeError
        raise ValueError(f"Not a valid channel-layer group name: {group!r}") from exc
    if not valid:
        raise ValueError(f"Not a valid channel-layer group name: {group!r}")


def _json_round_trip(payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        decoded = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"A real-time event must be JSON: {exc}") from exc
    if decoded != payload or not isinstance(decoded, dict):
        # e.g. a tuple that would arrive as a list, or a non-string key that would become one
        raise ValueError(
            "A real-time event must survive a JSON round trip unchanged (no tuples, str keys only)."
        )
    return decoded


def room_group_name(room_id: str) -> str:
    """The channel-layer group of a room's visitor sockets, ``"room.<uuid hex>"``, from the
    room id a session holds (``core.consumers.ROOM_SESSION_KEY``). One definition for the
    rooms app (``rooms.events.room_group``) and for core's own hint below. ValueError if
    ``room_id`` is not a UUID."""
    return f"room.{uuid.UUID(str(room_id)).hex}"


def room_sessions_recheck(room_id: str) -> None:
    """Asks the room's open sockets to check their session now (after the caller's commit):
    a visitor's session just left the room (leave, quick exit), and a socket of that session
    in another tab must close at once (4401) rather than at its next periodic check, so the
    tab stops showing the conversation. Call it after the session is ended. A hint only:
    sockets of other sessions in the room check and stay."""
    send_event_on_commit(room_group_name(room_id), {"kind": "room.session_ended"})
