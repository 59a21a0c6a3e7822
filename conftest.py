"""The shared cast of test users and helpers, for every app's tests.

Tests run with DEBUG off, like production (see testing_env.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hedershus.core.access import Role

# Real-time event capture and flushing despite the audit triggers (see that module).
pytest_plugins = ["hedershus.core.testing"]


def _make_user(role: str, email: str, *, mfa: bool = True, **extra: Any) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP

    from hedershus.accounts.models import User

    user = User.objects.create_user(
        email=email, password="correct-horse-battery-staple", role=role, first_name=role.title(), **extra
    )
    if mfa:
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def counsellor(db: Any) -> Any:
    """The counsellor assigned to the case or conversation under test."""
    return _make_user(Role.COUNSELLOR, "counsellor@example.org")


@pytest.fixture
def colleague(db: Any) -> Any:
    """Another counsellor at the centre, not assigned."""
    return _make_user(Role.COUNSELLOR, "colleague@example.org")


@pytest.fixture
def outsider(db: Any) -> Any:
    """A signed-in staff member with no relation to the object under test (an editor)."""
    return _make_user(Role.EDITOR, "outsider@example.org")


@pytest.fixture
def partner(db: Any) -> Any:
    """A partner professional (social services, police, health care, NGO)."""
    return _make_user(Role.PARTNER, "partner@example.org")


@pytest.fixture
def supervisor(db: Any) -> Any:
    return _make_user(Role.SUPERVISOR, "supervisor@example.org")


@pytest.fixture
def editor(db: Any) -> Any:
    return _make_user(Role.EDITOR, "editor@example.org")


@pytest.fixture
def administrator(db: Any) -> Any:
    return _make_user(Role.ADMINISTRATOR, "administrator@example.org")


@pytest.fixture
def auditor(db: Any) -> Any:
    return _make_user(Role.AUDITOR, "auditor@example.org")


@pytest.fixture
def cast(db: Any) -> dict[Role, Any]:
    """One user per role, built from the ``Role`` enum so a new role joins every matrix
    (``hedershus.core.access_testing.for_every_role`` parametrises a test over the roles)."""
    return {role: _make_user(role, f"cast-{role}@example.org") for role in Role}


@pytest.fixture
def user_without_mfa(db: Any) -> Any:
    return _make_user(Role.COUNSELLOR, "new-starter@example.org", mfa=False)


@pytest.fixture
def visitor(client: Any) -> Any:
    """An anonymous visitor: a client with no sign-in."""
    return client


def sign_in(client: Any, user: Any, *, reauthenticated: bool = True) -> Any:
    """Signs ``user`` in on ``client``; ``reauthenticated`` also counts as a fresh re-authentication."""
    client.force_login(user)
    if reauthenticated:
        session = client.session
        # The keys allauth keeps its record of this session's sign-ins under.
        session["account_authentication_methods_user"] = str(user.pk)
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}
        ]
        session.save()
    return client


@pytest.fixture
def signed_in(client: Any) -> Callable[..., Any]:
    """``signed_in(user)`` returns the test client signed in as ``user``."""

    def _sign_in(user: Any, **kwargs: Any) -> Any:
        return sign_in(client, user, **kwargs)

    return _sign_in


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render templates without running collectstatic first (no manifest), and hash
    passwords cheaply: the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the platform's default language (Swedish). A request leaves the
    language LocaleMiddleware chose active in its thread, so a service test's message was
    English or Swedish depending on which test that worker ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings: Any) -> None:
    """Each test sees an empty cache of its own: sign-in back-off counters, rate limits and
    used TOTP codes must not carry over from one test to the next. A fresh key prefix rather
    than ``cache.clear()``, which on a shared Redis would empty other test processes' cache."""
    import uuid

    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}:test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Any:
    """Ends the report, just before pytest's closing line, with how many browser tests were
    skipped and why: without Chromium or node_modules they skip, and a run that skipped them
    must not pass for the whole suite (issue 7, item 23). Outermost wrapper, so it comes
    after pytest's own short summary."""
    result = yield
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        if report.nodeid.startswith("e2e/"):
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            reason = reason.removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        noun = "browser test" if count == 1 else "browser tests"
        terminalreporter.write_line(f"{count} {noun} skipped: {reason}")
    return result
