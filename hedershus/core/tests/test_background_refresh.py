"""A page's background refresh (``?fragment=1``, staff.js) never saves the session
(``core.middleware.SessionSavedOnActivityMiddleware``): it cannot write an older copy over a
form post's (a lost "The conversation is yours."), and it is not the person's activity, so it
does not keep an unattended screen signed in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from conftest import sign_in
from hedershus.core.access import Role
from hedershus.core.middleware import SessionSavedOnActivityMiddleware

pytestmark = pytest.mark.django_db


def _expiry(client: Any) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.parametrize("path", ["/staff/conversations/", "/staff/conversations/?x=1"])
def test_a_request_of_the_person_saves_the_session(client: Any, cast: Any, path: str) -> None:
    sign_in(client, cast[Role.COUNSELLOR])
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.update(expire_date=soon)  # still signed in; a save moves it 30 minutes on
    assert client.get(path).status_code == 200
    assert _expiry(client) > soon + datetime.timedelta(minutes=10)


def test_a_background_refresh_does_not_save_the_session(client: Any, cast: Any) -> None:
    sign_in(client, cast[Role.COUNSELLOR])
    client.get("/staff/conversations/")
    session = Session.objects.get(session_key=client.session.session_key)
    before = (session.session_data, session.expire_date)
    assert client.get("/staff/conversations/?fragment=1").status_code == 200
    session.refresh_from_db()
    assert (session.session_data, session.expire_date) == before


def test_a_background_refresh_beside_a_post_keeps_what_the_post_saved(client: Any, cast: Any) -> None:
    # The race, in order: the refresh loads the session, the post saves a flash message in
    # it, then the refresh ends; its save used to put the older copy back.
    sign_in(client, cast[Role.COUNSELLOR])
    key = client.session.session_key
    refresh = RequestFactory().get("/staff/conversations/?fragment=1")
    refresh.COOKIES[settings.SESSION_COOKIE_NAME] = key
    middleware = SessionSavedOnActivityMiddleware(lambda request: HttpResponse())
    middleware.process_request(refresh)
    assert refresh.session.get("_auth_user_id")  # the refresh has read its copy
    posted = SessionStore(session_key=key)
    posted["_messages"] = "The conversation is yours."
    posted.save()
    middleware.process_response(refresh, HttpResponse())
    assert SessionStore(session_key=key).get("_messages") == "The conversation is yours."
