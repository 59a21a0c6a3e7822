from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hedershus.accounts"
    label = "accounts"
    # allauth's own "account" app is "Accounts" too: ours holds the staff accounts.
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from hedershus.accounts import (
            demo_checks,  # noqa: F401  (registers the demo-credential start-up check)
            rate_limit_checks,  # noqa: F401  (registers its start-up check)
            signals,  # noqa: F401  (connects the receivers)
        )
        from hedershus.accounts.events import EID_EVENT_TYPES
        from hedershus.audit.events import register_event_types

        register_event_types(EID_EVENT_TYPES)
        from hedershus.accounts.adapter import install_eid_reauthentication

        install_eid_reauthentication()

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.accounts.retention import register as register_retention

        register_retention()
