"""``{% referrals_case_link case %}``: the case page's link to its referrals, with how many are
still open (the cases app imports nothing of referrals: a layer above it). Its text lives in
this app's templates and catalogue."""

from __future__ import annotations

from typing import Any

from django import template

from hedershus.cases.models import Case
from hedershus.referrals.selectors import open_referrals_count

register = template.Library()


@register.inclusion_tag("referrals/_case_link.html")
def referrals_case_link(case: Case) -> dict[str, Any]:
    """A list item linking to ``case``'s referrals, "Referrals (n open)" while some are sent,
    received or accepted (the case page is shown only to someone who may open the case)."""
    return {"case": case, "open_count": open_referrals_count(case)}
