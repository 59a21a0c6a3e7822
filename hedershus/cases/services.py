"""Every write to a case (issue 10, items 1 and 6), each in one transaction with its audit
event (``audit_record``), and the audit events of reads (``case_view_record``).

Services check the actor themselves as well as the views: the actor must be able to open the
case now (``selectors.case_get_for_user``); a write that reads then writes locks the case row
first (``_case_locked``), as Zulip's ``do_change_user_role`` does.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.cases.identity import identity_number_found, identity_number_normalise, identity_plain
from hedershus.cases.models import (
    Case,
    CaseAccessGrant,
    CaseAssignment,
    CaseOutcome,
    CaseProblemType,
    CaseSequence,
    CaseStatus,
    Channel,
    Contact,
    Decision,
    DecisionKind,
    Flag,
    Person,
    PersonRelation,
    PersonRole,
    ProblemType,
    RelationKind,
    Urgency,
)
from hedershus.cases.selectors import (
    case_get_for_user,
    conversation_case,
    user_is_case_insider,
    user_may_see_protected_fields,
)
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.core.text import bidi_controls_strip, has_visible_text
from hedershus.messaging.models import Conversation

# How long a reason opens a case for its giver (R20): one working day's shift. After that
# they give a reason again, so each reason in the log covers a bounded stretch of reading.
ACCESS_GRANT_HOURS = 8
NOTE_MAX = 2000  # characters: a contact's note is short; the journal holds the long text
REASON_MAX = 4000
# A contact is at most this many years back: older is a typing slip (0001, 1900), and a date
# far back also overflows the database's conversion to UTC.
CONTACT_MAX_AGE_YEARS = 10
# Something shaped like a personal identity or coordination number: 10 or 12 digits, with or
# without a separator before the last four, in text made plain first (any Unicode dash, digits
# of any script: ``identity.identity_plain``). A reason says why, never who (it stays in the
# log), so any such shape is refused, valid or not.
IDENTITY_NUMBER_SHAPE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}\s*(?:[-+.]\s*)?\d{4}(?!\d)")


def contact_earliest() -> dt.datetime:
    """The earliest time a contact may have (``CONTACT_MAX_AGE_YEARS`` back from now)."""
    return timezone.now() - dt.timedelta(days=round(365.25 * CONTACT_MAX_AGE_YEARS))


# --- helpers -----------------------------------------------------------------------------


def _require_handler(user: Any) -> None:
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise AccessDenied(_("You may not handle cases."))


def _case_locked(actor: Any, case_id: int) -> Case:
    """The case, checked as ``actor`` may open it now, its row locked for this transaction."""
    case_get_for_user(actor, case_id)
    return Case.objects.select_for_update().get(pk=case_id)


class CaseInsidersOnly(AccessDenied):
    """Who works on a case (assignment, supervisor) and its protected-identity mark are for
    its insiders (assigned staff, its supervisor): a colleague let in with a reason reads the
    case but cannot make themselves part of it (403)."""

    code = "case_insiders_only"


def _insider_required(actor: Any, case: Case) -> None:
    if not user_is_case_insider(actor, case):
        raise CaseInsidersOnly(
            _(
                "Only the staff assigned to the case and its supervisor may change who works on it."
                " You opened it with a reason: ask one of them."
            )
        )


def _supervisor_check(user: Any | None) -> None:
    if user is not None and not user_has_capability(user, Capability.SUPERVISE_CASES):
        raise InvalidInput(_("The supervisor must be someone who supervises cases."))


def _text_check(text: str, *, limit: int, required: bool = True) -> str:
    """Every free text of the case app: without bidi embedding, override and isolate
    controls (``core.text.bidi_controls_strip``: "Flag \u202eevil" showed as "Flag live"),
    trimmed, empty if nothing visible is left, at most ``limit`` characters."""
    text = bidi_controls_strip(text or "").strip()
    if not has_visible_text(text):
        text = ""
    if required and not text:
        raise InvalidInput(_("Write a text."))
    if len(text) > limit:
        raise InvalidInput(_("The text is too long (at most %(limit)s characters).") % {"limit": limit})
    return text


def _stored_before(model: Any, author_field: str, actor: Any, case: Case, client_id: uuid.UUID | None) -> Any:
    """The row ``actor`` already stored from the form ``client_id`` (None if none): a double
    submit or a retry returns it. ``NotFound`` if that id names a row of another case."""
    if client_id is None:
        return None
    stored = model.objects.filter(**{f"{author_field}_id": actor.pk, "client_id": client_id}).first()
    if stored is not None and stored.case_id != case.pk:
        raise NotFound(_("That form belongs to another case. Open the form again."))
    return stored


def _create_once(
    model: Any,
    author_field: str,
    actor: Any,
    case: Case,
    client_id: uuid.UUID | None,
    create: Callable[[], Any],
) -> tuple[Any, bool]:
    """``create()`` in a savepoint unless ``actor`` already stored a row from ``client_id``;
    a twin that won the race (the partial UNIQUE per author and ``client_id``) is returned
    instead. Returns the row and whether it is new (as the journal does)."""
    stored = _stored_before(model, author_field, actor, case, client_id)
    if stored is not None:
        return stored, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        stored = _stored_before(model, author_field, actor, case, client_id)
        if stored is None:
            raise
        return stored, False


def _reference_next(now: dt.datetime) -> str:
    """The next "YYYY-NNNN" of the centre's year. Locks the year's row (created once, a race
    on creating it settled by its primary key), so concurrent openings queue for a number."""
    year = timezone.localtime(now).year
    try:
        with transaction.atomic():
            CaseSequence.objects.get_or_create(year=year)
    except IntegrityError:  # another opening created the row first: it exists now
        pass
    sequence = CaseSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:04d}"


# --- opening a case and its contacts -----------------------------------------------------


@dataclass(frozen=True)
class ContactInput:
    """One contact as a form gives it: ``duration_minutes`` in minutes (0-1440) or None."""

    channel: str
    occurred_at: dt.datetime
    duration_minutes: int | None = None
    note: str = ""
    client_id: uuid.UUID | None = None


def _contact_create(
    case: Case, actor: Any, contact: ContactInput, conversation: Conversation | None
) -> Contact:
    if contact.channel not in Channel.values:
        raise InvalidInput(_("Choose a channel."))
    if contact.duration_minutes is not None and not 0 <= contact.duration_minutes <= 24 * 60:
        raise InvalidInput(_("The duration is in minutes, at most 1,440 (a day)."))
    if contact.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput(_("A contact cannot be in the future."))
    if contact.occurred_at < contact_earliest():
        raise InvalidInput(
            _("A contact is at most %(years)s years ago: check the year.") % {"years": CONTACT_MAX_AGE_YEARS}
        )
    note = _text_check(contact.note, limit=NOTE_MAX, required=False)
    return Contact.objects.create(
        case=case,
        channel=contact.channel,
        # To the minute, as the form takes it: contacts in one minute then list in the order
        # they were recorded (by id), not a chat's seconds before a call typed as "now".
        occurred_at=contact.occurred_at.replace(second=0, microsecond=0),
        duration_minutes=contact.duration_minutes,
        taken_by=actor,
        note_encrypted=encrypt_text(note) if note else "",
        conversation=conversation,
        from_conversation=conversation is not None,
        client_id=contact.client_id,
    )


def case_open(
    *,
    actor: Any,
    contact: ContactInput,
    urgency: str = Urgency.ROUTINE,
    supervisor: Any | None = None,
    protected_identity: bool = False,
    conversation: Conversation | None = None,
) -> Case:
    """Opens a case with its first contact (R14); ``actor`` is assigned to it.

    ``conversation``: the room conversation the case starts from (channel chat); a
    conversation already in a case raises ``Conflict`` carrying that case's id in
    ``extra["case_id"]`` (the UNIQUE on ``Contact.conversation`` settles two at once).
    Raises ``AccessDenied`` unless ``actor`` handles cases, ``InvalidInput`` for a bad
    urgency, supervisor or contact. Audit: ``case.opened`` (channel, urgency, conversation id).
    """
    _require_handler(actor)
    if urgency not in Urgency.values:
        raise InvalidInput(_("Choose an urgency."))
    _supervisor_check(supervisor)
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                reference=_reference_next(now),
                urgency=urgency,
                supervisor=supervisor,
                protected_identity=protected_identity,
                opened_by=actor,
                opened_at=now,
            )
            CaseAssignment.objects.create(case=case, user=actor, assigned_by=actor, assigned_at=now)
            with transaction.atomic():  # a savepoint: the conversation's UNIQUE may refuse
                _contact_create(case, actor, contact, conversation)
            audit_record(
                "case.opened",
                actor=actor,
                target=case,
                data={
                    "channel": contact.channel,
                    "urgency": urgency,
                    "conversation_id": conversation.pk if conversation is not None else None,
                    "protected_identity": protected_identity,
                },
            )
    except IntegrityError:
        existing = conversation_case(conversation) if conversation is not None else None
        if existing is None:
            raise
        raise Conflict(
            _("This conversation already has a case: %(reference)s.") % {"reference": existing.reference},
            extra={"case_id": existing.pk},
        ) from None
    return case


def case_open_from_conversation(
    *, actor: Any, conversation: Conversation, urgency: str = Urgency.ROUTINE
) -> Case:
    """Opens a case whose first contact is ``conversation`` (channel chat, at the
    conversation's start). ``conversation`` must come from the caller's own access check
    (messaging's ``conversations_visible_to``). Raises ``Conflict`` if it is already in a
    case (see ``case_open``)."""
    existing = conversation_case(conversation)
    if existing is not None:
        raise Conflict(
            _("This conversation already has a case: %(reference)s.") % {"reference": existing.reference},
            extra={"case_id": existing.pk},
        )
    contact = ContactInput(channel=Channel.CHAT, occurred_at=conversation.created_at)
    urgency = Urgency.ACUTE if conversation.acute_since is not None else urgency
    return case_open(actor=actor, contact=contact, urgency=urgency, conversation=conversation)


def conversation_join_case(*, actor: Any, conversation: Conversation, case_id: int) -> Contact:
    """A later room conversation joins an existing case as a chat contact (R14: later
    contacts join the same case). ``conversation`` comes from the caller's access check
    (messaging's); the case must open for ``actor`` and already hold an earlier conversation
    of the same room (``NotFound`` otherwise: a stranger's chat never joins another case). A
    conversation already in a case is a ``Conflict`` (``extra["case_id"]``). Audit:
    ``case.contact_added`` (channel chat, conversation id)."""
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        existing = conversation_case(conversation)
        if existing is not None:
            raise Conflict(
                _("This conversation already has a case: %(reference)s.") % {"reference": existing.reference},
                extra={"case_id": existing.pk},
            )
        same_room = (
            Contact.objects.filter(  # the room as the database has it now
                case=case,
                conversation__room_id__in=Conversation.objects.filter(pk=conversation.pk).values("room_id"),
            )
            .exclude(conversation=conversation)
            .exists()
        )
        if not same_room:  # only what the conversation page offers: its room's earlier case
            raise NotFound(_("No earlier conversation of this room is in that case."))
        created = _contact_create(
            case, actor, ContactInput(channel=Channel.CHAT, occurred_at=conversation.created_at), conversation
        )
        audit_record(
            "case.contact_added",
            actor=actor,
            target=case,
            data={"contact_id": created.pk, "channel": Channel.CHAT, "conversation_id": conversation.pk},
        )
    return created


def contact_add(*, actor: Any, case_id: int, contact: ContactInput) -> Contact:
    """A later contact joins the case; the same ``contact.client_id`` again returns the first
    (a double submit). Audit: ``case.contact_added`` (channel, minutes)."""
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        created, new = _create_once(
            Contact,
            "taken_by",
            actor,
            case,
            contact.client_id,
            lambda: _contact_create(case, actor, contact, None),
        )
        if not new:
            return created
        audit_record(
            "case.contact_added",
            actor=actor,
            target=case,
            data={"contact_id": created.pk, "channel": created.channel, "minutes": created.duration_minutes},
        )
    return created


# --- status, urgency, people working on it -----------------------------------------------


def case_status_set(*, actor: Any, case_id: int, status: str, outcome: str = "") -> Case:
    """Sets the status. Closing needs an ``outcome`` and sets ``closed_at``; any other status
    clears both (reopening). No change, no event. Audit: ``case.status_changed`` (old, new,
    outcome)."""
    if status not in CaseStatus.values:
        raise InvalidInput(_("Choose a status."))
    if status == CaseStatus.CLOSED and outcome not in CaseOutcome.values:
        raise InvalidInput(_("Choose the outcome when closing a case."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        new_outcome = outcome if status == CaseStatus.CLOSED else ""
        if case.status == status and case.outcome == new_outcome:
            return case
        old = case.status
        case.status = status
        case.outcome = new_outcome
        if status == CaseStatus.CLOSED:
            case.closed_at = case.closed_at if old == CaseStatus.CLOSED else timezone.now()
        else:
            case.closed_at = None
        case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        audit_record(
            "case.status_changed",
            actor=actor,
            target=case,
            data={"old": old, "new": status, "outcome": new_outcome},
        )
    return case


def case_urgency_set(*, actor: Any, case_id: int, urgency: str) -> Case:
    """Sets the urgency. Audit: ``case.urgency_changed`` (old, new); none if unchanged."""
    if urgency not in Urgency.values:
        raise InvalidInput(_("Choose an urgency."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        if case.urgency == urgency:
            return case
        old, case.urgency = case.urgency, urgency
        case.save(update_fields=["urgency", "updated_at"])
        audit_record("case.urgency_changed", actor=actor, target=case, data={"old": old, "new": urgency})
    return case


def case_assign(*, actor: Any, case_id: int, user: Any) -> CaseAssignment:
    """Assigns ``user`` (who must handle cases) to the case; already assigned is a no-op.
    Audit: ``case.assigned`` (user id)."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise InvalidInput(_("Only staff who handle cases can be assigned."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        _insider_required(actor, case)
        assignment, created = CaseAssignment.objects.get_or_create(
            case=case, user=user, defaults={"assigned_by": actor, "assigned_at": timezone.now()}
        )
        if created:
            audit_record("case.assigned", actor=actor, target=case, data={"user_id": user.pk})
    return assignment


def case_unassign(*, actor: Any, case_id: int, user_id: int) -> None:
    """Removes one assignee. The last one stays (a case nobody works on would be seen by no
    one but its supervisor): ``Conflict``. Audit: ``case.unassigned`` (user id)."""
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        _insider_required(actor, case)
        assignments = list(CaseAssignment.objects.select_for_update().filter(case=case))
        target = next((a for a in assignments if a.user_id == user_id), None)
        if target is None:
            raise NotFound(_("That person is not assigned to this case."))
        if len(assignments) == 1:
            raise Conflict(_("The last person assigned cannot be removed. Assign someone else first."))
        target.delete()
        audit_record("case.unassigned", actor=actor, target=case, data={"user_id": user_id})


def case_supervisor_set(*, actor: Any, case_id: int, supervisor: Any | None) -> Case:
    """Names the case's supervisor (must supervise cases), or none. Audit:
    ``case.supervisor_changed`` (old and new user ids)."""
    _supervisor_check(supervisor)
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        _insider_required(actor, case)
        new_id = supervisor.pk if supervisor is not None else None
        if case.supervisor_id == new_id:
            return case
        old = case.supervisor_id
        case.supervisor = supervisor
        case.save(update_fields=["supervisor", "updated_at"])
        audit_record("case.supervisor_changed", actor=actor, target=case, data={"old": old, "new": new_id})
    return case


def case_protected_identity_set(*, actor: Any, case_id: int, protected: bool) -> Case:
    """Marks the case protected identity (skyddade personuppgifter) or clears the mark. Only
    assigned staff may: they are the ones who see the protected fields, and a colleague let in
    with a reason must not be able to unhide them. Audit: ``case.protected_identity_changed``."""
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        if not CaseAssignment.objects.filter(case=case, user_id=actor.pk).exists():
            raise CaseInsidersOnly(_("Only staff assigned to the case may change its protected identity."))
        if case.protected_identity == protected:
            return case
        case.protected_identity = protected
        case.save(update_fields=["protected_identity", "updated_at"])
        audit_record(
            "case.protected_identity_changed", actor=actor, target=case, data={"protected": protected}
        )
    return case


# --- reasoned access and reads ----------------------------------------------------------


def case_access_grant(*, actor: Any, case_id: int, reason: str) -> CaseAccessGrant:
    """A colleague outside the case gives a reason to open it (R20): a grant valid for
    ``ACCESS_GRANT_HOURS`` hours. Raises ``InvalidInput`` for an empty or too long reason,
    or one holding something shaped like an identity number (``IDENTITY_NUMBER_SHAPE``).
    Audit: ``case.opened_with_reason`` with the reason in the event's ``reason``."""
    reason = _text_check(reason, limit=REASON_MAX)
    if len(reason) < 10:
        raise InvalidInput(_("Say why you need to open this case (at least 10 characters)."))
    if IDENTITY_NUMBER_SHAPE.search(identity_plain(reason)) or identity_number_found(reason):
        raise InvalidInput(
            _(
                "Take out the number that looks like a personal identity number: the reason stays"
                " in the audit log. Say why you need the case, not who the person is."
            )
        )
    case = case_get_for_user(actor, case_id, allow_without_reason=True)
    now = timezone.now()
    with transaction.atomic():
        grant = CaseAccessGrant.objects.create(
            case=case,
            user=actor,
            reason=reason,
            granted_at=now,
            expires_at=now + dt.timedelta(hours=ACCESS_GRANT_HOURS),
        )
        audit_record(
            "case.opened_with_reason",
            actor=actor,
            target=case,
            reason=reason,
            data={"grant_id": grant.pk, "hours": ACCESS_GRANT_HOURS},
        )
    return grant


def case_view_record(*, actor: Any, case: Case, from_search: bool = False) -> None:
    """The audit event of a case page shown (``case.viewed``; ``from_search`` when opened from
    a search result)."""
    with transaction.atomic():
        audit_record("case.viewed", actor=actor, target=case, data={"from_search": from_search})


def case_list_record(*, actor: Any, filters: list[str], count: int) -> None:
    """The audit event of the case list or a search: which filters were used (names, not
    the values typed) and how many cases it showed."""
    with transaction.atomic():
        audit_record(
            "case.listed", actor=actor, object_type="cases.case", data={"filters": filters, "count": count}
        )


# --- persons ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    """A person as a form gives it; ``identity_number`` raw as typed ("" for none)."""

    alias: str
    role: str
    age_group: str
    gender: str
    municipality: str = ""
    district: str = ""
    name: str = ""
    identity_number: str = ""
    client_id: uuid.UUID | None = None


def person_add(*, actor: Any, case_id: int, person: PersonInput) -> Person:
    """Adds a person (R14). The identity number must pass ``identity_number_normalise``
    (shape, date, Luhn) and is stored encrypted in its twelve-digit form; the name too.
    Audit: ``case.person_added`` (person id, role, whether identified), never the identity."""
    alias = _text_check(person.alias, limit=80)
    if person.role not in PersonRole.values:
        raise InvalidInput(_("Choose the person's role in the case."))
    number = ""
    if person.identity_number.strip():
        normalised = identity_number_normalise(person.identity_number)
        if normalised is None:
            raise InvalidInput(_("That is not a valid personal identity number or coordination number."))
        number = normalised
    name = _text_check(person.name, limit=200, required=False)
    district = _text_check(person.district, limit=80, required=False)
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        if (name or number or district) and not user_may_see_protected_fields(actor, case):
            raise AccessDenied(
                _(
                    "This case has protected identity: only staff assigned to it may record a"
                    " name, identity number or district. Add the person by alias only."
                )
            )
        created, new = _create_once(
            Person,
            "created_by",
            actor,
            case,
            person.client_id,
            lambda: Person.objects.create(
                case=case,
                alias=alias,
                role=person.role,
                age_group=person.age_group,
                gender=person.gender,
                municipality=person.municipality,
                district_encrypted=encrypt_text(district) if district else "",
                name_encrypted=encrypt_text(name) if name else "",
                identity_number_encrypted=encrypt_text(number) if number else "",
                created_by=actor,
                client_id=person.client_id,
            ),
        )
        if not new:
            return created
        audit_record(
            "case.person_added",
            actor=actor,
            target=case,
            data={"person_id": created.pk, "role": created.role, "identified": bool(number or name)},
        )
    return created


def person_identify(*, actor: Any, case_id: int, person_id: int, name: str, identity_number: str) -> Person:
    """Records who a pseudonymous person is, when it becomes needed: the real name and/or the
    identity number (checked as in ``person_add``), each replacing what was there; an empty
    field keeps the old value. On a protected-identity case only assigned staff may (others
    cannot see what they would overwrite). Audit: ``case.person_identified`` (which fields)."""
    name = _text_check(name, limit=200, required=False)
    number = ""
    if identity_number.strip():
        normalised = identity_number_normalise(identity_number)
        if normalised is None:
            raise InvalidInput(_("That is not a valid personal identity number or coordination number."))
        number = normalised
    if not name and not number:
        raise InvalidInput(_("Give the name, the identity number or both."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        if not user_may_see_protected_fields(actor, case):
            raise AccessDenied(_("Only staff assigned to the case may record identities in it."))
        person = Person.objects.select_for_update().filter(case=case, pk=person_id).first()
        if person is None:
            raise NotFound(_("No such person in this case."))
        fields = []
        if name:
            person.name_encrypted = encrypt_text(name)
            fields.append("name")
        if number:
            person.identity_number_encrypted = encrypt_text(number)
            fields.append("identity_number")
        person.save(update_fields=[f"{field}_encrypted" for field in fields])
        audit_record(
            "case.person_identified",
            actor=actor,
            target=case,
            data={"person_id": person.pk, "fields": fields},
        )
    return person


def relation_add(
    *, actor: Any, case_id: int, from_person_id: int, to_person_id: int, kind: str
) -> PersonRelation:
    """Links two persons of the case ("A is the mother of B"). Both must be in this case and
    differ; the same relation twice is a ``Conflict``. Audit: ``case.relation_added``."""
    if kind not in RelationKind.values:
        raise InvalidInput(_("Choose a relation."))
    if from_person_id == to_person_id:
        raise InvalidInput(_("A person cannot be related to themselves."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        persons = {p.pk: p for p in Person.objects.filter(case=case, pk__in=[from_person_id, to_person_id])}
        if len(persons) != 2:
            raise InvalidInput(_("Choose two persons of this case."))
        if PersonRelation.objects.filter(
            from_person_id=from_person_id, to_person_id=to_person_id, kind=kind
        ).exists():
            raise Conflict(_("That relation is already recorded."))
        relation = PersonRelation.objects.create(
            from_person=persons[from_person_id], to_person=persons[to_person_id], kind=kind, created_by=actor
        )
        audit_record(
            "case.relation_added",
            actor=actor,
            target=case,
            data={"relation_id": relation.pk, "from": from_person_id, "to": to_person_id, "kind": kind},
        )
    return relation


# --- problem types, flags, decision ---------------------------------------------------------


def case_problem_types_set(*, actor: Any, case_id: int, problem_type_ids: list[int]) -> None:
    """Sets the case's problem types to exactly ``problem_type_ids``. Audit:
    ``case.problem_types_changed`` (added and removed ids); none if unchanged."""
    wanted = set(ProblemType.objects.filter(pk__in=problem_type_ids).values_list("pk", flat=True))
    if wanted != set(problem_type_ids):
        raise InvalidInput(_("Choose problem types from the list."))
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        current = set(CaseProblemType.objects.filter(case=case).values_list("problem_type_id", flat=True))
        added, removed = sorted(wanted - current), sorted(current - wanted)
        if not added and not removed:
            return
        CaseProblemType.objects.filter(case=case, problem_type_id__in=removed).delete()
        CaseProblemType.objects.bulk_create([CaseProblemType(case=case, problem_type_id=pk) for pk in added])
        audit_record(
            "case.problem_types_changed", actor=actor, target=case, data={"added": added, "removed": removed}
        )


def problem_type_create(*, actor: Any, name_sv: str, name_en: str) -> ProblemType:
    """A supervisor extends the list (R14). Names must be new. Audit: ``case.problem_type_created``."""
    if not user_has_capability(actor, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("Only supervisors extend the list of problem types."))
    name_sv, name_en = _text_check(name_sv, limit=120), _text_check(name_en, limit=120)
    with transaction.atomic():
        if (
            ProblemType.objects.filter(name_sv__iexact=name_sv).exists()
            or ProblemType.objects.filter(name_en__iexact=name_en).exists()
        ):
            raise Conflict(_("A problem type with that name is already in the list."))
        created = ProblemType.objects.create(name_sv=name_sv, name_en=name_en)
        audit_record("case.problem_type_created", actor=actor, target=created)
    return created


def flag_raise(*, actor: Any, case_id: int, message: str, client_id: uuid.UUID | None = None) -> Flag:
    """Raises a flag ("do not contact the family"), dated now; the same ``client_id`` again
    returns the first (a double click). Audit: ``case.flag_raised``."""
    message = _text_check(message, limit=500)
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        flag, new = _create_once(
            Flag,
            "raised_by",
            actor,
            case,
            client_id,
            lambda: Flag.objects.create(
                case=case,
                message_encrypted=encrypt_text(message),
                raised_by=actor,
                raised_at=timezone.now(),
                client_id=client_id,
            ),
        )
        if not new:
            return flag
        audit_record("case.flag_raised", actor=actor, target=case, data={"flag_id": flag.pk})
    return flag


def flag_lift(*, actor: Any, case_id: int, flag_id: int, message: str) -> Flag:
    """Lifts a flag with a message; the flag stays in the history. Lifting a lifted flag is
    a ``Conflict``. Audit: ``case.flag_lifted``."""
    message = _text_check(message, limit=500)
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        flag = Flag.objects.select_for_update().filter(case=case, pk=flag_id).first()
        if flag is None:
            raise NotFound(_("No such flag on this case."))
        if flag.lifted_at is not None:
            raise Conflict(_("This flag was already lifted."))
        flag.lifted_at, flag.lifted_by = timezone.now(), actor
        flag.lift_message_encrypted = encrypt_text(message)
        flag.save(update_fields=["lifted_at", "lifted_by", "lift_message_encrypted"])
        audit_record("case.flag_lifted", actor=actor, target=case, data={"flag_id": flag.pk})
    return flag


def decision_record(
    *, actor: Any, case_id: int, kind: str, reason: str, client_id: uuid.UUID | None = None
) -> Decision:
    """Records the holistic decision (R14) with its reason (encrypted); earlier decisions stay
    as its history. The same ``client_id`` again returns the first. Audit:
    ``case.decision_recorded`` (kind)."""
    if kind not in DecisionKind.values:
        raise InvalidInput(_("Choose a decision."))
    reason = _text_check(reason, limit=REASON_MAX)
    with transaction.atomic():
        case = _case_locked(actor, case_id)
        decision, new = _create_once(
            Decision,
            "decided_by",
            actor,
            case,
            client_id,
            lambda: Decision.objects.create(
                case=case,
                kind=kind,
                reason_encrypted=encrypt_text(reason),
                decided_by=actor,
                decided_at=timezone.now(),
                client_id=client_id,
            ),
        )
        if not new:
            return decision
        audit_record(
            "case.decision_recorded",
            actor=actor,
            target=case,
            data={"decision_id": decision.pk, "kind": kind},
        )
    return decision
