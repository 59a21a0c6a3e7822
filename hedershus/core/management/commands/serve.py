"""Runs the platform under uvicorn (see bench/README.md for why uvicorn).

The server's own access log is switched off and proxy headers are not read: our
request log (core.middleware) is the only one, and it never holds a client address.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serves the platform over ASGI (HTTP and WebSocket) with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        uvicorn.run(
            "hedershus.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            access_log=False,
            proxy_headers=False,
            server_header=False,
            log_config=None,  # keep Django's LOGGING, with its redaction filter
            lifespan="off",
        )
