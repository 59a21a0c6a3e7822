"""Demo cases for ``scripts/run`` (``manage.py demo_cases``): made-up people only, through the
services (so the audit log shows them as a real centre's would). Needs the demo accounts
(``demo_setup``); does nothing if the demo counsellor already has cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.cases import services
from hedershus.cases.models import CaseAssignment, CaseOutcome, CaseStatus, ProblemType
from hedershus.cases.services import ContactInput, PersonInput


@dataclass(frozen=True)
class DemoCasesReport:
    added: int
    reason: str = ""


def demo_cases_load() -> DemoCasesReport:
    """Three cases of the demo counsellor, supervised by the demo supervisor: a family network
    with two perpetrators, a flag and a decision; a protected-identity case; a closed one."""
    counsellor = User.objects.filter(email=f"counsellor@{DEMO_EMAIL_DOMAIN}").first()
    supervisor = User.objects.filter(email=f"supervisor@{DEMO_EMAIL_DOMAIN}").first()
    if counsellor is None or supervisor is None:
        return DemoCasesReport(0, "no demo accounts: run demo_setup first")
    if CaseAssignment.objects.filter(user=counsellor).exists():
        return DemoCasesReport(0, "the demo counsellor has cases already")
    now = timezone.now()
    types = {p.name_en: p.pk for p in ProblemType.objects.all()}

    family = services.case_open(
        actor=counsellor,
        contact=ContactInput(
            "phone", now - dt.timedelta(days=9), 35, "Skolkuratorn ringde om en elev i åk 9."
        ),
        urgency="urgent",
        supervisor=supervisor,
    )
    persons = {}
    for alias, role, age, gender in (
        ("Nour", "exposed", "13-17", "female"),
        ("Pappan", "perpetrator", "26-64", "male"),
        ("Storebror", "perpetrator", "18-25", "male"),
        ("Kuratorn", "professional", "26-64", "female"),
    ):
        persons[alias] = services.person_add(
            actor=counsellor,
            case_id=family.pk,
            person=PersonInput(alias, role, age, gender, "Södertälje" if role != "professional" else ""),
        )
    for source, kind in (("Pappan", "father"), ("Storebror", "brother")):
        services.relation_add(
            actor=counsellor,
            case_id=family.pk,
            from_person_id=persons[source].pk,
            to_person_id=persons["Nour"].pk,
            kind=kind,
        )
    services.contact_add(
        actor=counsellor,
        case_id=family.pk,
        contact=ContactInput("visit", now - dt.timedelta(days=2), 60, "Besök i skolan med kuratorn."),
    )
    services.case_problem_types_set(
        actor=counsellor,
        case_id=family.pk,
        problem_type_ids=[types[name] for name in ("Control and restrictions", "Threats") if name in types],
    )
    services.flag_raise(
        actor=counsellor, case_id=family.pk, message="Kontakta inte familjen: ring bara kuratorn."
    )
    services.decision_record(
        actor=counsellor,
        case_id=family.pk,
        kind="with_partners",
        reason="Tillsammans med skolan och socialtjänsten.",
    )
    services.case_status_set(actor=counsellor, case_id=family.pk, status=CaseStatus.ONGOING)

    protected = services.case_open(
        actor=counsellor,
        contact=ContactInput(
            "email", now - dt.timedelta(days=4), None, "Mejl från en ung kvinna, skyddat boende."
        ),
        supervisor=supervisor,
        protected_identity=True,
    )
    services.person_add(
        actor=counsellor,
        case_id=protected.pk,
        person=PersonInput("Sara", "exposed", "18-25", "female", "Stockholm", "Skärholmen"),
    )

    closed = services.case_open(
        actor=counsellor,
        contact=ContactInput("professional", now - dt.timedelta(days=40), 20, "Polisen frågade om råd."),
    )
    services.case_status_set(
        actor=counsellor, case_id=closed.pk, status=CaseStatus.CLOSED, outcome=CaseOutcome.REFERRED_ON
    )
    return DemoCasesReport(3)
