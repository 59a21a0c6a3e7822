"""``{% eid_low_assurance_pending as x %}``: whether the second sign-in step follows an e-ID
whose level is not a second factor (mfa/authenticate.html says so).

``{% eid_link_offer %}``: a short section pointing to "Link my e-ID" (``staff:eid_link``),
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


@register.simple_tag(takes_context=True)
def eid_low_assurance_pending(context: Any) -> bool:
    """Whether this session's pending sign-in began with an e-ID whose assurance level does not
    count as the second factor (``eid.LOW_ASSURANCE_PENDING_SESSION_KEY``, set by
    ``eid.EidAwareAuthenticateStage``, cleared at sign-in)."""
    from hedershus.accounts.eid import LOW_ASSURANCE_PENDING_SESSION_KEY

    request = context.get("request")
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(LOW_ASSURANCE_PENDING_SESSION_KEY))
