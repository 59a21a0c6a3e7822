from __future__ import annotations

from django.http import HttpRequest

from hedershus.accounts.roles import ROLE_CAPABILITIES


def capabilities(request: HttpRequest) -> dict[str, frozenset[str]]:
    """The signed-in user's capabilities, for menus (views check them again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return {"capabilities": frozenset()}
    return {"capabilities": ROLE_CAPABILITIES.get(user.role, frozenset())}
