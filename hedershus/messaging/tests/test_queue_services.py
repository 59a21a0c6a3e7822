"""Routing, claiming, transfers, closing, absences and who sees what (issue 9, items 3-5; R10)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import _make_user
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput
from hedershus.core.testing import capture_events, committed_db
from hedershus.messaging.models import Absence, Conversation, ConversationStatus, Transfer
from hedershus.messaging.services import queue as services
from hedershus.messaging.staff_selectors import (
    conversation_answering_person,
    conversations_visible_to,
    queue_for,
    room_contact_person,
)
from hedershus.messaging.tests.helpers import room_make
from hedershus.rooms.models import ContactPerson

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def waiting(room: Any = None, **fields: Any) -> Conversation:
    return Conversation.objects.create(
        room=room or room_make(), status=ConversationStatus.WAITING, waiting_since=timezone.now(), **fields
    )


def away(staff: Any, stand_in: Any, starts_on: dt.date, ends_on: dt.date) -> Absence:
    return Absence.objects.create(staff=staff, stand_in=stand_in, starts_on=starts_on, ends_on=ends_on)


# --- routing (R10) -----------------------------------------------------------------------


def test_a_first_time_visitors_conversation_stays_in_the_shared_queue(cast: Any) -> None:
    conversation = waiting()
    with capture_events() as sent:
        assert services.conversation_route(conversation, now=NOW) is None
    conversation.refresh_from_db()
    assert conversation.assigned_to is None
    assert any(e.group == "staff.queue" and e.payload == {"kind": "queue"} for e in sent)


def test_a_returning_visitor_goes_to_their_latest_contact_person(counsellor: Any, colleague: Any) -> None:
    room = room_make()
    ContactPerson.objects.create(room=room, staff=colleague)
    ContactPerson.objects.create(room=room, staff=counsellor)  # the latest
    conversation = waiting(room)
    assert services.conversation_route(conversation, now=NOW) == counsellor
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == counsellor
    assert conversation_answering_person(conversation, now=NOW) == (counsellor.first_name, False)


def test_a_deactivated_contact_person_is_passed_over(counsellor: Any, colleague: Any) -> None:
    room = room_make()
    ContactPerson.objects.create(room=room, staff=colleague)
    ContactPerson.objects.create(room=room, staff=counsellor)
    counsellor.is_active = False
    counsellor.save()
    assert services.conversation_route(waiting(room), now=NOW) == colleague


def test_during_an_absence_the_stand_in_gets_it_and_after_it_the_contact_person_again(
    counsellor: Any, colleague: Any
) -> None:
    room = room_make()
    ContactPerson.objects.create(room=room, staff=counsellor)
    away(counsellor, colleague, TODAY, TODAY + dt.timedelta(days=6))

    during = waiting(room)
    assert services.conversation_route(during, now=NOW) == colleague
    assert conversation_answering_person(during, now=NOW) == (colleague.first_name, True)
    # The stand-in takes it and answers: the visitor still goes back to their own person.
    services.conversation_claim(user=colleague, conversation=during, now=NOW)
    assert room_contact_person(room) == counsellor
    services.conversation_close(user=colleague, conversation=during)

    after = waiting(room)
    after_the_absence = NOW + dt.timedelta(days=7)
    assert services.conversation_route(after, now=after_the_absence) == counsellor
    assert conversation_answering_person(after, now=after_the_absence) == (counsellor.first_name, False)


def test_an_absence_whose_stand_in_is_deactivated_leaves_it_in_the_queue(
    counsellor: Any, colleague: Any
) -> None:
    room = room_make()
    ContactPerson.objects.create(room=room, staff=counsellor)
    away(counsellor, colleague, TODAY, TODAY)
    colleague.is_active = False
    colleague.save()
    assert services.conversation_route(waiting(room), now=NOW) is None


# --- visibility --------------------------------------------------------------------------


def test_counsellors_see_the_queue_their_own_and_those_they_stand_in_for(
    counsellor: Any, colleague: Any, cast: Any
) -> None:
    outsider = _make_user(Role.COUNSELLOR, "another-counsellor@example.org")
    unassigned = waiting()
    mine = Conversation.objects.create(
        room=room_make(), status=ConversationStatus.ACTIVE, assigned_to=counsellor
    )
    others = Conversation.objects.create(
        room=room_make(), status=ConversationStatus.ACTIVE, assigned_to=outsider
    )
    routed_to_other = waiting(assigned_to=outsider)
    acute_routed_to_other = waiting(assigned_to=outsider, acute_since=timezone.now())

    visible = set(conversations_visible_to(counsellor).values_list("pk", flat=True))
    assert visible == {unassigned.pk, mine.pk, acute_routed_to_other.pk}

    away(outsider, counsellor, timezone.localdate(), timezone.localdate())
    visible = set(conversations_visible_to(counsellor).values_list("pk", flat=True))
    assert {others.pk, routed_to_other.pk} <= visible

    supervisor = cast[Role.SUPERVISOR]
    assert conversations_visible_to(supervisor).count() == Conversation.objects.count()
    for role in (Role.EDITOR, Role.ADMINISTRATOR, Role.AUDITOR, Role.PARTNER):
        assert not conversations_visible_to(cast[role]).exists()


def test_the_queue_lists_acute_first_then_the_longest_waiting(counsellor: Any) -> None:
    now = timezone.now()
    old = Conversation.objects.create(
        room=room_make(), status=ConversationStatus.WAITING, waiting_since=now - dt.timedelta(minutes=30)
    )
    new = Conversation.objects.create(
        room=room_make(), status=ConversationStatus.WAITING, waiting_since=now - dt.timedelta(minutes=2)
    )
    acute = Conversation.objects.create(
        room=room_make("ar"),
        status=ConversationStatus.WAITING,
        waiting_since=now,
        acute_since=now,
        visitor_seen_at=now,
    )
    queue = queue_for(counsellor, now=now)
    assert [row.conversation.pk for row in queue.waiting] == [acute.pk, old.pk, new.pk]
    first = queue.waiting[0]
    assert first.acute and first.visitor_online and first.language == "ar"
    assert queue.waiting[1].waiting_minutes == 30 and not queue.waiting[1].visitor_online


# --- claim -------------------------------------------------------------------------------


def test_claiming_makes_it_active_mine_and_me_a_contact_person(counsellor: Any) -> None:
    conversation = waiting()
    with capture_events() as sent:
        services.conversation_claim(user=counsellor, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assigned_to == counsellor
    assert ContactPerson.objects.filter(room=conversation.room, staff=counsellor).exists()
    assert AuditEvent.objects.filter(event_type="conversation.claimed", actor=counsellor).exists()
    assert {e.group for e in sent} == {"staff.queue", f"conversation.{conversation.pk}"}


def test_the_second_claim_gets_a_conflict_and_changes_nothing(counsellor: Any, colleague: Any) -> None:
    conversation = waiting()
    services.conversation_claim(user=counsellor, conversation=conversation)
    with pytest.raises(Conflict):
        services.conversation_claim(user=colleague, conversation=Conversation.objects.get(pk=conversation.pk))
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == counsellor
    assert not ContactPerson.objects.filter(staff=colleague).exists()


@committed_db
def test_two_counsellors_claiming_at_once_one_wins_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs two real connections (PostgreSQL)")
    first = _make_user(Role.COUNSELLOR, "race-one@example.org")
    second = _make_user(Role.COUNSELLOR, "race-two@example.org")
    conversation = waiting()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def claim(user: Any) -> None:
        try:
            barrier.wait()
            services.conversation_claim(user=user, conversation=Conversation.objects.get(pk=conversation.pk))
            outcomes[user.email] = "won"
        except Conflict:
            outcomes[user.email] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = first if outcomes[first.email] == "won" else second
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == winner
    assert AuditEvent.objects.filter(event_type="conversation.claimed").count() == 1


# --- transfer and close ------------------------------------------------------------------


def test_a_transfer_keeps_the_reason_encrypted_and_makes_the_colleague_the_contact_person(
    counsellor: Any, colleague: Any
) -> None:
    conversation = waiting()
    services.conversation_claim(user=counsellor, conversation=conversation)
    transfer = services.conversation_transfer(
        user=counsellor, conversation=conversation, to_staff=colleague, reason="Speaks Tigrinya"
    )
    assert "Tigrinya" not in Transfer.objects.get(pk=transfer.pk).reason_encrypted
    conversation.refresh_from_db()
    assert conversation.assigned_to == colleague and conversation.status == ConversationStatus.ACTIVE
    assert room_contact_person(conversation.room) == colleague
    event = AuditEvent.objects.get(event_type="conversation.transferred")
    assert event.data["to"] == colleague.pk and "Tigrinya" not in str(event.data)


@pytest.mark.parametrize("reason", ["", "   ", "x" * (services.TRANSFER_REASON_MAX_CHARS + 1)])
def test_a_transfer_without_a_usable_reason_changes_nothing(
    counsellor: Any, colleague: Any, reason: str
) -> None:
    conversation = waiting(assigned_to=counsellor)
    with pytest.raises(InvalidInput):
        services.conversation_transfer(
            user=counsellor, conversation=conversation, to_staff=colleague, reason=reason
        )
    assert not Transfer.objects.exists()


def test_a_transfer_to_someone_who_cannot_take_conversations_is_refused(counsellor: Any, cast: Any) -> None:
    conversation = waiting(assigned_to=counsellor)
    with pytest.raises(InvalidInput):
        services.conversation_transfer(
            user=counsellor, conversation=conversation, to_staff=cast[Role.EDITOR], reason="why"
        )


def test_closing_twice_is_a_conflict(counsellor: Any) -> None:
    conversation = waiting(acute_since=timezone.now())
    services.conversation_close(user=counsellor, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED and conversation.acute_since is None
    with pytest.raises(Conflict):
        services.conversation_close(user=counsellor, conversation=conversation)


# --- absences ----------------------------------------------------------------------------


def test_a_counsellor_sets_only_their_own_absence(counsellor: Any, colleague: Any, supervisor: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(AccessDenied):
        services.absence_create(
            user=counsellor, staff=colleague, stand_in=supervisor, starts_on=today, ends_on=today
        )
    own = services.absence_create(
        user=counsellor, staff=counsellor, stand_in=colleague, starts_on=today, ends_on=today
    )
    assert AuditEvent.objects.filter(event_type="absence.created", actor=counsellor).exists()
    with pytest.raises(AccessDenied):
        services.absence_delete(user=colleague, absence=own)
    tomorrow = today + dt.timedelta(days=1)  # not the days of ``own``: they would stand in for each other
    services.absence_create(
        user=supervisor, staff=colleague, stand_in=counsellor, starts_on=tomorrow, ends_on=tomorrow
    )
    services.absence_delete(user=supervisor, absence=own)
    assert AuditEvent.objects.filter(event_type="absence.deleted", actor=supervisor).exists()


@pytest.mark.parametrize(
    ("start", "end", "stand_in_is_self"),
    [(1, 0, False), (-3, -1, False), (0, 1, True)],
    ids=["dates reversed", "already over", "stands in for themselves"],
)
def test_an_absence_that_makes_no_sense_is_refused(
    counsellor: Any, colleague: Any, start: int, end: int, stand_in_is_self: bool
) -> None:
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        services.absence_create(
            user=counsellor,
            staff=counsellor,
            stand_in=counsellor if stand_in_is_self else colleague,
            starts_on=today + dt.timedelta(days=start),
            ends_on=today + dt.timedelta(days=end),
        )
    assert not Absence.objects.exists()


def test_two_colleagues_cannot_stand_in_for_each_other_over_the_same_days(
    counsellor: Any, colleague: Any, supervisor: Any
) -> None:
    today = timezone.localdate()
    days = dt.timedelta
    services.absence_create(
        user=counsellor,
        staff=counsellor,
        stand_in=colleague,
        starts_on=today + days(2),
        ends_on=today + days(5),
    )
    for start, end in ((0, 2), (5, 9), (3, 4), (0, 30)):  # overlapping by a day or more
        with pytest.raises(InvalidInput) as caught:
            services.absence_create(
                user=colleague,
                staff=colleague,
                stand_in=counsellor,
                starts_on=today + days(start),
                ends_on=today + days(end),
            )
        assert caught.value.extra["field"] == "stand_in"
    assert Absence.objects.count() == 1
    # Days that do not overlap, or another stand-in, are fine.
    services.absence_create(
        user=colleague,
        staff=colleague,
        stand_in=counsellor,
        starts_on=today + days(6),
        ends_on=today + days(8),
    )
    services.absence_create(
        user=colleague,
        staff=colleague,
        stand_in=supervisor,
        starts_on=today + days(2),
        ends_on=today + days(5),
    )
    assert Absence.objects.count() == 3


def test_an_absence_may_end_at_most_a_year_ahead(counsellor: Any, colleague: Any) -> None:
    today = timezone.localdate()
    limit = today + dt.timedelta(days=services.ABSENCE_MAX_DAYS_AHEAD)
    with pytest.raises(InvalidInput) as caught:
        services.absence_create(
            user=counsellor,
            staff=counsellor,
            stand_in=colleague,
            starts_on=today,
            ends_on=limit + dt.timedelta(days=1),
        )
    assert caught.value.extra["field"] == "ends_on"
    assert not Absence.objects.exists()
    services.absence_create(
        user=counsellor, staff=counsellor, stand_in=colleague, starts_on=today, ends_on=limit
    )


def test_the_stand_in_must_be_able_to_take_conversations(counsellor: Any, cast: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        services.absence_create(
            user=counsellor, staff=counsellor, stand_in=cast[Role.AUDITOR], starts_on=today, ends_on=today
        )
