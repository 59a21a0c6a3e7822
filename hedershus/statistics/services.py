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


# The filters a request may carry; a refusal records which of them were given, never their
# values beyond the names (a refusal holds no figure and no choice of place).
FILTER_NAMES: tuple[str, ...] = ("first", "last", "municipality")


def request_refused(*, user: Any, page: str, filters: list[str], status: int) -> None:
    """Records that ``user``'s request for ``page`` ("dashboard", "csv" or "xlsx") was
    refused with HTTP ``status`` (404: a municipality they may not see, or a period outside
    what is counted; 400: a bad filter). ``filters``: the names of the filters the request
    gave (``FILTER_NAMES`` only). In its own transaction, so the refusal is kept whatever
    the response. Never a figure."""
    given = [name for name in FILTER_NAMES if name in filters]
    with transaction.atomic():
        audit_record(
            "statistics.refused", actor=user, data={"page": page, "filters": given, "status": status}
        )
