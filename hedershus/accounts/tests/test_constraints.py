"""The database itself refuses an account whose role is not one of the roles."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from hedershus.accounts.models import User
from hedershus.core.access import Role
from hedershus.core.access_testing import for_every_role

pytestmark = pytest.mark.django_db


@for_every_role
def test_every_role_can_be_stored(role: Role) -> None:
    user = User.objects.create_user(email=f"{role}-stored@example.org", role=role)
    assert User.objects.get(pk=user.pk).role == role


@pytest.mark.parametrize("bad_role", ["", "root", "Administrator", "administrator "])
def test_the_database_refuses_a_role_that_is_not_one_of_the_roles(counsellor: User, bad_role: str) -> None:
    # A bulk update skips the form's choices and the model's validation: only the database stops it.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=counsellor.pk).update(role=bad_role)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="no-role@example.org", role=bad_role)
    assert User.objects.get(pk=counsellor.pk).role == Role.COUNSELLOR
