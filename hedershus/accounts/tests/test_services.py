"""Account services enforce their own rules, whoever calls them (issue 8, item 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hedershus.accounts import services
from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Capability, Role
from hedershus.core.access_testing import for_roles_without
from hedershus.core.exceptions import AccessDenied, Conflict

pytestmark = pytest.mark.django_db

ORIGIN = "https://hedershus.example.org"

# Every service that changes someone's account, called as ``actor`` on ``user``.
ACCOUNT_CHANGES: dict[str, Callable[[Any, Any], Any]] = {
    "user_create": lambda actor, user: services.user_create(
        actor=actor, email="new@example.org", first_name="N", last_name="N", role=Role.EDITOR, origin=ORIGIN
    ),
    "user_setup_link_issue": lambda actor, user: services.user_setup_link_issue(
        actor=actor, user=user, origin=ORIGIN
    ),
    "user_update": lambda actor, user: services.user_update(
        actor=actor, user=user, first_name="X", last_name="Y", role=Role.ADMINISTRATOR, is_active=True
    ),
    "user_unlock": lambda actor, user: services.user_unlock(actor=actor, user=user),
    "user_mfa_reset": lambda actor, user: services.user_mfa_reset(actor=actor, user=user),
    "mfa_reset_request": lambda actor, user: services.mfa_reset_request(actor=actor, user=user),
}


def _events() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))


@pytest.mark.parametrize("service", sorted(ACCOUNT_CHANGES))
@for_roles_without(Capability.MANAGE_USERS)
def test_only_someone_who_manages_users_changes_accounts(
    cast: dict[Role, Any], counsellor: User, role: Role, service: str, mailoutbox: list[Any]
) -> None:
    before = _events()
    with pytest.raises(AccessDenied):
        ACCOUNT_CHANGES[service](cast[role], counsellor)
    assert _events() == before
    assert not mailoutbox
    assert User.objects.filter(
        pk=counsellor.pk, role=Role.COUNSELLOR, first_name=counsellor.first_name
    ).exists()


@pytest.mark.parametrize(
    "change", [{"role": Role.COUNSELLOR, "is_active": True}, {"role": Role.ADMINISTRATOR, "is_active": False}]
)
def test_an_administrator_cannot_change_their_own_role_or_deactivate_themselves(
    administrator: User, change: dict[str, Any]
) -> None:
    with pytest.raises(AccessDenied):
        services.user_update(actor=administrator, user=administrator, first_name="A", last_name="B", **change)
    stored = User.objects.get(pk=administrator.pk)
    assert (stored.role, stored.is_active, stored.last_name) == (Role.ADMINISTRATOR, True, "")
    assert not AuditEvent.objects.filter(event_type__startswith="user.").exists()


def test_an_administrator_may_rename_themselves(administrator: User) -> None:
    services.user_update(
        actor=administrator,
        user=administrator,
        first_name="Ada",
        last_name="L",
        role=Role.ADMINISTRATOR,
        is_active=True,
    )
    assert User.objects.get(pk=administrator.pk).first_name == "Ada"


def test_a_role_change_records_the_role_the_database_held_not_a_stale_copy(
    administrator: User, counsellor: User
) -> None:
    stale = User.objects.get(pk=counsellor.pk)
    User.objects.filter(pk=counsellor.pk).update(role=Role.SUPERVISOR)  # another administrator, meanwhile
    services.user_update(
        actor=administrator,
        user=stale,
        first_name=stale.first_name,
        last_name="",
        role=Role.AUDITOR,
        is_active=True,
    )
    event = AuditEvent.objects.get(event_type="user.role_changed")
    assert event.data == {"from": Role.SUPERVISOR, "to": Role.AUDITOR}
    assert stale.role == Role.AUDITOR


def test_saving_an_account_unchanged_writes_and_records_nothing(
    administrator: User, counsellor: User
) -> None:
    stale = User.objects.get(pk=counsellor.pk)
    User.objects.filter(pk=counsellor.pk).update(role=Role.SUPERVISOR)
    with CaptureQueriesContext(connection) as queries:
        services.user_update(
            actor=administrator,
            user=stale,
            first_name=counsellor.first_name,
            last_name=counsellor.last_name,
            role=Role.SUPERVISOR,
            is_active=True,
        )
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert not AuditEvent.objects.filter(event_type__startswith="user.").exists()


def test_a_reset_refuses_an_account_made_privileged_after_it_was_read(
    administrator: User, counsellor: User
) -> None:
    stale = User.objects.get(pk=counsellor.pk)
    User.objects.filter(pk=counsellor.pk).update(role=Role.AUDITOR)  # promoted meanwhile
    with pytest.raises(AccessDenied):
        services.user_mfa_reset(actor=administrator, user=stale)
    assert not AuditEvent.objects.filter(event_type="mfa.reset").exists()


def test_an_account_deactivated_since_it_was_read_gets_no_password_link(
    administrator: User, counsellor: User, mailoutbox: list[Any]
) -> None:
    stale = User.objects.get(pk=counsellor.pk)
    User.objects.filter(pk=counsellor.pk).update(is_active=False)  # another administrator, meanwhile
    with pytest.raises(Conflict):
        services.user_setup_link_issue(actor=administrator, user=stale, origin=ORIGIN)
    assert not mailoutbox
    assert not AuditEvent.objects.filter(event_type="user.setup_link_issued").exists()
