"""Messaging's WebSocket routes, joined into hedershus/routing.py."""

from typing import Any

from django.urls import path

from hedershus.messaging import consumers, staff_consumers

websocket_urlpatterns: list[Any] = [
    path("ws/room/", consumers.RoomConsumer.as_asgi()),
    path("ws/staff/conversations/", staff_consumers.StaffConversationsConsumer.as_asgi()),
]
