"""Links to public pages that respect discreet mode (neutral paths in the browser history)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from hedershus.portal.discreet import is_discreet

register = template.Library()


def page_href_for(request: Any, page: Page) -> str:
    """``/<lang>/p/<id>/`` in discreet mode, otherwise the page's own path."""
    if request is None or is_discreet(request):
        with translation.override(page.locale.language_code):
            return reverse("cms_page", args=[page.pk])
    return page.get_url(request) or ""


@register.simple_tag(takes_context=True)
def page_href(context: template.Context, page: Page) -> str:
    return page_href_for(context.get("request"), page)
