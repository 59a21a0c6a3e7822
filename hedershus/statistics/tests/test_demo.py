"""manage.py statistics_demo: refused with DEBUG off, figures on the dashboard, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.cases.models import Case
from hedershus.core.access import Role
from hedershus.statistics import selectors
from hedershus.statistics.demo import PREFIX
from hedershus.statistics.selectors import Period

pytestmark = pytest.mark.django_db


def test_the_demo_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("statistics_demo")


def test_the_demo_gives_the_dashboard_figures_and_runs_once(settings, capsys):
    from conftest import _make_user

    settings.DEBUG = True
    _make_user(Role.COUNSELLOR, f"counsellor@{DEMO_EMAIL_DOMAIN}")
    supervisor = _make_user(Role.SUPERVISOR, f"supervisor@{DEMO_EMAIL_DOMAIN}")
    call_command("statistics_demo")
    made = Case.objects.filter(reference__startswith=PREFIX).count()
    assert made > 500
    call_command("statistics_demo")
    assert Case.objects.filter(reference__startswith=PREFIX).count() == made
    assert "nothing added" in capsys.readouterr().out
    data = selectors.dashboard_for(supervisor, Period.default())
    channel = next(t for t in data.contacts if t.key == "contacts_channel")
    assert channel.result.total and channel.result.total > 500
    assert any(v for row in channel.result.cells for v in row if v)


def test_the_demo_figures_are_not_in_the_demo_counsellors_name(settings):
    from conftest import _make_user
    from hedershus.referrals.models import Referral

    settings.DEBUG = True
    counsellor = _make_user(Role.COUNSELLOR, f"counsellor@{DEMO_EMAIL_DOMAIN}")
    call_command("statistics_demo")
    made = Case.objects.filter(reference__startswith=PREFIX)
    assert not made.filter(opened_by=counsellor).exists()
    assert not Referral.objects.filter(referred_by=counsellor).exists()
    author = made.first().opened_by
    assert not author.is_active and not author.has_usable_password()
