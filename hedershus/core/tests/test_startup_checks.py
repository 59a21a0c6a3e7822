"""With DEBUG off the platform refuses to start with demo credentials, a mail backend that
prints or files messages, or no static manifest; and refuses more than one worker without a
shared cache (issue 7, items 4, 8 and 10)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.models import User
from hedershus.accounts.services import users_create_demo

ROOT = Path(__file__).resolve().parents[3]


def _ids(errors):
    return sorted(error.id for error in errors)


def run_startup_checks():
    from hedershus.core.checks import run_startup_checks

    return run_startup_checks()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test process's variables (DEBUG off, test secrets) with a collected STATIC_ROOT."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update({"DEBUG": "false", "STATIC_ROOT": str(tmp_path / "static"), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@pytest.fixture
def collected_static(tmp_path):
    """A STATIC_ROOT with a manifest, so that only the check under test can refuse."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    return static


def test_no_errors_without_demo_data(db):
    assert run_startup_checks() == []


def test_demo_accounts_refuse_start_up_with_debug_off(db):
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    errors = run_startup_checks()
    assert _ids(errors) == ["accounts.E001", "accounts.E002"]
    assert DEMO_ACCOUNTS[0].email in errors[0].msg


def test_the_demo_totp_secret_on_any_account_refuses_start_up(db):
    user = User.objects.create_user(email="renamed@example.org", password="x" * 20, role="administrator")
    TOTP.activate(user, DEMO_TOTP_SECRET)
    errors = run_startup_checks()
    assert _ids(errors) == ["accounts.E002"]
    assert "renamed@example.org" in errors[0].msg


def test_demo_accounts_are_allowed_with_debug_on(db, settings):
    settings.DEBUG = True
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    assert run_startup_checks() == []


@pytest.mark.parametrize(
    "backend",
    ["django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.filebased.EmailBackend"],
)
def test_a_mail_backend_that_prints_or_files_links_refuses_start_up(db, settings, backend):
    settings.EMAIL_BACKEND = backend
    assert _ids(run_startup_checks()) == ["core.E001"]


def test_smtp_is_the_mail_default_with_debug_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={**_environment(tmp_path), "DJANGO_SETTINGS_MODULE": "hedershus.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", result.stderr


def test_a_missing_static_manifest_refuses_start_up(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert _ids(run_startup_checks()) == ["core.E002"]


@pytest.mark.parametrize("entry", ["serve", "asgi", "wsgi"])
def test_serve_and_the_asgi_application_run_the_start_up_checks(tmp_path, collected_static, entry):
    """The same checks as above, run by the processes that serve: here the console mail backend
    (the database has no tables yet, so the demo check finds no accounts)."""
    env = _environment(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    args = [sys.executable, "manage.py", "serve", "--port", str(_free_port())]
    if entry in ("asgi", "wsgi"):  # wsgi: what runserver and any WSGI server load
        args = [sys.executable, "-c", f"import hedershus.{entry}"]
    try:
        result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"{entry} started serving with the console mail backend") from exc
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Start-up refused: core.E001: EMAIL_BACKEND is console: with DEBUG off it would write set-up "
        "and reset links to a log or file. Use SMTP (the default with DEBUG off): set EMAIL_HOST "
        "and its companions."
    ]


def test_serve_refuses_two_workers_without_a_shared_cache(tmp_path):
    env = _environment(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--workers", "2", "--port", str(_free_port())],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("serve started two workers without a shared cache") from exc
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: --workers 2 needs a shared cache: set REDIS_URL (docs/operations.md), "
        "or run one worker."
    ]


def test_an_unreachable_database_refuses_start_up_rather_than_skipping_the_demo_check(tmp_path):
    """Fail closed: a process started before its database is up must not serve unchecked."""
    env = _environment(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    result = subprocess.run(
        [sys.executable, "-c", "import hedershus.asgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert "accounts.E003" in result.stderr
