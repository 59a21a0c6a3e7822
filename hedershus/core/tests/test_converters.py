"""Row ids in paths are bounded (``core.converters``): an id too large for the database is a
404, never a server error, on every URL that names a row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from hedershus.core.converters import DatabaseIdConverter

TOO_LARGE = "9" * 30


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith("hedershus."):
            yield route, entry.pattern  # our own views (allauth's and Wagtail's are theirs)


def test_no_path_takes_an_unbounded_integer():
    unbounded = [
        route
        for route, pattern in _patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in getattr(pattern, "converters", {}).values())
    ]
    assert unbounded == [], f"use <id:…> (hedershus.core.converters) instead of <int:…> in {unbounded}"


def test_the_id_converter_takes_1_to_18_digits():
    assert re.fullmatch(DatabaseIdConverter.regex, "1")
    assert re.fullmatch(DatabaseIdConverter.regex, "9" * 18)
    assert int("9" * 18) < 2**63
    assert not re.fullmatch(DatabaseIdConverter.regex, "9" * 19)
    assert not re.fullmatch(DatabaseIdConverter.regex, "-1")


@pytest.mark.django_db
def test_a_room_attachment_id_too_large_for_the_database_is_a_404(client):
    # The tester's example: /en/room/files/<30 digits>/ was a 500 (OverflowError on SQLite).
    from hedershus.core.consumers import ROOM_SESSION_KEY, room_session_mark_active
    from hedershus.rooms import services

    room, _code = services.room_open(language="en")
    session = client.session
    session[ROOM_SESSION_KEY] = str(room.pk)
    room_session_mark_active(session)
    session.save()
    assert client.get(f"/en/room/files/{TOO_LARGE}/").status_code == 404


@pytest.mark.django_db
def test_a_staff_attachment_id_too_large_for_the_database_is_a_404(client, cast):
    from conftest import sign_in
    from hedershus.core.access import Role

    sign_in(client, cast[Role.COUNSELLOR])
    assert client.get(f"/staff/conversations/attachments/{TOO_LARGE}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/staff/auth/2fa/webauthn/keys/{TOO_LARGE}/remove/",  # allauth's <int:pk>
        f"/staff/cms/pages/{TOO_LARGE}/edit/",  # Wagtail's <int:page_id>
        f"/staff/users/{TOO_LARGE}/",
        f"/sv/p/{TOO_LARGE}/",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404_in_every_app(client, cast, path):
    # allauth's and Wagtail's <int:…> take any number of digits; Django answers an
    # out-of-range lookup with no rows, so these are 404s too (checked, kept as a guard).
    from conftest import sign_in
    from hedershus.core.access import Role

    sign_in(client, cast[Role.EDITOR if "/cms/" in path else Role.ADMINISTRATOR])
    assert client.get(path).status_code == 404
