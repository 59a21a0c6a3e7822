"""Outsiders get 404 for the room URLs that name a note or a saved page (``core.access_testing``).

A room's objects are looked up inside the room of the visitor's session only. Here the
session's room is set per person: the control person is in the room that owns the object;
every outsider (an anonymous visitor, and each staff role) is in another visitor's room,
which is what an outsider to a room is. ``test_views.py`` covers the real sessions."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.http import HttpRequest
from django.template import engines
from django.urls import get_resolver
from wagtail.models import Page

from hedershus.core.access import Role
from hedershus.core.access_testing import Scenario, object_url, outsider_test
from hedershus.rooms import services
from hedershus.rooms import session as room_session
from hedershus.rooms.models import Room


def _modules_using_room_from_request() -> list[Any]:
    """Every loaded module holding ``room_from_request`` by name, after loading the URL conf's
    views and the template-tag libraries (both load lazily, on first use)."""
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    engines["django"].engine.template_libraries  # type: ignore[attr-defined]  # noqa: B018 (imports every tag library)
    original = room_session.room_from_request
    return [m for m in list(sys.modules.values()) if getattr(m, "room_from_request", None) is original]


def _rooms(request: pytest.FixtureRequest) -> tuple[Room, Any]:
    """The owner's room; every outsider is put in another room, the control person in this one."""
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    owner_room, _code = services.room_open(language="sv")
    other_room, _other = services.room_open(language="sv")
    control = cast[Role.COUNSELLOR]

    def session_room(http_request: HttpRequest) -> Room:
        user = getattr(http_request, "user", None)
        return owner_room if user is not None and user.pk == control.pk else other_room

    monkeypatch = request.getfixturevalue("monkeypatch")
    # Patched wherever it was imported by name, and those modules loaded first: a module
    # first imported while the patch is on (a view module, a template-tag library) would
    # keep the stand-in for the rest of the run and break later tests.
    for module in _modules_using_room_from_request():
        monkeypatch.setattr(module, "room_from_request", session_room)
    return owner_room, control


def _outsiders(request: pytest.FixtureRequest, control: Any) -> list[Any]:
    cast: dict[Role, Any] = request.getfixturevalue("cast")
    return [None, *(user for user in cast.values() if user.pk != control.pk)]


@object_url("rooms:note_edit")
def _note(request: pytest.FixtureRequest) -> Scenario:
    room, control = _rooms(request)
    note = services.note_create(room=room, text="only mine")
    return Scenario(kwargs={"note_id": note.pk}, outsiders=_outsiders(request, control), control_user=control)


@object_url("rooms:note_delete", method="post")
def _note_to_delete(request: pytest.FixtureRequest) -> Scenario:
    return _note(request)


@object_url("rooms:saved_remove", method="post")
def _saved_page(request: pytest.FixtureRequest) -> Scenario:
    room, control = _rooms(request)
    saved = services.saved_page_add(room=room, page_id=Page.objects.get(depth=2).pk)
    outsiders = _outsiders(request, control)
    return Scenario(kwargs={"saved_id": saved.pk}, outsiders=outsiders, control_user=control)


test_an_outsider_gets_404 = outsider_test(__name__)
