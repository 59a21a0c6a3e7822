"""The room's pages: the code shown once and never in an address, autocomplete off, no-store,
the idle rule, quick exit, limits answered plainly, bad input changing nothing (issue 9)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Page

from hedershus.core.consumers import ROOM_ACTIVE_AT_KEY, ROOM_SESSION_KEY
from hedershus.rooms import codes, services
from hedershus.rooms.models import Note, Room, SavedPage
from hedershus.rooms.tests.helpers import codes_shown, open_room_in

pytestmark = pytest.mark.django_db

PASSPHRASE = "correct horse"
BOTH = {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE}


def _codes_in(response: Any) -> list[str]:
    return codes_shown(response)


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    moved = time.time() + seconds
    monkeypatch.setattr("hedershus.core.consumers._room_clock", lambda: moved)


def _input_tags(html: str) -> list[str]:
    return re.findall(r"<(?:input|textarea)\b[^>]*>", html)


def _kept_out_of_the_browsers_memory(tag: str) -> bool:
    """A text field has autocomplete off; a password field "one-time-code", the one value that
    keeps Chromium's password manager from recording the form (it ignores "off" there)."""
    if 'type="password"' in tag:
        return 'autocomplete="one-time-code"' in tag
    return 'autocomplete="off"' in tag


# --- open ---------------------------------------------------------------------------------


def test_the_open_page_says_what_the_centre_does_and_asks_for_nothing_personal(client):
    response = client.get(reverse("rooms:open"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "What we do with what you write" in html and "What we do not do" in html and "112" in html
    assert "email" not in html.lower().replace("e-mail, or phone", "")  # no e-mail field
    fields = [tag for tag in _input_tags(html) if 'type="hidden"' not in tag]
    assert fields and all(_kept_out_of_the_browsers_memory(tag) for tag in fields)
    names = {re.search(r'name="([^"]+)"', tag).group(1) for tag in fields}
    assert names == {"passphrase", "passphrase_confirm"}


def test_opening_shows_the_code_once_in_the_answer_never_in_an_address(client):
    response = client.post(reverse("rooms:open"), BOTH)
    assert response.status_code == 200  # the answer itself, not a redirect to a page showing it
    assert response["Cache-Control"] == "no-store"
    [shown] = _codes_in(response)
    assert "write it down" in response.content.decode().lower()
    assert client.session[ROOM_SESSION_KEY] == str(Room.objects.get().pk)
    # Nothing after that shows it again.
    for name in ("rooms:overview", "rooms:notes", "rooms:saved", "rooms:passphrase", "rooms:delete"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert shown not in page.content.decode() and codes.normalise_code(shown) not in page.content.decode()


def test_different_passphrases_open_nothing_and_say_why(client):
    mismatch = {"passphrase": PASSPHRASE, "passphrase_confirm": "correct horsE"}
    response = client.post(reverse("rooms:open"), mismatch)
    assert response.status_code == 400
    assert "not the same" in response.content.decode()
    assert not Room.objects.exists() and ROOM_SESSION_KEY not in client.session
    assert not _codes_in(response)


def test_a_short_passphrase_opens_nothing(client):
    response = client.post(reverse("rooms:open"), {"passphrase": "abc", "passphrase_confirm": "abc"})
    assert response.status_code == 400 and not Room.objects.exists()


# --- enter --------------------------------------------------------------------------------


def test_the_first_return_shows_the_code_once_more_then_never(client):
    code = open_room_in(client, PASSPHRASE)
    client.post(reverse("rooms:leave"))
    first = client.post(reverse("rooms:enter"), {"code": code.lower(), "passphrase": PASSPHRASE})
    assert first.status_code == 200
    assert _codes_in(first) == [codes.code_display(code)]
    assert "Keep it" in first.content.decode()
    client.post(reverse("rooms:leave"))
    second = client.post(reverse("rooms:enter"), {"code": code, "passphrase": PASSPHRASE})
    assert second.status_code == 302
    assert code not in second["Location"] and codes.code_display(code) not in second["Location"]
    assert client.session[ROOM_SESSION_KEY]


def test_entering_changes_the_session_key(client):
    code = open_room_in(client)
    client.post(reverse("rooms:leave"))
    client.get(reverse("rooms:enter"))
    before = client.session.session_key
    client.post(reverse("rooms:enter"), {"code": code, "passphrase": ""})
    assert client.session.session_key != before


def test_a_wrong_code_or_passphrase_gets_one_plain_answer_and_changes_nothing(client):
    code = open_room_in(client, PASSPHRASE)
    client.post(reverse("rooms:leave"))
    answers = []
    for typed, passphrase in ((codes.code_new(), PASSPHRASE), (code, "wrong horse")):
        response = client.post(reverse("rooms:enter"), {"code": typed, "passphrase": passphrase})
        assert response.status_code == 400
        assert ROOM_SESSION_KEY not in client.session
        error = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode())
        answers.append(error.group(1))
    assert answers[0] == answers[1]
    assert "We could not open a room with this code and passphrase." in answers[0]


def test_a_paused_rooms_owner_is_told_it_may_be_paused_in_a_strangers_words(client, settings):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 1
    code = open_room_in(client, PASSPHRASE)
    client.post(reverse("rooms:leave"))
    client.post(reverse("rooms:enter"), {"code": code, "passphrase": "wrong horse"})  # pauses it
    answers = []
    for typed in (code, codes.code_new()):  # the owner, right passphrase; a code of no room
        response = client.post(reverse("rooms:enter"), {"code": typed, "passphrase": PASSPHRASE})
        assert response.status_code == 400 and ROOM_SESSION_KEY not in client.session
        error = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode())
        answers.append(error.group(1))
    assert answers[0] == answers[1]
    assert "may be paused" in answers[0] and "at most 60 minutes" in answers[0]


def test_the_paused_answer_is_in_the_visitors_language(client, settings):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 1
    response = client.post("/sv/room/enter/", {"code": codes.code_new(), "passphrase": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "högst 60 minuter" in html, html[:3000]


def test_a_malformed_code_is_explained(client):
    response = client.post(reverse("rooms:enter"), {"code": "hello", "passphrase": ""})
    assert response.status_code == 400
    assert "16 letters and digits" in response.content.decode()


def test_the_site_ceiling_answers_a_plain_429_page(client, settings):
    settings.ROOM_ENTRY_SITE_CEILING = 2
    for _ in range(3):
        client.post(reverse("rooms:enter"), {"code": codes.code_new(), "passphrase": ""})
    response = client.post(reverse("rooms:enter"), {"code": codes.code_new(), "passphrase": ""})
    assert response.status_code == 429
    html = response.content.decode()
    assert "try again" in html and '<form method="post"' in html  # the form, with the message


def test_above_the_ceiling_on_opening_rooms_the_page_says_try_again_and_shows_112(client, settings):
    settings.ROOM_OPEN_SITE_CEILING = 1
    open_room_in(client)
    client.post(reverse("rooms:leave"))
    response = client.post(reverse("rooms:open"), BOTH)
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "Many people are opening rooms right now. Try again in a minute." in html
    assert "call 112" in html and '<form method="post"' in html
    assert _codes_in(response) == [] and Room.objects.count() == 1
    assert ROOM_SESSION_KEY not in client.session


def test_the_ceiling_on_opening_rooms_speaks_the_visitors_language(client, settings):
    settings.ROOM_OPEN_SITE_CEILING = 1
    open_room_in(client)
    response = client.post("/sv/room/open/", BOTH)
    html = response.content.decode()
    assert response.status_code == 429 and "112" in html
    assert "Försök igen om en minut" in html, html[:3000]


def test_the_enter_form_has_autocomplete_off_and_posts(client):
    html = client.get(reverse("rooms:enter")).content.decode()
    assert re.search(r'<form method="post" action="[^"]*/room/enter/" autocomplete="off"', html)
    fields = [tag for tag in _input_tags(html) if 'type="hidden"' not in tag]
    assert len(fields) == 2 and all(_kept_out_of_the_browsers_memory(tag) for tag in fields)


# --- the room session ----------------------------------------------------------------------


def test_the_room_session_ends_after_20_idle_minutes(client, monkeypatch):
    open_room_in(client)
    assert settings.ROOM_IDLE_MINUTES == 20
    _later(monkeypatch, 19 * 60)
    assert client.get(reverse("rooms:notes")).status_code == 200  # activity: the count starts again
    _later(monkeypatch, 19 * 60 + 19 * 60)
    assert client.get(reverse("rooms:notes")).status_code == 200
    _later(monkeypatch, 19 * 60 + 19 * 60 + 20 * 60 + 1)
    response = client.get(reverse("rooms:notes"))
    assert response.status_code == 302 and response["Location"] == reverse("rooms:enter")
    assert ROOM_SESSION_KEY not in client.session and ROOM_ACTIVE_AT_KEY not in client.session
    assert "not used for a while" in client.get(reverse("rooms:enter")).content.decode()
    assert Room.objects.count() == 1  # the room itself stays


def test_the_session_cookie_stays_a_browser_session_cookie(client):
    open_room_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]
    assert client.session.get_expire_at_browser_close()


def test_room_pages_say_when_the_room_session_ends_without_javascript(client):
    open_room_in(client)
    html = client.get(reverse("rooms:overview")).content.decode()
    assert "you leave the room after 20 minutes" in html
    assert re.search(r"you leave the room at about \d\d:\d\d", html)
    assert 'id="room-idle"' in html
    assert 'data-idle-seconds="1200"' in html and 'data-warning-seconds="120"' in html
    assert "<script nonce=" in html and "hedershus:room-activity" in html


def test_the_stay_button_counts_as_activity(client, monkeypatch):
    open_room_in(client)
    _later(monkeypatch, 19 * 60)
    assert client.post(reverse("rooms:stay")).json() == {"in_room": True, "idle_seconds": 1200}
    _later(monkeypatch, 19 * 60 + 19 * 60)
    assert client.get(reverse("rooms:overview")).status_code == 200
    _later(monkeypatch, 19 * 60 + 19 * 60 + 21 * 60)
    assert client.post(reverse("rooms:stay")).json()["in_room"] is False


def test_quick_exit_ends_the_room_session(client):
    open_room_in(client)
    response = client.get(reverse("quick_exit"))
    assert response.status_code == 302 and "cookies" in response["Clear-Site-Data"]
    assert ROOM_SESSION_KEY not in client.session
    assert client.get(reverse("rooms:notes")).status_code == 302


def test_leaving_ends_the_room_session_and_keeps_the_room(client):
    open_room_in(client)
    response = client.post(reverse("rooms:leave"))
    assert response.status_code == 302 and response["Location"] == reverse("rooms:left")
    assert ROOM_SESSION_KEY not in client.session
    assert Room.objects.count() == 1
    assert client.get(reverse("rooms:leave")).status_code == 405  # POST only


# --- delete --------------------------------------------------------------------------------


def test_deleting_asks_first_then_removes_everything_and_ends_the_session(client):
    code = open_room_in(client)
    client.post(reverse("rooms:notes"), {"text": "a note"})
    confirm = client.get(reverse("rooms:delete"))
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert Room.objects.count() == 1
    response = client.post(reverse("rooms:delete"))
    assert response.status_code == 302 and response["Location"] == reverse("rooms:deleted")
    assert not Room.objects.exists() and not Note.objects.exists()
    assert ROOM_SESSION_KEY not in client.session
    done = client.get(reverse("rooms:deleted"))
    assert done.status_code == 200 and "deleted" in done.content.decode()
    again = client.post(reverse("rooms:enter"), {"code": code, "passphrase": ""})
    assert again.status_code == 400


# --- saved pages and notes -------------------------------------------------------------------


def test_save_to_my_room_without_a_room_explains_how_to_get_one(client):
    page = Page.objects.get(depth=2)
    response = client.post(reverse("rooms:save_page"), {"page": page.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("rooms:open") in html and reverse("rooms:enter") in html
    assert not SavedPage.objects.exists()


def test_saving_listing_and_removing_a_page(client):
    open_room_in(client)
    page = Page.objects.get(depth=2)
    response = client.post(reverse("rooms:save_page"), {"page": page.pk})
    assert response.status_code == 302 and response["Location"] == reverse("rooms:saved")
    listing = client.get(reverse("rooms:saved")).content.decode()
    assert page.title in listing
    saved = SavedPage.objects.get()
    assert client.post(reverse("rooms:saved_remove", args=[saved.pk])).status_code == 302
    assert not SavedPage.objects.exists()


def test_saving_a_page_that_is_not_live_is_not_found(client):
    open_room_in(client)
    draft = Page.objects.get(depth=2).add_child(instance=Page(title="Utkast", slug="utkast", live=False))
    assert client.post(reverse("rooms:save_page"), {"page": draft.pk}).status_code == 404
    assert client.post(reverse("rooms:save_page"), {"page": "x"}).status_code == 404
    assert not SavedPage.objects.exists()


def test_writing_changing_and_deleting_a_note(client):
    open_room_in(client)
    assert client.post(reverse("rooms:notes"), {"text": "first"}).status_code == 302
    note = Note.objects.get()
    assert "first" in client.get(reverse("rooms:notes")).content.decode()
    edit = client.get(reverse("rooms:note_edit", args=[note.pk]))
    assert edit.status_code == 200 and "first" in edit.content.decode()
    assert client.post(reverse("rooms:note_edit", args=[note.pk]), {"text": "second"}).status_code == 302
    assert "second" in client.get(reverse("rooms:notes")).content.decode()
    assert client.post(reverse("rooms:note_delete", args=[note.pk])).status_code == 302
    assert not Note.objects.exists()


def test_an_empty_note_is_refused_and_changes_nothing(client):
    open_room_in(client)
    client.post(reverse("rooms:notes"), {"text": "kept"})
    note = Note.objects.get()
    before = note.text_encrypted
    assert client.post(reverse("rooms:notes"), {"text": "   "}).status_code == 400
    assert client.post(reverse("rooms:note_edit", args=[note.pk]), {"text": ""}).status_code == 400
    assert Note.objects.count() == 1 and Note.objects.get().text_encrypted == before


def test_room_pages_without_a_room_lead_to_the_entry_form(client):
    for name in ("rooms:overview", "rooms:notes", "rooms:saved", "rooms:delete", "rooms:passphrase"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("rooms:enter"), name


def test_setting_a_passphrase_from_inside_the_room(client):
    code = open_room_in(client)
    response = client.post(reverse("rooms:passphrase"), BOTH)
    assert response.status_code == 200 and "is saved" in response.content.decode()
    assert services.room_enter(code=code, passphrase=PASSPHRASE)


def test_changing_a_passphrase_from_inside_the_room_asks_for_the_current_one(client):
    code = open_room_in(client, passphrase=PASSPHRASE)
    page = client.get(reverse("rooms:passphrase")).content.decode()
    assert 'name="current"' in page
    fields = [tag for tag in _input_tags(page) if 'type="hidden"' not in tag]
    assert all(_kept_out_of_the_browsers_memory(tag) for tag in fields)
    new = {"passphrase": "another passphrase", "passphrase_confirm": "another passphrase"}
    for current in ({}, {"current": "wrong horse"}):
        response = client.post(reverse("rooms:passphrase"), {**new, **current})
        assert response.status_code == 400
        assert response.context["form"].errors["current"]
    assert services.room_enter(code=code, passphrase=PASSPHRASE)
    response = client.post(reverse("rooms:passphrase"), {**new, "current": PASSPHRASE})
    assert response.status_code == 200 and "is saved" in response.content.decode()
    assert services.room_enter(code=code, passphrase="another passphrase")


def test_a_room_without_a_passphrase_is_not_asked_for_a_current_one(client):
    open_room_in(client)
    assert 'name="current"' not in client.get(reverse("rooms:passphrase")).content.decode()


@pytest.mark.parametrize("where", ["new", "edit"])
def test_a_megabyte_note_gets_the_field_error_without_being_sent_back(client, where):
    open_room_in(client)
    client.post(reverse("rooms:notes"), {"text": "kept"})
    note = Note.objects.get()
    url = reverse("rooms:notes") if where == "new" else reverse("rooms:note_edit", args=[note.pk])
    response = client.post(url, {"text": "x" * 1_000_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert len(html) < 100_000  # the page, not the megabyte
    assert "x" * (services.NOTE_MAX_CHARACTERS + 1) not in html
    assert response.context["form"].errors["text"]
    assert "at most 10000 characters" in html
    assert Note.objects.count() == 1 and Note.objects.get().text_encrypted == note.text_encrypted


def test_a_full_room_says_so_on_the_notes_page_and_keeps_the_text(client, settings):
    settings.ROOM_NOTES_MAX = 1
    open_room_in(client)
    client.post(reverse("rooms:notes"), {"text": "kept"})
    response = client.post(reverse("rooms:notes"), {"text": "one too many"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "the most it can keep" in html and "one too many" in html
    assert Note.objects.count() == 1


def test_the_room_nav_lists_contact_persons_by_first_name(client, counsellor):
    open_room_in(client)
    counsellor.first_name, counsellor.last_name = "Amina", "Hassan"
    counsellor.save()
    services.contact_person_record(room=Room.objects.get(), staff=counsellor)
    html = client.get(reverse("rooms:overview")).content.decode()
    assert "Amina" in html and "Hassan" not in html and counsellor.email not in html


def test_no_address_ever_holds_a_code_or_passphrase(client):
    code = open_room_in(client, PASSPHRASE)
    client.post(reverse("rooms:leave"))
    responses = [
        client.post(reverse("rooms:enter"), {"code": code, "passphrase": PASSPHRASE}, follow=True),
        client.post(reverse("rooms:leave"), follow=True),
        client.post(reverse("rooms:enter"), {"code": code, "passphrase": PASSPHRASE}, follow=True),
    ]
    for response in responses:
        for url, _status in response.redirect_chain:
            for secret in (code, codes.code_display(code), PASSPHRASE.replace(" ", "+"), "horse"):
                assert secret not in url
        assert "horse" not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
