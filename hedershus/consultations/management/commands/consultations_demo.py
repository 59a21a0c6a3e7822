from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.consultations.demo import demo_consultations_load


class Command(BaseCommand):
    help = (
        "Two made-up consultations from the demo partner professional, one answered by the demo "
        "counsellor (after demo_setup and partners_demo). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        result = demo_consultations_load()
        if result.startswith("no ") or result.startswith("the "):
            raise CommandError(f"Demo consultations: {result}.")
        self.stdout.write(f"Demo consultations: {result}.")
