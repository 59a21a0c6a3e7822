"""Staff pages, and only they, live under the one staff prefix (``core.paths``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hedershus.core.paths import STAFF_PATH_PREFIX, is_staff_path


def test_the_staff_prefix_is_staff():
    assert STAFF_PATH_PREFIX == "/staff/"


@pytest.mark.parametrize("name", ["account_login", "staff:dashboard", "wagtailadmin_home", "audit:search"])
def test_staff_pages_are_under_the_staff_prefix(name):
    assert is_staff_path(reverse(name))


@pytest.mark.parametrize("name", ["portal:home", "portal:search", "portal:safety", "quick_exit", "healthz"])
def test_public_pages_are_not(name):
    assert not is_staff_path(reverse(name))
