from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo


class Command(BaseCommand):
    help = "Creates (or resets) the demo users, one per role and a second editor, with TOTP set up."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users have known passwords: refused with DEBUG off.")
        users = users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
        passwords = {account.email: account.password for account in DEMO_ACCOUNTS}
        self.stdout.write("Demo sign-ins (second factor: .venv/bin/python manage.py demo_totp):")
        for user in users:
            self.stdout.write(f"  {user.get_role_display():<22} {user.email:<40} {passwords[user.email]}")
