"""The assessments tests read messages in English (the default language is Swedish; the
Swedish pages have their own test in test_views.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield
