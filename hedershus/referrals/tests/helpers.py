"""Builders for referrals' tests: a case with its staff and a person, units with members, and a
referral's input."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, CaseAssignment, Person
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
from hedershus.referrals.models import LegalBasis, SecrecyException
from hedershus.referrals.services import ReferralInput

_numbers = itertools.count(1)


def case_make(*assigned: Any, supervisor: Any = None, protected: bool = False) -> Case:
    """A new case (opened by the first assigned user) with ``assigned`` working on it and one
    exposed person, "Rosa", 13-17, living in Botkyrka."""
    now = timezone.now()
    opener = assigned[0] if assigned else supervisor
    case = Case.objects.create(
        reference=f"R-{next(_numbers):05d}",
        opened_by=opener,
        opened_at=now,
        supervisor=supervisor,
        protected_identity=protected,
    )
    for user in assigned:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=now)
    Person.objects.create(
        case=case,
        alias="Rosa",
        role="exposed",
        age_group="13-17",
        gender="female",
        municipality="Botkyrka",
        created_by=opener,
    )
    return case


def unit_make(
    *members: Any, name: str = "", municipality: str = "Botkyrka", on_platform: bool = True, email: str = ""
) -> PartnerUnit:
    """An active unit of a municipality's social services with ``members`` (partner users)."""
    number = next(_numbers)
    organisation = PartnerOrganisation.objects.create(
        name=f"{municipality} kommun {number}", kind="municipality", municipality=municipality
    )
    unit = PartnerUnit.objects.create(
        organisation=organisation,
        name=name or f"Socialtjänsten barn och unga {number}",
        services=["social_services", "child_protection"],
        municipalities=[municipality],
        on_platform=on_platform,
        email=email,
    )
    for user in members:
        UnitMembership.objects.create(unit=unit, user=user)
    return unit


def person_of(case: Case) -> Person:
    return Person.objects.filter(case=case).order_by("id").first()  # type: ignore[return-value]


def referral_input(unit: PartnerUnit, **changes: Any) -> ReferralInput:
    """A valid referral to ``unit``: asked, urgent, relying on OSL 10 kap. 2 §, nothing shared."""
    values: dict[str, Any] = {
        "unit_id": unit.pk,
        "asked": "Kontakta Rosa i skolan i dag.",
        "urgency": "urgent",
        "legal_basis": LegalBasis.EXCEPTION,
        "secrecy_exception": SecrecyException.NECESSARY,
        "client_id": uuid.uuid4(),
    }
    values.update(changes)
    return ReferralInput(**values)


def consent_input(unit: PartnerUnit, **changes: Any) -> ReferralInput:
    values: dict[str, Any] = {
        "legal_basis": LegalBasis.CONSENT,
        "secrecy_exception": "",
        "consent_date": timezone.localdate() - dt.timedelta(days=1),
        "consent_form": "written",
    }
    values.update(changes)
    return referral_input(unit, **values)
