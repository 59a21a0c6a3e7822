"""Fixtures of the consultations' tests."""

from __future__ import annotations

from typing import Any

import pytest

from hedershus.consultations.tests.helpers import professional_make, unit_make


@pytest.fixture
def unit(partner: Any) -> Any:
    """A unit whose professional is the shared ``partner``."""
    return unit_make(partner)


@pytest.fixture
def other_partner(db: Any) -> Any:
    """A professional of another unit."""
    user = professional_make("other")
    unit_make(user)
    return user
