"""Writes for the counsellors' side: routing, claiming, transfers, closing, standard replies,
opening hours and absences (issue 9, items 3-5; R10).

Each write is one transaction with its audit event inside it; real-time hints go out only
after commit (``core.realtime.send_event_on_commit``) and carry ids, never text:

- ``events.STAFF_QUEUE_GROUP`` ("staff.queue", every counsellor's queue socket):
  ``{"kind": "queue"}`` when the queue changes (``{"kind": "acute"}`` comes from
  ``services.messages``);
- ``events.conversation_group(id)`` ("conversation.<id>", staff watching it):
  ``{"kind": "conversation", "conversation": id}`` when its status or assignee changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.models import User
from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput
from hedershus.core.realtime import send_event_on_commit
from hedershus.messaging.events import STAFF_QUEUE_GROUP, conversation_group
from hedershus.messaging.models import (
    Absence,
    Conversation,
    ConversationStatus,
    OpeningHours,
    StandardReply,
    Transfer,
)
from hedershus.messaging.staff_selectors import (
    absence_of,
    centre_today,
    counsellors,
    room_contact_person,
    staff_present,
)
from hedershus.rooms.services import contact_person_record

TRANSFER_REASON_MAX_CHARS = 2000
# How far ahead an absence may end. A year covers any planned leave (a longer one is entered
# again each year); beyond it, the date is far more likely a mistyped year (2062 for 2026),
# which would send a colleague's visitors to a stand-in for decades without anyone noticing.
ABSENCE_MAX_DAYS_AHEAD = 366


def queue_changed() -> None:
    """Tells every queue socket, after commit, to fetch the queue again."""
    send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "queue"})


def _conversation_changed(conversation: Conversation) -> None:
    send_event_on_commit(
        conversation_group(conversation.pk), {"kind": "conversation", "conversation": conversation.pk}
    )
    queue_changed()


def conversation_route(conversation: Conversation, *, now: dt.datetime | None = None) -> User | None:
    """Routes a newly opened conversation (R10); call inside the transaction that opened it.

    Assigns it (still ``WAITING``) to the room's contact person (the latest-contacted one
    whose account is active with ``HANDLE_CASES``), or, while an absence covers today, to
    that person's stand-in if the stand-in can take it. A first-time visitor's, or one whose
    contact person is away with no usable stand-in, stays unassigned in the shared queue.
    Returns the assignee or ``None``. Sends ``{"kind": "queue"}`` after commit.
    """
    day = centre_today(now)
    contact = room_contact_person(conversation.room)
    assignee: User | None = None
    standing_in = False
    if contact is not None:
        absence = absence_of(contact, day)
        if absence is None:
            assignee = contact
        elif staff_present(absence.stand_in, day):
            assignee, standing_in = absence.stand_in, True
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(assigned_to=assignee)
        conversation.assigned_to = assignee
        audit_record(
            "conversation.routed",
            target=conversation,
            data={"to": assignee.pk if assignee else None, "standing_in": standing_in},
        )
        queue_changed()
    return assignee


def conversation_claim(
    *, user: User, conversation: Conversation, now: dt.datetime | None = None
) -> Conversation:
    """``user`` takes a waiting conversation: it becomes ``ACTIVE`` and assigned to them.

    The caller has checked that ``user`` may see it (``conversations_visible_to``). Two
    counsellors claiming at once are decided by the database: one conditional UPDATE
    (``status = waiting``) wins, the other gets ``Conflict``. The claimer becomes the room's
    contact person (``rooms.services.contact_person_record``); a stand-in claiming for an
    absent colleague is recorded too, but the colleague stays the latest contact person, so
    the visitor goes back to them after the absence. Audited as ``conversation.claimed``.
    """
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise AccessDenied(_("You may not take conversations."))
    day = centre_today(now)
    with transaction.atomic():
        taken = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.WAITING).update(
            status=ConversationStatus.ACTIVE, assigned_to=user
        )
        if not taken:
            raise Conflict(_("Someone else has already taken this conversation, or it is closed."))
        conversation.refresh_from_db()
        contact = room_contact_person(conversation.room)
        contact_person_record(room=conversation.room, staff=user)
        if contact is not None and contact.pk != user.pk:
            absence = absence_of(contact, day)
            if absence is not None and absence.stand_in_id == user.pk:
                # Keep the absent colleague the latest contact: the visitor returns to them.
                contact_person_record(room=conversation.room, staff=contact)
        audit_record("conversation.claimed", actor=user, target=conversation)
        _conversation_changed(conversation)
    return conversation


def conversation_transfer(*, user: User, conversation: Conversation, to_staff: User, reason: str) -> Transfer:
    """Hands ``conversation`` from ``user`` to colleague ``to_staff`` with a ``reason`` (stored
    encrypted). ``to_staff`` must be another active account with ``HANDLE_CASES``; the
    conversation becomes ``ACTIVE`` with them, and they become the room's contact person.
    Raises ``InvalidInput`` for an empty or over-long reason or an unsuitable colleague,
    ``Conflict`` for a closed conversation. Audited as ``conversation.transferred``.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Write why you hand the conversation over."), extra={"field": "reason"})
    if len(reason) > TRANSFER_REASON_MAX_CHARS:
        raise InvalidInput(
            _("The reason is too long (at most %(limit)d characters).")
            % {"limit": TRANSFER_REASON_MAX_CHARS},
            extra={"field": "reason"},
        )
    if to_staff.pk == user.pk or not counsellors().filter(pk=to_staff.pk).exists():
        raise InvalidInput(_("Choose a colleague who can take conversations."), extra={"field": "to_staff"})
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."))
        from_staff = locked.assigned_to
        Conversation.objects.filter(pk=locked.pk).update(
            status=ConversationStatus.ACTIVE, assigned_to=to_staff
        )
        conversation.refresh_from_db()
        transfer = Transfer.objects.create(
            conversation=conversation,
            from_staff=from_staff,
            to_staff=to_staff,
            reason_encrypted=encrypt_text(reason),
        )
        contact_person_record(room=conversation.room, staff=to_staff)
        audit_record(
            "conversation.transferred",
            actor=user,
            target=conversation,
            data={"from": from_staff.pk if from_staff else None, "to": to_staff.pk, "transfer": transfer.pk},
        )
        _conversation_changed(conversation)
    return transfer


def conversation_close(*, user: User, conversation: Conversation) -> Conversation:
    """Closes ``conversation``: it leaves the queue; the visitor's next message opens a new one,
    routed to their contact person. Raises ``Conflict`` if already closed. Audited as
    ``conversation.closed``."""
    with transaction.atomic():
        closed = (
            Conversation.objects.filter(pk=conversation.pk)
            .exclude(status=ConversationStatus.CLOSED)
            .update(
                status=ConversationStatus.CLOSED,
                closed_at=timezone.now(),
                acute_since=None,
                waiting_since=None,
            )
        )
        if not closed:
            raise Conflict(_("This conversation is already closed."))
        conversation.refresh_from_db()
        audit_record("conversation.closed", actor=user, target=conversation)
        _conversation_changed(conversation)
    return conversation


# --- standard replies (supervisors) -------------------------------------------------------


def _require(user: User, capability: str) -> None:
    if not user_has_capability(user, capability):
        raise AccessDenied(_("You may not do this."))


def standard_reply_save(
    *, user: User, reply: StandardReply | None, title: str, language: str, body: str
) -> StandardReply:
    """Creates (``reply=None``) or changes a standard reply; ``SUPERVISE_CASES`` only. A title
    may exist once per language (``Conflict`` otherwise). Audited as
    ``standard_reply.created`` / ``standard_reply.changed``."""
    _require(user, Capability.SUPERVISE_CASES)
    with transaction.atomic():
        duplicate = StandardReply.objects.filter(title=title, language=language)
        if reply is not None:
            duplicate = duplicate.exclude(pk=reply.pk)
        if duplicate.exists():
            raise Conflict(_("A standard reply with this title already exists in this language."))
        created = reply is None
        reply = reply or StandardReply()
        reply.title, reply.language, reply.body = title, language, body
        reply.save()
        audit_record(
            "standard_reply.created" if created else "standard_reply.changed",
            actor=user,
            target=reply,
            data={"language": language},
        )
    return reply


def standard_reply_delete(*, user: User, reply: StandardReply) -> None:
    """Deletes a standard reply; ``SUPERVISE_CASES`` only. Audited as ``standard_reply.deleted``."""
    _require(user, Capability.SUPERVISE_CASES)
    with transaction.atomic():
        audit_record("standard_reply.deleted", actor=user, target=reply, data={"language": reply.language})
        reply.delete()


# --- opening hours (administrators) --------------------------------------------------------


def opening_hours_replace(*, user: User, intervals: dict[int, list[tuple[dt.time, dt.time]]]) -> None:
    """Replaces every opening interval with ``intervals`` (weekday 0 = Monday -> sorted
    ``(opens, closes)`` pairs, already validated: opens before closes, no overlaps);
    ``MANAGE_SITE_SETTINGS`` only. Audited as ``opening_hours.changed`` with the old and new
    hours as text."""
    _require(user, Capability.MANAGE_SITE_SETTINGS)
    with transaction.atomic():
        before = _hours_text(OpeningHours.objects.all())
        OpeningHours.objects.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=opens, closes=closes)
            for day, pairs in intervals.items()
            for opens, closes in pairs
        )
        audit_record(
            "opening_hours.changed",
            actor=user,
            object_type="messaging.openinghours",
            data={"before": before, "after": _hours_text(OpeningHours.objects.all())},
        )


def _hours_text(rows: Any) -> list[str]:
    return [
        f"{row.weekday} {row.opens:%H:%M}-{row.closes:%H:%M}" for row in rows.order_by("weekday", "opens")
    ]


# --- absences (R10) ------------------------------------------------------------------------


def absence_create(
    *, user: User, staff: User, stand_in: User, starts_on: dt.date, ends_on: dt.date
) -> Absence:
    """Records that ``staff`` is away from ``starts_on`` to ``ends_on`` (inclusive) and that
    ``stand_in`` answers their conversations meanwhile.

    A supervisor (``SUPERVISE_CASES``) sets one for anyone, a counsellor only for themselves
    (``AccessDenied``). ``InvalidInput`` (``extra["field"]`` names the form field) for dates in
    the wrong order, an end in the past or more than ``ABSENCE_MAX_DAYS_AHEAD`` days ahead, a
    stand-in who is the absent person or not an active ``HANDLE_CASES`` account, or a
    stand-in who is away on overlapping days with ``staff`` as their stand-in (nobody would
    answer either). Audited as ``absence.created``.
    """
    _require(user, Capability.HANDLE_CASES)
    if staff.pk != user.pk and not user_has_capability(user, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("You may only set your own absence."))
    if starts_on > ends_on:
        raise InvalidInput(_("The first day must come before the last."), extra={"field": "ends_on"})
    if ends_on < centre_today():
        raise InvalidInput(_("The absence has already ended."), extra={"field": "ends_on"})
    if stand_in.pk == staff.pk or not counsellors().filter(pk=stand_in.pk).exists():
        raise InvalidInput(
            _("Choose a stand-in other than the absent person, who can take conversations."),
            extra={"field": "stand_in"},
        )
    if not counsellors().filter(pk=staff.pk).exists():
        raise InvalidInput(
            _("Only someone who takes conversations can be away from them."), extra={"field": "staff"}
        )
    if ends_on > centre_today() + dt.timedelta(days=ABSENCE_MAX_DAYS_AHEAD):
        raise InvalidInput(
            _(
                "The last day can be at most a year from today. Check the year; enter a longer "
                "absence again next year."
            ),
            extra={"field": "ends_on"},
        )
    with transaction.atomic():
        # Two colleagues standing in for each other over the same days: while both are away,
        # nobody answers either one's visitors (tester's report on issue 9). Both people's rows
        # are locked, in id order, so two such absences saved at once cannot both pass.
        list(User.objects.select_for_update().filter(pk__in=[staff.pk, stand_in.pk]).order_by("pk"))
        crossing = Absence.objects.filter(
            staff=stand_in, stand_in=staff, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        if crossing.exists():
            raise InvalidInput(
                _(
                    "The stand-in is away on some of these days with the absent person as their "
                    "stand-in, so nobody would answer. Choose another stand-in."
                ),
                extra={"field": "stand_in"},
            )
        absence = Absence.objects.create(
            staff=staff, stand_in=stand_in, starts_on=starts_on, ends_on=ends_on, created_by=user
        )
        audit_record(
            "absence.created",
            actor=user,
            target=absence,
            data={"staff": staff.pk, "stand_in": stand_in.pk, "from": str(starts_on), "to": str(ends_on)},
        )
        queue_changed()  # who stands in for whom changes what the queue shows
    return absence


def absence_delete(*, user: User, absence: Absence) -> None:
    """Removes an absence: a supervisor any, a counsellor their own. Audited as ``absence.deleted``."""
    _require(user, Capability.HANDLE_CASES)
    if absence.staff_id != user.pk and not user_has_capability(user, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("You may only remove your own absence."))
    with transaction.atomic():
        audit_record(
            "absence.deleted",
            actor=user,
            target=absence,
            data={"staff": absence.staff_id, "stand_in": absence.stand_in_id},
        )
        absence.delete()
        queue_changed()
