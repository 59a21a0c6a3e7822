"""Fixtures of the partner register's tests: the CMS's small page tree (with a Swedish help
directory page) for the directory tests, and pages in English unless a test asks for Swedish
(the staff UI otherwise follows the browser, Swedish by default)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from hedershus.cms.tests.conftest import _tree_ids, tree

__all__ = ["_tree_ids", "english_pages", "tree"]


@pytest.fixture(autouse=True)
def english_pages(client: Any) -> Iterator[None]:
    """English pages and messages, whatever language an earlier test's request left active."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
