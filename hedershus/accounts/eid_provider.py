"""allauth's OpenID Connect provider, made strict for e-ID sign-in (issue 13, item 5; R23).

Put in place of allauth's class by ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]``
(hedershus/accounts/eid_config.py), so allauth's views, URLs and flows are unchanged. What it
adds to allauth 65.21's provider, and why:

* the id_token's signature is always checked against the provider's JWKS (allauth skips the
  check when the token came straight from the token endpoint, which OIDC Core 3.1.3.7 allows;
  a misrouted or intercepted token endpoint would then name anyone), with an allow-list of
  asymmetric algorithms, and ``exp``, ``iat``, ``iss``, ``aud`` and ``sub`` required;
* the discovery document's issuer must be the configured ``EID_OIDC_SERVER_URL``;
* a ``nonce`` is sent with every authentication request and kept in allauth's state; the
  socialaccount adapter refuses an id_token without the same nonce (OIDC Core 3.1.2.1);
* userinfo must name the same ``sub`` as the id_token;
* nothing that names the person is kept: the SocialAccount's ``extra_data`` holds only the
  assurance level, no names or e-mail addresses are taken, and the identity number lives
  only on the in-memory ``SocialLogin`` as an ``eid.EidAssertion``;
* token authentication (allauth's headless API) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from allauth.core.internal.deferred import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hedershus.accounts.eid import assertion_from_claims
from hedershus.env import decode_32_byte_key

# Asymmetric signatures only: "none" and HMAC (keyed with the client secret) are refused.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLOCK_SKEW_SECONDS = 60


class EidTokenInvalid(OAuth2Error):
    """The id_token (or the userinfo that goes with it) failed one of the checks in the
    module docstring: recorded as ``invalid_token`` (``adapter.authentication_error_reason``),
    apart from a refused code exchange."""


def subject_digest(sub: str) -> str:
    """The SocialAccount uid for the provider's ``sub``: HMAC-SHA256 under the first of
    ``EID_IDENTITY_PEPPERS`` of "sub:" + ``sub``, hex (64 characters). A new first pepper makes
    every link new; each is made again from the recorded identity number at its next sign-in."""
    key = decode_32_byte_key(settings.EID_IDENTITY_PEPPERS[0])
    return hmac.new(key, f"sub:{sub}".encode(), hashlib.sha256).hexdigest()


class EidOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OIDC adapter with the checks listed in the module docstring."""

    @property
    def openid_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().openid_config
        expected = str(self.get_provider().app.settings["server_url"]).rstrip("/")
        if str(config.get("issuer", "")).rstrip("/") != expected:
            raise EidTokenInvalid("The provider's discovery document names another issuer.")
        return config

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        """The social login of a verified id_token and its userinfo; OAuth2Error if either fails."""
        id_token_str = kwargs["response"].get("id_token")
        if not id_token_str:
            raise EidTokenInvalid("The provider sent no id_token.")
        id_token = self._decode_id_token(app, id_token_str)
        userinfo: dict[str, Any] = {}
        if self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != id_token.get("sub"):
                raise EidTokenInvalid("userinfo names another subject than the id_token.")
        provider = self.get_provider()
        login: SocialLogin = provider.sociallogin_from_response(
            request, {"id_token": id_token, "userinfo": userinfo}
        )
        return login

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        """The id_token's claims after checking its signature (always), issuer, audience and times."""
        try:
            alg, key = jwtkit.fetch_key(id_token, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk)
            if alg not in ALLOWED_ALGORITHMS:
                raise EidTokenInvalid(f"Signature algorithm {alg!r} is not accepted.")
            data: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=[alg],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_signature": True},
            )
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise EidTokenInvalid("Invalid id_token") from exc
        # OIDC Core 3.1.3.7 (steps 4 and 5): a token for several audiences must name this
        # client as its authorised party, and an authorised party that is not this client is
        # a token issued to someone else.
        audience = data.get("aud")
        azp = data.get("azp")
        if isinstance(audience, list) and len(audience) > 1 and azp is None:
            raise EidTokenInvalid("Invalid id_token: several audiences and no authorised party.")
        if azp is not None and azp != app.client_id:
            raise EidTokenInvalid("Invalid id_token: issued to another client.")
        try:
            jwtkit.verify_jti(data)
        except OAuth2Error as exc:  # a replayed id_token
            raise EidTokenInvalid("Invalid id_token: already used.") from exc
        return data


class EidProvider(OpenIDConnectProvider):
    """The e-ID provider: allauth's OpenID Connect provider with a nonce, strict token checks
    and no personal data kept (module docstring)."""

    oauth2_adapter_class = EidOAuth2Adapter
    supports_token_authentication = False

    @classmethod
    def get_package(cls) -> str:
        """The package whose ``urls`` allauth includes for this provider: allauth's OpenID
        Connect URLs with views that use ``EidOAuth2Adapter`` (``hedershus.accounts.oidc``)."""
        return "hedershus.accounts.oidc"

    def redirect(
        self, request: HttpRequest, process: Any, next_url: str | None = None, data: Any = None, **kwargs: Any
    ) -> HttpResponse:
        """Sends the browser to the provider with a fresh ``nonce``, also kept in allauth's
        state (checked by ``adapter.SocialAccountAdapter.pre_social_login``)."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        response: HttpResponse = super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
        return response

    def verify_token(self, request: HttpRequest, token: Any) -> SocialLogin:
        """Token authentication (an app posting an id_token it got itself) is not offered."""
        raise get_adapter().validation_error("invalid_token")

    def extract_uid(self, data: Any) -> str:
        """The provider's subject (``sub``) as a keyed hash, never as sent: some brokers use the
        personal identity number itself as ``sub``, and allauth keeps the uid in the
        SocialAccount row and the session's sign-in records (docs/threat-model.md, e-ID)."""
        return subject_digest(str(super().extract_uid(data)))

    def extract_common_fields(self, data: Any) -> dict[str, Any]:
        """Nothing: accounts are made by administrators, never from what a provider says."""
        return {}

    def extract_email_addresses(self, data: Any) -> list[Any]:
        """None: an e-ID never adds or proves an e-mail address here."""
        return []

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> SocialLogin:
        """allauth's social login, with the ``eid.EidAssertion`` attached in memory and only
        the assurance level in ``extra_data`` (what the SocialAccount row keeps)."""
        id_token = response.get("id_token") or {}
        userinfo = response.get("userinfo") or {}
        assertion = assertion_from_claims(id_token, userinfo)
        login: SocialLogin = super().sociallogin_from_response(request, response)
        login.account.extra_data = {"acr": assertion.acr}
        login.email_addresses = []
        login.eid_assertion = assertion  # read by eid.assertion_of_sociallogin
        return login
