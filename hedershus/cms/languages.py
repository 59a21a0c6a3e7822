"""The language switcher on a CMS page leads to that page's translations (R4).

The shell's switcher keeps the path and swaps the prefix; a CMS page's translation may live
under another path, or not exist. This gives the page's template the same links, built from
the page's translations, or the page itself under that language's prefix where it has none.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page

from hedershus.cms.templatetags.cms_tags import page_href_for
from hedershus.portal.languages import LanguageLink, shell_languages


def page_language_links(request: HttpRequest, page: Page) -> list[LanguageLink]:
    """The switcher's links for ``page``: one per configured language."""
    current = translation.get_language()
    translations = {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True).live().public().select_related("locale")
    }
    links = []
    for code in shell_languages():
        # Without a translation, the same page under that language's shell: its notice says
        # the text is not translated yet, in that language (page.html).
        url = page_href_for(request, translations.get(code, page), code)
        info = get_language_info(code)
        links.append(LanguageLink(code, info["name_local"], url, bool(info["bidi"]), code == current))
    return links
