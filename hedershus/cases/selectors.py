"""Reads of cases that apply the access rules (R20): every view and app that shows a case
goes through here. Writes, and the audit events of reads, are in ``services``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.models import User
from hedershus.cases.identity import identity_number_mask
from hedershus.cases.models import (
    Case,
    CaseAccessGrant,
    CaseAssignment,
    CaseProblemType,
    Contact,
    Decision,
    Flag,
    Person,
    PersonRelation,
    ProblemType,
)
from hedershus.cases.retention import case_cull_date
from hedershus.core.access import Capability, roles_with, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.messaging.models import Conversation
from hedershus.messaging.selectors import messages_after
from hedershus.messaging.staff_selectors import conversations_visible_to


class CaseReasonRequired(ApplicationError):
    """The user handles cases but is outside this one: they may open it after giving a
    reason (``services.case_access_grant``). Views answer with the reason form."""

    status = 403
    code = "reason_required"

    def __init__(self, case: Case) -> None:
        super().__init__(_("You are not assigned to this case. Give a reason to open it."))
        self.case = case


def user_is_assigned(user: Any, case: Case) -> bool:
    """Whether ``user`` works on ``case`` (one query unless assignments are prefetched)."""
    return case.assignments.filter(user_id=user.pk).exists()


def user_is_case_insider(user: Any, case: Case) -> bool:
    """Assigned staff and the case's supervisor: they open the case without a reason."""
    return case.supervisor_id == user.pk or user_is_assigned(user, case)


def user_may_see_protected_fields(user: Any, case: Case) -> bool:
    """Identity and location of a case with protected identity: the assigned staff only (R20,
    skyddade personuppgifter); for other cases everyone who may open the case."""
    return not case.protected_identity or user_is_assigned(user, case)


def _valid_grant(user: Any, case: Case) -> bool:
    return CaseAccessGrant.objects.filter(case=case, user_id=user.pk, expires_at__gt=timezone.now()).exists()


def case_get_for_user(user: Any, case_id: int, *, allow_without_reason: bool = False) -> Case:
    """The case ``case_id`` if ``user`` may open it now.

    Raises ``NotFound`` (404) if the case does not exist or ``user`` does not handle cases
    (an outsider cannot tell the two apart), and ``CaseReasonRequired`` (403 with the
    reason form) if ``user`` handles cases but is neither assigned, nor the supervisor, nor
    holding an unexpired grant. ``allow_without_reason`` is for the reason form itself,
    which shows the case number only.
    """
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise NotFound(_("No such case."))
    case = Case.objects.filter(pk=case_id).select_related("supervisor").first()
    if case is None:
        raise NotFound(_("No such case."))
    if allow_without_reason or user_is_case_insider(user, case) or _valid_grant(user, case):
        return case
    raise CaseReasonRequired(case)


def cases_visible_to(user: Any) -> models.QuerySet[Case]:
    """The cases ``user`` opens without a reason: assigned, or supervised by them, or with an
    unexpired grant. Empty for anyone who does not handle cases."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Case.objects.none()
    assigned = CaseAssignment.objects.filter(user_id=user.pk).values("case_id")
    granted = CaseAccessGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values("case_id")
    return Case.objects.filter(
        models.Q(pk__in=assigned) | models.Q(supervisor_id=user.pk) | models.Q(pk__in=granted)
    )


def cases_searchable_by(user: Any) -> models.QuerySet[Case]:
    """Every case ``user`` may find in a search (R20): all cases for staff who handle cases,
    except protected-identity cases they are not assigned to. Finding one is not opening it:
    outside their own cases they still give a reason to open it."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Case.objects.none()
    assigned = CaseAssignment.objects.filter(user_id=user.pk).values("case_id")
    return Case.objects.filter(models.Q(protected_identity=False) | models.Q(pk__in=assigned))


# --- issue 10: the case page, the list and search ------------------------------------------


def _may_see_case_location(user: Any) -> models.Q:
    """Cases whose persons' identity and location ``user`` may see (for filters on them)."""
    assigned = CaseAssignment.objects.filter(user_id=user.pk).values("case_id")
    return models.Q(protected_identity=False) | models.Q(pk__in=assigned)


@dataclass(frozen=True)
class CaseFilters:
    """A search over cases; empty fields do not filter. ``opened_from``/``opened_to`` are
    dates in the centre's time zone, both ends included."""

    alias: str = ""
    status: str = ""
    problem_type: int | None = None
    municipality: str = ""
    urgency: str = ""
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None

    def used(self) -> list[str]:
        """The names of the filters in use (for the audit event: names, never values)."""
        return [name for name, value in vars(self).items() if value not in ("", None)]


def _filtered(user: Any, cases: models.QuerySet[Case], filters: CaseFilters) -> models.QuerySet[Case]:
    if filters.alias:
        cases = cases.filter(pk__in=Person.objects.filter(alias__icontains=filters.alias).values("case_id"))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.urgency:
        cases = cases.filter(urgency=filters.urgency)
    if filters.problem_type:
        cases = cases.filter(
            pk__in=CaseProblemType.objects.filter(problem_type_id=filters.problem_type).values("case_id")
        )
    if filters.municipality:
        # A location filter must not find a protected case for someone who may not see its
        # location: the match itself would tell where the person lives.
        cases = cases.filter(
            _may_see_case_location(user),
            pk__in=Person.objects.filter(municipality=filters.municipality).values("case_id"),
        )
    zone = timezone.get_current_timezone()
    if filters.opened_from:
        cases = cases.filter(opened_at__gte=dt.datetime.combine(filters.opened_from, dt.time.min, zone))
    if filters.opened_to:
        cases = cases.filter(
            opened_at__lt=dt.datetime.combine(filters.opened_to + dt.timedelta(days=1), dt.time.min, zone)
        )
    return cases


@dataclass(frozen=True)
class CaseRow:
    """One row of the list. ``outside``: found by search but not among the user's cases, so
    only reference, status and urgency show and the link leads to the reason form."""

    case: Case
    outside: bool
    aliases: list[str]


LIST_LIMIT = 200  # rows per answer: a search narrows it further


def case_rows_for(user: Any, filters: CaseFilters, *, search: bool) -> list[CaseRow]:
    """The user's cases (``cases_visible_to``) matching ``filters``, newest first; with
    ``search`` also the other cases they may find (``cases_searchable_by``: no protected
    case of others), as ``outside`` rows. At most ``LIST_LIMIT`` rows."""
    mine = _filtered(user, cases_visible_to(user), filters)
    found = _filtered(user, cases_searchable_by(user), filters) if search else mine
    cases = list(found.order_by("-opened_at", "-id")[:LIST_LIMIT])
    mine_ids = set(
        cases_visible_to(user).filter(pk__in=[case.pk for case in cases]).values_list("pk", flat=True)
    )
    inside = [case.pk for case in cases if case.pk in mine_ids]
    aliases: dict[int, list[str]] = {}
    for case_id, alias in Person.objects.filter(case_id__in=inside).values_list("case_id", "alias"):
        aliases.setdefault(case_id, []).append(alias)
    return [CaseRow(case, case.pk not in mine_ids, aliases.get(case.pk, [])) for case in cases]


def handlers() -> models.QuerySet[Any]:
    """Active staff who handle cases (for assignment), by name."""
    return User.objects.filter(is_active=True, role__in=roles_with(Capability.HANDLE_CASES)).order_by(
        "first_name", "last_name", "email"
    )


def supervisors() -> models.QuerySet[Any]:
    """Active staff who supervise cases (for naming a case's supervisor), by name."""
    return User.objects.filter(is_active=True, role__in=roles_with(Capability.SUPERVISE_CASES)).order_by(
        "first_name", "last_name", "email"
    )


@dataclass(frozen=True)
class PersonView:
    """A person as the page shows them: name, masked number and district decrypted, or all
    blank with ``protected_hidden`` (the template then hides the municipality too)."""

    person: Person
    protected_hidden: bool
    name: str = ""
    identity_number_masked: str = ""
    district: str = ""
    relations: list[PersonRelation] = field(default_factory=list)


@dataclass(frozen=True)
class FlagView:
    flag: Flag
    message: str
    lift_message: str


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    reason: str


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    note: str


@dataclass(frozen=True)
class ThreadView:
    """One room conversation linked to the case, oldest first. ``messages``: messaging's
    payloads with ``when`` (a datetime for the template); empty and ``deleted`` when the
    visitor has since deleted their room. ``open_to_user``: messaging lets the user open the
    conversation itself (they may read the thread here and still not there)."""

    contact: Contact
    conversation_id: int | None
    messages: list[dict[str, Any]]
    deleted: bool
    open_to_user: bool


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, decrypted, for a user who may open the case
    (``case_get_for_user`` first: this selector does not check access). ``threads``: the
    room conversations linked to it, oldest first (``ThreadView``)."""

    case: Case
    is_assigned: bool
    may_see_protected: bool
    is_insider: bool
    assignees: list[CaseAssignment]
    persons: list[PersonView]
    contacts: list[ContactView]
    flags: list[FlagView]
    decisions: list[DecisionView]
    problem_types: list[ProblemType]
    threads: list[ThreadView]
    # The day a closed case will be culled (retention, R22); None while it is open.
    cull_date: dt.date | None = None


def case_page(user: Any, case: Case) -> CasePage:
    """The page's content for ``case`` as ``user`` may see it (see ``CasePage``)."""
    may_see = user_may_see_protected_fields(user, case)
    assignees = list(case.assignments.select_related("user").order_by("assigned_at", "id"))
    relations: dict[int, list[PersonRelation]] = {}
    for relation in PersonRelation.objects.filter(from_person__case=case).select_related(
        "from_person", "to_person"
    ):
        relations.setdefault(relation.from_person_id, []).append(relation)
    persons = []
    for person in case.persons.all():
        if may_see:
            number = person.identity_number_encrypted
            persons.append(
                PersonView(
                    person,
                    False,
                    decrypt_text(person.name_encrypted) if person.name_encrypted else "",
                    identity_number_mask(decrypt_text(number)) if number else "",
                    decrypt_text(person.district_encrypted) if person.district_encrypted else "",
                    relations.get(person.pk, []),
                )
            )
        else:
            persons.append(PersonView(person, True, relations=relations.get(person.pk, [])))
    contacts = [
        ContactView(c, decrypt_text(c.note_encrypted) if c.note_encrypted else "")
        for c in case.contacts.select_related("taken_by").order_by("-occurred_at", "-id")
    ]
    links = [c.contact for c in reversed(contacts) if c.contact.from_conversation]
    conversations = {
        conversation.pk: conversation
        for conversation in Conversation.objects.filter(
            pk__in=[c.conversation_id for c in links if c.conversation_id]
        )
    }
    openable = set(
        conversations_visible_to(user).filter(pk__in=list(conversations)).values_list("pk", flat=True)
    )
    threads = []
    for link in links:
        conversation = conversations.get(link.conversation_id or 0)
        messages = messages_after(conversation, 0, limit=10_000) if conversation is not None else []
        for message in messages:  # shown in the centre's time by the template's date filter
            message["when"] = dt.datetime.fromisoformat(message["created_at"])
        threads.append(
            ThreadView(
                link, link.conversation_id, messages, conversation is None, link.conversation_id in openable
            )
        )
    flags = [
        FlagView(
            f,
            decrypt_text(f.message_encrypted),
            decrypt_text(f.lift_message_encrypted) if f.lift_message_encrypted else "",
        )
        for f in case.flags.select_related("raised_by", "lifted_by")
    ]
    decisions = [
        DecisionView(d, decrypt_text(d.reason_encrypted)) for d in case.decisions.select_related("decided_by")
    ]
    problem_types = list(
        ProblemType.objects.filter(
            pk__in=CaseProblemType.objects.filter(case=case).values("problem_type_id")
        ).order_by("id")
    )
    return CasePage(
        case=case,
        is_assigned=any(a.user_id == user.pk for a in assignees),
        may_see_protected=may_see,
        # Assigned staff and the supervisor: they change who works on the case (services).
        is_insider=case.supervisor_id == user.pk or any(a.user_id == user.pk for a in assignees),
        assignees=assignees,
        persons=persons,
        contacts=contacts,
        flags=flags,
        decisions=decisions,
        problem_types=problem_types,
        threads=threads,
        cull_date=case_cull_date(case),
    )


def room_case(conversation: Conversation) -> Case | None:
    """The case an earlier conversation of the same room was taken into (the newest), if any:
    a visitor who writes again is offered to the same case. No access check (see below)."""
    contact = (
        Contact.objects.filter(conversation__room_id=conversation.room_id)
        .exclude(conversation=conversation)
        .select_related("case")
        .order_by("-occurred_at", "-id")
        .first()
    )
    return contact.case if contact is not None else None


def conversation_case(conversation: Conversation) -> Case | None:
    """The case a room conversation was taken into, if any. No access check: the caller has
    checked the conversation, and the case page checks the case."""
    contact = Contact.objects.filter(conversation=conversation).select_related("case").first()
    return contact.case if contact is not None else None
