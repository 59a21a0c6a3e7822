"""Cost sharing's audit event types (registered from ``CostsConfig.ready``).

Every view and export is an event too (issue 12, item 4). Events carry ids, years, formats and
counts; names and amounts stay in the tables they describe.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COSTS_EVENT_TYPES: dict[str, Promise] = {
    "costs.population_imported": _("Population table imported"),
    "costs.population_viewed": _("Population table read"),
    "costs.agreement_created": _("Cost agreement created"),
    "costs.part_added": _("Cost part added to an agreement"),
    "costs.part_removed": _("Cost part removed from an agreement"),
    "costs.share_added": _("Fixed share added to an agreement"),
    "costs.share_removed": _("Fixed share removed from an agreement"),
    "costs.list_viewed": _("Cost agreements listed"),
    "costs.table_viewed": _("Cost sharing table read"),
    "costs.table_exported": _("Cost sharing table exported"),
}
