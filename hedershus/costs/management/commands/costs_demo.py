from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.costs.demo import demo_costs_load


class Command(BaseCommand):
    help = (
        "Adds the seed's cost-sharing agreement (2012-2014, 6 MSEK a year) with the 2010 populations, "
        "as the demo administrator (after demo_setup). Does nothing the second time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_costs_load()
        if report.created:
            self.stdout.write(f"Demo cost agreement {report.agreement_id} created.")
        else:
            self.stdout.write(f"Demo cost agreement: nothing added ({report.reason}).")
