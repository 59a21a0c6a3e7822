"""The journal's reads: drafts only to their author, corrections with their entry, and the
stale drafts on the start page (``JOURNAL_DRAFT_STALE_DAYS``)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from hedershus.core.exceptions import NotFound
from hedershus.journal import selectors
from hedershus.journal.models import JournalEntry
from hedershus.journal.tests.helpers import case_make, correction_make, draft_make, signed_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    """Staff pages follow the browser's language (Swedish by default): these read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _written_ago(days: float, author, case, text: str = "Utkast.") -> JournalEntry:
    """A draft written ``days`` ago (the database refuses to move ``created_at`` later)."""
    with mock.patch(
        "hedershus.journal.services.timezone.now", return_value=timezone.now() - dt.timedelta(days=days)
    ):
        return draft_make(author, case, text)


def test_signed_entries_carry_their_correction(counsellor):
    case = case_make(counsellor)
    old = signed_make(counsellor, case)
    correction = correction_make(counsellor, case, old)
    draft_make(counsellor, case)
    entries = list(selectors.journal_signed_entries(case))
    assert [e.pk for e in entries] == [correction.pk, old.pk]
    assert [c.pk for c in entries[1].signed_corrections] == [correction.pk]
    assert entries[0].signed_corrections == []


def test_a_draft_correction_does_not_mark_the_entry_corrected(counsellor):
    case = case_make(counsellor)
    from hedershus.journal import services

    old = signed_make(counsellor, case)
    services.entry_draft_create(user=counsellor, case=case, text="utkast", corrects_id=old.pk)
    (entry,) = selectors.journal_signed_entries(case)
    assert entry.signed_corrections == []


def test_drafts_are_their_authors_alone(counsellor, colleague):
    case = case_make(counsellor, colleague)
    mine = draft_make(counsellor, case)
    draft_make(colleague, case)
    assert list(selectors.journal_drafts_of(counsellor, case)) == [mine]
    assert selectors.journal_draft_get_for_user(counsellor, case, mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.journal_draft_get_for_user(colleague, case, mine.pk)


@pytest.mark.parametrize(("days", "stale"), [(2.9, False), (3.1, True)])
def test_a_draft_is_stale_after_the_default_three_days(counsellor, days, stale):
    draft = _written_ago(days, counsellor, case_make(counsellor))
    assert (draft in selectors.journal_stale_drafts(counsellor)) is stale


def test_the_stale_days_come_from_settings(counsellor, settings):
    settings.JOURNAL_DRAFT_STALE_DAYS = 10
    draft = _written_ago(5, counsellor, case_make(counsellor))
    assert not selectors.journal_stale_drafts(counsellor).exists()
    settings.JOURNAL_DRAFT_STALE_DAYS = 4
    assert list(selectors.journal_stale_drafts(counsellor)) == [draft]


def test_signed_entries_and_others_drafts_are_never_stale(counsellor, colleague):
    case = case_make(counsellor, colleague)
    signed = signed_make(counsellor, case)
    _written_ago(30, colleague, case)
    assert not selectors.journal_stale_drafts(counsellor).exists()
    assert signed not in selectors.journal_stale_drafts(counsellor)


def test_the_start_page_lists_my_stale_drafts_without_their_text(signed_in, counsellor, colleague):
    case = case_make(counsellor, colleague)
    stale = _written_ago(5, counsellor, case, "Hemlig text i utkastet")
    fresh = draft_make(counsellor, case)
    theirs = _written_ago(5, colleague, case)
    body = signed_in(counsellor).get(reverse("staff:dashboard")).content.decode()
    assert "Unsigned journal drafts" in body and case.reference in body
    assert reverse("journal:sign", kwargs={"case_id": case.pk, "entry_id": stale.pk}) in body
    assert reverse("journal:sign", kwargs={"case_id": case.pk, "entry_id": fresh.pk}) not in body
    assert reverse("journal:sign", kwargs={"case_id": case.pk, "entry_id": theirs.pk}) not in body
    assert "Hemlig text" not in body


def test_the_start_page_has_no_drafts_section_without_stale_drafts(signed_in, counsellor, editor):
    draft_make(counsellor, case_make(counsellor))
    assert (
        "Unsigned journal drafts"
        not in signed_in(counsellor).get(reverse("staff:dashboard")).content.decode()
    )
    assert "Unsigned journal drafts" not in signed_in(editor).get(reverse("staff:dashboard")).content.decode()
