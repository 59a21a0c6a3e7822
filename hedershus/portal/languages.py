"""Which languages the public shell offers, and links to the current page in each.

A language is offered when a compiled catalogue (``django.mo``) for it exists, in this
app's ``locale/`` or in ``LOCALE_PATHS``: a translator adds a language by adding its
``.po``/``.mo`` files, no code change (R4). English is the source language and always
offered. The language comes from the URL prefix only, never from a cookie.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language_info, to_locale
from django.utils.translation.trans_real import parse_accept_lang_header

SOURCE_LANGUAGE = "en"
PORTAL_LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name_local: str
    url: str
    bidi: bool
    current: bool


def _catalogue_dirs() -> tuple[Path, ...]:
    return (PORTAL_LOCALE_DIR, *(Path(p) for p in settings.LOCALE_PATHS))


@functools.cache
def _languages_with_catalogue(codes: tuple[str, ...], dirs: tuple[Path, ...]) -> tuple[str, ...]:
    return tuple(
        code
        for code in codes
        if code == SOURCE_LANGUAGE
        or any((d / to_locale(code) / "LC_MESSAGES" / "django.mo").is_file() for d in dirs)
    )


def shell_languages() -> tuple[str, ...]:
    """Codes of the offered languages, in the order of ``settings.LANGUAGES``."""
    codes = tuple(code for code, _name in settings.LANGUAGES)
    return _languages_with_catalogue(codes, _catalogue_dirs())


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
