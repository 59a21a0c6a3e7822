"""The statistics' audit event types (registered from ``StatisticsConfig.ready``).

Every view and every export is an event (issue 12, item 4): its data holds the filters
(period and municipality) and, for an export, the format; never a figure. A refused request
(404, 400) is an event too: the page, the names of the filters given and the status.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STATISTICS_EVENT_TYPES: dict[str, Promise] = {
    "statistics.viewed": _("Follow-up statistics read"),
    "statistics.exported": _("Follow-up statistics exported"),
    "statistics.refused": _("Follow-up statistics refused"),
}
