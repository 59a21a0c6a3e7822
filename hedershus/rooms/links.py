"""Where the room's pages lead."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def thread_url() -> str:
    """The room's home page: the conversation (``messaging:thread``), or the room's overview
    (``rooms:overview``) while messaging does not provide it."""
    try:
        return reverse("messaging:thread")
    except NoReverseMatch:
        return reverse("rooms:overview")
