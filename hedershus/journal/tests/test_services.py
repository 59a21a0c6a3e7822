"""The journal's writes: drafts, signing, corrections, their refusals and audit events."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.journal import services
from hedershus.journal.models import JournalEntry
from hedershus.journal.tests.helpers import case_make, correction_make, draft_make, signed_make

pytestmark = pytest.mark.django_db

SECRET = "Hon berättar att brodern hotat henne."


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


def test_a_draft_is_stored_encrypted_and_audited_without_its_text(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case, SECRET)
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert SECRET not in stored.text_encrypted
    assert stored.text == SECRET
    assert stored.signed_at is None and stored.author_role == "" and stored.author_name == ""
    (event,) = _events("journal.draft_created")
    assert event.actor_id == counsellor.pk and event.object_id == str(entry.pk)
    assert event.data == {"case": case.pk, "corrects": None}
    assert SECRET not in str(event.data)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\u202e\u2066", "\u200b\u200b", "\u200c \u200d\n\u2060\ufeff", "\u200b\u202e\u200b"],
)
def test_an_empty_text_is_refused_and_nothing_is_saved(counsellor, text):
    case = case_make(counsellor)
    with pytest.raises(services.EntryTextInvalid):
        services.entry_draft_create(user=counsellor, case=case, text=text)
    assert not JournalEntry.objects.exists()
    assert not _events("journal.draft_created")


def test_a_text_over_the_limit_is_refused_with_its_length(counsellor):
    case = case_make(counsellor)
    with pytest.raises(services.EntryTextInvalid) as refused:
        services.entry_draft_create(user=counsellor, case=case, text="x" * (services.TEXT_MAX_CHARS + 1))
    assert str(services.TEXT_MAX_CHARS + 1) in str(refused.value)
    assert not JournalEntry.objects.exists()


def test_zero_width_characters_stay_inside_a_visible_text(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case, "\u200bett\u200cord")
    assert JournalEntry.objects.get(pk=entry.pk).text == "\u200bett\u200cord"


def test_text_is_cleaned_of_bidi_controls_and_windows_line_ends(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case, "  rad ett\r\nrad\u202e två  ")
    assert JournalEntry.objects.get(pk=entry.pk).text == "rad ett\nrad två"


def test_the_author_edits_their_draft_and_it_is_audited(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case, "första")
    services.entry_draft_update(user=counsellor, case=case, entry_id=entry.pk, text="andra")
    assert JournalEntry.objects.get(pk=entry.pk).text == "andra"
    assert len(_events("journal.draft_edited")) == 1


def test_an_unchanged_text_records_nothing(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case, "samma")
    services.entry_draft_update(user=counsellor, case=case, entry_id=entry.pk, text="samma")
    assert not _events("journal.draft_edited")


def test_nobody_else_edits_deletes_or_signs_a_draft(counsellor, colleague):
    case = case_make(counsellor, colleague)
    entry = draft_make(counsellor, case, "första")
    with pytest.raises(NotFound):
        services.entry_draft_update(user=colleague, case=case, entry_id=entry.pk, text="ändrat")
    with pytest.raises(NotFound):
        services.entry_draft_delete(user=colleague, case=case, entry_id=entry.pk)
    with pytest.raises(NotFound):
        services.entry_sign(user=colleague, case=case, entry_id=entry.pk)
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert stored.text == "första" and stored.signed_at is None


def test_a_draft_is_not_reached_through_another_case(counsellor):
    case, other = case_make(counsellor), case_make(counsellor)
    entry = draft_make(counsellor, case)
    with pytest.raises(NotFound):
        services.entry_sign(user=counsellor, case=other, entry_id=entry.pk)
    assert JournalEntry.objects.get(pk=entry.pk).signed_at is None


def test_the_author_deletes_their_draft_and_it_is_audited(counsellor):
    case = case_make(counsellor)
    entry = draft_make(counsellor, case)
    services.entry_draft_delete(user=counsellor, case=case, entry_id=entry.pk)
    assert not JournalEntry.objects.exists()
    (event,) = _events("journal.draft_deleted")
    assert event.object_id == str(entry.pk) and event.data == {"case": case.pk}


def test_signing_records_time_role_and_name_once(counsellor):
    counsellor.first_name, counsellor.last_name = "Sara", "Kurator"
    counsellor.save()
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    before = timezone.now()
    entry = services.entry_sign(user=counsellor, case=case, entry_id=draft.pk)
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert stored.signed_at is not None and stored.signed_at >= before
    assert stored.author_role == Role.COUNSELLOR
    assert stored.author_name == "Sara Kurator"
    (event,) = _events("journal.entry_signed")
    assert event.data == {"case": case.pk}


def test_the_role_recorded_is_the_one_at_signing(counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    counsellor.role = Role.SUPERVISOR
    counsellor.save()
    entry = services.entry_sign(user=counsellor, case=case, entry_id=draft.pk)
    assert JournalEntry.objects.get(pk=entry.pk).author_role == Role.SUPERVISOR


def test_a_signed_entry_cannot_be_edited_deleted_or_signed_again(counsellor):
    case = case_make(counsellor)
    entry = signed_make(counsellor, case, "original")
    for attempt in (
        lambda: services.entry_draft_update(user=counsellor, case=case, entry_id=entry.pk, text="nytt"),
        lambda: services.entry_draft_delete(user=counsellor, case=case, entry_id=entry.pk),
        lambda: services.entry_sign(user=counsellor, case=case, entry_id=entry.pk),
    ):
        with pytest.raises(services.EntryNotADraft):
            attempt()
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert stored.text == "original" and stored.signed_at == entry.signed_at


def test_a_correction_is_a_new_signed_entry_and_the_old_one_is_untouched(counsellor, colleague):
    case = case_make(counsellor, colleague)
    old = signed_make(counsellor, case, "fel datum")
    old_row = JournalEntry.objects.filter(pk=old.pk).values().get()
    correction = correction_make(colleague, case, old, "rätt datum")
    assert JournalEntry.objects.filter(pk=old.pk).values().get() == old_row
    assert correction.corrects_id == old.pk and correction.signed_at is not None
    assert correction.author_id == colleague.pk
    (event,) = _events("journal.correction_signed")
    assert event.data == {"case": case.pk, "corrects": old.pk}


def test_a_correction_of_a_correction_works(counsellor):
    case = case_make(counsellor)
    first = signed_make(counsellor, case, "ett")
    second = correction_make(counsellor, case, first, "två")
    third = correction_make(counsellor, case, second, "tre")
    assert third.corrects_id == second.pk and second.corrects_id == first.pk


def test_a_draft_cannot_be_corrected(counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    with pytest.raises(services.CorrectionOfDraft):
        services.entry_draft_create(user=counsellor, case=case, text="rättelse", corrects_id=draft.pk)
    assert JournalEntry.objects.count() == 1


def test_an_entry_of_another_case_cannot_be_corrected_here(counsellor):
    case, other = case_make(counsellor), case_make(counsellor)
    entry = signed_make(counsellor, other)
    with pytest.raises(NotFound):
        services.entry_draft_create(user=counsellor, case=case, text="rättelse", corrects_id=entry.pk)


def test_an_entry_is_corrected_once_and_the_error_names_the_correction(counsellor, colleague):
    case = case_make(counsellor, colleague)
    old = signed_make(counsellor, case)
    mine = services.entry_draft_create(user=counsellor, case=case, text="min", corrects_id=old.pk)
    theirs = services.entry_draft_create(user=colleague, case=case, text="din", corrects_id=old.pk)
    signed = services.entry_sign(user=colleague, case=case, entry_id=theirs.pk)
    with pytest.raises(services.AlreadyCorrected) as refused:
        services.entry_sign(user=counsellor, case=case, entry_id=mine.pk)
    assert refused.value.extra == {"correction_id": signed.pk}
    assert JournalEntry.objects.get(pk=mine.pk).signed_at is None
    with pytest.raises(services.AlreadyCorrected):
        services.entry_draft_create(user=counsellor, case=case, text="igen", corrects_id=old.pk)


def test_every_refusal_is_an_application_error():
    for error in (
        services.EntryTextInvalid,
        services.EntryNotADraft,
        services.CorrectionOfDraft,
        services.AlreadyCorrected,
    ):
        assert issubclass(error, ApplicationError)
        assert 400 <= error.status < 500


@given(st.text(max_size=300))
@hypothesis_settings(max_examples=300, deadline=None)
def test_any_text_is_stored_cleaned_or_refused_with_a_message(text):
    """Whatever is posted, the cleaner returns a storable text or refuses it with an
    ``EntryTextInvalid``: never another error, never an empty or bidi-laden text."""
    try:
        cleaned = services.entry_text_clean(text)
    except services.EntryTextInvalid as refused:
        assert str(refused)
        return
    assert cleaned and cleaned == cleaned.strip() and "\r" not in cleaned
    assert not set(cleaned) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert len(cleaned) <= services.TEXT_MAX_CHARS
    assert services.entry_text_clean(cleaned) == cleaned  # cleaning twice changes nothing


def test_saving_over_a_draft_changed_elsewhere_is_refused(counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case, "första")
    seen = services.draft_version(draft)
    services.entry_draft_update(user=counsellor, case=case, entry_id=draft.pk, text="A", version=seen)
    with pytest.raises(services.DraftChangedMeanwhile):
        services.entry_draft_update(user=counsellor, case=case, entry_id=draft.pk, text="B", version=seen)
    assert JournalEntry.objects.get(pk=draft.pk).text == "A"


def test_signing_a_draft_changed_since_it_was_read_is_refused(counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case, "läst text")
    read = services.draft_version(draft)
    services.entry_draft_update(user=counsellor, case=case, entry_id=draft.pk, text="ändrad i annan flik")
    with pytest.raises(services.DraftChangedMeanwhile):
        services.entry_sign(user=counsellor, case=case, entry_id=draft.pk, version=read)
    assert JournalEntry.objects.get(pk=draft.pk).signed_at is None
    current = services.draft_version(JournalEntry.objects.get(pk=draft.pk))
    assert services.entry_sign(user=counsellor, case=case, entry_id=draft.pk, version=current).signed_at


def test_the_same_form_posted_twice_stores_one_draft(counsellor):
    import uuid

    case = case_make(counsellor)
    form_id = uuid.uuid4()
    first = services.entry_draft_create(user=counsellor, case=case, text="en gång", client_id=form_id)
    again = services.entry_draft_create(user=counsellor, case=case, text="en gång", client_id=form_id)
    assert again.pk == first.pk and JournalEntry.objects.count() == 1
    assert len(_events("journal.draft_created")) == 1
    # Another form of the same author stores its own draft.
    services.entry_draft_create(user=counsellor, case=case, text="en gång", client_id=uuid.uuid4())
    assert JournalEntry.objects.count() == 2


def test_a_form_id_of_another_case_is_refused(counsellor):
    import uuid

    case, other = case_make(counsellor), case_make(counsellor)
    form_id = uuid.uuid4()
    services.entry_draft_create(user=counsellor, case=case, text="här", client_id=form_id)
    with pytest.raises(NotFound):
        services.entry_draft_create(user=counsellor, case=other, text="där", client_id=form_id)
    assert not JournalEntry.objects.filter(case=other).exists()
