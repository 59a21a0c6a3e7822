"""ASGI entry point: HTTP through Django, WebSockets through Channels' router."""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

from hedershus.env import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
# A configuration error ends the process with one line naming the variable.
load_settings_or_exit()
django_asgi_app = get_asgi_application()

from hedershus.core.checks import run_startup_checks_or_exit  # noqa: E402  (needs Django set up)

# Whatever server imports this (serve, or uvicorn run by hand), unsafe start-up is refused.
run_startup_checks_or_exit()

from channels.routing import ProtocolTypeRouter  # noqa: E402  (needs Django set up)

from hedershus.core.consumers import websocket_stack  # noqa: E402
from hedershus.routing import websocket_urlpatterns  # noqa: E402


class ForgetClientAddress:
    """Drops the client's address from every connection's scope before any code sees it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") in ("http", "websocket"):
            scope = {**scope, "client": None}
        await self.app(scope, receive, send)


application = ForgetClientAddress(
    ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_stack(websocket_urlpatterns)})
)
