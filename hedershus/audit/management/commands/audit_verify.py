from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hedershus.audit.services import dedicated_sealer_running, forget_dedicated_sealer
from hedershus.audit.verify import SEAL_GRACE, audit_chain_verify


class Command(BaseCommand):
    help = "Checks the audit log's signed chains of events and seals; names the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.first_broken_id is None and not report.intact:
            raise CommandError(f"Audit chain broken: {report.problem}.")
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at event {report.first_broken_id}: {report.problem}. "
                f"{report.checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events checked."))
        self.stdout.write(
            f"  {report.sealed} events sealed in order; {report.waiting} recorded in the last "
            f"{SEAL_GRACE.total_seconds() / 60:g} minutes still wait for their seal."
        )
        if report.anchored_at:
            self.stdout.write(
                f"  Checked against the newest anchor ({report.anchored_at}): nothing it counted is missing."
            )
        elif settings.AUDIT_ANCHOR_DIR:
            self.stdout.write(
                "  No anchor in AUDIT_ANCHOR_DIR yet: run manage.py audit_anchor (docs/operations.md)."
            )
        else:
            self.stdout.write(
                "  AUDIT_ANCHOR_DIR is not set: removing the newest events would go unseen "
                "(docs/operations.md)."
            )
        if connection.vendor == "postgresql":
            forget_dedicated_sealer()  # now, not as this process last saw it
            if dedicated_sealer_running():
                self.stdout.write("  The dedicated sealer (manage.py audit_sealer) is running.")
            else:
                # Not an error: writers seal after their own commits, only slower.
                self.stdout.write(
                    "  The dedicated sealer (manage.py audit_sealer) is not running: writers "
                    "seal after their own commits (docs/operations.md)."
                )
        # Which key signed what: after a leaked key was replaced, an older key id appearing
        # again below the new one marks forged events (docs/operations.md).
        for run in report.key_runs:
            how = f"signed with key {run.key_id}" if run.key_id else "unsigned (from before signing began)"
            self.stdout.write(f"  events {run.first_id}-{run.last_id} ({run.count}): {how}")
