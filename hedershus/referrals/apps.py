from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals (R16): a case sent on to a partner unit's inbox, with its legal basis, status,
    deadline and escalation."""

    name = "hedershus.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cases.retention import (
            last_entry_source_for,
            register_cull_guard,
            register_last_entry_source,
        )
        from hedershus.referrals.events import REFERRAL_EVENT_TYPES
        from hedershus.referrals.models import Referral
        from hedershus.referrals.retention import referrals_culled_with_cases

        register_event_types(REFERRAL_EVENT_TYPES)
        # A referral and each of its steps (which touch ``updated_at``) are entries in the case:
        # they move the day a closed case may be culled.
        register_last_entry_source("referrals", last_entry_source_for(Referral, "sent_at", "updated_at"))
        # Referral.case is PROTECT (a referral is a record of what was disclosed to whom), so
        # culling a case deletes its referrals first, explicitly.
        register_cull_guard("referrals", referrals_culled_with_cases)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.referrals.retention_declarations import register as register_retention

        register_retention()
