from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    """Cost sharing between the partners (R25): agreement periods, yearly amounts, fixed shares
    and the municipalities' shares by population."""

    name = "hedershus.costs"
    label = "costs"
    verbose_name = _("Cost sharing")
