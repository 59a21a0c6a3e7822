from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.accounts.demo import DEMO_PASSWORDS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo


class Command(BaseCommand):
    help = "Creates (or resets) one demo user per role with a known password and TOTP set up."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users have known passwords: refused with DEBUG off.")
        users = users_create_demo(DEMO_PASSWORDS, DEMO_TOTP_SECRET)
        self.stdout.write("Demo sign-ins (second factor: python manage.py demo_totp):")
        for user in users:
            self.stdout.write(f"  {user.get_role_display():<22} {user.email:<42} {DEMO_PASSWORDS[user.role]}")
