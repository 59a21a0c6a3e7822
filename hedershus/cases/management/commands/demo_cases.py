from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.cases.demo import demo_cases_load


class Command(BaseCommand):
    help = "Adds three made-up cases of the demo counsellor (after demo_setup)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_cases_load()
        self.stdout.write(
            f"Demo cases: {report.added} added{f' ({report.reason})' if report.reason else ''}."
        )
