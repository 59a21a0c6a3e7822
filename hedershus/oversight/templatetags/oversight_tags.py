"""``{% load oversight_tags %}{% oversight_notices %}``: on the staff start page, an overdue log
review for auditors and open follow-ups for supervisors (accounts' dashboard includes it, so
accounts imports nothing of oversight)."""

from __future__ import annotations

from typing import Any

from django import template

from hedershus.core.access import Capability, user_has_capability
from hedershus.oversight import selectors

register = template.Library()


@register.inclusion_tag("oversight/includes/notices.html", takes_context=True)
def oversight_notices(context: dict[str, Any]) -> dict[str, Any]:
    """``{"schedule": Schedule | None, "follow_ups": int}`` for the request's user: the
    schedule only for auditors, and the open follow-ups a supervisor may close (not of their
    own reads)."""
    user = context.get("user")
    schedule = selectors.review_schedule() if user_has_capability(user, Capability.REVIEW_AUDIT_LOG) else None
    follow_ups = selectors.follow_ups_to_close(user)
    return {"schedule": schedule, "follow_ups": follow_ups}
