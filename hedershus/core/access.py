"""Roles, capabilities and who holds which: the one place staff access rules are decided.

Every app imports these from here (``core`` imports no app), so ``accounts`` (whose ``User``
stores a role) and ``audit`` (whose pages need a capability) do not import each other.
Views and services ask for a **capability**, never for a role by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

View = Callable[..., HttpResponse]


class Role(models.TextChoices):
    """A user's one role. ``accounts.User.role`` takes its choices and its database
    constraint from this enum; tests iterate over it (``core.access_testing``)."""

    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")
    PARTNER = "partner", _("Partner professional")


class Capability(models.TextChoices):
    """Something a role may do; views ask for a capability, never for a role by name."""

    MANAGE_USERS = "manage_users"
    REVIEW_AUDIT_LOG = "review_audit_log"
    EDIT_CONTENT = "edit_content"
    HANDLE_CASES = "handle_cases"
    SUPERVISE_CASES = "supervise_cases"
    ANSWER_REFERRALS = "answer_referrals"
    MANAGE_SITE_SETTINGS = "manage_site_settings"
    # Maintain the partner register (R19): organisations, units, imports, the help directory feed.
    MANAGE_PARTNER_REGISTER = "manage_partner_register"
    # Read the partners' cost sharing (R25, hedershus.costs): agreements and population tables.
    VIEW_COST_SHARING = "view_cost_sharing"
    # Read the follow-up statistics (R24, hedershus.statistics): suppressed counts, county-wide and
    # per municipality (a partner professional: their own municipality beside the county).
    VIEW_STATISTICS = "view_statistics"
    # Prepare a data-subject extract (registerutdrag, GDPR art. 15; hedershus.subject_access):
    # everything held about one identified person, released only after a supervisor approves.
    PREPARE_SUBJECT_ACCESS_EXTRACTS = "prepare_subject_access_extracts"


# Separation of duties: administrators manage accounts but cannot read the audit log,
# and auditors read the log but cannot change accounts.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNSELLOR: frozenset({Capability.HANDLE_CASES, Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS}),
    Role.SUPERVISOR: frozenset(
        {
            Capability.HANDLE_CASES,
            Capability.SUPERVISE_CASES,
            Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS,
            Capability.VIEW_COST_SHARING,
            Capability.VIEW_STATISTICS,
        }
    ),
    Role.EDITOR: frozenset({Capability.EDIT_CONTENT}),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.MANAGE_USERS,
            Capability.MANAGE_SITE_SETTINGS,
            Capability.MANAGE_PARTNER_REGISTER,
            Capability.VIEW_COST_SHARING,
            Capability.VIEW_STATISTICS,
        }
    ),
    Role.AUDITOR: frozenset({Capability.REVIEW_AUDIT_LOG}),
    Role.PARTNER: frozenset(
        {Capability.ANSWER_REFERRALS, Capability.VIEW_COST_SHARING, Capability.VIEW_STATISTICS}
    ),
}

# Roles whose second factor one administrator alone may not reset: an administrator's account
# manages every other account, an auditor's is the check on administrators.
PRIVILEGED_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})


def role_has_capability(role: str, capability: str) -> bool:
    """Whether ``role`` grants ``capability`` (an unknown role grants nothing)."""
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: str) -> list[Role]:
    """Every role that grants ``capability``, in the enum's order."""
    return [role for role in Role if role_has_capability(role, capability)]


def roles_without(capability: str) -> list[Role]:
    """Every role that does not grant ``capability``, in the enum's order."""
    return [role for role in Role if not role_has_capability(role, capability)]


def user_capabilities(user: Any) -> frozenset[str]:
    """What ``user`` may do now: nothing when anonymous or deactivated, else their role's."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def user_has_capability(user: Any, capability: str) -> bool:
    """Whether ``user`` (any user object, or anonymous) holds ``capability`` now."""
    return capability in user_capabilities(user)


def capability_required(capability: str, *, hide: bool = False) -> Callable[[View], View]:
    """Signed in (with a second factor, by the middleware) and holding ``capability``.

    Someone signed in without it gets 403, or 404 with ``hide=True``: for URLs that name an
    object, so that a refusal looks like a missing object, as the view's selector answers
    for an object outside the user's reach (see ``core.access_testing.ObjectURL``).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_capability(request.user, capability):
                if hide:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
