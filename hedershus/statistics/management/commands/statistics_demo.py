from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.statistics.demo import demo_statistics_load


class Command(BaseCommand):
    help = (
        "Adds a few hundred made-up cases with contacts, referrals and assessments over the last 18 "
        "months, so the statistics dashboard has figures (after demo_setup and partners_demo). "
        "Does nothing the second time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_statistics_load()
        if report.cases:
            self.stdout.write(
                f"Demo statistics: {report.cases} cases, {report.contacts} contacts, "
                f"{report.referrals} referrals, {report.assessments} assessments."
            )
        else:
            self.stdout.write(f"Demo statistics: nothing added ({report.reason}).")
