import base64
import secrets
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prints a new random key for AUDIT_HMAC_KEYS (32 bytes, url-safe base64)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"))
