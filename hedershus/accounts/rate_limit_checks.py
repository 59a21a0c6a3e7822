"""Start-up checks for sign-in (``manage.py check`` and every server start)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string

# Every allauth app whose views apply rate limits, by the module holding its settings.
_RATE_LIMITED_APPS = ("allauth.account", "allauth.mfa", "allauth.idp.oidc", "allauth.headless")


def effective_rate_limits() -> dict[str, dict[str, str]]:
    """allauth's rate limits as allauth applies them (its defaults merged with ours), per
    installed app: ``{"allauth.account": {"login": "", ...}, ...}``."""
    from django.apps import apps

    limits: dict[str, dict[str, str]] = {}
    for app in _RATE_LIMITED_APPS:
        if not apps.is_installed(app):
            continue
        try:
            configured = import_string(f"{app}.app_settings.RATE_LIMITS")
        except ImportError:
            continue
        limits[app] = {action: rates or "" for action, rates in configured.items()}
    return limits


@register("security")
def check_no_rate_limit_per_client_address(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No allauth rate limit may be keyed on the client address (issue 7, item 2).

    The platform never reads one (``AccountAdapter.get_client_ip`` returns a placeholder),
    so every per-IP limit would be one bucket for the whole site: whoever fills it blocks
    every staff member. A limit written without a third part is per IP in allauth.
    """
    from allauth.core.internal.ratelimit import parse_rates

    errors: list[CheckMessage] = []
    for app, actions in effective_rate_limits().items():
        for action, rates in actions.items():
            if any(rate.per == "ip" for rate in parse_rates(rates)):
                errors.append(
                    Error(
                        f"allauth rate limit {app} {action!r} = {rates!r} is per client address.",
                        hint="Key it per user or per key, or switch it off with '' in "
                        "ACCOUNT_RATE_LIMITS / MFA_RATE_LIMITS (see docs/threat-model.md).",
                        id="hedershus.E101",
                    )
                )
    return errors
