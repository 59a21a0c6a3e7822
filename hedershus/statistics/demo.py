"""Demo figures for the dashboard (``manage.py statistics_demo``, in ``scripts/run``): a few
hundred made-up cases with one exposed person each, spread over the county's municipalities
and the last 18 months, with contacts on every channel, some closed with an outcome, some
referred to the demo partner units (answered and done after a few days) and some PHQ-9
assessments. Rows are written with ``bulk_create`` (seconds, not minutes), not through the
services: nothing here is a real person's record, and no audit event is needed for them.

Idempotent: the demo cases' numbers start with ``STAT-``; if one exists, nothing is added.
A fixed random seed makes the same figures every time.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.assessments.models import Assessment
from hedershus.assessments.services import instrument_shipped_ensure
from hedershus.cases.models import (
    AgeGroup,
    Case,
    CaseOutcome,
    CaseStatus,
    Channel,
    Contact,
    Gender,
    Person,
    PersonRole,
    Urgency,
)
from hedershus.core.access import Role
from hedershus.core.crypto import encrypt_text
from hedershus.core.places import MUNICIPALITIES
from hedershus.partners.models import PartnerUnit
from hedershus.referrals.models import (
    ConsentForm,
    LegalBasis,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferralStep,
    StepKind,
)

PREFIX = "STAT-"
CASES = 1200
MONTHS = 18
# Bigger municipalities get more cases (roughly by population); the rest one share each.
WEIGHTS = {"Stockholm": 14, "Huddinge": 4, "Botkyrka": 4, "Södertälje": 4, "Nacka": 3, "Järfälla": 3}
PHQ9_BANDS = (("minimal", 2), ("mild", 7), ("moderate", 12), ("moderately_severe", 17), ("severe", 22))


@dataclass(frozen=True)
class DemoStatisticsReport:
    cases: int
    contacts: int = 0
    referrals: int = 0
    assessments: int = 0
    reason: str = ""


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


# Under the demo domain, so that with DEBUG off the platform refuses to start while it exists
# (accounts/demo_checks.py), like every other demo account.
AUTHOR_EMAIL = f"statistics-author@{DEMO_EMAIL_DOMAIN}"


def _author() -> User:
    """The demo statistics' recorder: a deactivated counsellor account with no password."""
    author, created = User.objects.get_or_create(
        email=AUTHOR_EMAIL,
        defaults={"role": Role.COUNSELLOR, "last_name": "Demo statistics", "is_active": False},
    )
    if created:
        author.set_unusable_password()
        author.save(update_fields=["password"])
    return author


def demo_statistics_load() -> DemoStatisticsReport:
    """Adds the demo cases (see the module) unless they exist; needs the demo set-up.

    They are recorded by an account of their own that cannot sign in (``AUTHOR_EMAIL``), not
    by the demo counsellor: several hundred made-up referrals and contacts in the counsellor's
    name would bury what a visitor to the demo tries as that counsellor (their own referrals,
    the log review's sample of their reads)."""
    if not User.objects.filter(email=f"counsellor@{DEMO_EMAIL_DOMAIN}").exists():
        return DemoStatisticsReport(0, reason="no demo counsellor: run demo_setup first")
    if Case.objects.filter(reference__startswith=PREFIX).exists():
        return DemoStatisticsReport(0, reason="the demo statistics exist already")
    author = _author()
    rng = random.Random(12)  # noqa: S311 (made-up figures, not a secret)
    now = timezone.now()
    places = [(m, WEIGHTS.get(m, 1)) for m in MUNICIPALITIES] + [("", 3), ("outside", 1)]
    channels = [
        (Channel.PHONE, 35), (Channel.CHAT, 25), (Channel.SMS, 10),
        (Channel.EMAIL, 10), (Channel.VISIT, 10), (Channel.PROFESSIONAL, 10),
    ]  # fmt: skip
    ages = [(AgeGroup.TEEN, 40), (AgeGroup.YOUNG_ADULT, 30), (AgeGroup.ADULT, 15),
            (AgeGroup.UNDER_13, 8), (AgeGroup.UNKNOWN, 7)]  # fmt: skip
    genders = [(Gender.GIRL_WOMAN, 70), (Gender.BOY_MAN, 20), (Gender.OTHER, 3), (Gender.UNKNOWN, 7)]
    outcomes = [(o, w) for o, w in zip(CaseOutcome.values, (40, 30, 15, 10, 5), strict=True)]
    with transaction.atomic():
        cases, persons, contacts = [], [], []
        for number in range(1, CASES + 1):
            opened = now - dt.timedelta(days=rng.uniform(0, MONTHS * 30.4), hours=rng.uniform(0, 8))
            closed = rng.random() < 0.55 and (now - opened).days > 20
            closed_at = (
                opened + dt.timedelta(days=rng.uniform(5, min(120, (now - opened).days))) if closed else None
            )
            cases.append(
                Case(
                    reference=f"{PREFIX}{number:04d}",
                    status=CaseStatus.CLOSED if closed else rng.choice([CaseStatus.NEW, CaseStatus.ONGOING]),
                    urgency=rng.choice(Urgency.values),
                    protected_identity=rng.random() < 0.03,
                    opened_by=author,
                    opened_at=opened,
                    closed_at=closed_at,
                    outcome=_pick(rng, outcomes) if closed else "",
                )
            )
        Case.objects.bulk_create(cases)
        cases = list(Case.objects.filter(reference__startswith=PREFIX).order_by("reference"))
        for case in cases:
            persons.append(
                Person(
                    case=case,
                    alias=f"Demo {case.reference[-4:]}",
                    role=PersonRole.EXPOSED,
                    age_group=_pick(rng, ages),
                    gender=_pick(rng, genders),
                    municipality=_pick(rng, places),
                    created_by=author,
                )
            )
            end = case.closed_at or now
            for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
                span = max((end - case.opened_at).total_seconds(), 1)
                when = (
                    case.opened_at if k == 0 else case.opened_at + dt.timedelta(seconds=rng.uniform(0, span))
                )
                contacts.append(
                    Contact(case=case, channel=_pick(rng, channels), occurred_at=when, taken_by=author)
                )
        Person.objects.bulk_create(persons)
        Contact.objects.bulk_create(contacts)
        referrals = _referrals(rng, cases, author, now)
        assessments = _assessments(rng, cases, author, now)
    return DemoStatisticsReport(len(cases), len(contacts), referrals, assessments)


def _referrals(rng: random.Random, cases: list[Case], counsellor: User, now: dt.datetime) -> int:
    units = list(PartnerUnit.objects.filter(active=True).order_by("id"))
    if not units:
        return 0
    made = []
    for case in rng.sample(cases, k=min(400, len(cases))):
        sent = case.opened_at + dt.timedelta(days=rng.uniform(0, 10))
        if sent > now:
            continue
        made.append(
            Referral(
                case=case,
                unit=rng.choice(units),
                referred_by=counsellor,
                created_at=sent,
                sent_at=sent,
                channel=ReferralChannel.PLATFORM,
                asked_encrypted=encrypt_text("Demo: stöd och skydd."),
                urgency=case.urgency,
                legal_basis=LegalBasis.CONSENT,
                consent_date=sent.date(),
                consent_form=ConsentForm.ORAL,
                deadline=sent + dt.timedelta(days=10),
            )
        )
    Referral.objects.bulk_create(made)
    saved = list(Referral.objects.filter(case__reference__startswith=PREFIX).order_by("id"))
    steps, updated = [], []
    for referral in saved:
        steps.append(ReferralStep(referral=referral, kind=StepKind.SENT, at=referral.sent_at, by=counsellor))
        answered = referral.sent_at + dt.timedelta(days=rng.uniform(0.2, 9))
        if answered > now or rng.random() < 0.1:
            continue
        if rng.random() < 0.15:
            steps.append(
                ReferralStep(
                    referral=referral,
                    kind=StepKind.DECLINED,
                    at=answered,
                    reason_encrypted=encrypt_text("Demo: utanför uppdraget."),
                )
            )
            referral.status = ReferralStatus.DECLINED
        else:
            steps.append(ReferralStep(referral=referral, kind=StepKind.ACCEPTED, at=answered))
            referral.status = ReferralStatus.ACCEPTED
            done = answered + dt.timedelta(days=rng.uniform(3, 60))
            if done < now and rng.random() < 0.7:
                steps.append(ReferralStep(referral=referral, kind=StepKind.DONE, at=done, successful=True))
                referral.status = ReferralStatus.DONE
        updated.append(referral)
    ReferralStep.objects.bulk_create(steps)
    Referral.objects.bulk_update(updated, ["status"])
    return len(saved)


def _assessments(rng: random.Random, cases: list[Case], counsellor: User, now: dt.datetime) -> int:
    instrument = instrument_shipped_ensure("phq9")
    made = []
    for case in rng.sample(cases, k=min(500, len(cases))):
        band, score = PHQ9_BANDS[min(int(rng.triangular(0, 5, 2)), 4)]
        result = {"score": score, "max_score": 27, "band": band, "outcome": None, "level": "", "triggers": []}
        made.append(
            Assessment(
                case=case,
                instrument=instrument,
                answers_encrypted=encrypt_text("{}"),
                result_encrypted=encrypt_text(json.dumps(result)),
                performed_by=counsellor,
                performed_at=min(case.opened_at + dt.timedelta(days=rng.uniform(0, 14)), now),
            )
        )
    Assessment.objects.bulk_create(made)
    return len(made)
