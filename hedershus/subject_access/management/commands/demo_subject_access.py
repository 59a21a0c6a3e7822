from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.subject_access.demo import demo_subject_access_load


class Command(BaseCommand):
    help = "Gives the demo family case's girl and her father made-up names and numbers (after demo_cases)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_subject_access_load()
        reason = f" ({report.reason})" if report.reason else ""
        self.stdout.write(f"Demo data subjects: {report.identified} identified{reason}.")
