"""With REDIS_URL the cache is Redis, shared by every server process: a TOTP code accepted by
one process is refused by another (issue 7, item 4)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

ROOT = Path(__file__).resolve().parents[3]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# One "server process": it checks a code the way the sign-in form does (allauth's TOTP) and
# prints whether it was accepted. No database: the authenticator is built in memory.
VALIDATE = """
import sys, django
django.setup()
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import encrypt
authenticator = Authenticator(user_id=int(sys.argv[1]), type=Authenticator.Type.TOTP,
                              data={"secret": encrypt(sys.argv[2])})
print(TOTP(authenticator).validate_code(sys.argv[3]))
"""


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests may use (REDIS_URL, or the local default); skipped if none answers,
    except in CI."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}: {exc}")
    return url


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hedershus.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            **extra,
        }
    )
    return env


def _in_a_new_process(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", VALIDATE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_redis_url_the_cache_is_redis(tmp_path, redis_url):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=_environment(tmp_path, REDIS_URL=redis_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_a_totp_code_accepted_by_one_process_is_refused_by_another(tmp_path, redis_url):
    if 30 - time.time() % 30 < 12:  # both processes must see the same 30-second code
        time.sleep(30 - time.time() % 30 + 0.5)
    code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    user_id = str(random.randrange(10**9, 10**10))  # no code of an earlier run can collide
    env = _environment(tmp_path, REDIS_URL=redis_url)
    assert _in_a_new_process(env, user_id, SECRET, code) == "True"
    assert _in_a_new_process(env, user_id, SECRET, code) == "False"
