"""WebSocket routes. Apps add theirs here (chat and staff queue come with messaging)."""

from typing import Any

websocket_urlpatterns: list[Any] = []
