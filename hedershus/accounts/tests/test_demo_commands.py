from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from hedershus.accounts.demo import DEMO_ACCOUNTS
from hedershus.accounts.models import User
from hedershus.core.access import Role


def test_demo_setup_is_refused_with_debug_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_setup")
    assert not User.objects.exists()


def test_demo_totp_is_refused_with_debug_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp")


def test_demo_setup_creates_every_role_with_mfa_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("demo_setup")
    call_command("demo_setup")
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert {user.role for user in User.objects.all()} == set(Role)
    assert User.objects.filter(role=Role.EDITOR).count() == 2  # a reviewer for the other editor
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(account.password)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1


def test_demo_totp_prints_a_code(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo_totp")
    code = capsys.readouterr().out.split()[0]
    assert code.isdigit() and len(code) == 6
