from typing import Any

from django.core.management.base import BaseCommand

from hedershus.rooms.keys import new_pepper


class Command(BaseCommand):
    help = "Prints a new random pepper for ROOM_CODE_PEPPERS (32 bytes, url-safe base64)."

    # manage.py runs this before the settings load; when called from code, checks are moot.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_pepper())
