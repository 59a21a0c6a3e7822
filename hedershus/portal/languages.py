"""Which languages the public shell offers, and links to the current page in each.

Every configured language (``settings.LANGUAGES``) is offered and answers under its prefix.
Its interface strings come from the catalogues (``locale/<lang>/``); a test
(``tests/test_public_strings.py``) fails when a string visitors see lacks a translation in
any configured language, so no language silently shows Swedish (Django's fallback). English
is the source language. The language comes from the URL prefix only, never from a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation.trans_real import parse_accept_lang_header

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name_local: str
    url: str
    bidi: bool
    current: bool


def shell_languages() -> tuple[str, ...]:
    """Codes of the offered languages: all configured ones, in the order of ``settings.LANGUAGES``."""
    return tuple(code for code, _name in settings.LANGUAGES)


def language_from_accept_header(header: str) -> str:
    """The visitor's preferred offered language by ``Accept-Language``; else the default."""
    offered = shell_languages()
    for tag, _quality in parse_accept_lang_header(header or ""):
        tag = tag.lower()
        for candidate in (tag, tag.split("-")[0]):
            if candidate in offered:
                return candidate
    return settings.LANGUAGE_CODE


def home_url(code: str) -> str:
    """The start page in language ``code``."""
    with translation.override(code):
        return reverse("portal:home")


def language_links(request: HttpRequest) -> list[LanguageLink]:
    """The current page in each offered language (its home page where there is no match)."""
    current = translation.get_language()
    links = []
    for code in shell_languages():
        url = translate_url(request.path, code)
        if url == request.path and code != current:
            url = home_url(code)
        info = get_language_info(code)
        links.append(LanguageLink(code, info["name_local"], url, bool(info["bidi"]), code == current))
    return links
