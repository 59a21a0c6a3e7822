from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo
from hedershus.core.paths import STAFF_PATH_PREFIX


class Command(BaseCommand):
    help = "Creates (or resets) the demo users, one per role and a second editor, with TOTP set up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="The address the demo is served at, printed with the sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users have known passwords: refused with DEBUG off.")
        users = users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
        if options["verbosity"] == 0:
            return
        passwords = {account.email: account.password for account in DEMO_ACCOUNTS}
        url = options["url"]
        lines = [""]
        if url:
            base = url.rstrip("/")
            lines += [f"Hedershus demo: public site {base}/   staff sign-in {base}{STAFF_PATH_PREFIX}", ""]
        lines += [
            "Demo sign-ins (second factor: run scripts/demo-totp in another terminal):",
            f"  {'role':<22} {'e-mail':<40} password",
        ]
        with translation.override("en"):  # the README's words for the roles
            lines += [
                f"  {user.get_role_display():<22} {user.email:<40} {passwords[user.email]}" for user in users
            ]
        self.stdout.write("\n".join([*lines, ""]))
