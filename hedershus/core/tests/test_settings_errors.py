"""A configuration error is one line naming the variable, never a secret (issue 7, item 9)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Pa55-visible-in-logs"
GOOD = {
    "SECRET_KEY": "Zq3v_8KpWm2xT9rLc4NhY7bJd1FsGe6uQa0oVi5wXkR-tPnMy",
    "ENCRYPTION_KEYS": "E28Emn9ZKVp-WirOx3FfzO4YhNsEQSI0n631YNjHVjM=",
    "AUDIT_HMAC_KEYS": "eOThJFmBkAcl_tH70iSCsqANQ_cvrNTNyPXoEeJvV2M=",
    "ROOM_CODE_PEPPERS": "q3Vd0bQ7m2xYk9JfT1cW8sLh4RzNpE6uGa5oXiKvB0M=",
}


def _run(args: list[str], **environ: str) -> subprocess.CompletedProcess[str]:
    """Runs ``args`` in ROOT with only PATH and ``environ`` set (DEBUG off unless given)."""
    return subprocess.run(
        args,
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


BAD_CONFIGURATIONS = [
    pytest.param({**GOOD, "DATABASE_URL": f"mysql://hedershus:{PASSWORD}@db/h"}, "DATABASE_URL", id="scheme"),
    pytest.param(
        {**GOOD, "DATABASE_URL": f"postgres://hedershus:{PASSWORD}@db:port/h"}, "DATABASE_URL", id="port"
    ),
    pytest.param(
        {**GOOD, "DATABASE_URL": f"postgres://hedershus:{PASSWORD}@[db/h"}, "DATABASE_URL", id="bracket"
    ),
    pytest.param({**GOOD, "REDIS_URL": f"redis:{PASSWORD}@cache"}, "REDIS_URL", id="redis"),
    pytest.param({**GOOD, "SECRET_KEY": PASSWORD}, "SECRET_KEY", id="short-secret"),
    pytest.param({**GOOD, "ENCRYPTION_KEYS": PASSWORD}, "ENCRYPTION_KEYS", id="bad-key"),
    pytest.param({**GOOD, "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT", id="integer"),
    pytest.param({**GOOD, "DEBUG": "maybe"}, "DEBUG", id="boolean"),
]


@pytest.mark.parametrize(("environ", "named"), BAD_CONFIGURATIONS)
@pytest.mark.parametrize("entry", ["manage.py", "asgi"])
def test_a_configuration_error_is_one_line_naming_the_variable_without_its_secret(environ, named, entry):
    args = [sys.executable, "manage.py", "check"]
    if entry == "asgi":
        args = [sys.executable, "-c", "import hedershus.asgi"]
    result = _run(args, **environ)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]], result.stderr  # one line: no traceback
    assert lines[0].startswith(f"Configuration error: {named}: ")
    assert PASSWORD not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        "s" * 50,  # long enough, one character
        "ab" * 25,
        "hedershus" * 6,
        "0123456789" * 4,
        # Patterns the character statistics miss (found by a tester): keyboard runs, words.
        "qwertyuiopasdfghjklzxcvbnm1234567890",
        "django-insecure-abcdefghijklmnopqrstuvwxyz0123",
        "correcthorsebatterystaplecorrecthorse",
    ],
)
def test_a_secret_key_without_real_entropy_is_refused(secret_key):
    result = _run([sys.executable, "manage.py", "check"], **{**GOOD, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: SECRET_KEY: too easy to guess")
    assert secret_key not in result.stderr


def test_an_encryption_key_made_by_hand_is_refused():
    by_hand = base64.urlsafe_b64encode(b"my-key-my-key-my-key-my-key-my-k").decode()
    result = _run([sys.executable, "manage.py", "check"], **{**GOOD, "ENCRYPTION_KEYS": by_hand})
    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: ENCRYPTION_KEYS: key 1 is not random")


def test_generated_keys_are_accepted_and_score_high():
    from hedershus.env import estimated_entropy_bits

    for _ in range(20):
        key = _run([sys.executable, "manage.py", "generate_secret_key"]).stdout.strip()
        assert estimated_entropy_bits(key) >= 200
    assert estimated_entropy_bits("s" * 50) == 0


@pytest.mark.parametrize("command", ["generate_encryption_key", "generate_secret_key"])
def test_key_commands_run_with_debug_off_before_any_key_exists(command):
    result = _run([sys.executable, "manage.py", command])  # no SECRET_KEY, no ENCRYPTION_KEYS
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    if command == "generate_encryption_key":
        Fernet(key.encode())  # a valid key
    started = _run(
        [sys.executable, "manage.py", "check"],
        **{**GOOD, ("ENCRYPTION_KEYS" if command == "generate_encryption_key" else "SECRET_KEY"): key},
    )
    assert started.returncode == 0, started.stderr
