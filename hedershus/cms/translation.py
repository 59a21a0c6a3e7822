"""Machine-translated first drafts from a self-hosted LibreTranslate (R4), for wagtail-localize.

Off unless LIBRETRANSLATE_URL is set. Only published page text is sent (never anything a
visitor or a member of staff wrote about a person), and only to the URL the operator
configured: it must be the centre's own LibreTranslate, never a third-party service. The
public libretranslate.com API is refused by name as a guard against a copied example.
A machine draft is only a draft: a person checks it, and another editor approves it.

wagtail-localize's own ``LibreTranslator`` speaks LibreTranslate's API (POST {URL}/translate
with JSON {"q": [...], "source", "target", "format": "html", "api_key"} answering
{"translatedText": [...]} in the same order); this subclass adds only what the centre needs:
the self-hosted guard, base language codes in lower case, and one error type.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from django.core.exceptions import ImproperlyConfigured
from wagtail_localize.machine_translators.libretranslate import LibreTranslator
from wagtail_localize.strings import StringValue

# Hosted services that would receive the centre's texts; a self-hosted instance is required.
THIRD_PARTY_HOSTS = ("libretranslate.com", "libretranslate.de")


class MachineTranslationError(Exception):
    """LibreTranslate could not be reached or gave an answer that does not fit."""


def language_code(code: str) -> str:
    """LibreTranslate names languages by their base code ("sv", "ar", "ckb")."""
    return code.split("-")[0].lower()


class SelfHostedLibreTranslator(LibreTranslator):
    """wagtail-localize's LibreTranslate client, limited to the centre's own server.

    Options (``WAGTAILLOCALIZE_MACHINE_TRANSLATOR["OPTIONS"]``): ``URL`` of the server,
    ``API_KEY`` (may be empty), ``TIMEOUT`` in seconds (default 30). Raises
    ``ImproperlyConfigured`` for a URL that is not http(s) or is a hosted service, and
    :class:`MachineTranslationError` when a translation fails.
    """

    display_name = "LibreTranslate"

    def __init__(self, options: dict[str, Any]) -> None:
        url = str(options.get("URL", "")).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(
                "LIBRETRANSLATE_URL must be an http(s) URL of the centre's own server."
            )
        host = parts.hostname.lower()
        if any(host == third or host.endswith("." + third) for third in THIRD_PARTY_HOSTS):
            raise ImproperlyConfigured(
                "LIBRETRANSLATE_URL points to a hosted service; use a self-hosted LibreTranslate."
            )
        # The option names LibreTranslator reads.
        super().__init__(
            {
                "LIBRETRANSLATE_URL": url,
                "API_KEY": str(options.get("API_KEY", "")),
                "TIMEOUT": float(options.get("TIMEOUT", 30)),
            }
        )

    def language_code(self, code: str) -> str:
        return language_code(code)

    def translate(self, source_locale: Any, target_locale: Any, strings: Any) -> dict[Any, StringValue]:
        strings = list(strings)
        if not strings:
            return {}
        try:
            result: dict[Any, StringValue] = super().translate(source_locale, target_locale, strings)
        except requests.RequestException as exc:
            raise MachineTranslationError(f"LibreTranslate did not answer: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:  # not JSON, no list, or the wrong length
            raise MachineTranslationError("LibreTranslate's answer does not match the strings sent.") from exc
        return result
