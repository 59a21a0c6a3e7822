"""Who a session belongs to, checked afresh: the one rule for staff pages and staff sockets.

HTTP requests get the user from Django's ``AuthenticationMiddleware`` and the second-factor
gate from ``accounts.middleware.RequireMFAMiddleware``; a WebSocket lives for hours, so
``core.consumers`` asks again on every message with :func:`staff_session_problem`, which
applies the same rules to a fresh read of the session and the user.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase, UpdateError

# WebSocket close codes (4000-4999 are the application's): the client signs in again on
# SIGNED_OUT and stops retrying on FORBIDDEN.
CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403


# Set by accounts (``AccountAdapter.login``) in a session opened by an e-ID sign-in whose
# provider asserted a high assurance level (issue 13, item 5): ``{"user_id": <pk>, "acr": <acr>}``.
# Only the server writes a session, and a sign-out or another user's sign-in flushes it.
EID_SECOND_FACTOR_SESSION_KEY = "hedershus_eid_second_factor"


def has_second_factor(user: Any, session: Any = None) -> bool:
    """True when ``user`` is signed in and has a second factor (TOTP or passkey) set up, or
    ``session`` (a ``SessionBase``; ``None`` when unknown) was opened for this user by a
    high-assurance e-ID sign-in, which counts as both factors.

    allauth asks for the second factor at every sign-in of such a user, so this is the
    test that the session was opened with it. ``RequireMFAMiddleware`` sends staff pages
    to the set-up page when it fails; staff sockets are refused.
    """
    if user is None or not user.is_authenticated:
        return False
    if session is not None:
        mark = session.get(EID_SECOND_FACTOR_SESSION_KEY)
        if isinstance(mark, dict) and mark.get("user_id") == user.pk:
            return True
    return bool(is_mfa_enabled(user))


def session_load(session_key: str | None) -> SessionBase | None:
    """The stored session ``session_key``, read now; ``None`` if it ended.

    A session ends at sign-out (deleted) and after ``SESSION_IDLE_MINUTES`` without
    activity (its expiry passed: the store no longer returns it), as for HTTP.
    """
    if not session_key:
        return None
    session: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    session.keys()  # reads the store now and keeps what it read (load() alone would not)
    if session.session_key is None:  # the store found no live session under that key
        return None
    return session


def session_touch(session: SessionBase) -> bool:
    """Pushes the session's idle expiry forward, as every HTTP request does; False if it ended."""
    try:
        session.save()
    except UpdateError:  # deleted meanwhile: signed out in another tab
        return False
    return True


def staff_session_problem(session_key: str | None, capability: str, *, touch: bool = False) -> int | None:
    """Whether session ``session_key`` may still use a staff socket needing ``capability``.

    Returns ``None`` when it may, else the WebSocket close code: ``CLOSE_SIGNED_OUT`` when
    the session ended (signed out, idle too long, password changed), the account was
    deactivated or locked, or has no second factor; ``CLOSE_FORBIDDEN`` when the user's
    role (read from the database now) lacks ``capability``. ``touch``: count this as
    activity and push the idle expiry forward. Synchronous: call it through
    ``database_sync_to_async``.
    """
    session = session_load(session_key)
    if session is None:
        return CLOSE_SIGNED_OUT
    # Django's own check, as for every HTTP request: the session's user, from a fresh
    # read through the authentication backend (inactive users refused), and the session
    # hash (a password change ends other sessions).
    user = auth.get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    if not has_second_factor(user, session):
        return CLOSE_SIGNED_OUT
    is_locked = getattr(user, "is_locked", None)
    if callable(is_locked) and is_locked():
        return CLOSE_SIGNED_OUT
    if not user.has_capability(capability):  # type: ignore[union-attr]
        return CLOSE_FORBIDDEN
    if touch and not session_touch(session):
        return CLOSE_SIGNED_OUT
    return None
