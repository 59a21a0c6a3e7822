"""Demo referrals for ``scripts/run`` (``manage.py referrals_demo``): made up, through the
services. Needs the demo cases (``demo_cases``) and the demo partner register
(``partners_demo``); does nothing if the demo family case already has referrals.

The family case (Nour, Södertälje) is referred to Södertälje's social services for children
and young people (on the platform: the second demo partner, ``partner2@``, finds it in the
inbox, unanswered) and, by a phone call the counsellor recorded, to the demo shelter, which
accepted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.cases.models import CaseAssignment, Person
from hedershus.partners.models import PartnerUnit
from hedershus.referrals import services
from hedershus.referrals.models import Referral, SharedField
from hedershus.referrals.services import ReferralInput


@dataclass(frozen=True)
class DemoReferralsReport:
    added: int
    reason: str = ""


def demo_referrals_load() -> DemoReferralsReport:
    """Two referrals of the demo family case (see the module); returns how many were added."""
    counsellor = User.objects.filter(email=f"counsellor@{DEMO_EMAIL_DOMAIN}").first()
    if counsellor is None:
        return DemoReferralsReport(0, "no demo accounts: run demo_setup first")
    nour = Person.objects.filter(
        alias="Nour", case__in=CaseAssignment.objects.filter(user=counsellor).values("case_id")
    ).first()
    if nour is None:
        return DemoReferralsReport(0, "no demo family case: run demo_cases first")
    if Referral.objects.filter(case_id=nour.case_id).exists():
        return DemoReferralsReport(0, "the demo family case has referrals already")
    social = PartnerUnit.objects.filter(
        organisation__name="Södertälje kommun", name="Socialtjänsten, barn och unga"
    ).first()
    shelter = PartnerUnit.objects.filter(organisation__name="Skyddat boende Fristaden (demo)").first()
    if social is None or shelter is None:
        return DemoReferralsReport(0, "no demo partner register: run partners_demo first")
    today = timezone.localdate()
    services.referral_send(
        actor=counsellor,
        case_id=nour.case_id,
        data=ReferralInput(
            unit_id=social.pk,
            asked="Nour behöver stöd och skydd. Kan ni ta emot en orosanmälan och kalla till möte i skolan?",
            urgency="urgent",
            legal_basis="consent",
            consent_date=today - dt.timedelta(days=2),
            consent_form="oral",
            person_id=nour.pk,
            shared_fields=[
                SharedField.ALIAS,
                SharedField.AGE_GROUP,
                SharedField.PROBLEM_TYPES,
                SharedField.SUMMARY,
            ],
            summary="Flicka i åk 9, kontrolleras av pappa och storebror, hot om att skickas utomlands.",
            client_id=uuid.uuid4(),
        ),
    )
    called = services.referral_record_offline(
        actor=counsellor,
        case_id=nour.case_id,
        data=ReferralInput(
            unit_id=shelter.pk,
            asked="Finns en plats om Nour behöver lämna hemmet i veckan?",
            urgency="acute",
            legal_basis="consent",
            consent_date=today - dt.timedelta(days=1),
            consent_form="oral",
            person_id=nour.pk,
            shared_fields=[SharedField.AGE_GROUP],
            client_id=uuid.uuid4(),
        ),
        channel="phone",
        sent_at=timezone.now() - dt.timedelta(hours=20),
        contact="Jouren, föreståndaren",
    )
    services.referral_accept(actor=counsellor, referral_id=called.pk)
    return DemoReferralsReport(2)
