"""Room services: open, enter, the two guessing limits, delete, saved pages, notes, contact
persons (issue 9, items 1, 5, 6)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from hedershus.audit.models import AuditEvent
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import InvalidInput, NotFound
from hedershus.core.testing import capture_events
from hedershus.messaging.models import Conversation, Message
from hedershus.rooms import codes, selectors, services, throttle
from hedershus.rooms.models import ContactPerson, Note, Room, SavedPage
from hedershus.rooms.services import RoomEntryBusy, RoomOpenBusy, no_match_message

pytestmark = pytest.mark.django_db

PEPPER_OLD = "q3Vd0bQ7m2xYk9JfT1cW8sLh4RzNpE6uGa5oXiKvB0M="
PEPPER_NEW = "Xk2pR7vQ1mN8sT4yW0zL6cJ9hF3gD5bA-eU_iO2rK7E="


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Argon2id verification made, in order."""
    calls: list[str] = []
    real = codes.passphrase_verify

    def counted(encoded: str, passphrase: str) -> bool:
        calls.append(encoded)
        return real(encoded, passphrase)

    monkeypatch.setattr(codes, "passphrase_verify", counted)
    return calls


def _wrong_code(code: str) -> str:
    return ("1" if code[0] != "1" else "2") + code[1:]


def _enter_error(**kwargs: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        services.room_enter(**kwargs)
    return str(caught.value)


# --- open ---------------------------------------------------------------------------------


def test_opening_a_room_stores_a_keyed_digest_never_the_code():
    room, code = services.room_open(language="sv", passphrase="correct horse")
    row = Room.objects.filter(pk=room.pk).values().get()
    stored = " ".join(str(value) for value in row.values())
    assert code not in stored and codes.code_display(code) not in stored
    assert row["code_digest"] == codes.code_digest(code)
    assert row["passphrase_hash"].startswith("$argon2id$") and "correct horse" not in stored
    assert row["language"] == "sv"


def test_opening_a_room_records_a_content_free_visitor_event():
    room, code = services.room_open(language="en", passphrase="correct horse")
    event = AuditEvent.objects.get(event_type="room.opened")
    assert event.actor_kind == "visitor" and event.object_id == str(room.pk)
    assert code not in str(event.data) and "correct horse" not in str(event.data)


def test_above_the_site_ceiling_on_opening_a_room_is_refused_without_argon2_work(settings, monkeypatch):
    settings.ROOM_OPEN_SITE_CEILING = 3
    hashes: list[str] = []
    real = codes.passphrase_hash
    monkeypatch.setattr(codes, "passphrase_hash", lambda p: hashes.append(p) or real(p))
    for _ in range(3):
        services.room_open(language="sv", passphrase="correct horse")
    with pytest.raises(RoomOpenBusy) as caught:
        services.room_open(language="sv", passphrase="correct horse")
    assert caught.value.status == 429 and "Try again in a minute" in str(caught.value)
    assert 1 <= caught.value.extra["retry_after"] <= 60
    assert len(hashes) == 3 and Room.objects.count() == 3  # nothing made, no Argon2 work


def test_the_ceiling_on_opening_rooms_never_refuses_entering_one(settings):
    settings.ROOM_OPEN_SITE_CEILING = 1
    room, code = services.room_open(language="sv", passphrase="correct horse")
    for _ in range(5):
        with pytest.raises(RoomOpenBusy):
            services.room_open(language="sv")
    assert services.room_enter(code=code, passphrase="correct horse").room == room


def test_the_ceiling_on_opening_rooms_ends_with_its_minute(settings, monkeypatch):
    settings.ROOM_OPEN_SITE_CEILING = 1
    now = 1_800_000_030.0
    monkeypatch.setattr(throttle, "_now", lambda: now)
    services.room_open(language="sv")
    with pytest.raises(RoomOpenBusy) as caught:
        services.room_open(language="sv")
    assert caught.value.extra["retry_after"] == 30  # the minute ends in 30 s
    monkeypatch.setattr(throttle, "_now", lambda: now + 30)
    services.room_open(language="sv")
    assert Room.objects.count() == 2


@pytest.mark.parametrize("passphrase", ["short", "x" * 201])
def test_a_passphrase_too_short_or_too_long_opens_nothing(passphrase):
    with pytest.raises(InvalidInput):
        services.room_open(language="sv", passphrase=passphrase)
    assert not Room.objects.exists()


# --- enter --------------------------------------------------------------------------------


def test_the_right_code_and_passphrase_enter_and_the_first_return_is_marked_once():
    room, code = services.room_open(language="sv", passphrase="correct horse")
    first = services.room_enter(code=codes.code_display(code).lower(), passphrase="correct horse")
    assert first.room == room and first.first_return
    second = services.room_enter(code=code, passphrase="correct horse")
    assert not second.first_return
    assert AuditEvent.objects.filter(event_type="room.entered", object_id=str(room.pk)).count() == 2


def test_a_room_without_passphrase_enters_with_an_empty_one_only():
    _room, code = services.room_open(language="sv")
    assert services.room_enter(code=code, passphrase="")
    assert _enter_error(code=code, passphrase="anything") == no_match_message()


def test_a_wrong_code_and_a_wrong_passphrase_get_the_same_answer():
    _room, code = services.room_open(language="sv", passphrase="correct horse")
    assert (
        _enter_error(code=_wrong_code(code), passphrase="correct horse")
        == _enter_error(code=code, passphrase="wrong horse")
        == _enter_error(code="not a code at all", passphrase="")
        == no_match_message()
    )


def test_a_wrong_code_costs_one_argon2_verification_like_a_right_one(verifications):
    _room, code = services.room_open(language="sv", passphrase="correct horse")
    _enter_error(code=_wrong_code(code), passphrase="correct horse")
    assert len(verifications) == 1
    _enter_error(code=code, passphrase="wrong horse")
    assert len(verifications) == 2
    services.room_enter(code=code, passphrase="correct horse")
    assert len(verifications) == 3


def test_a_room_digested_under_an_old_pepper_is_found_and_moved_to_the_new_one(settings):
    settings.ROOM_CODE_PEPPERS = [PEPPER_OLD]
    room, code = services.room_open(language="sv")
    settings.ROOM_CODE_PEPPERS = [PEPPER_NEW, PEPPER_OLD]
    assert services.room_enter(code=code, passphrase="").room == room
    room.refresh_from_db()
    assert room.code_digest == codes.code_digest(code)
    settings.ROOM_CODE_PEPPERS = [PEPPER_NEW]  # the old pepper retired: still found
    assert services.room_enter(code=code, passphrase="").room == room


# --- the per-room limit -------------------------------------------------------------------


def test_wrong_passphrases_pause_the_room_with_a_doubling_delay(settings, verifications):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 3
    settings.ROOM_PASSPHRASE_DELAY_SECONDS = 60
    room, code = services.room_open(language="sv", passphrase="correct horse")
    for _ in range(2):
        _enter_error(code=code, passphrase="wrong horse")
    room.refresh_from_db()
    assert room.passphrase_blocked_until is None
    before = timezone.now()
    _enter_error(code=code, passphrase="wrong horse")
    room.refresh_from_db()
    assert room.passphrase_failures == 3
    assert 59 <= (room.passphrase_blocked_until - before).total_seconds() <= 61
    # Paused: even the right passphrase gets the same answer, at the same cost.
    count = len(verifications)
    assert _enter_error(code=code, passphrase="correct horse") == no_match_message()
    assert len(verifications) == count + 1
    assert AuditEvent.objects.filter(event_type="room.entry_paused").count() == 1
    # Once the pause is over, a further failure doubles it.
    past = timezone.now() - datetime.timedelta(seconds=1)
    Room.objects.filter(pk=room.pk).update(passphrase_blocked_until=past)
    before = timezone.now()
    _enter_error(code=code, passphrase="wrong horse")
    room.refresh_from_db()
    assert 119 <= (room.passphrase_blocked_until - before).total_seconds() <= 121


def test_a_paused_room_and_a_code_matching_no_room_get_the_same_answer_naming_the_longest_pause(settings):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 1
    settings.ROOM_PASSPHRASE_MAX_DELAY_MINUTES = 45
    room, code = services.room_open(language="sv", passphrase="correct horse")
    _enter_error(code=code, passphrase="wrong horse")
    room.refresh_from_db()
    assert room.passphrase_blocked_until is not None
    paused = _enter_error(code=code, passphrase="correct horse")  # the owner, while paused
    assert paused == _enter_error(code=_wrong_code(code), passphrase="correct horse")
    # The owner learns that a right code can be paused, for how long at most, and that a
    # pause deletes nothing; the text is the same whether or not the room exists.
    assert "paused" in paused and "at most 45 minutes" in paused and "deletes nothing" in paused


def test_a_paused_room_during_a_busy_minute_is_not_promised_entry(settings):
    settings.ROOM_ENTRY_SITE_CEILING = 1
    room, code = services.room_open(language="sv", passphrase="correct horse")
    Room.objects.filter(pk=room.pk).update(
        passphrase_failures=5, passphrase_blocked_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    for _ in range(2):
        with pytest.raises((InvalidInput, RoomEntryBusy)):
            services.room_enter(code=codes.code_new(), passphrase="guess")
    with pytest.raises(RoomEntryBusy) as caught:
        services.room_enter(code=code, passphrase="correct horse")
    assert no_match_message() in str(caught.value)  # it names the pause, like every refusal


def test_the_per_room_delay_is_capped(settings):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 5
    settings.ROOM_PASSPHRASE_DELAY_SECONDS = 60
    settings.ROOM_PASSPHRASE_MAX_DELAY_MINUTES = 60
    assert throttle.passphrase_delay(4, site_busy=False) == datetime.timedelta(0)
    assert throttle.passphrase_delay(5, site_busy=False) == datetime.timedelta(seconds=60)
    assert throttle.passphrase_delay(6, site_busy=False) == datetime.timedelta(seconds=120)
    assert throttle.passphrase_delay(50, site_busy=False) == datetime.timedelta(minutes=60)
    assert throttle.passphrase_delay(1, site_busy=True) == datetime.timedelta(seconds=60)


def test_the_right_passphrase_after_the_pause_enters_and_clears_the_count():
    room, code = services.room_open(language="sv", passphrase="correct horse")
    Room.objects.filter(pk=room.pk).update(
        passphrase_failures=7, passphrase_blocked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    services.room_enter(code=code, passphrase="correct horse")
    room.refresh_from_db()
    assert (room.passphrase_failures, room.passphrase_blocked_until) == (0, None)


# --- the site-wide ceiling ----------------------------------------------------------------


def test_above_the_site_ceiling_an_unknown_code_is_refused_without_argon2_work(settings, verifications):
    settings.ROOM_ENTRY_SITE_CEILING = 3
    services.room_open(language="sv", passphrase="correct horse")
    for _ in range(4):
        _enter_error(code=codes.code_new(), passphrase="guess")
    assert len(verifications) == 4
    with pytest.raises(RoomEntryBusy) as caught:
        services.room_enter(code=codes.code_new(), passphrase="guess")
    assert caught.value.status == 429 and "try again" in str(caught.value)
    assert len(verifications) == 4  # refused at once: a flood cannot exhaust the server


def test_above_the_site_ceiling_the_right_code_and_passphrase_still_enter(settings):
    settings.ROOM_ENTRY_SITE_CEILING = 3
    room, code = services.room_open(language="sv", passphrase="correct horse")
    for _ in range(10):
        with pytest.raises((InvalidInput, RoomEntryBusy)):
            services.room_enter(code=codes.code_new(), passphrase="guess")
    assert throttle.site_over_ceiling()
    assert services.room_enter(code=code, passphrase="correct horse").room == room


def test_above_the_site_ceiling_a_wrong_passphrase_gets_the_busy_answer_and_pauses_at_once(settings):
    settings.ROOM_ENTRY_SITE_CEILING = 1
    room, code = services.room_open(language="sv", passphrase="correct horse")
    for _ in range(2):
        with pytest.raises((InvalidInput, RoomEntryBusy)):
            services.room_enter(code=codes.code_new(), passphrase="guess")
    with pytest.raises(RoomEntryBusy):
        services.room_enter(code=code, passphrase="wrong horse")
    room.refresh_from_db()
    assert room.passphrase_blocked_until is not None  # the first failure pauses while busy


def test_the_site_ceiling_ends_with_its_minute(settings, monkeypatch):
    settings.ROOM_ENTRY_SITE_CEILING = 2
    now = 1_800_000_000.0
    monkeypatch.setattr(throttle, "_now", lambda: now)
    for _ in range(3):
        throttle.site_failure_record()
    assert throttle.site_over_ceiling()
    monkeypatch.setattr(throttle, "_now", lambda: now + 60)
    assert not throttle.site_over_ceiling()


# --- passphrase, delete, touch --------------------------------------------------------------


def test_setting_a_passphrase_makes_it_required():
    room, code = services.room_open(language="sv")
    services.room_passphrase_set(room=room, passphrase="a new passphrase")
    assert _enter_error(code=code, passphrase="") == no_match_message()
    assert services.room_enter(code=code, passphrase="a new passphrase").room == room


def _change_error(room: Room, current: str, passphrase: str = "another passphrase") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        services.room_passphrase_set(room=room, passphrase=passphrase, current=current)
    return caught.value


def test_changing_a_passphrase_needs_the_current_one():
    room, code = services.room_open(language="sv", passphrase="correct horse")
    for current in ("", "wrong horse"):
        error = _change_error(room, current)
        assert str(error) == services.wrong_current_passphrase_message()
        assert error.extra["field"] == "current"
    # Nothing changed: the old passphrase still enters, the new one does not.
    assert _enter_error(code=code, passphrase="another passphrase") == no_match_message()
    assert services.room_enter(code=code, passphrase="correct horse").room == room
    services.room_passphrase_set(room=room, passphrase="another passphrase", current="correct horse")
    assert _enter_error(code=code, passphrase="correct horse") == no_match_message()
    assert services.room_enter(code=code, passphrase="another passphrase").room == room


def test_wrong_current_passphrases_count_and_pause_like_wrong_entries(settings, verifications):
    settings.ROOM_PASSPHRASE_FREE_FAILURES = 2
    settings.ROOM_PASSPHRASE_DELAY_SECONDS = 60
    room, code = services.room_open(language="sv", passphrase="correct horse")
    _enter_error(code=code, passphrase="wrong horse")  # one wrong entry ...
    before = timezone.now()
    count = len(verifications)
    _change_error(room, "wrong horse")  # ... and one wrong current passphrase pause the room
    assert len(verifications) == count + 1  # one Argon2id verification, as an entry costs
    room.refresh_from_db()
    assert room.passphrase_failures == 2
    assert 59 <= (room.passphrase_blocked_until - before).total_seconds() <= 61
    assert AuditEvent.objects.filter(event_type="room.entry_failed").count() == 2
    assert AuditEvent.objects.filter(event_type="room.entry_paused").count() == 1
    assert throttle.site_failures() == 2
    # Paused: the right current passphrase is no oracle now, and entry is paused as well.
    count = len(verifications)
    _change_error(room, "correct horse")
    assert len(verifications) == count + 1
    assert _enter_error(code=code, passphrase="correct horse") == no_match_message()
    # After the pause the right one changes it and clears the count.
    Room.objects.filter(pk=room.pk).update(
        passphrase_blocked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    services.room_passphrase_set(room=room, passphrase="another passphrase", current="correct horse")
    room.refresh_from_db()
    assert room.passphrase_failures == 0 and room.passphrase_blocked_until is None
    assert services.room_enter(code=code, passphrase="another passphrase").room == room


def test_a_room_without_a_passphrase_sets_one_without_a_current_one(verifications):
    room, code = services.room_open(language="sv")
    services.room_passphrase_set(room=room, passphrase="a new passphrase")
    assert verifications == []
    assert services.room_enter(code=code, passphrase="a new passphrase").room == room


def test_deleting_a_room_removes_everything_in_it_and_tells_its_sockets(counsellor):
    room, code = services.room_open(language="sv")
    services.note_create(room=room, text="my note")
    page = Page.objects.get(depth=2)
    SavedPage.objects.create(room=room, page=page)
    services.contact_person_record(room=room, staff=counsellor)
    conversation = Conversation.objects.create(room=room)
    Message.objects.create(
        conversation=conversation,
        seq=1,
        client_id=uuid.uuid4(),
        sender="visitor",
        body_encrypted=encrypt_text("hej"),
    )
    with capture_events(expected=1) as events:
        services.room_delete(room)
    assert events[0].group == f"room.{room.pk.hex}" and events[0].payload == {"kind": "room.deleted"}
    assert not Room.objects.exists()
    for model in (Note, SavedPage, ContactPerson, Conversation, Message):
        assert not model.objects.exists(), model
    assert Page.objects.filter(pk=page.pk).exists()  # the page itself stays
    assert AuditEvent.objects.filter(event_type="room.deleted", object_id=str(room.pk)).exists()
    with pytest.raises(InvalidInput):
        services.room_enter(code=code, passphrase="")


def test_touching_a_room_moves_last_active_at_at_most_once_a_minute():
    room, _code = services.room_open(language="sv")
    old = timezone.now() - datetime.timedelta(days=3)
    Room.objects.filter(pk=room.pk).update(last_active_at=old)
    services.room_touch(room)
    room.refresh_from_db()
    assert room.last_active_at > old
    touched = room.last_active_at
    services.room_touch(room)
    room.refresh_from_db()
    assert room.last_active_at == touched


# --- contact persons ---------------------------------------------------------------------


def test_contact_persons_are_listed_by_first_name_latest_first(counsellor, colleague):
    counsellor.first_name, counsellor.last_name = "Amina", "Hassan-Lindqvist"
    counsellor.save()
    colleague.first_name = ""
    colleague.save()
    room, _code = services.room_open(language="sv")
    services.contact_person_record(room=room, staff=counsellor)
    services.contact_person_record(room=room, staff=colleague)
    assert selectors.room_contact_persons(room) == ["A counsellor", "Amina"]
    services.contact_person_record(room=room, staff=counsellor)
    names = selectors.room_contact_persons(room)
    assert names == ["Amina", "A counsellor"]
    assert ContactPerson.objects.filter(room=room).count() == 2
    assert not any("Lindqvist" in name or "@" in name for name in names)


# --- saved pages and notes ---------------------------------------------------------------


def test_only_live_public_pages_can_be_saved():
    room, _code = services.room_open(language="sv")
    home = Page.objects.get(depth=2)
    draft = home.add_child(instance=Page(title="Utkast", slug="utkast", live=False))
    with pytest.raises(NotFound):
        services.saved_page_add(room=room, page_id=draft.pk)
    with pytest.raises(NotFound):
        services.saved_page_add(room=room, page_id=Page.objects.get(depth=1).pk)  # the tree's root
    services.saved_page_add(room=room, page_id=home.pk)
    services.saved_page_add(room=room, page_id=home.pk)  # twice: kept once
    assert list(selectors.room_saved_pages(room).values_list("page_id", flat=True)) == [home.pk]


def test_a_saved_page_of_another_room_cannot_be_removed():
    room, _code = services.room_open(language="sv")
    other, _other_code = services.room_open(language="sv")
    saved = services.saved_page_add(room=other, page_id=Page.objects.get(depth=2).pk)
    with pytest.raises(NotFound):
        services.saved_page_remove(room=room, saved_id=saved.pk)
    assert SavedPage.objects.filter(pk=saved.pk).exists()


def test_notes_are_encrypted_at_rest():
    room, _code = services.room_open(language="sv")
    note = services.note_create(room=room, text="  I keep my passport at Sara's  ")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text_encrypted FROM rooms_note WHERE id = %s", [note.pk])
        (stored,) = cursor.fetchone()
    assert "passport" not in stored and "Sara" not in stored
    assert selectors.room_note(room, note.pk).text == "I keep my passport at Sara's"
    services.note_edit(room=room, note_id=note.pk, text="changed text")
    assert [n.text for n in selectors.room_notes(room)] == ["changed text"]
    events = AuditEvent.objects.filter(event_type__startswith="room.note")
    assert events.count() == 2
    assert not any("passport" in str(event.data) or "changed" in str(event.data) for event in events)


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (services.NOTE_MAX_CHARACTERS + 1)])
def test_an_empty_or_too_long_note_changes_nothing(text):
    room, _code = services.room_open(language="sv")
    note = services.note_create(room=room, text="kept")
    with pytest.raises(InvalidInput):
        services.note_create(room=room, text=text)
    with pytest.raises(InvalidInput):
        services.note_edit(room=room, note_id=note.pk, text=text)
    assert [n.text for n in selectors.room_notes(room)] == ["kept"]


def test_notes_lose_the_bidi_controls_messages_lose_but_keep_direction_marks():
    room, _code = services.room_open(language="sv")
    note = services.note_create(
        room=room, text="a\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069b \u200f"
    )
    assert selectors.room_note(room, note.pk).text == "ab \u200f"
    services.note_edit(room=room, note_id=note.pk, text="\u202eevil")
    assert selectors.room_note(room, note.pk).text == "evil"
    with pytest.raises(InvalidInput):  # nothing but controls is an empty note
        services.note_create(room=room, text="\u202e\u2066")


def test_a_room_keeps_at_most_room_notes_max_notes(settings):
    settings.ROOM_NOTES_MAX = 2
    room, _code = services.room_open(language="sv")
    other, _other_code = services.room_open(language="sv")
    services.note_create(room=room, text="one")
    services.note_create(room=room, text="two")
    with pytest.raises(InvalidInput) as caught:
        services.note_create(room=room, text="three")
    assert str(caught.value) == services.notes_full_message()
    assert "2 notes" in str(caught.value)
    assert sorted(n.text for n in selectors.room_notes(room)) == ["one", "two"]
    services.note_create(room=other, text="another room has its own count")
    services.note_edit(room=room, note_id=selectors.room_notes(room)[0].id, text="changing is not adding")
    services.note_delete(room=room, note_id=selectors.room_notes(room)[0].id)
    services.note_create(room=room, text="three")  # room again after deleting one


def test_a_note_of_another_room_is_not_found():
    room, _code = services.room_open(language="sv")
    other, _other_code = services.room_open(language="sv")
    note = services.note_create(room=other, text="theirs")
    with pytest.raises(NotFound):
        selectors.room_note(room, note.pk)
    with pytest.raises(NotFound):
        services.note_edit(room=room, note_id=note.pk, text="mine now")
    with pytest.raises(NotFound):
        services.note_delete(room=room, note_id=note.pk)
    assert selectors.room_note(other, note.pk).text == "theirs"


def test_no_audit_event_of_a_room_holds_a_code_or_a_passphrase():
    room, code = services.room_open(language="sv", passphrase="correct horse")
    services.room_enter(code=code, passphrase="correct horse")
    with pytest.raises(InvalidInput):
        services.room_enter(code=code, passphrase="wrong horse")
    services.note_create(room=room, text="secret words")
    services.room_delete(room)
    for event in AuditEvent.objects.filter(event_type__startswith="room."):
        text = f"{event.data} {event.reason} {event.object_id}"
        for secret in (code, codes.code_display(code), "correct horse", "wrong horse", "secret words"):
            assert secret not in text
