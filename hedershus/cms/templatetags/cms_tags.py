"""Links to public pages that respect discreet mode (neutral paths in the browser history),
and the language marking of content shown under another language's shell."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.models import Page

from hedershus.portal.discreet import is_discreet

register = template.Library()


def page_href_for(request: Any, page: Page, language: str | None = None) -> str:
    """Where a link to ``page`` goes for a visitor reading in ``language`` (default: the active one).

    ``/<lang>/p/<id>/`` in discreet mode, otherwise the page's own path. A page in another
    language than the visitor's (a missing translation, shown in Swedish) is linked under the
    visitor's prefix, so the shell stays in their language; ``page_by_id`` leads on to the
    page's translation when one appears.
    """
    if page.pk is None:
        return ""  # the editor's preview of a page not saved yet has no address
    language = language or translation.get_language() or page.locale.language_code
    if request is None or is_discreet(request) or page.locale.language_code != language:
        with translation.override(language):
            return reverse("cms_page", args=[page.pk])
    return page.get_url(request) or ""


@register.simple_tag(takes_context=True)
def page_href(context: template.Context, page: Page) -> str:
    """The link to ``page`` for this request (see ``page_href_for``)."""
    return page_href_for(context.get("request"), page)


@register.simple_tag
def content_lang(page: Page, always: bool = False) -> SafeString:
    """`` lang="…" dir="…"`` for an element holding ``page``'s text, when that is not in the
    visitor's language (or ``always``): screen readers then read it with the right voice."""
    code = page.locale.language_code
    if not always and code == translation.get_language():
        return SafeString("")
    direction = "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)
