from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.partners.demo import demo_partners_load


class Command(BaseCommand):
    help = (
        "Loads the demo partner register (the county's 26 municipalities, Stockholm's districts, "
        "region, police, county board, NGOs, shelters) and two demo partner professionals "
        "(after demo_setup). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_partners_load()
        if report.reason:
            raise CommandError(f"Demo partner register: {report.reason}.")
        self.stdout.write(
            f"Demo partner register: {report.units_created} units added, {report.units_updated} changed, "
            f"{report.memberships_added} professionals added."
        )
