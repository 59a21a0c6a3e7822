"""Outsiders get 404 at every cost-sharing URL that names an agreement or a table
(``core.access_testing``): everyone without ``VIEW_COST_SHARING`` for the pages and exports,
everyone without ``MANAGE_SITE_SETTINGS`` for the forms and removals, and even an
administrator for a part or share named under another agreement."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.costs.tests.helpers import agreement_make


def _without(cast: dict[Role, Any], capability: str) -> list[Any]:
    return [cast[role] for role in roles_without(capability)]


def _read(extra: dict[str, Any] | None = None) -> Any:
    def build(request: pytest.FixtureRequest) -> Scenario:
        cast: dict[Role, Any] = request.getfixturevalue("cast")
        agreement = agreement_make(cast[Role.ADMINISTRATOR])
        return Scenario(
            kwargs={"agreement_id": agreement.pk, **(extra or {})},
            outsiders=_without(cast, Capability.VIEW_COST_SHARING),
            control_user=cast[Role.PARTNER],
        )

    return build


def _population(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    agreement = agreement_make(cast[Role.ADMINISTRATOR])
    return Scenario(
        kwargs={"table_id": agreement.population_table_id},
        outsiders=_without(cast, Capability.VIEW_COST_SHARING),
        control_user=cast[Role.SUPERVISOR],
    )


def _manage(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    agreement = agreement_make(cast[Role.ADMINISTRATOR])
    return Scenario(
        kwargs={"agreement_id": agreement.pk},
        outsiders=_without(cast, Capability.MANAGE_SITE_SETTINGS),
        control_user=cast[Role.ADMINISTRATOR],
    )


def _of_another_agreement(kind: str) -> Any:
    def build(request: pytest.FixtureRequest) -> Scenario:
        cast: dict[Role, Any] = request.getfixturevalue("cast")
        admin = cast[Role.ADMINISTRATOR]
        agreement, other = agreement_make(admin), agreement_make(admin)
        related = agreement.parts if kind == "part" else agreement.fixed_shares
        item = related.first()
        assert item is not None
        return Scenario(
            kwargs={"agreement_id": other.pk, f"{kind}_id": item.pk},
            outsiders=[admin, *_without(cast, Capability.MANAGE_SITE_SETTINGS)],
            control_user=admin,
            control_kwargs={"agreement_id": agreement.pk, f"{kind}_id": item.pk},
        )

    return build


object_url("costs:agreement")(_read())
object_url("costs:table")(_read({"scope": "2013"}))
object_url("costs:export")(_read({"scope": "period", "fmt": "pdf"}))
object_url("costs:population")(_population)
object_url(
    "costs:part_new",
    method="post",
    data={"name": "X", "amount": "1", "first_year": "2012", "last_year": "2012"},
)(_manage)
object_url("costs:share_new", method="post", data={"name": "X", "percent": "1"})(_manage)
object_url("costs:part_remove", method="post")(_of_another_agreement("part"))
object_url("costs:share_remove", method="post")(_of_another_agreement("share"))

test_an_outsider_gets_404 = outsider_test(__name__)
