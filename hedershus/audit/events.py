"""Every audit event type, with a label auditors read. Recording an unknown type fails,
so a typo cannot create a type that no search finds."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_TYPES: dict[str, Promise] = {
    # Sign-in and sessions
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.login_blocked": _("Sign-in refused: account locked or sign-in delayed"),
    "auth.login_delayed": _("Sign-in delayed after failed attempts"),
    # No longer recorded (replaced by auth.login_delayed); kept so older events keep a label.
    "auth.locked": _("Account locked after failed sign-ins"),
    "auth.logout": _("Signed out"),
    # MFA
    "mfa.activated": _("Two-factor method added"),
    "mfa.deactivated": _("Two-factor method removed"),
    "mfa.recovery_codes_generated": _("Recovery codes generated"),
    "mfa.recovery_codes_viewed": _("Recovery codes viewed"),
    "mfa.reset": _("Two-factor methods reset by an administrator"),
    "mfa.reset_requested": _("Two-factor reset requested (needs a second administrator)"),
    "mfa.reset_approved": _("Two-factor reset approved by a second administrator"),
    "mfa.reset_request_cancelled": _("Two-factor reset request cancelled"),
    # User administration
    "user.list_viewed": _("User list viewed"),
    "user.viewed": _("User viewed"),
    "user.created": _("User created"),
    "user.updated": _("User details changed"),
    "user.role_changed": _("Role changed"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
    "user.unlocked": _("User unlocked"),
    "user.setup_link_issued": _("Password set-up link e-mailed to the user"),
    "user.email_verified": _("E-mail address verified by a link sent to it"),
    "user.password_changed": _("Password changed"),
    # The audit log itself
    "audit.searched": _("Audit log searched"),
    "audit.exported": _("Audit log exported"),
    "audit.chain_keyed": _("Audit log signed with a key from here on"),
    "audit.sealing_started": _("Audit log put in order by seals from here on"),
    "audit.anchored": _("Audit log's newest hash written outside the database (anchor)"),
}


def register_event_types(new: dict[str, Promise]) -> None:
    """Apps that come later add their event types here from their AppConfig.ready()."""
    clash = set(new) & set(EVENT_TYPES)
    if clash:
        raise ValueError(f"Audit event types registered twice: {sorted(clash)}")
    EVENT_TYPES.update(new)
