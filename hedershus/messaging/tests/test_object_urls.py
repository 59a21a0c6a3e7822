"""Outsiders get 404 for the visitor's attachment URL (``core.access_testing``): a visitor in
another room, a visitor in no room, and every signed-in role (staff download files through
the counsellors' pages, not the visitor's address)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import sign_in
from hedershus.core.access import Role
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.messaging.attachments import attachment_check
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.messaging.tests.helpers import centre_always_open, room_enter, room_make
from hedershus.messaging.tests.test_attachments import png
from hedershus.rooms.models import Room


@dataclass(frozen=True)
class RoomVisitor:
    """An anonymous visitor inside ``room`` (not a user: ``signed_in`` enters the room)."""

    room: Room

    def __str__(self) -> str:
        return f"visitor in {self.room}"


@pytest.fixture
def signed_in(client: Any) -> Callable[..., Any]:
    """As the project's, but a ``RoomVisitor`` enters their room instead of signing in."""

    def _sign_in(user: Any, **kwargs: Any) -> Any:
        if isinstance(user, RoomVisitor):
            return room_enter(client, user.room)
        return sign_in(client, user, **kwargs)

    return _sign_in


@object_url("messaging:attachment")
def _another_rooms_file(request: pytest.FixtureRequest) -> Scenario:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    centre_always_open()
    owner = room_make()
    message = message_post_visitor(
        room=owner, client_id=uuid.uuid4(), text="", attachment=attachment_check(png())
    )
    return Scenario(
        kwargs={"message_id": message.pk},
        outsiders=[RoomVisitor(room_make()), None, *cast.values()],
        control_user=RoomVisitor(owner),
    )


# --- the counsellors' pages (Engineer C): staff_selectors decides who sees what -------------


def _someone_elses_conversation(request: pytest.FixtureRequest) -> Scenario:
    """A conversation another counsellor has: neither the queue, nor mine, nor stood in for."""
    from conftest import _make_user
    from hedershus.core.access import Capability, roles_without
    from hedershus.messaging.models import Conversation, ConversationStatus

    cast: dict[Role, Any] = request.getfixturevalue("cast")
    owner = _make_user(Role.COUNSELLOR, "owner-of-conversation@example.org")
    conversation = Conversation.objects.create(
        room=room_make(), status=ConversationStatus.ACTIVE, assigned_to=owner
    )
    return Scenario(
        kwargs={"pk": conversation.pk},
        outsiders=[cast[Role.COUNSELLOR], *(cast[role] for role in roles_without(Capability.HANDLE_CASES))],
        control_user=owner,
    )


for _name, _method in [
    ("messaging_staff:conversation", "get"),
    ("messaging_staff:claim", "post"),
    ("messaging_staff:reply", "post"),
    ("messaging_staff:transfer", "post"),
    ("messaging_staff:close", "post"),
]:
    object_url(_name, method=_method)(_someone_elses_conversation)


@object_url("messaging_staff:attachment")
def _a_file_in_someone_elses_conversation(request: pytest.FixtureRequest) -> Scenario:
    """A visitor's picture in a conversation another counsellor has."""
    from hedershus.messaging.models import Conversation, ConversationStatus

    scenario = _someone_elses_conversation(request)
    conversation = Conversation.objects.get(pk=scenario.kwargs["pk"])
    centre_always_open()
    message = message_post_visitor(
        room=conversation.room, client_id=uuid.uuid4(), text="", attachment=attachment_check(png())
    )
    # The visitor's message left the conversation as it was (active, the owner's).
    assert Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.ACTIVE).exists()
    return Scenario(
        kwargs={"message_id": message.pk}, outsiders=scenario.outsiders, control_user=scenario.control_user
    )


def _standard_reply(request: pytest.FixtureRequest) -> Scenario:
    from hedershus.core.access import Capability, roles_without
    from hedershus.messaging.models import StandardReply

    cast: dict[Role, Any] = request.getfixturevalue("cast")
    reply = StandardReply.objects.create(title="Välkommen", language="sv", body="Hej!")
    return Scenario(
        kwargs={"pk": reply.pk},
        outsiders=[cast[role] for role in roles_without(Capability.SUPERVISE_CASES)],
        control_user=cast[Role.SUPERVISOR],
    )


object_url("messaging_staff:standard_reply_edit")(_standard_reply)
object_url("messaging_staff:standard_reply_delete", method="post")(_standard_reply)


@object_url("messaging_staff:absence_delete", method="post")
def _someone_elses_absence(request: pytest.FixtureRequest) -> Scenario:
    """A counsellor's absence: only they and supervisors may remove it (not even the stand-in)."""
    import datetime as dt

    from django.utils import timezone

    from conftest import _make_user
    from hedershus.core.access import Capability, roles_without
    from hedershus.messaging.models import Absence

    cast: dict[Role, Any] = request.getfixturevalue("cast")
    away = _make_user(Role.COUNSELLOR, "away@example.org")
    today = timezone.localdate()
    absence = Absence.objects.create(
        staff=away, stand_in=cast[Role.COUNSELLOR], starts_on=today, ends_on=today + dt.timedelta(days=3)
    )
    return Scenario(
        kwargs={"pk": absence.pk},
        outsiders=[cast[Role.COUNSELLOR], *(cast[role] for role in roles_without(Capability.HANDLE_CASES))],
        control_user=away,
    )


test_an_outsider_gets_404 = outsider_test(__name__)
