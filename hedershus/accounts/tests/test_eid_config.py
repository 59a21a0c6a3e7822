"""e-ID configuration from the environment (issue 13, item 5): off unless the issuer is set,
a half configuration refuses to start, and the provider settings allauth gets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hedershus.accounts.eid_config import (
    DEFAULT_HIGH_ASSURANCE_ACR,
    DEFAULT_IDENTITY_CLAIM,
    eid_config_from_env,
    eid_form_action_origin,
    socialaccount_providers,
)
from hedershus.env import Env

ROOT = Path(__file__).resolve().parents[3]
FULL = {
    "EID_OIDC_SERVER_URL": "https://eid.example.org/oidc/",
    "EID_OIDC_CLIENT_ID": "hedershus",
    "EID_OIDC_CLIENT_SECRET": "s3cret",
}


def test_e_id_is_off_without_a_server_url():
    assert eid_config_from_env(Env({})) is None
    providers = socialaccount_providers(None)
    assert providers["openid_connect"]["APPS"] == []


def test_the_defaults_are_sweden_connects():
    config = eid_config_from_env(Env(FULL))
    assert config is not None
    assert config.server_url == "https://eid.example.org/oidc"
    assert (
        config.identity_claim == DEFAULT_IDENTITY_CLAIM == "https://id.oidc.se/claim/personalIdentityNumber"
    )
    assert "http://id.elegnamnden.se/loa/1.0/loa3" in config.high_assurance_acr
    assert "http://id.elegnamnden.se/loa/1.0/loa2" not in DEFAULT_HIGH_ASSURANCE_ACR
    assert config.name == "e-legitimation"
    assert config.request_acr == ()
    assert eid_form_action_origin(config) == "https://eid.example.org"


def test_every_variable_is_read():
    config = eid_config_from_env(
        Env(
            {
                **FULL,
                "EID_OIDC_NAME": "Freja eID",
                "EID_OIDC_SCOPES": "openid, profile",
                "EID_OIDC_IDENTITY_CLAIM": "https://frejaeid.com/oidc/claims/personalIdentityNumber",
                "EID_OIDC_HIGH_ASSURANCE_ACR": "urn:high",
                "EID_OIDC_REQUEST_ACR": "urn:high",
                "EID_OIDC_AUTHORIZE_ORIGIN": "https://login.example.org",
            }
        )
    )
    assert config is not None
    assert config.name == "Freja eID"
    assert config.scopes == ("openid", "profile")
    assert config.high_assurance_acr == ("urn:high",)
    assert eid_form_action_origin(config) == "https://login.example.org"
    app = socialaccount_providers(config)["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "eid"
    assert app["settings"]["auth_params"] == {"prompt": "login", "acr_values": "urn:high"}
    assert app["settings"]["oauth_pkce_enabled"] is True


@pytest.mark.parametrize("missing", ["EID_OIDC_CLIENT_ID", "EID_OIDC_CLIENT_SECRET"])
def test_a_server_url_without_its_client_refuses_to_start(missing):
    environ = {name: value for name, value in FULL.items() if name != missing}
    with pytest.raises(ImproperlyConfigured, match=missing):
        eid_config_from_env(Env(environ))


def test_a_client_without_a_server_url_refuses_to_start():
    with pytest.raises(ImproperlyConfigured, match="EID_OIDC_SERVER_URL"):
        eid_config_from_env(Env({"EID_OIDC_CLIENT_ID": "x"}))


def test_scopes_without_openid_are_refused():
    with pytest.raises(ImproperlyConfigured, match="EID_OIDC_SCOPES"):
        eid_config_from_env(Env({**FULL, "EID_OIDC_SCOPES": "profile"}))


def test_a_server_url_that_is_not_http_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EID_OIDC_SERVER_URL"):
        eid_config_from_env(Env({**FULL, "EID_OIDC_SERVER_URL": "ftp://eid.example.org"}))


def _start(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ENCRYPTION_KEYS": os.environ["ENCRYPTION_KEYS"],
        "AUDIT_HMAC_KEYS": os.environ["AUDIT_HMAC_KEYS"],
        "ROOM_CODE_PEPPERS": os.environ["ROOM_CODE_PEPPERS"],
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-c", "import hedershus.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_with_e_id_needs_a_real_identity_pepper():
    refused = _start(**FULL)
    assert refused.returncode != 0
    assert "EID_IDENTITY_PEPPERS" in refused.stderr
    assert _start(**FULL, EID_IDENTITY_PEPPERS="Vq9mX2cT7rLw4bNz8KfJ1dYh6sGe3uPa0oRiQnMvB5k=").returncode == 0


def test_half_configured_e_id_stops_start_up_naming_the_variable():
    refused = _start(EID_OIDC_SERVER_URL="https://eid.example.org")
    assert refused.returncode != 0
    assert "EID_OIDC_CLIENT_ID" in refused.stderr
