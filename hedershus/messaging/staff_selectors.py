"""Reads for the counsellors' side that apply the access rules (issue 9, items 3 and 5).

Who sees which conversation (``conversations_visible_to``):

- every counsellor on duty (``HANDLE_CASES``) sees **the queue**: waiting conversations
  assigned to nobody, or routed to someone not present (account inactive, without
  ``HANDLE_CASES``, or away today), and every waiting **acute** one, whoever it is routed
  to, so that "I need help now" reaches whoever is on duty;
- **their own**: assigned to them (routed to them and waiting, active, or closed);
- those of colleagues they **stand in for** today (an ``Absence`` covering today);
- supervisors (``SUPERVISE_CASES``) see every conversation: they follow up and take over
  when a counsellor falls ill (a decision recorded in docs/messaging.md; every open is
  audited like anyone's).

Anyone else, and anything outside that set, gets 404 from the views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from hedershus.accounts.models import User
from hedershus.core.access import Capability, roles_with, user_has_capability
from hedershus.messaging.models import Absence, Conversation, ConversationStatus, StandardReply
from hedershus.rooms.models import ContactPerson

# A visitor counts as active ("active in the last minute") this long after visitor_seen_at,
# which their room socket sets on connect and refreshes every 25 s (consumers.py), a message
# of theirs sets (form post included), and their last socket closing clears.
VISITOR_ONLINE_SECONDS = 60


def centre_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the centre's zone (``settings.TIME_ZONE``): absences are whole local days."""
    return timezone.localdate(now or timezone.now())


def counsellors() -> QuerySet[User]:
    """Active accounts whose role may handle conversations (``HANDLE_CASES``), by name."""
    return User.objects.filter(is_active=True, role__in=roles_with(Capability.HANDLE_CASES))


def absences_covering(day: dt.date) -> QuerySet[Absence]:
    """Absences whose dates (inclusive) cover ``day``."""
    return Absence.objects.filter(starts_on__lte=day, ends_on__gte=day)


def absence_of(staff: Any, day: dt.date) -> Absence | None:
    """``staff``'s absence covering ``day`` (the latest set, if several overlap), or ``None``."""
    return (
        absences_covering(day).filter(staff=staff).select_related("stand_in").order_by("-created_at").first()
    )


def staff_present(staff: Any, day: dt.date) -> bool:
    """Whether ``staff`` can take conversations on ``day``: active, ``HANDLE_CASES``, not away."""
    return (
        staff is not None
        and staff.is_active
        and user_has_capability(staff, Capability.HANDLE_CASES)
        and not absences_covering(day).filter(staff=staff).exists()
    )


def stood_in_for(user: Any, day: dt.date) -> QuerySet[User]:
    """The colleagues ``user`` stands in for on ``day``."""
    return User.objects.filter(pk__in=absences_covering(day).filter(stand_in=user).values("staff"))


def _not_present(day: dt.date) -> Q:
    return (
        Q(assigned_to__isnull=True)
        | Q(assigned_to__is_active=False)
        | ~Q(assigned_to__role__in=roles_with(Capability.HANDLE_CASES))
        | Q(assigned_to__in=absences_covering(day).values("staff"))
    )


def queue_q(day: dt.date) -> Q:
    """The queue: waiting, and either acute or assigned to nobody present on ``day``."""
    return Q(status=ConversationStatus.WAITING) & (Q(acute_since__isnull=False) | _not_present(day))


def conversations_visible_to(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Conversation]:
    """Every conversation ``user`` may open (see the module for the rule); none for anyone
    without ``HANDLE_CASES``. Rows come with their room and assignee."""
    base = Conversation.objects.select_related("room", "assigned_to")
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return base.none()
    if user_has_capability(user, Capability.SUPERVISE_CASES):
        return base.all()
    day = centre_today(now)
    return base.filter(queue_q(day) | Q(assigned_to=user) | Q(assigned_to__in=stood_in_for(user, day)))


def _queue_order(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    # Acute first (the oldest alert first), then the longest waiting.
    return conversations.order_by(
        F("acute_since").asc(nulls_last=True), F("waiting_since").asc(nulls_last=True), "created_at"
    )


def visitor_online(conversation: Conversation, *, now: dt.datetime | None = None) -> bool:
    """Whether ``visitor_seen_at`` is within ``VISITOR_ONLINE_SECONDS`` of ``now``: the
    visitor has the room open (a socket, refreshed every 25 s) or wrote within that time (a
    form post without JavaScript too). Shown as "active in the last minute", not "online":
    a visitor who posted a form and left still counts for up to a minute."""
    seen = conversation.visitor_seen_at
    return seen is not None and ((now or timezone.now()) - seen).total_seconds() <= VISITOR_ONLINE_SECONDS


@dataclass(frozen=True)
class QueueRow:
    """One conversation as the queue shows it. ``waiting_minutes``: whole minutes since
    ``waiting_since`` (``None`` when answered); ``visitor_online``: seen within
    ``VISITOR_ONLINE_SECONDS``; ``language``: the room's language code; ``first_contact``:
    the room had no conversation before this one (a new visitor, or a script's junk room:
    docs/threat-model.md, "Junk emergencies"; counsellors triage, nothing is refused)."""

    conversation: Conversation
    waiting_minutes: int | None
    visitor_online: bool
    language: str
    acute: bool
    first_contact: bool = False


@dataclass(frozen=True)
class Queue:
    """The queue page's three lists, each acute first then longest waiting."""

    waiting: list[QueueRow]
    mine: list[QueueRow]
    standing_in: list[QueueRow]


def _row(conversation: Conversation, now: dt.datetime) -> QueueRow:
    waiting = None
    if conversation.waiting_since is not None:
        waiting = max(0, int((now - conversation.waiting_since).total_seconds() // 60))
    return QueueRow(
        conversation=conversation,
        waiting_minutes=waiting,
        visitor_online=visitor_online(conversation, now=now),
        language=conversation.room.language,
        acute=conversation.acute_since is not None,
        first_contact=not getattr(conversation, "room_has_earlier", True),
    )


def queue_for(user: Any, *, now: dt.datetime | None = None) -> Queue:
    """The queue page for ``user`` (``HANDLE_CASES``): the shared queue, their own open
    conversations, and the open ones of colleagues they stand in for today."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Queue([], [], [])
    now = now or timezone.now()
    day = centre_today(now)
    earlier = Conversation.objects.filter(room=OuterRef("room"), pk__lt=OuterRef("pk"))
    base = (
        Conversation.objects.select_related("room", "assigned_to")
        .exclude(status=ConversationStatus.CLOSED)
        .annotate(room_has_earlier=Exists(earlier))
    )
    absent_colleagues = stood_in_for(user, day)
    waiting = _queue_order(
        base.filter(queue_q(day)).exclude(assigned_to=user).exclude(assigned_to__in=absent_colleagues)
    )
    mine = _queue_order(base.filter(assigned_to=user))
    standing_in = _queue_order(base.filter(assigned_to__in=absent_colleagues))
    return Queue(
        waiting=[_row(c, now) for c in waiting],
        mine=[_row(c, now) for c in mine],
        standing_in=[_row(c, now) for c in standing_in],
    )


def conversation_answering_person(
    conversation: Conversation, *, now: dt.datetime | None = None
) -> tuple[str, bool] | None:
    """Who answers ``conversation``, for the visitor: ``(first name, standing_in)``, or ``None``
    while nobody is assigned. ``standing_in`` is True when the assignee answers for the
    room's contact person, who is away today (R10: the visitor sees that someone else is
    answering). Only a first name, never a full name or e-mail."""
    staff = conversation.assigned_to
    if staff is None:
        return None
    day = centre_today(now)
    contact = room_contact_person(conversation.room)
    standing_in = (
        contact is not None
        and contact.pk != staff.pk
        and absences_covering(day).filter(staff=contact, stand_in=staff).exists()
    )
    return staff.first_name, standing_in


def room_contact_person(room: Any) -> User | None:
    """The room's contact person (R10): the latest-contacted one whose account is active and
    may handle conversations; ``None`` for a first-time visitor."""
    link = (
        ContactPerson.objects.filter(
            room=room, staff__is_active=True, staff__role__in=roles_with(Capability.HANDLE_CASES)
        )
        .select_related("staff")
        .order_by("-last_contact_at", "-pk")
        .first()
    )
    return link.staff if link is not None else None


def standard_replies_for(language: str) -> list[StandardReply]:
    """Standard replies for a room in ``language``: per title, the one in ``language`` where
    it exists, else the Swedish one (titles with neither are left out)."""
    chosen: dict[str, StandardReply] = {}
    for reply in StandardReply.objects.filter(language__in=[language, "sv"]):
        if reply.title not in chosen or reply.language == language:
            chosen[reply.title] = reply
    return sorted(chosen.values(), key=lambda reply: reply.title.casefold())


def absences_visible_to(user: Any, *, removable: bool = False) -> QuerySet[Absence]:
    """Absences not yet over that ``user`` may see: a supervisor every one, a counsellor
    their own and those they stand in for; with ``removable``, only those ``user`` may
    remove (a supervisor any, a counsellor their own). None without ``HANDLE_CASES``."""
    current = Absence.objects.filter(ends_on__gte=centre_today()).select_related("staff", "stand_in")
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return current.none()
    if not user_has_capability(user, Capability.SUPERVISE_CASES):
        current = current.filter(Q(staff=user) if removable else Q(staff=user) | Q(stand_in=user))
    return current.order_by("starts_on", "pk")
