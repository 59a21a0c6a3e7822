"""The Redis channel layer as configured in settings (docs/operations.md, "Channel layer")."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings


@pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs Redis (REDIS_URL): runs in CI's PostgreSQL + Redis pass"
)
def test_an_idle_socket_waits_on_the_layer_past_redis_pys_default_read_timeout() -> None:
    """redis-py 8 cuts reads at 5 s by default, and channels-redis's blocking read waits 5 s,
    so every idle socket crashed (1011) about every 5 s until settings raised the timeout."""
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    assert layer.brpop_timeout < settings.CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS

    async def idle() -> None:
        channel = await layer.new_channel()
        with pytest.raises(TimeoutError):  # asyncio's own, after 7 s: not redis-py's at 5 s
            await asyncio.wait_for(layer.receive(channel), 7)
        await layer.flush()

    asyncio.run(idle())


def test_the_layer_holds_more_than_channels_redis_default_capacity_per_socket() -> None:
    layer = get_channel_layer()
    assert layer is not None
    assert layer.capacity == settings.CHANNEL_LAYER_CAPACITY >= 1000
    assert layer.expiry == settings.CHANNEL_LAYER_EXPIRY_SECONDS
    assert layer.group_expiry == settings.CHANNEL_LAYER_GROUP_EXPIRY_SECONDS
