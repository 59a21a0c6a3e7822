from __future__ import annotations

from django.http import HttpRequest

from hedershus.core.access import user_capabilities


def capabilities(request: HttpRequest) -> dict[str, frozenset[str]]:
    """The signed-in user's capabilities, for menus (views check them again)."""
    return {"capabilities": user_capabilities(getattr(request, "user", None))}
