"""Machine-translated first drafts from a self-hosted LibreTranslate (R4), for wagtail-localize.

Off unless LIBRETRANSLATE_URL is set. Only published page text is sent (never anything a
visitor or a member of staff wrote about a person), and only to the URL the operator
configured: it must be the centre's own LibreTranslate, never a third-party service. The
public libretranslate.com API is refused by name as a guard against a copied example.
A machine draft is only a draft: a person checks it, and another editor approves it.

LibreTranslate's API: POST {URL}/translate with JSON {"q": [...], "source", "target",
"format": "html", "api_key"?} answers {"translatedText": [...]} in the same order.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

# Hosted services that would receive the centre's texts; a self-hosted instance is required.
THIRD_PARTY_HOSTS = ("libretranslate.com", "libretranslate.de")


class MachineTranslationError(Exception):
    """LibreTranslate could not be reached or gave an answer that does not fit."""


def language_code(code: str) -> str:
    """LibreTranslate names languages by their base code ("sv", "ar", "ckb")."""
    return code.split("-")[0].lower()


class SelfHostedLibreTranslator(BaseMachineTranslator):
    display_name = "LibreTranslate"

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__(options)
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
        self.endpoint = url + "/translate"
        self.api_key = str(options.get("API_KEY", ""))
        self.timeout = float(options.get("TIMEOUT", 30))

    def can_translate(self, source_locale: Any, target_locale: Any) -> bool:
        return language_code(source_locale.language_code) != language_code(target_locale.language_code)

    def translate(self, source_locale: Any, target_locale: Any, strings: Any) -> dict[Any, StringValue]:
        strings = list(strings)
        if not strings:
            return {}
        payload: dict[str, Any] = {
            "q": [string.data for string in strings],
            "source": language_code(source_locale.language_code),
            "target": language_code(target_locale.language_code),
            # wagtail-localize strings carry inline markup (<b>, <a id="a1">) to keep.
            "format": "html",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.endpoint,
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise MachineTranslationError(f"LibreTranslate did not answer: {exc}") from exc
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str) and len(strings) == 1:
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(strings):
            raise MachineTranslationError("LibreTranslate's answer does not match the strings sent.")
        return {string: StringValue(str(text)) for string, text in zip(strings, translated, strict=True)}
