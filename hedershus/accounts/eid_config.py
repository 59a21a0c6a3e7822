"""e-ID sign-in through OpenID Connect, configured from the environment (issue 13, item 5; R23).

Read by ``hedershus/settings.py`` at start-up, so this module imports nothing of Django's but
``ImproperlyConfigured`` and nothing of the platform's but ``hedershus.env``. Unset
``EID_OIDC_SERVER_URL`` means e-ID sign-in is off: no provider, no button. Set, the client id
and secret and an identity pepper must be set too; a half configuration stops start-up with a
message naming the missing variable (as the other pairs in settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from hedershus.env import Env

# The provider's id in allauth's URLs (/staff/auth/oidc/<id>/login/) and in SocialAccount rows.
EID_PROVIDER_ID = "eid"

# Sweden Connect's claim for the Swedish personal identity number ("Attribute Specification
# for the Swedish eID Framework", OIDC profile: https://id.oidc.se/claim/personalIdentityNumber).
DEFAULT_IDENTITY_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"

# Assurance levels that count as a second factor (docs/operations.md, "E-ID sign-in"):
# Sweden Connect's LoA 3 and LoA 4 (the Swedish eID framework's "tillitsnivå 3/4": e.g. BankID
# and Freja eID+ at LoA 3), their eIDAS "substantial" and "high" for notified foreign e-IDs.
DEFAULT_HIGH_ASSURANCE_ACR = (
    "http://id.elegnamnden.se/loa/1.0/loa3",
    "http://id.elegnamnden.se/loa/1.0/loa4",
    "http://id.elegnamnden.se/loa/1.0/eidas-sub",
    "http://id.elegnamnden.se/loa/1.0/eidas-high",
    "http://eidas.europa.eu/LoA/substantial",
    "http://eidas.europa.eu/LoA/high",
)

DEFAULT_SCOPES = ("openid", "https://id.oidc.se/scope/naturalPersonNumber")


@dataclass(frozen=True)
class EidConfig:
    """The e-ID provider as configured: ``server_url`` is the issuer (its discovery document
    is ``<server_url>/.well-known/openid-configuration``)."""

    server_url: str
    client_id: str
    client_secret: str
    name: str
    scopes: tuple[str, ...]
    identity_claim: str
    high_assurance_acr: tuple[str, ...]
    request_acr: tuple[str, ...]
    authorize_origin: str = ""


def eid_config_from_env(env: Env) -> EidConfig | None:
    """The e-ID configuration from ``env``, or ``None`` when ``EID_OIDC_SERVER_URL`` is unset.

    Raises ``ImproperlyConfigured`` naming the variable when the server URL is set without a
    client id or secret (or they without it), when it is not http(s), or when a list is empty.
    """
    server_url = env.url("EID_OIDC_SERVER_URL", "", ("http", "https")).rstrip("/")
    client_id = env.string("EID_OIDC_CLIENT_ID", "")
    client_secret = env.string("EID_OIDC_CLIENT_SECRET", "")
    if not server_url:
        for name, value in (("EID_OIDC_CLIENT_ID", client_id), ("EID_OIDC_CLIENT_SECRET", client_secret)):
            if value:
                raise ImproperlyConfigured(
                    f"{name}: set EID_OIDC_SERVER_URL too (the e-ID provider's issuer URL), or unset {name}."
                )
        return None
    for name, value in (("EID_OIDC_CLIENT_ID", client_id), ("EID_OIDC_CLIENT_SECRET", client_secret)):
        if not value:
            raise ImproperlyConfigured(
                f"{name}: EID_OIDC_SERVER_URL is set, so e-ID sign-in needs {name} as well "
                "(from the e-ID provider's registration of this service); see docs/operations.md."
            )
    scopes = tuple(env.strings("EID_OIDC_SCOPES", list(DEFAULT_SCOPES)))
    if "openid" not in scopes:
        raise ImproperlyConfigured("EID_OIDC_SCOPES: must include openid.")
    high = tuple(env.strings("EID_OIDC_HIGH_ASSURANCE_ACR", list(DEFAULT_HIGH_ASSURANCE_ACR)))
    return EidConfig(
        server_url=server_url,
        client_id=client_id,
        client_secret=client_secret,
        name=env.string("EID_OIDC_NAME", "") or "e-legitimation",
        scopes=scopes,
        identity_claim=env.string("EID_OIDC_IDENTITY_CLAIM", "") or DEFAULT_IDENTITY_CLAIM,
        high_assurance_acr=high,
        request_acr=tuple(env.strings("EID_OIDC_REQUEST_ACR", [])),
        authorize_origin=env.url("EID_OIDC_AUTHORIZE_ORIGIN", "", ("http", "https")).rstrip("/"),
    )


def eid_form_action_origin(config: EidConfig) -> str:
    """The provider's origin (``scheme://host[:port]`` of ``server_url``) for CSP's form-action:
    the e-ID button's form is answered with a redirect there. A provider whose authorization
    endpoint lives on another origin than its issuer needs ``EID_OIDC_AUTHORIZE_ORIGIN``."""
    if config.authorize_origin:
        return config.authorize_origin
    scheme, _, rest = config.server_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def socialaccount_providers(config: EidConfig | None) -> dict[str, object]:
    """``SOCIALACCOUNT_PROVIDERS`` for ``config``: allauth's OpenID Connect provider with our
    stricter class (``hedershus.accounts.eid_provider``) and one app from the settings, so no
    database row is needed; no app at all when e-ID is off."""
    apps: list[dict[str, object]] = []
    if config is not None:
        auth_params: dict[str, str] = {"prompt": "login"}
        if config.request_acr:
            auth_params["acr_values"] = " ".join(config.request_acr)
        apps.append(
            {
                "provider_id": EID_PROVIDER_ID,
                "name": config.name,
                "client_id": config.client_id,
                "secret": config.client_secret,
                "settings": {
                    "server_url": config.server_url,
                    "scope": list(config.scopes),
                    "auth_params": auth_params,
                    "oauth_pkce_enabled": True,
                },
            }
        )
    return {
        "openid_connect": {
            "provider_class": "hedershus.accounts.eid_provider.EidProvider",
            "APPS": apps,
        }
    }
