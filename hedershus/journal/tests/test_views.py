"""The journal's pages: what each person sees, what each post changes, what is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hedershus.audit.models import AuditEvent
from hedershus.journal import services
from hedershus.journal.models import JournalEntry
from hedershus.journal.tests.helpers import case_make, correction_make, draft_make, signed_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    """Staff pages follow the browser's language (Swedish by default): these read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _url(name: str, case, entry=None) -> str:
    kwargs = {"case_id": case.pk}
    if entry is not None:
        kwargs["entry_id"] = entry.pk
    return reverse(f"journal:{name}", kwargs=kwargs)


def test_the_journal_shows_signed_entries_newest_first_and_only_my_drafts(signed_in, counsellor, colleague):
    case = case_make(counsellor, colleague)
    signed_make(counsellor, case, "Första anteckningen")
    signed_make(colleague, case, "Andra anteckningen")
    draft_make(colleague, case, "Kollegans hemliga utkast")
    mine = draft_make(counsellor, case, "Mitt utkast")
    body = signed_in(counsellor).get(_url("list", case)).content.decode()
    assert body.index("Andra anteckningen") < body.index("Första anteckningen")
    assert "Kollegans hemliga utkast" not in body
    assert "Mitt utkast" not in body  # drafts listed by time and actions, their text on their own pages
    assert _url("sign", case, mine) in body
    assert body.count(_url("edit", case, mine)) == 1


def test_reading_the_journal_is_audited(signed_in, counsellor):
    case = case_make(counsellor)
    signed_in(counsellor).get(_url("list", case))
    event = AuditEvent.objects.get(event_type="journal.viewed")
    assert (event.actor_id, event.object_type, event.object_id) == (counsellor.pk, "cases.case", str(case.pk))
    assert event.data == {"page": 1}


def test_a_colleague_outside_the_case_must_give_a_reason_and_reads_nothing(signed_in, counsellor, colleague):
    case = case_make(counsellor)
    signed_make(counsellor, case, "Skyddad uppgift")
    response = signed_in(colleague).get(_url("list", case))
    # 403 with the message, or the reason form once cases' CaseReasonRequiredMiddleware is on.
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("cases:reason", kwargs={"case_id": case.pk}))
    else:
        assert response.status_code == 403
    assert "Skyddad uppgift" not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="journal.viewed").exists()


def test_the_supervisor_of_the_case_reads_it(signed_in, counsellor, supervisor):
    case = case_make(counsellor, supervisor=supervisor)
    signed_make(counsellor, case, "Anteckning")
    assert "Anteckning" in signed_in(supervisor).get(_url("list", case)).content.decode()


def test_writing_a_draft_leads_to_its_signing_page(signed_in, counsellor):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    response = client.post(_url("new", case), {"text": "Nytt samtal"})
    entry = JournalEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("sign", case, entry)
    assert entry.text == "Nytt samtal" and entry.signed_at is None
    page = client.get(response["Location"]).content.decode()
    assert "Nytt samtal" in page and "can never be changed" in page


def test_an_empty_draft_is_refused_with_an_error_summary_and_nothing_saved(signed_in, counsellor):
    case = case_make(counsellor)
    response = signed_in(counsellor).post(_url("new", case), {"text": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "Write the entry" in body and 'href="#id_text"' in body
    assert not JournalEntry.objects.exists()


def test_a_too_long_text_comes_back_in_the_form(signed_in, counsellor):
    case = case_make(counsellor)
    text = "å" * (services.TEXT_MAX_CHARS + 5)
    response = signed_in(counsellor).post(_url("new", case), {"text": text})
    assert response.status_code == 400
    assert text in response.content.decode()  # nothing the person wrote is lost
    assert not JournalEntry.objects.exists()


def test_signing_by_post_signs_and_a_second_click_says_it_is_signed(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    client = signed_in(counsellor)
    first = client.post(_url("sign", case, draft))
    assert first.status_code == 302 and first["Location"].endswith(f"#entry-{draft.pk}")
    assert JournalEntry.objects.get(pk=draft.pk).signed_at is not None
    second = client.post(_url("sign", case, draft), follow=True)
    assert "already signed" in second.content.decode()
    assert AuditEvent.objects.filter(event_type="journal.entry_signed").count() == 1


def test_opening_the_signing_page_changes_nothing(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    assert signed_in(counsellor).get(_url("sign", case, draft)).status_code == 200
    assert JournalEntry.objects.get(pk=draft.pk).signed_at is None
    assert AuditEvent.objects.filter(event_type="journal.draft_viewed").count() == 1


def test_editing_a_draft_shows_its_text_and_saves_the_new_one(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case, "gammal text")
    client = signed_in(counsellor)
    assert "gammal text" in client.get(_url("edit", case, draft)).content.decode()
    response = client.post(_url("edit", case, draft), {"text": "ny text"})
    assert response.status_code == 302
    assert JournalEntry.objects.get(pk=draft.pk).text == "ny text"


def test_a_signed_entry_has_no_edit_or_delete_page(signed_in, counsellor):
    case = case_make(counsellor)
    entry = signed_make(counsellor, case, "slutlig")
    client = signed_in(counsellor)
    assert client.get(_url("edit", case, entry)).status_code == 404
    assert client.post(_url("edit", case, entry), {"text": "ändrad"}).status_code == 404
    assert client.post(_url("delete", case, entry)).status_code == 404
    assert JournalEntry.objects.get(pk=entry.pk).text == "slutlig"


def test_deleting_a_draft_asks_first(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    client = signed_in(counsellor)
    assert client.get(_url("delete", case, draft)).status_code == 200
    assert JournalEntry.objects.filter(pk=draft.pk).exists()
    assert client.post(_url("delete", case, draft)).status_code == 302
    assert not JournalEntry.objects.filter(pk=draft.pk).exists()


def test_correcting_shows_the_old_text_and_signing_marks_it_corrected(signed_in, counsellor, colleague):
    colleague.first_name, colleague.last_name = "Kim", "Kollega"
    colleague.save()
    case = case_make(counsellor, colleague)
    old = signed_make(counsellor, case, "fel namn på skolan")
    client = signed_in(colleague)
    assert "fel namn på skolan" in client.get(_url("correct", case, old)).content.decode()
    assert AuditEvent.objects.filter(event_type="journal.entry_viewed").count() == 1
    response = client.post(_url("correct", case, old), {"text": "rätt namn på skolan"})
    draft = JournalEntry.objects.get(corrects=old)
    assert response["Location"] == _url("sign", case, draft)
    client.post(_url("sign", case, draft))
    body = client.get(_url("list", case)).content.decode()
    assert "fel namn på skolan" in body and "rätt namn på skolan" in body
    assert "Corrected" in body and "Kim Kollega" in body and f'href="?entry={draft.pk}"' in body
    # The corrected entry offers no second correction; the correction does.
    assert _url("correct", case, old) not in body and _url("correct", case, draft) in body


def test_correcting_an_already_corrected_entry_is_refused_in_the_form(signed_in, counsellor):
    case = case_make(counsellor)
    old = signed_make(counsellor, case)
    correction_make(counsellor, case, old)
    response = signed_in(counsellor).post(_url("correct", case, old), {"text": "igen"})
    assert response.status_code == 409
    assert "already been corrected" in response.content.decode()
    assert JournalEntry.objects.filter(corrects=old).count() == 1


def test_the_correction_form_of_an_already_corrected_entry_is_refused_when_asked_for(signed_in, counsellor):
    case = case_make(counsellor)
    old = signed_make(counsellor, case, "första versionen")
    correction = correction_make(counsellor, case, old)
    client = signed_in(counsellor)
    response = client.get(_url("correct", case, old))
    # No form to write in: to the journal at the correction, with the reason.
    assert response.status_code == 302
    assert response["Location"] == _url("list", case) + f"?entry={correction.pk}"
    page = client.get(response["Location"], follow=True).content.decode()
    assert "already been corrected" in page and 'name="text"' not in page
    assert not AuditEvent.objects.filter(event_type="journal.entry_viewed").exists()


def test_an_unsigned_correction_leaves_the_correction_form_open(signed_in, counsellor, colleague):
    case = case_make(counsellor, colleague)
    old = signed_make(counsellor, case)
    services.entry_draft_create(user=colleague, case=case, text="utkast", corrects_id=old.pk)
    assert signed_in(counsellor).get(_url("correct", case, old)).status_code == 200


def test_a_draft_of_only_zero_width_spaces_is_refused_in_the_form(signed_in, counsellor):
    case = case_make(counsellor)
    response = signed_in(counsellor).post(_url("new", case), {"text": "\u200b\u200b\ufeff"})
    assert response.status_code == 400 and "Write the entry" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_dates_in_the_journal_read_year_month_day(signed_in, counsellor):
    case = case_make(counsellor)
    entry = signed_make(counsellor, case)
    draft_make(counsellor, case)
    body = signed_in(counsellor).get(_url("list", case)).content.decode()
    from django.utils import timezone

    assert timezone.localtime(entry.signed_at).strftime("%Y-%m-%d %H:%M") in body
    assert "a.m." not in body and "p.m." not in body


def test_the_drafts_table_scrolls_in_a_labelled_region(signed_in, counsellor):
    case = case_make(counsellor)
    draft_make(counsellor, case)
    body = signed_in(counsellor).get(_url("list", case)).content.decode()
    assert 'role="region" aria-label="Your drafts, scrolls sideways" tabindex="0"' in body


def test_a_draft_cannot_be_corrected_through_the_page(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case)
    assert signed_in(counsellor).post(_url("correct", case, draft), {"text": "x"}).status_code == 404
    assert JournalEntry.objects.count() == 1


def test_the_journal_pages_are_swedish_for_swedish_staff(signed_in, counsellor):
    case = case_make(counsellor)
    signed_make(counsellor, case)
    client = signed_in(counsellor)
    body = client.get(_url("list", case), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Signerade anteckningar" in body


def test_a_colleague_who_gave_a_reason_reads_the_journal_but_not_the_drafts(signed_in, counsellor, colleague):
    import datetime as dt

    from django.utils import timezone

    from hedershus.cases.models import CaseAccessGrant

    case = case_make(counsellor)
    signed_make(counsellor, case, "Signerad anteckning")
    draft_make(counsellor, case, "Kuratorns utkast")
    now = timezone.now()
    CaseAccessGrant.objects.create(
        case=case, user=colleague, reason="Jour", granted_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    body = signed_in(colleague).get(_url("list", case)).content.decode()
    assert "Signerad anteckning" in body and "Kuratorns utkast" not in body
    assert AuditEvent.objects.filter(event_type="journal.viewed", actor=colleague).count() == 1


def test_the_link_to_a_correction_pages_apart_leads_to_its_page(signed_in, counsellor, monkeypatch):
    from hedershus.journal import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    case = case_make(counsellor)
    old = signed_make(counsellor, case, "gammal")
    signed_make(counsellor, case, "mellan 1")
    signed_make(counsellor, case, "mellan 2")
    correction = correction_make(counsellor, case, old, "rättad")
    client = signed_in(counsellor)
    last_page = client.get(_url("list", case) + "?page=2").content.decode()
    assert "gammal" in last_page and "rättad" not in last_page
    assert f'href="?entry={correction.pk}"' in last_page
    to_correction = client.get(_url("list", case) + f"?entry={correction.pk}")
    assert to_correction["Location"] == _url("list", case) + f"?page=1#entry-{correction.pk}"
    to_old = client.get(_url("list", case) + f"?entry={old.pk}")
    assert to_old["Location"] == _url("list", case) + f"?page=2#entry-{old.pk}"
    # A draft or an unknown id is no destination: the first page shows.
    assert client.get(_url("list", case) + "?entry=999999").status_code == 200


def test_saving_a_stale_edit_page_keeps_both_texts_and_a_second_save_wins(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case, "original")
    client = signed_in(counsellor)
    stale_version = services.draft_version(draft)
    client.post(_url("edit", case, draft), {"text": "från flik A", "version": stale_version})
    response = client.post(_url("edit", case, draft), {"text": "från flik B", "version": stale_version})
    assert response.status_code == 409
    body = response.content.decode()
    assert "från flik A" in body and "från flik B" in body and "another window" in body
    assert JournalEntry.objects.get(pk=draft.pk).text == "från flik A"
    fresh = response.context["form"]["version"].value()
    second = client.post(_url("edit", case, draft), {"text": "från flik B", "version": fresh})
    assert second.status_code == 302
    assert JournalEntry.objects.get(pk=draft.pk).text == "från flik B"


def test_signing_from_a_stale_confirmation_page_shows_the_new_text_instead(signed_in, counsellor):
    case = case_make(counsellor)
    draft = draft_make(counsellor, case, "läst")
    client = signed_in(counsellor)
    page = client.get(_url("sign", case, draft))
    shown = page.context["form"]["version"].value()
    assert f'value="{shown}"' in page.content.decode()
    services.entry_draft_update(user=counsellor, case=case, entry_id=draft.pk, text="ändrad")
    response = client.post(_url("sign", case, draft), {"version": shown}, follow=True)
    assert JournalEntry.objects.get(pk=draft.pk).signed_at is None
    body = response.content.decode()
    assert "another window" in body and "ändrad" in body


def test_a_double_click_on_save_stores_one_draft(signed_in, counsellor):
    case = case_make(counsellor)
    client = signed_in(counsellor)
    form_id = client.get(_url("new", case)).context["form"]["client_id"].value()
    first = client.post(_url("new", case), {"text": "en gång", "client_id": str(form_id)})
    second = client.post(_url("new", case), {"text": "en gång", "client_id": str(form_id)})
    entry = JournalEntry.objects.get()
    assert first["Location"] == second["Location"] == _url("sign", case, entry)
    # Sent again after signing (the back button): to the entry in the journal, nothing new.
    client.post(_url("sign", case, entry))
    third = client.post(_url("new", case), {"text": "en gång", "client_id": str(form_id)})
    assert third["Location"] == _url("list", case) + f"?entry={entry.pk}"
    assert JournalEntry.objects.count() == 1
