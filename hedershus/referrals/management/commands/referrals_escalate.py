"""``manage.py referrals_escalate``: escalates referrals past their deadline (R16), for a timer
every 15 minutes (the daily retention run is too coarse for a 24-hour deadline).

Runs ``referrals.services.referrals_escalate_overdue`` in this process and prints
``{"referrals_escalated": n}``. Safe to run as often as wanted: a referral escalates once.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from hedershus.referrals.services import referrals_escalate_overdue


class Command(BaseCommand):
    help = "Escalates referrals whose deadline passed without an answer, and tells the supervisor."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps({"referrals_escalated": referrals_escalate_overdue()}))
