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


test_an_outsider_gets_404 = outsider_test(__name__)
