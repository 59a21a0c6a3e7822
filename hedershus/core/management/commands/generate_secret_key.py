from typing import Any

from django.core.management.base import BaseCommand

from hedershus.core.keys import new_secret_key


class Command(BaseCommand):
    help = "Prints a new random SECRET_KEY (works before any key is configured)."

    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_secret_key())
