"""A small OpenID Connect provider for tests, standing in for a Swedish e-ID broker (issue 13,
item 5). Never a real provider: it runs in a thread on 127.0.0.1 on a free port and signs in
whoever it is told to, without asking.

It serves the discovery document, its JWKS, an authorization endpoint that approves at once
(redirecting back with a code), a token endpoint (client secret and PKCE S256 checked) that
issues an RS256 id_token carrying the request's nonce, and userinfo. ``identity`` sets the
claims of the next sign-ins (``sub``, the identity number claim, ``acr``); the ``forge_*``
switches make a bad answer for the refusal tests. Used by the Django tests
(``test_eid_sign_in.py``) and the browser tests (``e2e/conftest.py`` starts one with
``python -m hedershus.accounts.tests.oidc_provider``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SWEDEN_CONNECT_PNR = "https://id.oidc.se/claim/personalIdentityNumber"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
CLIENT_ID = "hedershus-test"
CLIENT_SECRET = "test-secret-not-for-production"
KEY_ID = "test-key-1"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    claims: dict[str, Any]


@dataclass
class LocalOIDCProvider:
    """The provider; ``start()`` it, read ``issuer``, ``stop()`` it."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    identity: dict[str, Any] = field(
        default_factory=lambda: {"sub": "test-subject-1", SWEDEN_CONNECT_PNR: "198112189876", "acr": LOA3}
    )
    forge_signature: bool = False
    forge_nonce: bool = False
    forge_issuer: bool = False
    # Claims put in the id_token last, over the ones the provider sets (a second audience, azp).
    overrides: dict[str, Any] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[str] = []

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start() the provider first"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> LocalOIDCProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                provider._handle(self, "GET")

            def do_POST(self) -> None:
                provider._handle(self, "POST")

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- the protocol ---------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": [LOA2, LOA3],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {
            **grant.claims,
            "iss": "http://evil.example" if self.forge_issuer else self.issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
        }
        if grant.nonce is not None:
            claims["nonce"] = "not-the-nonce" if self.forge_nonce else grant.nonce
        claims.update(self.overrides)
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if self.forge_signature
            else self._key
        )
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        self.requests.append(url.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "GET" and url.path == "/.well-known/openid-configuration":
            return _json(handler, self.discovery())
        if method == "GET" and url.path == "/jwks":
            return _json(handler, self.jwks())
        if method == "GET" and url.path == "/authorize":
            return self._authorize(handler, query)
        if method == "POST" and url.path == "/token":
            length = int(handler.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
            return self._token(handler, form)
        if method == "GET" and url.path == "/userinfo":
            token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
            with self._lock:
                claims = self._tokens.get(token)
            if claims is None:
                return _json(handler, {"error": "invalid_token"}, 401)
            return _json(handler, claims)
        return _json(handler, {"error": "not_found"}, 404)

    def _authorize(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return _json(handler, {"error": "invalid_request"}, 400)
        if "openid" not in query.get("scope", "").split():
            return _json(handler, {"error": "invalid_scope"}, 400)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=query["client_id"],
                redirect_uri=query["redirect_uri"],
                nonce=query.get("nonce"),
                code_challenge=query.get("code_challenge"),
                claims=dict(self.identity),
            )
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        handler.send_response(302)
        handler.send_header("Location", f"{query['redirect_uri']}?{urlencode(params)}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _token(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = handler.headers.get("Authorization") or ""
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return _json(handler, {"error": "invalid_client"}, 401)
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return _json(handler, {"error": "invalid_grant"}, 400)
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if digest != grant.code_challenge:
                return _json(handler, {"error": "invalid_grant"}, 400)
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = {k: v for k, v in grant.claims.items() if k != "acr"}
        return _json(
            handler,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
        )


def _json(handler: BaseHTTPRequestHandler, body: dict[str, Any], status: int = 200) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()
    handler.wfile.write(data)


def main() -> None:
    """Runs a provider in the foreground (for e2e/conftest.py): prints its issuer on the first
    line and serves until killed. Arguments: ``[identity_number [acr]]``."""
    provider = LocalOIDCProvider()
    if len(sys.argv) > 1:
        provider.identity[SWEDEN_CONNECT_PNR] = sys.argv[1]
    if len(sys.argv) > 2:
        provider.identity["acr"] = sys.argv[2]
    provider.start()
    print(provider.issuer, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        provider.stop()


if __name__ == "__main__":
    main()
