"""The demo cases load once, through the services, and need the demo accounts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo
from hedershus.cases.demo import demo_cases_load
from hedershus.cases.models import Case, Person

pytestmark = pytest.mark.django_db


def test_demo_cases_need_the_demo_accounts_and_load_once(settings):
    assert demo_cases_load().added == 0
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    settings.DEBUG = True
    call_command("demo_cases")
    assert Case.objects.count() == 3
    assert Person.objects.filter(role="perpetrator").count() == 2
    assert Case.objects.filter(protected_identity=True).count() == 1
    assert demo_cases_load().added == 0
    assert Case.objects.count() == 3
