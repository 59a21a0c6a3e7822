from typing import Any

from django.core.management.base import BaseCommand

from hedershus.core.keys import new_encryption_key


class Command(BaseCommand):
    help = "Prints a new random key for ENCRYPTION_KEYS (works before any key is configured)."

    # manage.py runs this before the settings load; when called from code, checks are moot.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_encryption_key())
