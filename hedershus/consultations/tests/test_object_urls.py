"""Outsiders get 404 at every consultation URL (``core.access_testing``): on the centre's
side everyone without ``HANDLE_CASES``; on the partner side everyone but the professionals
of the consultation's unit, a professional of another unit above all."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.consultations.services import consultation_ask
from hedershus.consultations.tests.helpers import professional_make, unit_make
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.access_testing import Scenario, object_url, outsider_test


def _consultation(request: pytest.FixtureRequest) -> tuple[dict[Role, Any], Any, Any]:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    asker = professional_make()
    unit = unit_make(asker)
    consultation = consultation_ask(
        actor=asker, unit_id=unit.pk, subject="Fråga", text="Situation", agent_request=True
    )
    return cast, asker, consultation


def _for_staff(request: pytest.FixtureRequest) -> Scenario:
    cast, asker, consultation = _consultation(request)
    return Scenario(
        kwargs={"consultation_id": consultation.pk},
        outsiders=[asker, *(cast[role] for role in roles_without(Capability.HANDLE_CASES))],
        control_user=cast[Role.COUNSELLOR],
    )


def _for_partner(request: pytest.FixtureRequest) -> Scenario:
    """The cast's partner professional is of another unit; staff are outsiders here too."""
    cast, asker, consultation = _consultation(request)
    unit_make(cast[Role.PARTNER])
    return Scenario(
        kwargs={"consultation_id": consultation.pk}, outsiders=list(cast.values()), control_user=asker
    )


object_url("consultations_staff:detail")(_for_staff)
object_url("consultations_staff:answer", method="post", data={"text": "Svar"})(_for_staff)
object_url("consultations_staff:take", method="post")(_for_staff)
object_url("consultations_staff:agent_accept", method="post")(_for_staff)
object_url("consultations_staff:case_open", method="post", data={"urgency": "routine"})(_for_staff)
object_url("consultations_staff:close", method="post")(_for_staff)
object_url("consultations_partner:detail")(_for_partner)
object_url("consultations_partner:reply", method="post", data={"text": "Mer"})(_for_partner)
object_url("consultations_partner:close", method="post")(_for_partner)

test_an_outsider_gets_404 = outsider_test(__name__)
