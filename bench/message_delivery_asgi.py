"""The platform's ASGI application plus two bare Channels consumers, the yardsticks of
``bench/message_delivery.py``. Benchmark-only: never served in production.

- ``/ws/bench/echo/``: sends back what it receives (Channels and the server, nothing else);
- ``/ws/bench/relay/<pair>/``: forwards what it receives to its group ``bench.relay.<pair>``
  through the channel layer (Redis), as a hint travels; both sockets of a pair receive it.

Neither touches the session, the database or the audit log; every other path goes to the
platform (``hedershus.asgi.application``), served by the same process.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

from hedershus.asgi import application as platform  # the platform, served alongside


class Echo(AsyncWebsocketConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data=text_data)


class Relay(AsyncWebsocketConsumer):
    group: str

    async def connect(self) -> None:
        self.group = f"bench.relay.{int(self.scope['url_route']['kwargs']['pair'])}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": text_data})

    async def relay_message(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])


bench_routes = URLRouter(
    [path("ws/bench/echo/", Echo.as_asgi()), path("ws/bench/relay/<int:pair>/", Relay.as_asgi())]
)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"].startswith("/ws/bench/"):
        await bench_routes(scope, receive, send)
    else:
        await platform(scope, receive, send)
