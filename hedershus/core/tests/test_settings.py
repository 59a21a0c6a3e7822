"""Start-up refuses bad or unsafe configuration with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hedershus.env import Env

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "E28Emn9ZKVp-WirOx3FfzO4YhNsEQSI0n631YNjHVjM="
GOOD_SECRET = "Zq3v_8KpWm2xT9rLc4NhY7bJd1FsGe6uQa0oVi5wXkR-tPnMy"
GOOD_AUDIT_KEY = "PMS_36rAxKDFDmvC0kVQ6FKKmx-RKvPm3dPLgr0vlaQ="
GOOD_ROOM_PEPPER = "q3Vd0bQ7m2xYk9JfT1cW8sLh4RzNpE6uGa5oXiKvB0M="


def _start(**environ: str) -> subprocess.CompletedProcess[str]:
    """Imports the settings in a fresh interpreter with only the given variables set."""
    # The audit key and room pepper are given unless a test names them: their own checks are in
    # audit/tests/test_keys.py and rooms/tests/test_settings.py.
    env = {
        "PATH": os.environ["PATH"],
        "AUDIT_HMAC_KEYS": GOOD_AUDIT_KEY,
        "ROOM_CODE_PEPPERS": GOOD_ROOM_PEPPER,
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


def test_production_settings_start_with_real_secrets():
    assert _start(SECRET_KEY=GOOD_SECRET, ENCRYPTION_KEYS=GOOD_KEY).returncode == 0


def test_debug_is_off_unless_asked_for(monkeypatch):
    result = subprocess.run(
        [sys.executable, "-c", "import hedershus.settings as s; print(s.DEBUG)"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": GOOD_SECRET,
            "ENCRYPTION_KEYS": GOOD_KEY,
            "AUDIT_HMAC_KEYS": GOOD_AUDIT_KEY,
            "ROOM_CODE_PEPPERS": GOOD_ROOM_PEPPER,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"ENCRYPTION_KEYS": GOOD_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_SECRET}, "ENCRYPTION_KEYS"),
        ({"SECRET_KEY": "short", "ENCRYPTION_KEYS": GOOD_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": "not-a-key"}, "ENCRYPTION_KEYS"),
        ({"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG"),
        (
            {"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "SESSION_IDLE_MINUTES": "0"},
            "SESSION_IDLE_MINUTES",
        ),
        (
            {"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "LOCKOUT_ATTEMPTS": "five"},
            "LOCKOUT_ATTEMPTS",
        ),
        (
            {"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "DATABASE_URL": "mysql://x"},
            "DATABASE_URL",
        ),
        (
            {"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "REDIS_URL": "localhost:6379"},
            "REDIS_URL",
        ),
        ({"SECRET_KEY": GOOD_SECRET, "ENCRYPTION_KEYS": GOOD_KEY, "TASK_BACKEND": "celery"}, "TASK_BACKEND"),
    ],
)
def test_bad_or_unsafe_configuration_stops_start_up_naming_the_variable(environ, named):
    result = _start(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{named}:" in result.stderr.splitlines()[-1]


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n")
    keys_file = tmp_path / "keys"
    keys_file.write_text(GOOD_KEY)
    result = _start(SECRET_KEY_FILE=str(secret_file), ENCRYPTION_KEYS_FILE=str(keys_file))
    assert result.returncode == 0, result.stderr


def test_env_reader_rejects_both_value_and_file(tmp_path):
    env = Env({"SECRET_KEY": "a", "SECRET_KEY_FILE": str(tmp_path / "x")})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.string("SECRET_KEY")


def test_env_reader_reports_an_unreadable_file(tmp_path):
    env = Env({"SECRET_KEY_FILE": str(tmp_path / "missing")})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        env.string("SECRET_KEY")


@pytest.mark.parametrize(("raw", "parsed"), [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_env_reader_parses_booleans_strictly(raw, parsed):
    assert Env({"X": raw}).boolean("X") is parsed
