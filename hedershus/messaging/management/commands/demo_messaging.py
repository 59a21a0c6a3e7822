from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.messaging.demo import demo_messaging_load


class Command(BaseCommand):
    help = "Adds demo opening hours (if none are set) and demo standard replies in Swedish and English."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_messaging_load()
        self.stdout.write(
            f"Demo messaging: opening hours {'set' if report.hours_set else 'kept'}, "
            f"{report.replies_added} standard replies added."
        )
