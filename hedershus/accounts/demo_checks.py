"""Start-up check: no demo credential may exist where DEBUG is off (issue 7, item 8).

The demo's passwords and its TOTP secret are published in the README and in this
repository; an account that has either can be signed into by anyone who read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_TOTP_SECRET
from hedershus.core.checks import STARTUP_TAG


def demo_credentials_check(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """With DEBUG off, an Error for the accounts under the demo domain and one for the
    accounts whose TOTP secret is the demo one, whatever their address (a renamed demo
    account). Runs only when asked to read the database (``databases``)."""
    if settings.DEBUG or not databases:
        return []
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    from hedershus.accounts.models import User

    try:
        tables = connection.introspection.table_names()
    except DatabaseError:
        # Fail closed: a process started before its database is up would otherwise never
        # look for demo accounts, and serve them once the database comes up.
        return [
            checks.Error(
                "The database could not be reached, so demo accounts could not be ruled out.",
                hint="Start the database first, then the platform.",
                id="accounts.E003",
            )
        ]
    if User._meta.db_table not in tables:
        return []  # before the first migrate: no accounts yet
    try:
        demo_users = sorted(
            User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).values_list("email", flat=True)
        )
        totps = Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_related("user")
        shared_secret = sorted(a.user.email for a in totps if _is_demo_secret(decrypt, a.data))
    except DatabaseError:
        return [
            checks.Error(
                "The accounts could not be read, so demo accounts could not be ruled out.",
                hint="Run migrate, and check the database.",
                id="accounts.E003",
            )
        ]
    errors: list[checks.CheckMessage] = []
    if demo_users:
        errors.append(
            checks.Error(
                f"{len(demo_users)} demo account(s) exist with DEBUG off: {', '.join(demo_users)}.",
                hint="Their passwords are public. Use a database without demo data.",
                id="accounts.E001",
            )
        )
    if shared_secret:
        errors.append(
            checks.Error(
                f"{len(shared_secret)} account(s) use the demo TOTP secret: {', '.join(shared_secret)}.",
                hint="The secret is public: reset their second factor, or use a database without demo data.",
                id="accounts.E002",
            )
        )
    return errors


def _is_demo_secret(decrypt: Any, data: Any) -> bool:
    try:
        return bool(decrypt(data["secret"]) == DEMO_TOTP_SECRET)
    except (KeyError, TypeError, ValueError):
        return False


checks.register(demo_credentials_check, STARTUP_TAG, checks.Tags.database, deploy=True)
