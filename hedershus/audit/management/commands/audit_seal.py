from typing import Any

from django.core.management.base import BaseCommand

from hedershus.audit.services import audit_seal_pending


class Command(BaseCommand):
    help = (
        "Seals every committed audit event still waiting for its seal. Events are sealed right "
        "after their commit; run this every few minutes (cron) as the safety net."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Waits for the seal lock, unlike the sealer after each commit: this run must not
        # return while events wait.
        sealed = audit_seal_pending(wait=True, max_rounds=10_000)
        self.stdout.write(f"Audit events sealed: {sealed}.")
