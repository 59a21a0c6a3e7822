"""``manage.py retention_run``: queues the retention task (R22), for a daily timer.

With ``TASK_BACKEND=database`` the task waits for ``manage.py db_worker``; with the immediate
backend it runs here. ``--here`` runs the rules in this process whatever the backend (for an
operator who wants the counts now, or a host without a worker). docs/operations.md, "Retention".
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from hedershus.messaging.retention import RetentionRunFailed, retention_run
from hedershus.messaging.tasks import retention_task


class Command(BaseCommand):
    help = "Deletes rooms, conversations and absences past their retention period (queues the task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--here", action="store_true", help="run the rules in this process instead of queueing them"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["here"]:
            try:
                counts = retention_run()
            except RetentionRunFailed as failure:
                # The jobs after a failed one ran; the audit event counts them and names the failed.
                raise CommandError(
                    f"Retention jobs failed: {', '.join(failure.failed_jobs)}; the others ran. "
                    "See the log; what was deleted is audited."
                ) from failure
            self.stdout.write(json.dumps(counts, sort_keys=True))
            return
        result = retention_task.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:  # the immediate backend ran it already
            self.stdout.write(json.dumps(result.return_value, sort_keys=True))
        elif result.status == TaskResultStatus.FAILED:
            # Non-zero exit, so the timer's unit shows as failed; the traceback is in the log.
            raise CommandError("The retention task failed; see the log. What it deleted so far is audited.")
        else:
            self.stdout.write(f"Retention task queued (id {result.id}); db_worker runs it.")
