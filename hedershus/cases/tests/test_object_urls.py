"""Outsiders get 404 for every case URL with a parameter (``core.access_testing``): every role
that does not handle cases. Anonymous visitors are sent to sign in (the access matrix), and
a counsellor outside the case gets the reason form (test_views), so neither is listed here."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.cases.models import Case
from hedershus.cases.services import PersonInput, flag_raise, person_add
from hedershus.cases.tests.helpers import case_make, conversation_make
from hedershus.core.access import Capability, Role, role_has_capability
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _outsiders(cast: dict[Role, Any]) -> list[Any]:
    return [user for role, user in cast.items() if not role_has_capability(role, Capability.HANDLE_CASES)]


def _case_scenario(request: pytest.FixtureRequest) -> tuple[Case, dict[Role, Any]]:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    return case_make(cast[Role.COUNSELLOR]), cast


def _register(name: str, method: str = "get") -> None:
    @object_url(name, method=method)
    def _build(request: pytest.FixtureRequest) -> Scenario:
        case, cast = _case_scenario(request)
        return Scenario(
            kwargs={"case_id": case.pk}, outsiders=_outsiders(cast), control_user=cast[Role.COUNSELLOR]
        )

    _build.__name__ = f"_scenario_{name.replace(':', '_')}"


_register("cases:detail")
_register("cases:reason")
for _name in (
    "contact_add",
    "status",
    "urgency",
    "assign",
    "supervisor",
    "protected_identity",
    "person_add",
    "relation_add",
    "problem_types_set",
    "flag_raise",
    "decision",
):
    _register(f"cases:{_name}", method="post")


@object_url("cases:unassign", method="post")
def _unassign(request: pytest.FixtureRequest) -> Scenario:
    case, cast = _case_scenario(request)
    kwargs = {"case_id": case.pk, "user_id": cast[Role.COUNSELLOR].pk}
    return Scenario(kwargs=kwargs, outsiders=_outsiders(cast), control_user=cast[Role.COUNSELLOR])


@object_url("cases:person_identify", method="post")
def _person_identify(request: pytest.FixtureRequest) -> Scenario:
    case, cast = _case_scenario(request)
    person = person_add(
        actor=cast[Role.COUNSELLOR],
        case_id=case.pk,
        person=PersonInput("Nour", "exposed", "unknown", "unknown"),
    )
    kwargs = {"case_id": case.pk, "person_id": person.pk}
    return Scenario(kwargs=kwargs, outsiders=_outsiders(cast), control_user=cast[Role.COUNSELLOR])


@object_url("cases:flag_lift", method="post")
def _flag_lift(request: pytest.FixtureRequest) -> Scenario:
    case, cast = _case_scenario(request)
    flag = flag_raise(actor=cast[Role.COUNSELLOR], case_id=case.pk, message="Kontakta inte familjen")
    kwargs = {"case_id": case.pk, "flag_id": flag.pk}
    return Scenario(kwargs=kwargs, outsiders=_outsiders(cast), control_user=cast[Role.COUNSELLOR])


@object_url("cases:open_from_conversation", method="post")
def _open_from_conversation(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    conversation = conversation_make()
    return Scenario(
        kwargs={"conversation_id": conversation.pk},
        outsiders=_outsiders(cast),
        control_user=cast[Role.COUNSELLOR],
    )


@object_url("cases:join_from_conversation", method="post")
def _join_from_conversation(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    conversation = conversation_make()
    return Scenario(
        kwargs={"conversation_id": conversation.pk},
        outsiders=_outsiders(cast),
        control_user=cast[Role.COUNSELLOR],
    )


test_an_outsider_gets_404 = outsider_test(__name__)
