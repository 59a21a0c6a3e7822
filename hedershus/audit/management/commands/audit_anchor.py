from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hedershus.audit.anchors import AnchorNotConfigured, AnchorRefused
from hedershus.audit.services import audit_anchor_write


class Command(BaseCommand):
    help = (
        "Writes the audit log's newest hash and counts where the database cannot change them "
        "(AUDIT_ANCHOR_DIR, AUDIT_ANCHOR_EMAILS). Run it from cron every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor, name = audit_anchor_write()
        except AnchorNotConfigured as error:
            raise CommandError(str(error)) from None
        except AnchorRefused as refused:
            # Non-zero exit every time the timer runs, until an operator has looked.
            raise CommandError(
                f"{refused} Run manage.py audit_verify and see docs/operations.md, 'Audit anchors'."
            ) from None
        except OSError as error:
            raise CommandError(f"The anchor could not be written: {error}") from None
        where = f"file {name}" if name else "e-mail only"
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit anchor written ({where}): {anchor.events} events up to {anchor.max_event_id}, "
                f"newest seal {anchor.head_seal_id}."
            )
        )
