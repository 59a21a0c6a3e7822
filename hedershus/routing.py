"""WebSocket routes. Apps add theirs here (chat and staff queue come with messaging)."""

from typing import Any

from hedershus.messaging import routing as messaging_routing

websocket_urlpatterns: list[Any] = [*messaging_routing.websocket_urlpatterns]
