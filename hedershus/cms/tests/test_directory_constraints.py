"""The database keeps one directory entry per page, source and register key."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from hedershus.cms.models import DirectoryEntryKind, DirectoryEntrySource, HelpDirectoryEntry

pytestmark = pytest.mark.django_db


def _entry(page: Any, key: str, source: str = DirectoryEntrySource.PARTNER_REGISTER) -> HelpDirectoryEntry:
    return HelpDirectoryEntry.objects.create(
        page=page, kind=DirectoryEntryKind.NGO, name=f"Förening {key}", source=source, source_key=key
    )


def test_the_database_refuses_a_second_entry_with_the_same_source_key_on_a_page(tree: dict[Any, Any]) -> None:
    page = tree[("help-directory", "sv")]
    _entry(page, "org-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(page, "org-1")
    assert HelpDirectoryEntry.objects.filter(page=page, source_key="org-1").count() == 1


def test_the_same_key_on_another_page_and_editors_entries_without_a_key_are_allowed(
    tree: dict[Any, Any],
) -> None:
    page, other = tree[("help-directory", "sv")], tree[("help-directory", "en")]
    _entry(page, "org-1")
    _entry(other, "org-1")
    _entry(page, "", source=DirectoryEntrySource.EDITOR)
    _entry(page, "", source=DirectoryEntrySource.EDITOR)
    assert HelpDirectoryEntry.objects.filter(source_key="org-1").count() == 2
