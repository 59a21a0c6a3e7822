"""The help directory can be fed by the partner register later without touching editors' entries."""

from __future__ import annotations

import pytest

from hedershus.cms.models import HelpDirectoryPage
from hedershus.cms.services import DirectoryEntryData, directory_entries_sync

pytestmark = pytest.mark.django_db


def test_register_entries_are_synchronised_as_a_draft_for_review(tree, editor):
    page = tree[("help-directory", "sv")]
    entries = [
        DirectoryEntryData(source_key="org-1", kind="ngo", name="Förening Ett", area="Huddinge"),
        DirectoryEntryData(
            source_key="org-2", kind="treatment", name="Mottagning Två", phone="070-174 06 20"
        ),
    ]

    draft = directory_entries_sync(page, entries, source="partner_register", user=editor)

    names = [e.name for e in draft.entries.all()]
    assert names == ["Stödlinjen", "Skyddat boende Exempel", "Förening Ett", "Mottagning Två"]
    live = HelpDirectoryPage.objects.get(pk=page.pk)
    assert live.has_unpublished_changes
    assert [e.name for e in live.entries.all()] == ["Stödlinjen", "Skyddat boende Exempel"]  # live: unchanged

    again = directory_entries_sync(
        page,
        [DirectoryEntryData(source_key="org-2", kind="treatment", name="Mottagning 2")],
        source="partner_register",
    )
    assert [e.name for e in again.entries.all()] == ["Stödlinjen", "Skyddat boende Exempel", "Mottagning 2"]


def test_editor_entries_and_bad_kinds_are_refused(tree):
    page = tree[("help-directory", "sv")]
    with pytest.raises(ValueError):
        directory_entries_sync(page, [], source="editor")
    with pytest.raises(ValueError):
        directory_entries_sync(page, [DirectoryEntryData("x", "casino", "X")], source="partner_register")
