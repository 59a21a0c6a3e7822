"""Outsiders get 404 for every URL naming an account (``core.access_testing``).

Administrators manage every account, so the outsiders of an account are everyone whose
role does not manage users: ``users_manageable_by`` gives them nothing, and the views
answer 404 (``capability_required(..., hide=True)``) rather than confirm the account exists.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import _make_user
from hedershus.accounts.models import MFAResetRequest
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _account_scenario(request: pytest.FixtureRequest) -> Scenario:
    cast = request.getfixturevalue("cast")
    target = _make_user(Role.COUNSELLOR, "object-target@example.org")
    return Scenario(
        kwargs={"pk": target.pk},
        outsiders=[cast[role] for role in roles_without(Capability.MANAGE_USERS)],
        control_user=cast[Role.ADMINISTRATOR],
    )


for name, method in [
    ("staff:user_detail", "get"),
    ("staff:user_unlock", "post"),
    ("staff:user_mfa_reset", "post"),
    ("staff:user_setup_link", "post"),
]:
    object_url(name, method=method)(_account_scenario)


@object_url("staff:user_mfa_reset_decide", method="post", data={"decision": "cancel"})
def _reset_request_of_another_account(request: pytest.FixtureRequest) -> Scenario:
    """A request id under another account's URL is not found, even by an administrator."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    admin = cast[Role.ADMINISTRATOR]
    requester = _make_user(Role.ADMINISTRATOR, "requester@example.org")
    one = _make_user(Role.AUDITOR, "object-one@example.org")
    other = _make_user(Role.AUDITOR, "object-other@example.org")
    others_request = MFAResetRequest.objects.create(user=other, requested_by=requester)
    ones_request = MFAResetRequest.objects.create(user=one, requested_by=requester)
    return Scenario(
        kwargs={"pk": one.pk, "request_pk": others_request.pk},
        outsiders=list(cast.values()),
        control_user=admin,
        control_kwargs={"pk": one.pk, "request_pk": ones_request.pk},
    )


test_an_outsider_gets_404 = outsider_test(__name__)
