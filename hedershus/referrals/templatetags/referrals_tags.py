"""``{% referrals_open_count case %}``: how many of a case's referrals are still open, for the
case page's link to its referrals (the cases app imports nothing of referrals: a layer above)."""

from __future__ import annotations

from django import template

from hedershus.cases.models import Case
from hedershus.referrals.selectors import open_referrals_count

register = template.Library()


@register.simple_tag
def referrals_open_count(case: Case) -> int:
    """The number of ``case``'s referrals that are sent, received or accepted (the case page
    is shown only to someone who may open the case)."""
    return open_referrals_count(case)
