"""Writes of consultations (R17): each in one transaction with its audit event.

Who may do what (checked here as well as in the views):

- a partner professional asks from a unit they answer for (``units_of_professional``),
  posts follow-ups in and closes that unit's consultations;
- whoever handles cases (``HANDLE_CASES``) takes a consultation, answers, accepts the agent
  role the professional asked for, makes a case of it and closes it.

Anyone else gets ``NotFound`` (they may not learn that a consultation exists).

Notifications (``core.notifications``, the one neutral mail, after commit):

- an answer from the centre, and the centre accepting the agent role: the unit's
  professionals (``partners.selectors.notify_addresses_for_unit``: its active members, or
  the unit's functional inbox when it has none);
- a follow-up from the professional: the counsellor handling the consultation, if any and
  still active; an untaken one waits at the top of the staff list, like a new one;
- a new consultation: nobody by mail. The staff list shows waiting consultations first,
  and a mail to every counsellor for each would teach them to ignore the mail.

Nothing about the person may be written here: the forms say so, and a text holding a valid
Swedish personal identity or coordination number is refused (``identity_number_found``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.cases.identity import identity_number_found
from hedershus.cases.models import Case, Channel, Urgency
from hedershus.cases.services import ContactInput, case_open
from hedershus.consultations.models import Consultation, ConsultationMessage, ConsultationStatus
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.core.notifications import notify_new_item_on_commit
from hedershus.core.text import bidi_controls_strip, has_visible_text
from hedershus.partners.selectors import notify_addresses_for_unit, units_of_professional

SUBJECT_MAX = 200
MESSAGE_MAX = 8000

SIDE_CENTRE = "centre"
SIDE_PARTNER = "partner"


def _text(text: str, *, limit: int, empty_message: Any) -> str:
    """A free text of this app: bidi controls stripped (``core.text``), trimmed, not empty
    (nothing visible counts as empty), at most ``limit`` characters, and no identity number.
    Raises ``InvalidInput`` with a message for the person who wrote it."""
    cleaned = bidi_controls_strip(text or "").strip()
    if not has_visible_text(cleaned):
        raise InvalidInput(empty_message)
    if len(cleaned) > limit:
        raise InvalidInput(_("The text is too long (at most %(limit)s characters).") % {"limit": limit})
    if identity_number_found(cleaned):
        raise InvalidInput(
            _(
                "Remove the personal identity number: a consultation is about a situation, "
                "never about a named person. (If it is a phone number, write it with spaces.)"
            )
        )
    return cleaned


def _require_handler(actor: Any) -> None:
    if not user_has_capability(actor, Capability.HANDLE_CASES):
        raise NotFound(_("No such consultation."))


def _locked_for_staff(actor: Any, consultation_id: int) -> Consultation:
    """The consultation, its row locked for this transaction, if ``actor`` handles cases."""
    _require_handler(actor)
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def _locked_for_professional(actor: Any, consultation_id: int) -> Consultation:
    """The consultation, its row locked, if it belongs to a unit ``actor`` answers for."""
    units = units_of_professional(actor).values("pk")
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id, unit__in=units).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def _refuse_closed(consultation: Consultation) -> None:
    if consultation.status == ConsultationStatus.CLOSED:
        raise Conflict(_("This consultation is closed. Ask a new question if you need to."))


def consultation_ask(
    *,
    actor: Any,
    unit_id: int,
    subject: str,
    text: str,
    agent_request: bool = False,
    client_id: uuid.UUID | None = None,
) -> Consultation:
    """A partner professional asks the centre for advice from unit ``unit_id``: a new open
    consultation with ``subject`` (at most ``SUBJECT_MAX`` characters) and its first message
    ``text`` (at most ``MESSAGE_MAX``), both encrypted. ``agent_request``: the authority asks
    the centre to act as its agent (uppdragstagare, R17).

    ``client_id`` (picked when the form was shown): the same form sent twice stores one
    consultation and returns it (a partial UNIQUE settles two at once). Raises ``NotFound``
    unless ``actor`` is an active professional of that active unit, ``InvalidInput`` for an
    empty or too long text or one holding a personal identity number. Audited
    ``consultation.asked`` (unit, agent request). Nobody is mailed (module docstring).
    """
    unit = units_of_professional(actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such unit."))
    subject = _text(subject, limit=SUBJECT_MAX, empty_message=_("Write a subject."))
    text = _text(text, limit=MESSAGE_MAX, empty_message=_("Write your question."))
    if client_id is not None:
        stored = Consultation.objects.filter(asked_by=actor, client_id=client_id).first()
        if stored is not None:
            return stored
    now = timezone.now()
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                unit=unit,
                asked_by=actor,
                subject_encrypted=encrypt_text(subject),
                status=ConsultationStatus.OPEN,
                created_at=now,
                last_activity_at=now,
                agent_request=bool(agent_request),
                client_id=client_id,
            )
            ConsultationMessage.objects.create(
                consultation=consultation,
                author=actor,
                from_centre=False,
                text_encrypted=encrypt_text(text),
                created_at=now,
            )
            audit_record(
                "consultation.asked",
                actor=actor,
                target=consultation,
                data={"unit": unit.pk, "agent_request": bool(agent_request)},
            )
    except IntegrityError:
        stored = Consultation.objects.filter(asked_by=actor, client_id=client_id).first()
        if client_id is None or stored is None:
            raise
        return stored
    return consultation


def _message_add(
    consultation: Consultation, *, actor: Any, text: str, from_centre: bool, client_id: uuid.UUID | None
) -> ConsultationMessage | None:
    """Adds a message to the locked ``consultation``; ``None`` when ``client_id`` was stored
    already (a double submit: nothing more happens)."""
    if (
        client_id is not None
        and ConsultationMessage.objects.filter(author=actor, client_id=client_id).exists()
    ):
        return None
    now = timezone.now()
    message = ConsultationMessage.objects.create(
        consultation=consultation,
        author=actor,
        from_centre=from_centre,
        text_encrypted=encrypt_text(text),
        created_at=now,
        client_id=client_id,
    )
    consultation.last_activity_at = now
    consultation.status = ConsultationStatus.ANSWERED if from_centre else ConsultationStatus.OPEN
    fields = ["last_activity_at", "status"]
    if from_centre and consultation.handled_by_id is None:
        # Answering is taking: the professional's follow-up then reaches this counsellor.
        consultation.handled_by = actor
        consultation.taken_at = now
        fields += ["handled_by", "taken_at"]
    consultation.save(update_fields=fields)
    audit_record(
        "consultation.message_posted",
        actor=actor,
        target=consultation,
        data={"side": SIDE_CENTRE if from_centre else SIDE_PARTNER, "message": message.pk},
    )
    return message


def answer_post(
    *, actor: Any, consultation_id: int, text: str, client_id: uuid.UUID | None = None
) -> Consultation:
    """A counsellor answers in the thread: the consultation becomes ``answered`` and, if no
    one had taken it, ``actor`` takes it. Raises ``NotFound`` without ``HANDLE_CASES``,
    ``Conflict`` when closed, ``InvalidInput`` for a bad text. Audited
    ``consultation.message_posted`` (side centre); the unit's professionals are notified
    after commit. A double submit (same ``client_id``) stores and notifies once."""
    text = _text(text, limit=MESSAGE_MAX, empty_message=_("Write an answer."))
    try:
        with transaction.atomic():
            consultation = _locked_for_staff(actor, consultation_id)
            _refuse_closed(consultation)
            if _message_add(consultation, actor=actor, text=text, from_centre=True, client_id=client_id):
                notify_new_item_on_commit(notify_addresses_for_unit(consultation.unit))
    except IntegrityError:
        if client_id is None:
            raise
        consultation = Consultation.objects.get(pk=consultation_id)
    return consultation


def follow_up_post(
    *, actor: Any, consultation_id: int, text: str, client_id: uuid.UUID | None = None
) -> Consultation:
    """A professional of the consultation's unit writes in the thread: it is ``open``
    (waiting for the centre) again. Raises ``NotFound`` for anyone else, ``Conflict`` when
    closed, ``InvalidInput`` for a bad text. Audited ``consultation.message_posted`` (side
    partner); the handling counsellor, if any and still active, is notified after commit."""
    text = _text(text, limit=MESSAGE_MAX, empty_message=_("Write a message."))
    try:
        with transaction.atomic():
            consultation = _locked_for_professional(actor, consultation_id)
            _refuse_closed(consultation)
            if _message_add(consultation, actor=actor, text=text, from_centre=False, client_id=client_id):
                handler = consultation.handled_by
                if (
                    handler is not None
                    and handler.is_active
                    and user_has_capability(handler, Capability.HANDLE_CASES)
                ):
                    notify_new_item_on_commit([handler.email])
    except IntegrityError:
        if client_id is None:
            raise
        consultation = Consultation.objects.get(pk=consultation_id)
    return consultation


def consultation_take(*, actor: Any, consultation_id: int, take_over: bool = False) -> Consultation:
    """``actor`` (who handles cases) becomes the counsellor handling the consultation.

    Taken by ``actor`` already: nothing happens (no event). Taken by a colleague: ``Conflict``
    unless ``take_over`` (the page offers it: a colleague may be away). ``Conflict`` when
    closed, ``NotFound`` without ``HANDLE_CASES``. Audited ``consultation.taken`` with the
    previous handler's id (or None)."""
    with transaction.atomic():
        consultation = _locked_for_staff(actor, consultation_id)
        _refuse_closed(consultation)
        previous = consultation.handled_by_id
        if previous == actor.pk:
            return consultation
        if previous is not None and not take_over:
            raise Conflict(_("A colleague handles this consultation already."))
        now = timezone.now()
        consultation.handled_by = actor
        consultation.taken_at = now
        consultation.last_activity_at = now
        consultation.save(update_fields=["handled_by", "taken_at", "last_activity_at"])
        audit_record("consultation.taken", actor=actor, target=consultation, data={"previous": previous})
    return consultation


def agent_role_accept(*, actor: Any, consultation_id: int) -> Consultation:
    """The centre accepts to act as the authority's agent (uppdragstagare), as the
    professional asked: records who and when. Raises ``InvalidInput`` when it was not asked,
    ``Conflict`` when accepted already or closed, ``NotFound`` without ``HANDLE_CASES``.
    Audited ``consultation.agent_accepted``; the unit's professionals are notified."""
    with transaction.atomic():
        consultation = _locked_for_staff(actor, consultation_id)
        _refuse_closed(consultation)
        if not consultation.agent_request:
            raise InvalidInput(_("The professional did not ask the centre to act as agent."))
        if consultation.agent_accepted_at is not None:
            raise Conflict(_("The centre has already accepted to act as agent."))
        now = timezone.now()
        consultation.agent_accepted_by = actor
        consultation.agent_accepted_at = now
        consultation.last_activity_at = now
        consultation.save(update_fields=["agent_accepted_by", "agent_accepted_at", "last_activity_at"])
        audit_record("consultation.agent_accepted", actor=actor, target=consultation)
        notify_new_item_on_commit(notify_addresses_for_unit(consultation.unit))
    return consultation


def case_open_from_consultation(*, actor: Any, consultation_id: int, urgency: str = Urgency.ROUTINE) -> Case:
    """Makes the consultation a case: opens one through ``cases.services.case_open`` (its
    first contact a professional's request, dated when the consultation was asked; ``actor``
    assigned) and links it. Nothing of the thread is copied into the case; the case page's
    readers open the consultation through its link.

    A consultation with a case already raises ``Conflict`` with ``extra["case_id"]`` (the
    row lock settles two counsellors at once). ``NotFound`` without ``HANDLE_CASES``;
    ``InvalidInput`` for a bad urgency. Audited ``consultation.case_opened`` (case id) beside
    the case's own ``case.opened``. Allowed on a closed consultation (it may be decided later).
    """
    with transaction.atomic():
        consultation = _locked_for_staff(actor, consultation_id)
        if consultation.case_id is not None:
            raise Conflict(_("This consultation is a case already."), extra={"case_id": consultation.case_id})
        contact = ContactInput(channel=Channel.PROFESSIONAL, occurred_at=consultation.created_at)
        case = case_open(actor=actor, contact=contact, urgency=urgency)
        now = timezone.now()
        consultation.case = case
        consultation.case_linked_by = actor
        consultation.case_linked_at = now
        consultation.last_activity_at = now
        consultation.save(update_fields=["case", "case_linked_by", "case_linked_at", "last_activity_at"])
        audit_record("consultation.case_opened", actor=actor, target=consultation, data={"case": case.pk})
    return case


def consultation_close(*, actor: Any, consultation_id: int) -> Consultation:
    """Closes the consultation: no more messages. By whoever handles cases, or a professional
    of its unit (``NotFound`` for anyone else). Closed already: nothing happens (no event).
    Audited ``consultation.closed`` with the side that closed it."""
    staff = user_has_capability(actor, Capability.HANDLE_CASES)
    with transaction.atomic():
        if staff:
            consultation = _locked_for_staff(actor, consultation_id)
        else:
            consultation = _locked_for_professional(actor, consultation_id)
        if consultation.status == ConsultationStatus.CLOSED:
            return consultation
        now = timezone.now()
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_by = actor
        consultation.closed_at = now
        consultation.last_activity_at = now
        consultation.save(update_fields=["status", "closed_by", "closed_at", "last_activity_at"])
        audit_record(
            "consultation.closed",
            actor=actor,
            target=consultation,
            data={"side": SIDE_CENTRE if staff else SIDE_PARTNER},
        )
    return consultation


def consultation_view_record(*, actor: Any, consultation: Consultation, side: str) -> None:
    """Records that ``actor`` opened ``consultation`` (its subject and thread were shown);
    ``side`` is ``"centre"`` or ``"partner"``. Called by the views after the access check."""
    with transaction.atomic():
        audit_record("consultation.viewed", actor=actor, target=consultation, data={"side": side})


def consultation_list_record(*, actor: Any, side: str, count: int) -> None:
    """Records that ``actor`` read a list of ``count`` consultations (subjects shown)."""
    with transaction.atomic():
        audit_record("consultation.listed", actor=actor, data={"side": side, "count": count})
