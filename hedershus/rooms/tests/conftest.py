"""Fixtures for the rooms app's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, Type
from django.utils import translation

from hedershus.rooms import codes


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2id with tiny costs, so that tests do not spend a second per hash on a busy
    machine (as Django's tests use a fast password hasher). Tests that ask for the
    ``real_argon2`` fixture keep the production parameters."""
    if "real_argon2" not in request.fixturenames:
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
        monkeypatch.setattr(codes, "_PASSPHRASE_HASHER", cheap)
    codes._dummy_hash.cache_clear()
    yield
    codes._dummy_hash.cache_clear()


@pytest.fixture
def real_argon2() -> None:
    """Asked for by a test that must run with the production Argon2id parameters."""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Room pages in English (``reverse`` gives /en/ addresses), whose texts the tests read."""
    with translation.override("en"):
        yield
