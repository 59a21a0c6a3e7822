"""The demo consultations load once, through the services, after the demo register."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo
from hedershus.consultations.demo import demo_consultations_load
from hedershus.consultations.models import Consultation, ConsultationStatus
from hedershus.partners.demo import demo_partners_load

pytestmark = pytest.mark.django_db


def test_demo_consultations_need_the_demo_register_and_load_once(settings):
    assert demo_consultations_load().startswith("no demo")
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("consultations_demo")
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    demo_partners_load()

    call_command("consultations_demo")
    call_command("consultations_demo")

    assert Consultation.objects.count() == 2
    assert Consultation.objects.filter(status=ConsultationStatus.ANSWERED, agent_request=True).count() == 1


def test_demo_consultations_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("consultations_demo")
