"""``{% eid_link_offer %}``: a short section pointing to "Link my e-ID" (``staff:eid_link``),
shown only while e-ID sign-in is configured; used on the two-factor page (mfa/index.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/eid_link_offer.html")
def eid_link_offer() -> dict[str, Any]:
    """The context of the offer: whether e-ID sign-in is configured (``EID_OIDC_ENABLED``)."""
    return {"eid_enabled": bool(settings.EID_OIDC_ENABLED)}
