"""Runs the platform under uvicorn (see bench/README.md for why uvicorn).

The server's own access log is switched off and proxy headers are not read: our
request log (core.middleware) is the only one, and it never holds a client address.
Before listening it runs the start-up checks (hedershus/core/checks.py) and refuses
more than one worker without a shared cache.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hedershus.core.checks import run_startup_checks_or_exit


class Command(BaseCommand):
    help = "Serves the platform over ASGI (HTTP and WebSocket) with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if workers > 1 and not settings.SHARED_CACHE:
            # Each process would keep its own used TOTP codes and rate limits: a code accepted
            # by one worker would be accepted again by another (issue 7, item 4).
            raise CommandError(
                f"--workers {workers} needs a shared cache: set REDIS_URL (docs/operations.md), "
                "or run one worker."
            )
        run_startup_checks_or_exit()
        uvicorn.run(
            "hedershus.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=workers,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            log_config=None,  # keep Django's LOGGING, with its redaction filter
            lifespan="off",
        )
