"""The access rules in ``accounts/selectors.py``, checked for every role."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.accounts.models import User
from hedershus.accounts.selectors import mfa_reset_needs_approval, users_manageable_by
from hedershus.core.access import Capability, Role
from hedershus.core.access_testing import for_every_role, for_roles_with, for_roles_without

pytestmark = pytest.mark.django_db


@for_roles_without(Capability.MANAGE_USERS)
def test_someone_who_does_not_manage_users_sees_no_account(cast: dict[Role, Any], role: Role) -> None:
    assert not users_manageable_by(cast[role]).exists()


@for_roles_with(Capability.MANAGE_USERS)
def test_an_administrator_sees_every_account(cast: dict[Role, Any], role: Role) -> None:
    assert set(users_manageable_by(cast[role])) == set(User.objects.all())


def test_a_deactivated_administrator_sees_no_account(administrator: User) -> None:
    User.objects.filter(pk=administrator.pk).update(is_active=False)
    administrator.refresh_from_db()
    assert not users_manageable_by(administrator).exists()


@for_every_role
def test_only_administrators_and_auditors_need_a_second_administrator_for_a_reset(
    cast: dict[Role, Any], role: Role
) -> None:
    # Written out rather than read from PRIVILEGED_ROLES, so that emptying it fails here.
    assert mfa_reset_needs_approval(cast[role]) == (role in {Role.ADMINISTRATOR, Role.AUDITOR})
