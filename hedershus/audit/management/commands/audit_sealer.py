import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from hedershus.audit.sealer import POLL_SECONDS, run_sealer


class Command(BaseCommand):
    help = (
        "Runs the dedicated audit sealer until stopped (SIGTERM or Ctrl-C): seals every audited "
        "event in batches, so audited writes pay only their own commit (PostgreSQL; run it under "
        "the process supervisor beside `serve`, docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=POLL_SECONDS,
            help=f"seconds between looks for queued events (default {POLL_SECONDS:g}, 0.05 to 5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if not 0.05 <= interval <= 5:
            raise CommandError("--interval must be between 0.05 and 5 seconds.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "Only PostgreSQL needs the sealer: on SQLite each event is sealed in its own transaction."
            )
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()  # the current round finishes; the next look does not start

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        sealed = run_sealer(stop, poll_seconds=interval)
        self.stdout.write(f"Audit sealer stopped: {sealed} events sealed.")
