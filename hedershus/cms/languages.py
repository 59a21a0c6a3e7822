"""The language switcher on a CMS page leads to that page's translations (R4).

The shell's switcher keeps the path and swaps the prefix; a CMS page's translation may live
under another path, or not exist. This gives the page's template the same links, built from
the page's translations, falling back to the language's home page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page

from hedershus.cms.templatetags.cms_tags import page_href_for
from hedershus.portal.languages import LanguageLink, home_url, shell_languages


def page_language_links(request: HttpRequest, page: Page) -> list[LanguageLink]:
    current = translation.get_language()
    translations = {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True).live().public().select_related("locale")
    }
    links = []
    for code in shell_languages():
        target = translations.get(code)
        url = page_href_for(request, target) if target is not None else home_url(code)
        info = get_language_info(code)
        links.append(LanguageLink(code, info["name_local"], url, bool(info["bidi"]), code == current))
    return links
