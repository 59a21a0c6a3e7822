"""Writes of the statistics: only the audit events of reading and exporting (issue 12, item 4).

The figures themselves are read by ``selectors`` and never stored. An event's data holds the
filters (``from``, ``to`` as YYYY-MM, ``municipality``, "" for the county) and the format of
an export; never a figure, so the audit log holds no statistics of its own.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hedershus.audit.services import audit_record
from hedershus.statistics.selectors import Period


def _filters(period: Period, municipality: str) -> dict[str, str]:
    return {**period.as_data(), "municipality": municipality}


def dashboard_viewed(*, user: Any, period: Period, municipality: str) -> None:
    """Records that ``user`` read the dashboard for ``period`` and ``municipality``."""
    with transaction.atomic():
        audit_record("statistics.viewed", actor=user, data=_filters(period, municipality))


def dashboard_exported(*, user: Any, period: Period, municipality: str, fmt: str) -> None:
    """Records that ``user`` downloaded the dashboard's tables as ``fmt`` (csv or xlsx)."""
    with transaction.atomic():
        audit_record(
            "statistics.exported", actor=user, data={**_filters(period, municipality), "format": fmt}
        )
