from typing import Any

from django.core.management.base import BaseCommand

from hedershus.core.crypto import generate_key


class Command(BaseCommand):
    help = "Prints a new random key for ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
