"""Every staff URL x every role, including anonymous and a user without a second factor.

The roles come from the ``Role`` enum (``for_every_role``), so a new role is refused
everywhere here until an entry allows it. A refused role gets 403, or 404 at a URL that
names an object (``hidden``; see ``core.access_testing.object_url`` for its outsider tests).

`STAFF_URLS` must name every URL under /staff/ that the platform's own apps define;
`test_every_staff_url_is_in_the_matrix` fails when a new one is added without an entry.
allauth's pages (/staff/auth/) and the Wagtail admin (/staff/cms/) have their own tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import _make_user, sign_in
from hedershus.accounts.models import MFAResetRequest
from hedershus.core.access import Role
from hedershus.core.access_testing import for_every_role

EVERY_ROLE = frozenset(Role)
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
AUDITORS = frozenset({Role.AUDITOR})


@dataclass(frozen=True)
class Entry:
    allowed: frozenset[str]
    method: str = "get"
    needs_target_user: bool = False
    ok_statuses: frozenset[int] = field(default_factory=lambda: frozenset({200}))
    needs_reset_request: bool = False
    # For a URL naming another kind of object: builds its URL arguments (given the target user).
    object_kwargs: Callable[[Any], dict[str, Any]] | None = None

    @property
    def refused_status(self) -> int:
        """404 where the URL names an object, so a refusal says nothing about it; else 403."""
        return 404 if self.needs_target_user or self.object_kwargs else 403


def messaging_staff_urls() -> dict[str, Entry]:
    """The counsellors' pages (hedershus/messaging/staff_urls.py). Conversations are new ones
    waiting in the shared queue, which every role with HANDLE_CASES may open."""
    from hedershus.messaging.tests import access_matrix as objects

    handlers = frozenset({Role.COUNSELLOR, Role.SUPERVISOR})
    supervisors = frozenset({Role.SUPERVISOR})
    found, moved = frozenset({200}), frozenset({302})
    return {
        "messaging_staff:queue": Entry(handlers),
        "messaging_staff:conversation": Entry(handlers, object_kwargs=objects.waiting_conversation),
        "messaging_staff:claim": Entry(
            handlers, method="post", object_kwargs=objects.waiting_conversation, ok_statuses=moved
        ),
        # Posted without a text: the form's own refusal (400) shows the view was reached.
        "messaging_staff:reply": Entry(
            handlers, method="post", object_kwargs=objects.waiting_conversation, ok_statuses=frozenset({400})
        ),
        "messaging_staff:transfer": Entry(
            handlers, method="post", object_kwargs=objects.waiting_conversation, ok_statuses=frozenset({400})
        ),
        "messaging_staff:close": Entry(
            handlers, method="post", object_kwargs=objects.waiting_conversation, ok_statuses=moved
        ),
        "messaging_staff:attachment": Entry(handlers, object_kwargs=objects.waiting_attachment),
        "messaging_staff:standard_replies": Entry(supervisors),
        "messaging_staff:standard_reply_edit": Entry(
            supervisors, object_kwargs=objects.standard_reply, ok_statuses=found
        ),
        "messaging_staff:standard_reply_delete": Entry(
            supervisors, method="post", object_kwargs=objects.standard_reply, ok_statuses=moved
        ),
        "messaging_staff:opening_hours": Entry(ADMINISTRATORS),
        "messaging_staff:absences": Entry(handlers),
        # The target user's absence: a supervisor may remove it, a counsellor only their own.
        "messaging_staff:absence_delete": Entry(
            supervisors, method="post", object_kwargs=objects.absence_of_target, ok_statuses=moved
        ),
    }


def cost_sharing_urls() -> dict[str, Entry]:
    """Cost sharing's pages (issue 12): listed in ``hedershus/costs/tests/access_matrix.py``."""
    from hedershus.costs.tests import access_matrix as costs

    return {name: Entry(**arguments) for name, arguments in costs.entries().items()}


def statistics_urls() -> dict[str, Entry]:
    """Follow-up statistics (issue 12): listed in ``hedershus/statistics/tests/access_matrix.py``."""
    from hedershus.statistics.tests import access_matrix as statistics

    return {name: Entry(**arguments) for name, arguments in statistics.entries().items()}


def case_management_urls() -> dict[str, Entry]:
    """Case management's pages (issue 10). Each of its apps lists its own URLs in
    ``hedershus/<app>/tests/access_matrix.py``: ``entries()`` maps a URL name to ``Entry``'s
    arguments, so the apps add their pages without editing this file."""
    import importlib

    found: dict[str, Entry] = {}
    for app in (
        "cases",
        "journal",
        "assessments",
        "case_documents",
        "followup",
        "partners",
        "oversight",
        "subject_access",
    ):
        module = importlib.import_module(f"hedershus.{app}.tests.access_matrix")
        for name, arguments in module.entries().items():
            found[name] = Entry(**arguments)
    return found


def referral_urls() -> dict[str, Entry]:
    """Referrals' pages (issue 11): listed in ``hedershus/referrals/tests/access_matrix.py``."""
    from hedershus.referrals.tests import access_matrix as referrals

    return {name: Entry(**arguments) for name, arguments in referrals.entries().items()}


def partner_pages_urls() -> dict[str, Entry]:
    """Consultations and the partner portal (issue 11): listed in each app's
    ``tests/access_matrix.py``."""
    from hedershus.consultations.tests import access_matrix as consultations
    from hedershus.partner_portal.tests import access_matrix as partner_portal

    return {
        name: Entry(**arguments)
        for module in (consultations, partner_portal)
        for name, arguments in module.entries().items()
    }


STAFF_URLS: dict[str, Entry] = {
    "staff:dashboard": Entry(EVERY_ROLE),
    "staff:user_list": Entry(ADMINISTRATORS),
    "staff:user_create": Entry(ADMINISTRATORS),
    "staff:user_detail": Entry(ADMINISTRATORS, needs_target_user=True),
    "staff:user_unlock": Entry(
        ADMINISTRATORS, method="post", needs_target_user=True, ok_statuses=frozenset({302})
    ),
    "staff:user_mfa_reset": Entry(
        ADMINISTRATORS, method="post", needs_target_user=True, ok_statuses=frozenset({302})
    ),
    "staff:user_mfa_reset_decide": Entry(
        ADMINISTRATORS,
        method="post",
        needs_target_user=True,
        needs_reset_request=True,
        ok_statuses=frozenset({302}),
    ),
    "staff:user_setup_link": Entry(
        ADMINISTRATORS, method="post", needs_target_user=True, ok_statuses=frozenset({302})
    ),
    # Each person's own e-ID (accounts); with e-ID off, as here, it says that it is off.
    "staff:eid_link": Entry(EVERY_ROLE),
    "audit:search": Entry(AUDITORS),
    "audit:export": Entry(AUDITORS),
    "audit:anchor": Entry(AUDITORS, method="post", ok_statuses=frozenset({302})),
    "site_settings:safety": Entry(ADMINISTRATORS),
    **messaging_staff_urls(),
    **cost_sharing_urls(),
    **statistics_urls(),
    **case_management_urls(),
    **referral_urls(),
    **partner_pages_urls(),
}

# Prefixes whose URLs belong to libraries with their own access control and tests.
LIBRARY_PREFIXES = ("staff/auth/", "staff/cms/")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_staff_url_is_in_the_matrix():
    staff_names = {
        name
        for route, name in _walk(get_resolver().url_patterns)
        if route.lstrip("^").startswith("staff/") and not route.lstrip("^").startswith(LIBRARY_PREFIXES)
    }
    missing = staff_names - set(STAFF_URLS)
    assert not missing, f"Add these staff URLs to STAFF_URLS: {sorted(missing)}"


def _url(name: str, entry: Entry, target: Any) -> str:
    kwargs: dict[str, Any] = {"pk": target.pk} if entry.needs_target_user else {}
    if entry.object_kwargs is not None:
        kwargs = entry.object_kwargs(target)
    if entry.needs_reset_request:
        requester = _make_user(Role.ADMINISTRATOR, f"requester-{MFAResetRequest.objects.count()}@example.org")
        kwargs["request_pk"] = MFAResetRequest.objects.create(user=target, requested_by=requester).pk
    return reverse(name, kwargs=kwargs or None)


def _request(client: Any, name: str, entry: Entry, target: Any) -> Any:
    return getattr(client, entry.method)(_url(name, entry, target))


@pytest.fixture
def target_user(db: Any) -> Any:
    return _make_user(Role.COUNSELLOR, "target@example.org")


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_anonymous_is_sent_to_sign_in(client, target_user, name):
    response = _request(client, name, STAFF_URLS[name], target_user)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_user_without_second_factor_is_sent_to_set_one_up(client, user_without_mfa, target_user, name):
    sign_in(client, user_without_mfa)
    response = _request(client, name, STAFF_URLS[name], target_user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


@for_every_role
@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_each_role_gets_exactly_what_the_matrix_allows(client, target_user, role, name):
    entry = STAFF_URLS[name]
    sign_in(client, _make_user(role, f"{role}-matrix@example.org"))
    response = _request(client, name, entry, target_user)
    if role in entry.allowed:
        assert response.status_code in entry.ok_statuses, (role, name, response.status_code)
    else:
        assert response.status_code == entry.refused_status, (role, name, response.status_code)


@pytest.mark.parametrize("name", sorted(n for n, e in STAFF_URLS.items() if e.method == "post"))
def test_actions_refuse_get(client, administrator, target_user, name):
    sign_in(client, administrator)
    assert client.get(_url(name, STAFF_URLS[name], target_user)).status_code == 405


def test_sign_in_page_is_open_to_anonymous(client, db):
    assert client.get(reverse("account_login")).status_code == 200
