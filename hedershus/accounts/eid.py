"""e-ID sign-in: what an e-ID provider asserted, the keyed hash of an identity number, and
the second-factor rule (issue 13, item 5; R23). No database writes here (``services`` does
those); ``eid_provider`` builds an ``EidAssertion`` from a verified id_token.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from allauth.mfa.stages import AuthenticateStage
from django.conf import settings
from django.http import HttpRequest

from hedershus.env import decode_32_byte_key

# The request attribute (never the session) on which the e-ID step hands its assertion to the
# sign-in that follows in the same request (``AccountAdapter.login``).
REQUEST_ATTRIBUTE = "hedershus_eid_assertion"

# Set while a sign-in that began with a low-assurance e-ID waits for the second factor, so the
# code page can say why a code is still needed; a flag only, removed at sign-in.
LOW_ASSURANCE_PENDING_SESSION_KEY = "hedershus_eid_low_assurance_pending"


@dataclass(frozen=True)
class EidAssertion:
    """What the provider asserted about the person: ``identity_number`` the twelve-digit
    personal identity or coordination number (``None`` if the claim was missing or not a
    valid number), ``acr`` the assurance level of the id_token ("" if none), ``nonce`` the
    id_token's nonce. Kept in memory only: never stored, logged or put in a session."""

    identity_number: str | None
    acr: str
    nonce: str | None

    @property
    def high_assurance(self) -> bool:
        """Whether the assurance level counts as a second factor (``EID_OIDC_HIGH_ASSURANCE_ACR``)."""
        return bool(self.acr) and self.acr in settings.EID_OIDC_HIGH_ASSURANCE_ACR

    def __repr__(self) -> str:  # never print the number
        return (
            f"EidAssertion(acr={self.acr!r}, identity_number={'set' if self.identity_number else 'missing'})"
        )


def identity_number_digests(number: str) -> list[str]:
    """The keyed hashes of a normalised twelve-digit ``number``: HMAC-SHA256 under each of
    ``EID_IDENTITY_PEPPERS`` (hex), the first for storing, all for looking up, so a pepper is
    rotated by putting a new one first and re-recording numbers (docs/operations.md). The
    database never holds the number itself (R22)."""
    return [
        hmac.new(decode_32_byte_key(pepper), number.encode("ascii"), hashlib.sha256).hexdigest()
        for pepper in settings.EID_IDENTITY_PEPPERS
    ]


def identity_number_digest(number: str) -> str:
    """The keyed hash to store for ``number`` (see ``identity_number_digests``)."""
    return identity_number_digests(number)[0]


def assertion_from_claims(id_token: dict[str, Any], userinfo: dict[str, Any]) -> EidAssertion:
    """The assertion in a verified ``id_token`` and the ``userinfo`` fetched with its access
    token: the identity claim (``EID_OIDC_IDENTITY_CLAIM``) from either, the id_token's first,
    normalised (``core.identity_numbers``); ``acr`` and ``nonce`` from the id_token only, since
    only it is signed."""
    from hedershus.core.identity_numbers import identity_number_normalise

    claim = settings.EID_OIDC_IDENTITY_CLAIM
    raw = id_token.get(claim) or userinfo.get(claim)
    number = identity_number_normalise(raw) if isinstance(raw, str) else None
    # A twelve-digit number only: a ten-digit one would need the century guessed.
    if number is not None and (not isinstance(raw, str) or len(raw.strip().replace("-", "")) != 12):
        number = None
    acr = id_token.get("acr")
    nonce = id_token.get("nonce")
    return EidAssertion(
        identity_number=number,
        acr=acr if isinstance(acr, str) else "",
        nonce=nonce if isinstance(nonce, str) else None,
    )


def assertion_of_sociallogin(sociallogin: Any) -> EidAssertion | None:
    """The assertion ``eid_provider.EidProvider`` attached to ``sociallogin``; ``None`` for a
    social login restored from the session (which never carries it) or from another provider."""
    assertion = getattr(sociallogin, "eid_assertion", None)
    return assertion if isinstance(assertion, EidAssertion) else None


class EidAwareAuthenticateStage(AuthenticateStage):
    """allauth's second-factor step, skipped for a sign-in through an e-ID whose provider
    asserted a high assurance level in this very request: the e-ID was both factors (issue 13,
    item 5). Any other sign-in (password, passkey, a lower-assurance e-ID, or an e-ID sign-in
    restored from the session) gets allauth's step unchanged."""

    def _should_handle(self, request: HttpRequest) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        assertion = assertion_of_sociallogin(sociallogin)
        social_user = getattr(sociallogin, "user", None)
        if (
            assertion is not None
            and assertion.high_assurance
            and self.login.user is not None
            and social_user is not None
            and social_user.pk == self.login.user.pk
        ):
            return False
        should = bool(super()._should_handle(request))
        if should and assertion is not None:
            request.session[LOW_ASSURANCE_PENDING_SESSION_KEY] = True
        else:
            request.session.pop(LOW_ASSURANCE_PENDING_SESSION_KEY, None)
        return should
