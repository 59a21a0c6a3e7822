"""Browser tests: the real server as a subprocess, Debian's Chromium driven by Playwright.

Chromium keeps its real back/forward cache and popup blocker: Playwright's defaults that
switch them off are left out. The quick exit leads to a small local https "neutral site"
(self-signed; the browser is told to accept it), so that no test needs the network.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import email
import email.message
import email.policy
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import socketserver
import sqlite3
import ssl
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
HTMLCS = NODE_MODULES / "html_codesniffer" / "build" / "HTMLCS.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright switches these off by default; the tests need the browser as visitors have it.
KEEP_ENABLED = ["--disable-back-forward-cache", "--disable-popup-blocking"]
LAUNCH_OPTIONS: dict[str, Any] = {
    "executable_path": CHROMIUM,
    "args": CHROMIUM_ARGS,
    "ignore_default_args": KEEP_ENABLED,
    "headless": True,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The neutral site the quick exit leads to -----------------------------------------


NEUTRAL_TITLE = "Weather"


@dataclass
class NeutralSite:
    origin: str
    # The same site over plain http: browsers do not cache pages whose certificate failed.
    plain_origin: str
    referers: list[str] = field(default_factory=list)

    @property
    def exit_url(self) -> str:
        return self.origin + "/"

    @property
    def start_url(self) -> str:
        return self.origin + "/start"

    def plain_url(self, path: str) -> str:
        return self.plain_origin + path


class _NeutralHandler(BaseHTTPRequestHandler):
    """An everyday site that, unlike ours, leaves traces: a lasting cookie, cached pages and a
    form the browser may remember. The profile test uses them to prove its checks can fail."""

    referers: list[str]

    def do_GET(self) -> None:
        referer = self.headers.get("Referer")
        if referer:
            self.referers.append(referer)
        form = '<form action="/done"><label>City <input name="city"></label><button>Send</button></form>'
        body = (
            f"<!DOCTYPE html><html lang='en'><title>{NEUTRAL_TITLE}</title><h1>Weather today</h1>"
            f"{form if self.path == '/form' else ''}</html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.send_header("Set-Cookie", "neutral=1; Max-Age=3600; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="session")
def neutral_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NeutralSite]:
    cert, key = _self_signed_certificate(tmp_path_factory.mktemp("neutral"))
    referers: list[str] = []
    handler = type("NeutralHandler", (_NeutralHandler,), {"referers": referers})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    plain = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for instance in (httpd, plain):
        threading.Thread(target=instance.serve_forever, daemon=True).start()
    yield NeutralSite(
        origin=f"https://localhost:{httpd.server_address[1]}",
        plain_origin=f"http://localhost:{plain.server_address[1]}",
        referers=referers,
    )
    for instance in (httpd, plain):
        instance.shutdown()
        instance.server_close()


# --- A mailbox: the server's mail goes to a small local SMTP server ----------------------------


class Mailbox:
    """Every message the server sent, parsed; ``wait_for`` returns the first to an address."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._arrived = threading.Condition()

    def add(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()

    def wait_for(self, to: str, timeout: float = 30) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self.messages:
                    if to.lower() in str(message["To"]).lower():
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"No mail to {to} within {timeout} s")
                self._arrived.wait(remaining)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's SMTP backend: no TLS, no authentication."""

    mailbox: Mailbox

    def handle(self) -> None:
        self.wfile.write(b"220 localhost test mailbox\r\n")
        lines: list[bytes] = []
        in_data = False
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    self.mailbox.add(b"".join(lines))
                    lines = []
                    self.wfile.write(b"250 OK\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 Bye\r\n")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture(scope="session")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    handler = type("SMTPHandler", (_SMTPHandler,), {"mailbox": box})
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    smtp.daemon_threads = True
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    yield box, int(smtp.server_address[1])
    smtp.shutdown()
    smtp.server_close()


# --- The platform under test -------------------------------------------------------------


@dataclass
class Server:
    origin: str
    host: str
    log_path: Path
    process: subprocess.Popen[bytes]
    exit_url: str
    extra: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.origin + path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def manage(self, *args: str) -> str:
        """Runs a management command against the server's database; returns what it printed."""
        return _manage(list(args), self.extra["env"])


def _manage(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# The database every server starts from: migrated, with the demo content, built once and copied.
# Migrating (about 270 migrations) took 36 s per xdist worker on a quiet machine and over 300 s
# under load; a copy takes milliseconds. A build is kept under a key of everything that shapes
# the database (below), so a re-run with unchanged code reuses it too.
DATABASE_STEPS = (["migrate", "--noinput", "-v", "0"], ["demo_content"])
SECRET_NAMES = ("SECRET_KEY", "ENCRYPTION_KEYS", "AUDIT_HMAC_KEYS", "ROOM_CODE_PEPPERS")
# Settings that differ per worker or are secret: not part of the key (the secrets are stored
# with the build, since the demo content's audit events are chained with its audit key).
UNKEYED_SETTINGS = {
    *SECRET_NAMES,
    "DATABASE_URL",
    "STATIC_ROOT",
    "EMAIL_PORT",
    "WAGTAILADMIN_BASE_URL",
    "EID_IDENTITY_PEPPERS",
}
DATABASE_CACHE = Path(os.environ.get("E2E_DATABASE_CACHE", str(ROOT / "var" / "e2e-database-cache")))
DATABASE_CACHE_DAYS = 7  # builds not used for this long are removed


def _settings_read() -> list[str]:
    """The environment variables settings.py reads (``env.string("NAME"``, ``env.url(...``)."""
    settings = (ROOT / "hedershus" / "settings.py").read_text()
    return sorted(set(re.findall(r"env\.\w+\(\s*\"([A-Z0-9_]+)\"", settings)))


def _database_key(env: dict[str, str]) -> str:
    """A hex digest of what the built database depends on: every migration file (the project's
    and the installed packages'), the project's code and translation catalogues (the demo loader,
    the models, the languages offered), the demo pages, the installed packages' versions, the
    Python version, the build steps and the settings from the environment that are not secret."""
    digest = hashlib.sha256()
    site_packages = Path(sysconfig.get_paths()["purelib"])
    project = [
        path
        for path in (ROOT / "hedershus").rglob("*")
        if path.is_file()
        and "tests" not in path.parts
        and "__pycache__" not in path.parts
        and (path.suffix in (".py", ".mo") or "demo_content" in path.parts)
    ]
    migrations = [
        Path(folder) / name
        for folder, _dirs, files in os.walk(site_packages)
        if os.path.basename(folder) == "migrations"
        for name in files
        if name.endswith(".py")
    ]
    for path in sorted(project) + sorted(migrations):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = sorted(path.name for path in site_packages.glob("*.dist-info"))  # name-version.dist-info
    keyed = {name: env.get(name) for name in _settings_read() if name not in UNKEYED_SETTINGS}
    digest.update(json.dumps([sys.version, versions, DATABASE_STEPS, keyed]).encode())
    return digest.hexdigest()[:32]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock on ``path`` (created), released on exit, also when the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _new_secrets() -> dict[str, str]:
    def key() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": key(),
        "AUDIT_HMAC_KEYS": key(),
        "ROOM_CODE_PEPPERS": key(),
    }


def _build_database(directory: Path, env: dict[str, str]) -> None:
    """Migrates a new database in ``directory`` and loads the demo content; writes db.sqlite3
    (one file: the WAL is folded in) and secrets.json (the keys it was built with)."""
    directory.mkdir(parents=True)
    keys = _new_secrets()
    database = directory / "db.sqlite3"
    build_env = {**env, **keys, "DATABASE_URL": f"sqlite:///{database}"}
    for step in DATABASE_STEPS:
        _manage(step, build_env)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # so that copying the one file is enough
    (directory / "secrets.json").write_text(json.dumps(keys))


def _prune_database_cache(cache: Path, keep: str) -> None:
    """Removes builds not used for DATABASE_CACHE_DAYS (skipping any another run holds)."""
    cutoff = time.time() - DATABASE_CACHE_DAYS * 86400
    for entry in cache.iterdir():
        if entry.is_dir() and entry.name != keep and entry.stat().st_mtime < cutoff:
            lock = cache / f"{entry.name}.lock"
            with lock.open("a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                shutil.rmtree(entry, ignore_errors=True)
            lock.unlink(missing_ok=True)


def _database_copy(target: Path, env: dict[str, str], cache: Path) -> dict[str, str]:
    """Copies the built database for ``env`` to ``target`` (building it first if no run has);
    returns the secrets the server must use with it. Safe with several workers and runs at once:
    one builds under an exclusive lock into a temporary folder renamed into place when complete,
    the others wait and copy."""
    key = _database_key(env)
    built = cache / key
    with _locked(cache / f"{key}.lock"):
        if not (built / "secrets.json").exists():
            partial = cache / f"{key}.partial-{os.getpid()}"
            shutil.rmtree(partial, ignore_errors=True)
            try:
                _build_database(partial, env)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            shutil.rmtree(built, ignore_errors=True)  # an incomplete one, left by hand
            partial.rename(built)
            _prune_database_cache(cache, keep=key)
        os.utime(built)  # used now: not pruned
        shutil.copy(built / "db.sqlite3", target)
        return dict(json.loads((built / "secrets.json").read_text()))


def _static_files(shared: Path, env: dict[str, str]) -> Path:
    """``collectstatic`` once per test session (the files change as people edit them), into a
    folder every worker's server reads."""
    static = shared / "e2e-static"
    with _locked(shared / "e2e-static.lock"):
        if not (static / "staticfiles.json").exists():
            _manage(["collectstatic", "--noinput", "-v", "0"], {**env, "STATIC_ROOT": str(static)})
    return static


@pytest.fixture(scope="session")
def eid_provider() -> Iterator[Any]:
    """A local OpenID Connect provider standing in for an e-ID broker (issue 13, item 5); the
    server is configured with it (EID_OIDC_*), so the sign-in page shows the e-ID button."""
    from hedershus.accounts.tests.oidc_provider import LocalOIDCProvider

    provider = LocalOIDCProvider().start()
    yield provider
    provider.stop()


# A pepper for e-ID identity numbers (random-looking, as DEBUG off requires); for tests only.
E2E_EID_PEPPER = "Vq9mX2cT7rLw4bNz8KfJ1dYh6sGe3uPa0oRiQnMvB5k="


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    neutral_site: NeutralSite,
    mailbox: tuple[Mailbox, int],
    eid_provider: Any,
) -> Iterator[Server]:
    """``manage.py serve`` on a free port, production-like (DEBUG off), on a copy of the migrated
    database with the demo content (built once, see ``_database_copy``)."""
    workdir = tmp_path_factory.mktemp("server")
    # Under xdist every worker has its own base folder; their parent is the session's.
    session = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session = session.parent
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        {
            "DEBUG": "false",
            "SECURE_COOKIES": "false",  # the test server speaks plain http
            "HSTS_SECONDS": "0",
            # A name too: WebAuthn refuses an IP address as relying party (test_passkeys.py).
            # Not "localhost", which is the neutral site's (the quick exit must lead elsewhere).
            "ALLOWED_HOSTS": "127.0.0.1,staff.localhost",
            "TASK_BACKEND": "immediate",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # Set-up and reset links go by SMTP to the test's mailbox, as in production.
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mailbox[1]),
            # Links in e-mails (printed to the log) name no address: the log must hold none.
            "WAGTAILADMIN_BASE_URL": f"http://localhost:{port}",
            # e-ID sign-in through the local provider (e2e/test_eid_signin.py).
            "EID_OIDC_SERVER_URL": eid_provider.issuer,
            "EID_OIDC_CLIENT_ID": eid_provider.client_id,
            "EID_OIDC_CLIENT_SECRET": eid_provider.client_secret,
            "EID_OIDC_NAME": "Test-e-legitimation",
            "EID_IDENTITY_PEPPERS": E2E_EID_PEPPER,
        }
    )
    cache = DATABASE_CACHE if os.environ.get("E2E_DATABASE_CACHE") != "off" else session / "e2e-database"
    database = workdir / "db.sqlite3"
    env.update(_database_copy(database, env, cache))
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["STATIC_ROOT"] = str(_static_files(session, env))
    _manage(["quick_exit_url", neutral_site.exit_url], env)  # the neutral site's port is this worker's
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(origin + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The server did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.2)
    yield Server(
        origin,
        f"127.0.0.1:{port}",
        log_path,
        process,
        neutral_site.exit_url,
        extra={"env": env, "mailbox": mailbox[0], "eid_provider": eid_provider},
    )
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    missing = [str(p) for p in (Path(CHROMIUM), AXE, HTMLCS) if not p.exists()]
    if missing:
        message = f"Browser tests need {', '.join(missing)}: apt-get install chromium && npm ci"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    instance = playwright_driver.chromium.launch(**LAUNCH_OPTIONS)
    yield instance
    instance.close()


class RequestLog:
    """Every request a page makes, to prove nothing goes to another host."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def record(self, request: Any) -> None:
        self.requests.append(request)

    def foreign(self, server: Server, neutral_site: NeutralSite) -> list[str]:
        """Requests to any host but the site's own, except the test's own visits to the neutral site."""
        found = []
        for request in self.requests:
            url = request.url
            if url.startswith(server.origin + "/") or url.startswith("data:"):
                continue
            if url.startswith(neutral_site.origin + "/") and request.is_navigation_request():
                continue
            eid = server.extra.get("eid_provider")
            if eid is not None and url.startswith(eid.issuer + "/") and request.is_navigation_request():
                continue  # the e-ID sign-in's visit to the local provider
            found.append(url)
        return found


@pytest.fixture
def context_factory(browser: Any, server: Server, neutral_site: NeutralSite) -> Iterator[Any]:
    """New browser contexts whose every request is checked at the end of the test."""
    contexts = []
    log = RequestLog()

    def make(**options: Any) -> Any:
        context = browser.new_context(ignore_https_errors=True, **options)
        context.on("request", log.record)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert log.foreign(server, neutral_site) == []
    assert not [r.url for r in log.requests if r.url.endswith("/favicon.ico")]


@pytest.fixture
def page(context_factory: Any) -> Any:
    return context_factory().new_page()
