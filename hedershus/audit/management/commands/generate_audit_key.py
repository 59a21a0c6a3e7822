from typing import Any

from django.core.management.base import BaseCommand

from hedershus.audit.keys import new_key


class Command(BaseCommand):
    help = "Prints a new random key for AUDIT_HMAC_KEYS (32 bytes, url-safe base64)."

    def handle(self, *args: Any, **options: Any) -> None:
        # manage.py runs hedershus.audit.keys.new_key itself before the settings load; this
        # command is the same for call_command and for settings that already load.
        self.stdout.write(new_key())
