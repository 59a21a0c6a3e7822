"""Template tags for other apps' staff pages: the conversation page asks for its case."""

from __future__ import annotations

from typing import Any

from django import template

from hedershus.cases.selectors import conversation_case, room_case

register = template.Library()


@register.inclusion_tag("cases/conversation_case.html")
def conversation_case_link(conversation: Any) -> dict[str, Any]:
    """Offers "Open a case" (a POST form) for a conversation in no case, else a link to its
    case; when an earlier conversation of the same room is in a case, "Add it to that case" too.
    The conversation page's own access check has run; the case page checks again."""
    case = conversation_case(conversation)
    return {
        "conversation": conversation,
        "case": case,
        "room_case": None if case else room_case(conversation),
    }
