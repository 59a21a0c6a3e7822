"""Roles and what each may do. The one place access rules for staff pages are decided."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
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


# Separation of duties: administrators manage accounts but cannot read the audit log,
# and auditors read the log but cannot change accounts.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNSELLOR: frozenset({Capability.HANDLE_CASES}),
    Role.SUPERVISOR: frozenset({Capability.HANDLE_CASES, Capability.SUPERVISE_CASES}),
    Role.EDITOR: frozenset({Capability.EDIT_CONTENT}),
    Role.ADMINISTRATOR: frozenset({Capability.MANAGE_USERS, Capability.MANAGE_SITE_SETTINGS}),
    Role.AUDITOR: frozenset({Capability.REVIEW_AUDIT_LOG}),
    Role.PARTNER: frozenset({Capability.ANSWER_REFERRALS}),
}


def role_has_capability(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
