"""Every write of referrals (R16), each in one transaction with its audit event.

- Sending (``referral_send``) and recording a phone call or letter (``referral_record_offline``)
  need someone who may open the case now (``cases.selectors.case_get_for_user``: 404 for
  outsiders, the reason form for a colleague outside the case). The same ``client_id`` again
  returns the first referral (a double submit or a retry; a partial UNIQUE settles a race).
- The unit's answers (``referral_receive``, ``referral_accept``, ``referral_decline``,
  ``referral_complete``) come from a professional of that unit for a referral sent through
  Hedershus, or are recorded by the case's staff for one sent by phone or letter; anyone else
  gets ``NotFound`` (they may not know the referral exists).
- ``referral_withdraw`` is the case's staff's.
- Every transition locks the referral's row, re-reads its status and refuses a move the state
  machine (``TRANSITIONS``) does not allow with ``Conflict``; asking for the status it already
  has returns it unchanged (a double click), with no new step or event.
- ``referrals_escalate_overdue`` escalates open referrals past their deadline, once each.

Notifications (``core.notifications``) go after commit: the unit on a new referral in its
inbox and on its withdrawal, the referrer on the unit's answer (accepted, declined, done), the
supervisor(s) on an escalation. They say only "You have a new item in Hedershus".
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.models import User
from hedershus.audit.services import audit_record
from hedershus.cases.models import Case, CaseProblemType, Person, ProblemType, Urgency
from hedershus.cases.selectors import case_get_for_user, user_may_see_protected_fields
from hedershus.core.access import Capability, roles_with
from hedershus.core.crypto import decrypt_text, encrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.core.notifications import notify_new_item_on_commit
from hedershus.core.text import bidi_controls_strip, has_visible_text
from hedershus.partners.models import PartnerUnit
from hedershus.partners.selectors import notify_addresses_for_unit, unit_get, units_of_professional
from hedershus.referrals.models import (
    AWAITING_ANSWER,
    OFFLINE_CHANNELS,
    ConsentForm,
    LegalBasis,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferralStep,
    SecrecyException,
    SharedField,
    StepKind,
)

ASKED_MAX = 4000  # characters: what is asked of the unit
SUMMARY_MAX = 4000
REASON_MAX = 2000
NOTE_MAX = 500  # the provision named for "other", who was reached by phone or letter
# A referral by phone or letter is recorded afterwards, at most this far back.
OFFLINE_MAX_AGE_DAYS = 90

S = ReferralStatus
# Which status may follow which (R16): sent → received → accepted | declined → done; withdrawn
# from any open status. "Accepted" or "declined" straight from "sent" is allowed: a unit
# reached by phone may answer at once, and the counsellor records that.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.RECEIVED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.DONE, S.WITHDRAWN}),
    S.DECLINED: frozenset(),
    S.DONE: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def deadline_hours(urgency: str) -> int:
    """Hours the unit has to accept or decline a referral of ``urgency`` (a ``cases.Urgency``
    value), from settings ``REFERRAL_DEADLINE_HOURS_ACUTE`` / ``_URGENT`` / ``_ROUTINE``
    (defaults 24, 72, 240)."""
    hours: dict[str, int] = {
        Urgency.ACUTE: settings.REFERRAL_DEADLINE_HOURS_ACUTE,
        Urgency.URGENT: settings.REFERRAL_DEADLINE_HOURS_URGENT,
        Urgency.ROUTINE: settings.REFERRAL_DEADLINE_HOURS_ROUTINE,
    }
    return hours[urgency]


def _text(text: str, *, limit: int, required: bool, empty_message: Any) -> str:
    """A free text without bidi controls, trimmed, empty if nothing visible is left, at most
    ``limit`` characters (as the cases app's texts)."""
    text = bidi_controls_strip(text or "").strip()
    if not has_visible_text(text):
        text = ""
    if required and not text:
        raise InvalidInput(empty_message)
    if len(text) > limit:
        raise InvalidInput(_("The text is too long (at most %(limit)s characters).") % {"limit": limit})
    return text


# --- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    """A referral as the form gives it.

    ``unit_id``: a ``partners.PartnerUnit``. ``asked``: what the unit is asked to do.
    ``urgency``: a ``cases.Urgency`` value. ``legal_basis``: ``LegalBasis``; with consent,
    ``consent_date`` (not in the future) and ``consent_form`` (``ConsentForm``); with an
    exception, ``secrecy_exception`` (``SecrecyException``; "other" needs ``legal_note``).
    ``shared_fields``: ``SharedField`` values the referrer ticked; the person fields need
    ``person_id`` (a person of the case), "summary" needs ``summary``. ``client_id``: picked
    when the form was shown."""

    unit_id: int
    asked: str
    urgency: str
    legal_basis: str
    consent_date: dt.date | None = None
    consent_form: str = ""
    secrecy_exception: str = ""
    legal_note: str = ""
    person_id: int | None = None
    shared_fields: list[str] = field(default_factory=list)
    summary: str = ""
    client_id: uuid.UUID | None = None


PERSON_FIELDS = (
    SharedField.ALIAS,
    SharedField.AGE_GROUP,
    SharedField.GENDER,
    SharedField.MUNICIPALITY,
    SharedField.DISTRICT,
)
LOCATION_FIELDS = (SharedField.MUNICIPALITY, SharedField.DISTRICT)


def _legal_basis_check(data: ReferralInput) -> tuple[str, dt.date | None, str, str, str]:
    """(basis, consent date, consent form, exception, note) as stored; ``InvalidInput`` for an
    incomplete basis."""
    note = _text(data.legal_note, limit=NOTE_MAX, required=False, empty_message="")
    if data.legal_basis == LegalBasis.CONSENT:
        if data.consent_date is None:
            raise InvalidInput(_("Give the date the consent was given."))
        if data.consent_date > timezone.localdate():
            raise InvalidInput(_("Consent cannot be dated in the future."))
        if data.consent_form not in ConsentForm.values:
            raise InvalidInput(_("Say how the consent was given: written, oral or digital."))
        return LegalBasis.CONSENT, data.consent_date, data.consent_form, "", note
    if data.legal_basis == LegalBasis.EXCEPTION:
        if data.secrecy_exception not in SecrecyException.values:
            raise InvalidInput(_("Choose the exception to secrecy the referral relies on."))
        if data.secrecy_exception == SecrecyException.OTHER and not note:
            raise InvalidInput(_("Name the provision the referral relies on."))
        return LegalBasis.EXCEPTION, None, "", data.secrecy_exception, note
    raise InvalidInput(_("Choose the legal basis: the person's consent or an exception to secrecy."))


def _snapshot(actor: Any, case: Case, data: ReferralInput) -> tuple[list[str], dict[str, Any]]:
    """The ticked fields (in ``SharedField`` order) and their values now: exactly what the
    referrer picked, nothing more. ``InvalidInput`` for an unknown field, a person field without
    a person of this case, a location the actor may not see, or a summary not ticked or empty."""
    picked = set(data.shared_fields)
    if picked - set(SharedField.values):
        raise InvalidInput(_("Unknown field to share."))
    fields = [value for value in SharedField.values if value in picked]
    summary = _text(data.summary, limit=SUMMARY_MAX, required=False, empty_message="")
    if summary and SharedField.SUMMARY not in picked:
        raise InvalidInput(_("Tick “A written summary” to share the summary, or leave it empty."))
    values: dict[str, Any] = {}
    if SharedField.SUMMARY in picked:
        if not summary:
            raise InvalidInput(_("Write the summary you ticked, or untick it."))
        values[SharedField.SUMMARY] = summary
    if picked & set(PERSON_FIELDS):
        person = Person.objects.filter(case=case, pk=data.person_id).first() if data.person_id else None
        if person is None:
            raise InvalidInput(_("Choose the person the referral is about to share their details."))
        if picked & set(LOCATION_FIELDS) and not user_may_see_protected_fields(actor, case):
            raise InvalidInput(
                _(
                    "This case has protected identity: only its assigned staff may share where"
                    " the person lives."
                )
            )
        values.update(
            {
                SharedField.ALIAS: person.alias,
                SharedField.AGE_GROUP: person.age_group,
                SharedField.GENDER: person.gender,
                SharedField.MUNICIPALITY: person.municipality,
                SharedField.DISTRICT: decrypt_text(person.district_encrypted)
                if person.district_encrypted
                else "",
            }
        )
        values = {key: value for key, value in values.items() if key in picked}
    if SharedField.PROBLEM_TYPES in picked:
        ids = CaseProblemType.objects.filter(case=case).values("problem_type_id")
        values[SharedField.PROBLEM_TYPES] = [
            {"sv": p.name_sv, "en": p.name_en} for p in ProblemType.objects.filter(pk__in=ids).order_by("id")
        ]
    if SharedField.CASE_URGENCY in picked:
        values[SharedField.CASE_URGENCY] = case.urgency
    return [str(name) for name in fields], {str(key): value for key, value in values.items()}


def _stored_before(actor: Any, case: Case, client_id: uuid.UUID | None) -> Referral | None:
    if client_id is None:
        return None
    stored = Referral.objects.filter(referred_by_id=actor.pk, client_id=client_id).first()
    if stored is not None and stored.case_id != case.pk:
        raise NotFound(_("That form belongs to another case. Open the form again."))
    return stored


def _unit_for(channel: str, unit_id: int) -> PartnerUnit:
    unit = unit_get(unit_id)
    if unit is None or not unit.active or not unit.organisation.active:
        raise InvalidInput(_("Choose an active unit from the register."))
    if channel == ReferralChannel.PLATFORM and not unit.on_platform:
        raise InvalidInput(
            _("This unit does not answer in Hedershus: phone or write to it, then record the referral here.")
        )
    return unit


def _create(
    *,
    actor: Any,
    case_id: int,
    data: ReferralInput,
    channel: str,
    sent_at: dt.datetime,
    offline_contact: str = "",
) -> Referral:
    case = case_get_for_user(actor, case_id)
    stored = _stored_before(actor, case, data.client_id)
    if stored is not None:
        return stored
    unit = _unit_for(channel, data.unit_id)
    asked = _text(
        data.asked, limit=ASKED_MAX, required=True, empty_message=_("Say what the unit is asked to do.")
    )
    if data.urgency not in Urgency.values:
        raise InvalidInput(_("Choose the urgency."))
    basis, consent_date, consent_form, exception, note = _legal_basis_check(data)
    fields, values = _snapshot(actor, case, data)
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case,
                unit=unit,
                referred_by=actor,
                created_at=now,
                sent_at=sent_at,
                channel=channel,
                offline_contact_encrypted=encrypt_text(offline_contact) if offline_contact else "",
                asked_encrypted=encrypt_text(asked),
                urgency=data.urgency,
                legal_basis=basis,
                consent_date=consent_date,
                consent_form=consent_form,
                secrecy_exception=exception,
                legal_note_encrypted=encrypt_text(note) if note else "",
                shared_fields=fields,
                shared_encrypted=encrypt_text(json.dumps(values, ensure_ascii=False)) if values else "",
                status=ReferralStatus.SENT,
                deadline=sent_at + dt.timedelta(hours=deadline_hours(data.urgency)),
                client_id=data.client_id,
            )
            ReferralStep.objects.create(referral=referral, kind=StepKind.SENT, at=sent_at, by=actor)
            audit_record(
                "referral.sent" if channel == ReferralChannel.PLATFORM else "referral.recorded_offline",
                actor=actor,
                target=referral,
                data={
                    "case": case.pk,
                    "unit": unit.pk,
                    "channel": channel,
                    "urgency": data.urgency,
                    "legal_basis": basis,
                    "exception": exception,
                    "shared_fields": fields,
                },
            )
            if channel == ReferralChannel.PLATFORM:
                notify_new_item_on_commit(notify_addresses_for_unit(unit))
    except IntegrityError:
        stored = _stored_before(actor, case, data.client_id)
        if stored is None:
            raise
        return stored
    return referral


def referral_send(*, actor: Any, case_id: int, data: ReferralInput) -> Referral:
    """Sends a referral of case ``case_id`` to the inbox of unit ``data.unit_id`` (which must be
    active and on the platform), sent now, with a deadline ``deadline_hours(urgency)`` ahead.

    Raises ``NotFound`` / ``CaseReasonRequired`` if ``actor`` may not open the case, and
    ``InvalidInput`` for an inactive or off-platform unit, an empty request, an unknown
    urgency, an incomplete legal basis or a wrong pick of fields (``_snapshot``). The same
    ``data.client_id`` again returns the first referral. Audit: ``referral.sent`` (ids,
    channel, urgency, basis, the names of the fields shared). After commit the unit's
    professionals (or its functional inbox) get the neutral notification.
    """
    return _create(
        actor=actor, case_id=case_id, data=data, channel=ReferralChannel.PLATFORM, sent_at=timezone.now()
    )


def referral_record_offline(
    *, actor: Any, case_id: int, data: ReferralInput, channel: str, sent_at: dt.datetime, contact: str
) -> Referral:
    """Records a referral made by phone or letter (``channel``) to a unit (on the platform or
    not) at ``sent_at`` (aware; not in the future, at most ``OFFLINE_MAX_AGE_DAYS`` back),
    reaching ``contact`` (who at the unit: a name or a function, encrypted). Its deadline runs
    from ``sent_at``; the counsellor records the unit's answers. Errors and idempotency as
    ``referral_send``. Audit: ``referral.recorded_offline``. No notification."""
    if channel not in OFFLINE_CHANNELS:
        raise InvalidInput(_("Choose how the unit was reached: by phone or by letter."))
    contact = _text(
        contact, limit=NOTE_MAX, required=True, empty_message=_("Say who at the unit was reached.")
    )
    now = timezone.now()
    if sent_at > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("A phone call or letter cannot be in the future."))
    if sent_at < now - dt.timedelta(days=OFFLINE_MAX_AGE_DAYS):
        raise InvalidInput(
            _("Record a phone call or letter within %(days)s days.") % {"days": OFFLINE_MAX_AGE_DAYS}
        )
    return _create(
        actor=actor, case_id=case_id, data=data, channel=channel, sent_at=sent_at, offline_contact=contact
    )


# --- the unit's answers and withdrawal -------------------------------------------------------


def user_may_answer(user: Any, referral: Referral) -> bool:
    """Whether ``user`` answers for the unit: a professional of the unit for a referral in its
    inbox; the case's staff (who may open the case now) for one sent by phone or letter."""
    if referral.channel == ReferralChannel.PLATFORM:
        return units_of_professional(user).filter(pk=referral.unit_id).exists()
    try:
        case_get_for_user(user, referral.case_id)
    except Exception:  # noqa: BLE001 - NotFound or CaseReasonRequired: not theirs now
        return False
    return True


def _locked(referral_id: int) -> Referral:
    referral = Referral.objects.select_for_update().filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral


def _answerer_locked(actor: Any, referral_id: int) -> Referral:
    referral = _locked(referral_id)
    if not user_may_answer(actor, referral):
        raise NotFound(_("No such referral."))
    return referral


_STATUS_REFUSALS: dict[str, Any] = {
    S.DECLINED: _("The unit has declined this referral: it cannot change any more."),
    S.DONE: _("This referral is done: it cannot change any more."),
    S.WITHDRAWN: _("This referral was withdrawn: it cannot change any more."),
}


def _move(
    referral: Referral,
    target: str,
    *,
    actor: Any,
    reason: str = "",
    successful: bool | None = None,
    event: str,
    data: dict[str, Any] | None = None,
) -> Referral:
    """Moves the locked ``referral`` to ``target`` with a step and its audit event, or refuses
    with ``Conflict`` when ``TRANSITIONS`` does not allow it."""
    if target not in TRANSITIONS[referral.status]:
        message = _STATUS_REFUSALS.get(referral.status)
        if message is None:
            message = _("A referral that is “%(status)s” cannot become “%(target)s”.") % {
                "status": ReferralStatus(referral.status).label,
                "target": ReferralStatus(target).label,
            }
        raise Conflict(message)
    now = timezone.now()
    old = referral.status
    referral.status = target
    referral.save(update_fields=["status", "updated_at"])
    ReferralStep.objects.create(
        referral=referral,
        kind=target,
        at=now,
        by=actor,
        successful=successful,
        reason_encrypted=encrypt_text(reason) if reason else "",
    )
    audit_record(
        event,
        actor=actor,
        target=referral,
        data={"case": referral.case_id, "unit": referral.unit_id, "old": old, "new": target, **(data or {})},
    )
    _notify_other_side(referral, target)
    return referral


# The unit's answers that the referrer is told of (receiving is not news), and the one move of
# the centre's that the unit is told of.
_ANSWERS = frozenset({S.ACCEPTED, S.DECLINED, S.DONE})


def _notify_other_side(referral: Referral, target: str) -> None:
    """After commit, for a referral in a unit's inbox: the referrer hears of the unit's answer
    (if still active), the unit of a withdrawal. Phone and letter referrals are the
    counsellor's own record: nobody is told."""
    if referral.channel != ReferralChannel.PLATFORM:
        return
    if target in _ANSWERS:
        referrer = User.objects.filter(pk=referral.referred_by_id, is_active=True).first()
        if referrer is not None:
            notify_new_item_on_commit([referrer.email])
    elif target == S.WITHDRAWN:
        notify_new_item_on_commit(notify_addresses_for_unit(referral.unit))


def referral_receive(*, actor: Any, referral_id: int) -> Referral:
    """A professional of the unit opens the referral (or the case's staff record that a unit
    reached by phone or letter has it): every open is audited (``referral.opened``), and the
    first, while the referral is "sent", marks it received (``referral.received``). Raises
    ``NotFound`` for anyone who does not answer for the unit."""
    with transaction.atomic():
        referral = _answerer_locked(actor, referral_id)
        audit_record(
            "referral.opened",
            actor=actor,
            target=referral,
            data={"unit": referral.unit_id, "status": referral.status},
        )
        if referral.status == S.SENT:
            _move(referral, S.RECEIVED, actor=actor, event="referral.received")
    return referral


def referral_accept(*, actor: Any, referral_id: int) -> Referral:
    """The unit accepts the referral (from "sent" or "received"); the deadline stops.
    ``NotFound`` as ``referral_receive``; ``Conflict`` from any other status; accepting an
    accepted referral returns it unchanged. Audit: ``referral.accepted``."""
    with transaction.atomic():
        referral = _answerer_locked(actor, referral_id)
        if referral.status == S.ACCEPTED:
            return referral
        return _move(referral, S.ACCEPTED, actor=actor, event="referral.accepted")


def referral_decline(*, actor: Any, referral_id: int, reason: str) -> Referral:
    """The unit declines the referral with ``reason`` (required, encrypted; at most
    ``REASON_MAX`` characters). Errors as ``referral_accept``. Audit: ``referral.declined``."""
    reason = _text(
        reason, limit=REASON_MAX, required=True, empty_message=_("Say why the referral is declined.")
    )
    with transaction.atomic():
        referral = _answerer_locked(actor, referral_id)
        if referral.status == S.DECLINED:
            return referral
        return _move(referral, S.DECLINED, actor=actor, reason=reason, event="referral.declined")


def referral_complete(*, actor: Any, referral_id: int, successful: bool, reason: str = "") -> Referral:
    """The unit marks an accepted referral done: ``successful``, or not with ``reason``
    (required then, encrypted). ``Conflict`` unless it is accepted (done twice returns it
    unchanged). Audit: ``referral.completed`` with ``successful``."""
    reason = _text(
        reason,
        limit=REASON_MAX,
        required=not successful,
        empty_message=_("Say why the referral did not succeed."),
    )
    with transaction.atomic():
        referral = _answerer_locked(actor, referral_id)
        if referral.status == S.DONE:
            return referral
        return _move(
            referral,
            S.DONE,
            actor=actor,
            reason=reason,
            successful=successful,
            event="referral.completed",
            data={"successful": successful},
        )


def referral_withdraw(*, actor: Any, case_id: int, referral_id: int, reason: str) -> Referral:
    """The case's staff withdraw an open referral of case ``case_id`` with ``reason``
    (required, encrypted). ``NotFound`` / ``CaseReasonRequired`` if ``actor`` may not open the
    case or the referral is not this case's; ``Conflict`` if it is no longer open. Audit:
    ``referral.withdrawn``. The unit sees the referral as withdrawn."""
    reason = _text(
        reason, limit=REASON_MAX, required=True, empty_message=_("Say why the referral is withdrawn.")
    )
    case = case_get_for_user(actor, case_id)
    with transaction.atomic():
        referral = _locked(referral_id)
        if referral.case_id != case.pk:
            raise NotFound(_("No such referral."))
        if referral.status == S.WITHDRAWN:
            return referral
        return _move(referral, S.WITHDRAWN, actor=actor, reason=reason, event="referral.withdrawn")


# --- escalation -----------------------------------------------------------------------------


def supervisor_addresses(case: Case) -> list[str]:
    """Whom an escalation tells: the case's supervisor if named and active, else every active
    supervisor of the centre (role with ``SUPERVISE_CASES``)."""
    supervisor = case.supervisor
    if supervisor is not None and supervisor.is_active:
        return [supervisor.email]
    return list(
        User.objects.filter(is_active=True, role__in=roles_with(Capability.SUPERVISE_CASES))
        .order_by("email")
        .values_list("email", flat=True)
    )


def referrals_escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalates every referral still waiting for the unit's answer ("sent" or "received")
    whose deadline is at or before ``now`` (aware; default the current time) and that was not
    escalated before. Each is locked and re-checked, gets ``escalated_at``, an "escalated"
    step and a ``referral.escalated`` event (the system as actor), in its own transaction;
    after commit the referrer's supervisor is notified (``supervisor_addresses``). Returns how
    many were escalated; a second run at the same ``now`` escalates none."""
    now = now or timezone.now()
    due = Q(status__in=AWAITING_ANSWER, escalated_at__isnull=True, deadline__lte=now)
    escalated = 0
    for referral_id in Referral.objects.filter(due).order_by("deadline", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            referral = Referral.objects.select_for_update().filter(due, pk=referral_id).first()
            if referral is None:
                continue
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at", "updated_at"])
            ReferralStep.objects.create(referral=referral, kind=StepKind.ESCALATED, at=now, by=None)
            audit_record(
                "referral.escalated",
                target=referral,
                data={"case": referral.case_id, "unit": referral.unit_id, "status": referral.status},
            )
            case = Case.objects.select_related("supervisor").get(pk=referral.case_id)
            notify_new_item_on_commit(supervisor_addresses(case))
            escalated += 1
    return escalated


# --- audit events of reads ---------------------------------------------------------------------


def referral_view_record(*, actor: Any, referral: Referral) -> None:
    """The audit event of staff reading a referral's page (``referral.viewed``)."""
    with transaction.atomic():
        audit_record("referral.viewed", actor=actor, target=referral, data={"case": referral.case_id})


def referral_list_record(*, actor: Any, scope: str, count: int, case: Case | None = None) -> None:
    """The audit event of a list of referrals shown: ``scope`` "case", "mine", "escalated"
    or "inbox", and how many rows (``referral.listed``)."""
    with transaction.atomic():
        audit_record(
            "referral.listed",
            actor=actor,
            object_type="referrals.referral",
            data={"scope": scope, "count": count, **({"case": case.pk} if case is not None else {})},
        )
