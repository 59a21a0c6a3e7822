"""Fixtures of the partner portal's tests (the consultations' builders)."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.consultations.tests.helpers import unit_make


@pytest.fixture
def unit(partner: Any) -> Any:
    """A shelter whose unit administrator is the shared ``partner``."""
    return unit_make(admins=(partner,), services=["shelter"], name="Jourboendet")
