from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals (R16): a case sent on to a partner unit's inbox, with its legal basis, status,
    deadline and escalation."""

    name = "hedershus.referrals"
    label = "referrals"
    verbose_name = _("Referrals")
