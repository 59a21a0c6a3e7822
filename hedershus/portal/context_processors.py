from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from hedershus.portal.discreet import is_discreet, neutral_title
from hedershus.portal.languages import language_links

SITE_NAME = "Hedershus"


def portal(request: HttpRequest) -> dict[str, Any]:
    """What ``portal/base.html`` needs. Language links are built only if a template uses them."""
    return {
        "discreet": is_discreet(request),
        "neutral_title": neutral_title,
        "language_links": partial(language_links, request),
        "site_name": SITE_NAME,
    }
