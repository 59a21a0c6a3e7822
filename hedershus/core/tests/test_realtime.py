"""Real-time events leave only after commit, and only as JSON (core/realtime.py)."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction
from django.test import TestCase

from hedershus.core.realtime import send_event_on_commit
from hedershus.core.testing import SentEvent, capture_events

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


def test_an_event_is_captured_once_the_transaction_commits() -> None:
    with capture_events(expected=1) as sent, transaction.atomic():
        send_event_on_commit("room.1", {"kind": "message.posted", "id": 7})
        assert sent == []  # not before the commit
    assert sent == [SentEvent(group="room.1", payload={"kind": "message.posted", "id": 7})]


def test_nothing_is_sent_when_the_transaction_rolls_back() -> None:
    with capture_events(expected=1) as sent:
        with pytest.raises(_RolledBack), transaction.atomic():
            send_event_on_commit("room.1", {"kind": "message.posted", "id": 7})
            raise _RolledBack
        send_event_on_commit("room.1", {"kind": "after"})
    assert [event.payload for event in sent] == [{"kind": "after"}]


@pytest.mark.parametrize(
    "payload",
    [
        {"at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
        {"ids": (1, 2)},  # would arrive as a list
        {1: "non-string key"},
        {"ratio": float("nan")},
        {"object": object()},
    ],
)
def test_a_payload_that_is_not_json_raises_at_call_time(payload: dict[Any, Any]) -> None:
    with capture_events(expected=0), pytest.raises(ValueError, match="JSON"):
        send_event_on_commit("room.1", payload)


@pytest.mark.parametrize("group", ["room 1", "röom.1", "x" * 100, ""])
def test_a_bad_group_name_raises_at_call_time(group: str) -> None:
    with capture_events(expected=0), pytest.raises(ValueError, match="group name"):
        send_event_on_commit(group, {"kind": "x"})


def _receive(channel: str, timeout: float = 1.0) -> dict[str, Any] | None:
    async def receive() -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)
        except TimeoutError:
            return None

    return async_to_sync(receive)()


def _in_one_event_loop(test: Callable[[], None]) -> Callable[[], None]:
    """Runs ``test`` so every ``async_to_sync`` in it shares one event loop, as in a server:
    the Redis layer binds a channel's buffer to the loop that first received on it. The
    test body stays in this thread, inside the test's transaction."""

    def run() -> None:
        async_to_sync(sync_to_async(test, thread_sensitive=True))()

    return run


@_in_one_event_loop
def test_a_group_member_receives_the_event_after_commit_through_the_channel_layer() -> None:
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)("test.")
    async_to_sync(layer.group_add)("room.2", channel)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            send_event_on_commit("room.2", {"kind": "message.posted", "id": 8})
            assert _receive(channel, timeout=0.2) is None  # nothing before the commit
        message = _receive(channel)
    finally:
        async_to_sync(layer.group_discard)("room.2", channel)
    assert message is not None
    assert message["type"] == "realtime.event"
    assert message["event"] == {"kind": "message.posted", "id": 8}


@_in_one_event_loop
def test_a_rolled_back_event_never_reaches_the_channel_layer() -> None:
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)("test.")
    async_to_sync(layer.group_add)("room.3", channel)
    try:
        with (
            TestCase.captureOnCommitCallbacks(execute=True),
            pytest.raises(_RolledBack),
            transaction.atomic(),
        ):
            send_event_on_commit("room.3", {"kind": "message.posted"})
            raise _RolledBack
        assert _receive(channel, timeout=0.3) is None
    finally:
        async_to_sync(layer.group_discard)("room.3", channel)


def test_capture_events_fails_on_the_wrong_number_of_events() -> None:
    with (
        pytest.raises(AssertionError, match="expected 2 real-time events, got 1"),
        capture_events(expected=2),
    ):
        send_event_on_commit("room.1", {"kind": "x"})
