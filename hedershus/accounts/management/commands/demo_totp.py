import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Prints the demo users' current TOTP code, so the demo works without a phone."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # The demo runs with DEBUG on (scripts/run); scripts/demo-totp sets it the same way.
            raise CommandError("The demo runs with DEBUG on: use scripts/demo-totp.")
        counter = int(time.time()) // 30
        remaining = 30 - int(time.time()) % 30
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {remaining} more seconds)")
