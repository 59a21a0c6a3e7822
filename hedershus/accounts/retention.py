"""What staff accounts and their sign-in records keep and how long (R22;
``hedershus.core.retention``), allauth's tables included.

Accounts are never deleted while the audit log names them (``AuditEvent.actor`` is PROTECT):
an administrator deactivates the account of someone who leaves, which ends their sessions
and sign-in (its second factors and e-ID link stay, unused, with the row); the account row
then stays as the name behind its events. Removing a deactivated account for good is a manual
step for a database administrator, once no audit event, journal entry or other record points
at it.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention

ACCOUNT = "accounts.User"


def register() -> None:
    """Declares the accounts app's record types and allauth's (from ``AccountsConfig.ready``);
    allauth's social accounts (e-ID sign-in) only when installed."""
    declare_retention(
        RetentionDeclaration(
            model=ACCOUNT,
            personal_data=True,
            kept_because=_(
                "Kept while the account exists: an administrator deactivates the account of someone "
                "who leaves; it is not deleted while the audit log and records name it (see "
                "docs/operations.md, Retention, for removing one for good)."
            ),
        ),
        RetentionDeclaration(
            model="accounts.MFAResetRequest",
            personal_data=True,
            kept_because=_(
                "Kept with the accounts: it shows who asked and who agreed to reset a second factor, "
                "like the audit events."
            ),
        ),
        RetentionDeclaration(model="account.EmailAddress", personal_data=True, parent=ACCOUNT),
        RetentionDeclaration(
            model="account.EmailConfirmation", personal_data=True, parent="account.EmailAddress"
        ),
        RetentionDeclaration(model="mfa.Authenticator", personal_data=True, parent=ACCOUNT),
    )
    if apps.is_installed("allauth.socialaccount"):
        declare_retention(
            RetentionDeclaration(model="socialaccount.SocialAccount", personal_data=True, parent=ACCOUNT),
            RetentionDeclaration(
                model="socialaccount.SocialToken", personal_data=True, parent="socialaccount.SocialAccount"
            ),
            RetentionDeclaration(
                model="socialaccount.SocialApp",
                personal_data=False,
                kept_because=_("The e-ID provider's configuration names nobody; kept while it is used."),
            ),
        )
