"""Referrals leave with their case (R22): ``Referral.case`` is PROTECT, so nothing but the
case's culling deletes a referral; the cull guard below deletes the referrals of the cases
being culled, inside the culling transaction (``cases.retention.cases_cull_expired``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hedershus.referrals.models import Referral


@contextmanager
def referrals_culled_with_cases(case_ids: list[int]) -> Iterator[None]:
    """Deletes the referrals (and their steps) of ``case_ids`` on entry, so the cases' own
    deletion that follows is not refused by ``PROTECT``."""
    Referral.objects.filter(case_id__in=case_ids).delete()
    yield
