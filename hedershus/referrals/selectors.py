"""Reads of referrals that apply the access rules (R16, R20).

- The case's staff read a case's referrals after opening the case through
  ``cases.selectors.case_get_for_user`` (``referrals_of_case``, ``referral_get_for_case``).
- A partner professional reads only referrals sent through Hedershus to a unit they are a
  member of (``partners.selectors.units_of_professional``): ``referrals_inbox_for``,
  ``referral_get_for_partner``. Anyone else gets an empty queryset or ``None`` (a 404).
- ``referrals_sent_by`` and ``referrals_escalated_for`` feed ``/staff/referrals/``.

Nothing is decrypted before access is checked: ``referral_details`` is called on a referral
one of the selectors above returned.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hedershus.cases.models import AgeGroup, Case, Gender, Person, Urgency
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.partners.models import PartnerUnit
from hedershus.partners.selectors import units_for_referral, units_of_professional
from hedershus.referrals.models import (
    AWAITING_ANSWER,
    OPEN_STATUSES,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferralStep,
    SharedField,
    StepKind,
)


def referrals_of_case(case: Case) -> QuerySet[Referral]:
    """The referrals of ``case`` (the caller opened it), newest first, with their units."""
    return Referral.objects.filter(case=case).select_related("unit__organisation", "referred_by")


def referral_get_for_case(case: Case, referral_id: int) -> Referral | None:
    """Referral ``referral_id`` if it belongs to ``case`` (the caller opened the case)."""
    return referrals_of_case(case).filter(pk=referral_id).first()


def open_referrals_count(case: Case) -> int:
    """How many of ``case``'s referrals are still open (sent, received or accepted)."""
    return Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()


def referrals_inbox_for(user: Any) -> QuerySet[Referral]:
    """The referrals in the inboxes of the units ``user`` answers for (a partner
    professional's, through ``units_of_professional``), newest first: only those sent through
    Hedershus (a phone call or a letter is the counsellor's record). Empty for anyone else."""
    units = units_of_professional(user)
    return (
        Referral.objects.filter(unit__in=units.values("pk"), channel=ReferralChannel.PLATFORM)
        .select_related("unit__organisation", "referred_by")
        .order_by("-sent_at", "-id")
    )


def referral_get_for_partner(user: Any, referral_id: int) -> Referral | None:
    """Referral ``referral_id`` if it is in the inbox of a unit ``user`` answers for."""
    return referrals_inbox_for(user).filter(pk=referral_id).first()


# Rows per page of /staff/referrals/ (the pages after it are reached with ``?page=``).
LIST_LIMIT = 200


def referrals_sent_by(user: Any, *, status: str = "") -> QuerySet[Referral]:
    """The referrals ``user`` sent or recorded, newest first (empty without ``HANDLE_CASES``);
    with ``status`` (a ``ReferralStatus`` value) only those in it."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Referral.objects.none()
    found = Referral.objects.filter(referred_by_id=user.pk)
    if status:
        found = found.filter(status=status)
    return found.select_related("unit__organisation", "case").order_by("-sent_at", "-id")


def referrals_escalated_for(user: Any) -> QuerySet[Referral]:
    """For a supervisor (``SUPERVISE_CASES``): every escalated referral still waiting for the
    unit's answer, oldest deadline first. Empty for anyone else. Rows name the case number and
    the unit only; opening the case applies the case's own rule (a reason outside one's own)."""
    if not user_has_capability(user, Capability.SUPERVISE_CASES):
        return Referral.objects.none()
    return (
        Referral.objects.filter(status__in=AWAITING_ANSWER, escalated_at__isnull=False)
        .select_related("unit__organisation", "case", "referred_by")
        .order_by("deadline", "id")
    )


# --- one referral, decrypted -----------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: ReferralStep
    reason: str


@dataclass(frozen=True)
class SharedValue:
    label: str
    value: str


@dataclass(frozen=True)
class ReferralDetails:
    """A referral decrypted for its page. ``shared``: the picked fields with their values as
    sent (labels in the reader's language); ``shared_hidden``: withdrawn before the unit
    received it, so the unit no longer sees what was shared."""

    referral: Referral
    asked: str
    legal_note: str
    offline_contact: str
    shared: list[SharedValue]
    steps: list[StepView]
    overdue: bool
    shared_hidden: bool = False


def _shown(name: str, value: Any) -> str:
    if name == SharedField.AGE_GROUP:
        return str(dict(AgeGroup.choices).get(value, value))
    if name == SharedField.GENDER:
        return str(dict(Gender.choices).get(value, value))
    if name == SharedField.CASE_URGENCY:
        return str(dict(Urgency.choices).get(value, value))
    if name == SharedField.PROBLEM_TYPES:
        language = "sv" if (get_language() or "sv").startswith("sv") else "en"
        return ", ".join(item.get(language, "") for item in value) or "-"
    return str(value) if value else "-"


# Steps whose reason is the centre's, never shown to the unit.
_CENTRE_REASONS: tuple[str, ...] = (StepKind.WITHDRAWN,)


def _step_reason(step: ReferralStep, *, for_partner: bool) -> str:
    if not step.reason_encrypted or (for_partner and step.kind in _CENTRE_REASONS):
        return ""
    return decrypt_text(step.reason_encrypted)


def referral_details(referral: Referral, *, for_partner: bool = False) -> ReferralDetails:
    """``referral`` decrypted for its page (see ``ReferralDetails``). ``for_partner``: as the
    unit sees it; a referral withdrawn before the unit received it shows no shared fields, and
    the withdrawal's reason is never shown to the unit (it is the centre's own free text and
    may identify the person: the unit sees the step "withdrawn" and when; tester's defect 2).
    The reasons the unit gave itself (declined, not successful) stay."""
    values: dict[str, Any] = (
        json.loads(decrypt_text(referral.shared_encrypted)) if referral.shared_encrypted else {}
    )
    labels = dict(SharedField.choices)
    steps = list(referral.steps.select_related("by").order_by("at", "id"))
    hidden = (
        for_partner
        and referral.status == ReferralStatus.WITHDRAWN
        and not any(step.kind == StepKind.RECEIVED for step in steps)
    )
    shared = (
        []
        if hidden
        else [
            SharedValue(str(labels.get(name, name)), _shown(name, values.get(name, "")))
            for name in referral.shared_fields
        ]
    )
    return ReferralDetails(
        referral=referral,
        asked="" if hidden else decrypt_text(referral.asked_encrypted),
        legal_note=decrypt_text(referral.legal_note_encrypted) if referral.legal_note_encrypted else "",
        offline_contact=decrypt_text(referral.offline_contact_encrypted)
        if referral.offline_contact_encrypted
        else "",
        shared=shared,
        steps=[StepView(step, _step_reason(step, for_partner=for_partner)) for step in steps],
        overdue=referral.status in AWAITING_ANSWER and referral.deadline <= timezone.now(),
        shared_hidden=hidden,
    )


@dataclass(frozen=True)
class UnitOffer:
    """The units a referral's search offers. ``language``: the ISO 639-1 code asked for ("" for
    any); ``language_missing``: no matching unit lists it, so ``units`` are those that match
    everything else, none of which lists the language (the page says so on each)."""

    units: QuerySet[PartnerUnit]
    language: str = ""
    language_missing: bool = False


def units_to_offer(
    *, municipality: str, district: str, service: str, language: str, needs_free_places: bool
) -> UnitOffer:
    """The units to offer for a referral (``partners.selectors.units_for_referral``, best match
    first). With a ``language``: the units that list it; if none does, the units that match
    the rest, with ``language_missing`` set so the page can say that none lists the language
    (an interpreter is needed), never silently (the tester's defect 1)."""
    found = units_for_referral(
        municipality=municipality,
        district=district,
        service=service,
        language=language,
        needs_free_places=needs_free_places,
    )
    if not language or found.exists():
        return UnitOffer(found, language)
    others = units_for_referral(
        municipality=municipality, district=district, service=service, needs_free_places=needs_free_places
    )
    return UnitOffer(others, language, language_missing=others.exists())


def case_persons(case: Case) -> QuerySet[Person]:
    """The persons of ``case`` the referral form offers as "the person it is about"."""
    return Person.objects.filter(case=case).order_by("id")


# --- the case timeline (followup reads this) -----------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One step of a referral for a case's timeline: when, which step, to which unit, and
    which referral (``referral_id``, for the link to its page: ``referrals:detail``)."""

    at: dt.datetime
    kind: str
    text: str
    referral_id: int


def referral_steps_for_timeline(case: Case) -> list[TimelineStep]:
    """Every step of every referral of ``case`` (the caller opened the case), oldest first,
    as short lines: "Referral to <unit>: accepted". No reason or shared value is included."""
    labels = {
        StepKind.SENT: _("Referral sent to %(unit)s"),
        StepKind.RECEIVED: _("Referral received by %(unit)s"),
        StepKind.ACCEPTED: _("Referral accepted by %(unit)s"),
        StepKind.DECLINED: _("Referral declined by %(unit)s"),
        StepKind.DONE: _("Referral to %(unit)s done"),
        StepKind.WITHDRAWN: _("Referral to %(unit)s withdrawn"),
        StepKind.ESCALATED: _("Referral to %(unit)s escalated: no answer by the deadline"),
    }
    steps = (
        ReferralStep.objects.filter(referral__case=case)
        .select_related("referral__unit__organisation")
        .order_by("at", "id")
    )
    found = []
    for step in steps:
        unit = step.referral.unit
        text = labels[StepKind(step.kind)] % {"unit": f"{unit.organisation.name}, {unit.name}"}
        if step.kind == StepKind.DONE:
            text += " " + (_("(successful)") if step.successful else _("(not successful)"))
        found.append(TimelineStep(step.at, step.kind, text, step.referral_id))
    return found
