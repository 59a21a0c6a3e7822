"""The demo referrals load after the demo cases and register, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.models import User
from hedershus.accounts.services import users_create_demo
from hedershus.cases.demo import demo_cases_load
from hedershus.partners.demo import demo_partners_load
from hedershus.referrals.demo import demo_referrals_load
from hedershus.referrals.selectors import referrals_inbox_for

pytestmark = pytest.mark.django_db


def test_the_demo_referrals_reach_the_second_demo_partners_inbox_once(settings):
    settings.DEBUG = True
    assert demo_referrals_load().added == 0  # nothing to refer yet
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    demo_cases_load()
    demo_partners_load()
    assert demo_referrals_load().added == 2
    assert demo_referrals_load().added == 0
    partner2 = User.objects.get(email="partner2@demo.hedershus.invalid")
    assert referrals_inbox_for(partner2).count() == 1


def test_the_demo_command_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("referrals_demo")
