"""``manage.py referrals_demo``: two made-up referrals of the demo family case (DEBUG only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hedershus.referrals.demo import demo_referrals_load


class Command(BaseCommand):
    help = "Adds two made-up referrals of the demo family case (after demo_cases and partners_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for a demo: refused with DEBUG off.")
        report = demo_referrals_load()
        self.stdout.write(
            f"Demo referrals: {report.added} added{f' ({report.reason})' if report.reason else ''}."
        )
