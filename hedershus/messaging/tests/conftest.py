"""Fixtures for every messaging test."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.messaging import consumers


@pytest.fixture(autouse=True)
def _room_db_connections_closed_after_each_call(monkeypatch: Any) -> None:
    """The room sockets' database threads close their connection after each call in tests
    (consumers.KEEP_CONNECTIONS): a kept one would stop the test database being dropped."""
    monkeypatch.setattr(consumers, "KEEP_CONNECTIONS", False)
