from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No self sign-up: administrators create every account."""
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """Client addresses are never read (the request middleware removes them).

        allauth asks for one to key its per-IP rate limits; we configure only per-account
        limits, so a constant keeps allauth working without an address.
        """
        return "0.0.0.0"  # noqa: S104 - a placeholder, never a bind address
