"""Consultations' URLs in the access matrix (core/tests/test_access_matrix.py): the centre's
pages belong to whoever handles cases, the partner pages to partner professionals of the
consultation's unit (the builders make every partner professional a member of it; the
outsider tests in test_object_urls.py cover the professionals of other units)."""

from __future__ import annotations

import itertools
from typing import Any

from hedershus.core.access import Capability, roles_with

HANDLERS = frozenset(roles_with(Capability.HANDLE_CASES))
PARTNERS = frozenset(roles_with(Capability.ANSWER_REFERRALS))
FOUND, MOVED, REFUSED = frozenset({200}), frozenset({302}), frozenset({400})
_numbers = itertools.count(1)


def _consultation(target: Any) -> dict[str, Any]:
    """A consultation of a unit every partner professional answers for (asked by one of
    them, or by a professional made for it)."""
    from hedershus.accounts.models import User
    from hedershus.consultations.services import consultation_ask
    from hedershus.core.access import Role
    from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit, UnitMembership

    number = next(_numbers)
    organisation = PartnerOrganisation.objects.create(
        name=f"Matriskommun {number}", kind=OrganisationKind.MUNICIPALITY
    )
    unit = PartnerUnit.objects.create(organisation=organisation, name="Socialtjänsten")
    professionals = list(User.objects.filter(role__in=PARTNERS, is_active=True))
    if not professionals:
        professionals = [
            User.objects.create_user(email=f"asker-{number}@kommun.example", role=Role.PARTNER, password=None)
        ]
    for user in professionals:
        UnitMembership.objects.create(unit=unit, user=user)
    consultation = consultation_ask(
        actor=professionals[0], unit_id=unit.pk, subject="Fråga", text="En situation", agent_request=True
    )
    return {"consultation_id": consultation.pk}


def entries() -> dict[str, dict[str, Any]]:
    return {
        "consultations_staff:list": {"allowed": HANDLERS},
        "consultations_staff:detail": {"allowed": HANDLERS, "object_kwargs": _consultation},
        # Posted without a text: the form's own refusal (400) shows the view was reached.
        "consultations_staff:answer": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": REFUSED,
        },
        "consultations_staff:take": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": MOVED,
        },
        "consultations_staff:agent_accept": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": MOVED,
        },
        # Posted without an urgency: refused with a message, back to the consultation.
        "consultations_staff:case_open": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": MOVED,
        },
        "consultations_staff:close": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": MOVED,
        },
        "consultations_partner:list": {"allowed": PARTNERS},
        "consultations_partner:new": {"allowed": PARTNERS},
        "consultations_partner:detail": {"allowed": PARTNERS, "object_kwargs": _consultation},
        "consultations_partner:reply": {
            "allowed": PARTNERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": REFUSED,
        },
        "consultations_partner:close": {
            "allowed": PARTNERS,
            "method": "post",
            "object_kwargs": _consultation,
            "ok_statuses": MOVED,
        },
    }
