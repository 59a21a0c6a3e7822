"""``{% load journal_tags %}{% journal_stale_drafts %}``: the signed-in user's stale drafts
on the staff start page (accounts' dashboard includes it, so accounts imports no journal)."""

from __future__ import annotations

from typing import Any

from django import template

from hedershus.core.access import Capability, user_has_capability
from hedershus.journal import selectors

register = template.Library()


@register.inclusion_tag("journal/includes/stale_drafts.html", takes_context=True)
def journal_stale_drafts(context: dict[str, Any]) -> dict[str, Any]:
    """``{"stale_drafts": [entry, ...] (at most 50, oldest first), "stale_days": int}`` for
    the request's user; empty for anyone who does not handle cases. No text is read."""
    user = context.get("user")
    if user is None or not user_has_capability(user, Capability.HANDLE_CASES):
        return {"stale_drafts": [], "stale_days": selectors.draft_stale_days()}
    drafts = list(selectors.journal_stale_drafts(user)[:50])
    return {"stale_drafts": drafts, "stale_days": selectors.draft_stale_days()}
