"""Every write to a room (issue 9, items 1, 5, 6): open, enter, passphrase, delete, saved
pages, notes, contact persons.

Audit events are recorded with ``visitor=True`` (or the staff member, for contact persons)
inside the same transaction, and hold no code, passphrase, note text or page: only the
room's random id. Codes and passphrases are never logged either: they exist only in the
request that carries them and in the one response that shows a new code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Page

from hedershus.audit.services import audit_record
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import ApplicationError, InvalidInput, NotFound
from hedershus.core.realtime import room_sessions_recheck, send_event_on_commit
from hedershus.core.text import bidi_controls_strip
from hedershus.rooms import codes, throttle
from hedershus.rooms.events import RoomEvent, room_group
from hedershus.rooms.models import ContactPerson, Note, Room, SavedPage

NOTE_MAX_CHARACTERS = 10_000
PASSPHRASE_MIN_CHARACTERS = 6
PASSPHRASE_MAX_CHARACTERS = 200
# Activity is written at most this often per room, not on every page view.
_TOUCH_EVERY = datetime.timedelta(seconds=60)


class RoomEntryBusy(ApplicationError):
    """The site-wide ceiling on failed entries is reached (``rooms.throttle``): 429."""

    status = 429
    code = "busy"


class RoomOpenBusy(ApplicationError):
    """More than ``ROOM_OPEN_SITE_CEILING`` rooms were opened on the site this clock minute
    (``rooms.throttle.room_open_take``): 429, ``extra["retry_after"]`` the seconds until the
    minute ends. Nothing was made and no Argon2 work done."""

    status = 429
    code = "busy"


def no_match_message() -> str:
    """The one answer to a failed room entry (wrong code, wrong passphrase, paused room), in
    the active language, naming ``ROOM_PASSPHRASE_MAX_DELAY_MINUTES``, the longest pause.

    One text for all three, so that nothing tells whether a code exists (issue 9, item 1),
    worded to be true in all three and to tell the owner of a paused room that it is not gone
    (docs/threat-model.md, "Room entry limits", says what it may and may not reveal).
    """
    minutes = settings.ROOM_PASSPHRASE_MAX_DELAY_MINUTES
    return ngettext(
        "We could not open a room with this code and passphrase. Check them and try again. If "
        "you are sure they are right, the room may be paused after several wrong tries: then "
        "wait a few minutes (at most %(minutes)d minute) and try again. A pause deletes nothing.",
        "We could not open a room with this code and passphrase. Check them and try again. If "
        "you are sure they are right, the room may be paused after several wrong tries: then "
        "wait a few minutes (at most %(minutes)d minutes) and try again. A pause deletes nothing.",
        minutes,
    ) % {"minutes": minutes}


@dataclass(frozen=True)
class RoomEntry:
    """A successful entry: the ``room``, and whether this is its ``first_return`` (the
    visit that shows the code once more)."""

    room: Room
    first_return: bool


def room_open(*, language: str, passphrase: str = "") -> tuple[Room, str]:
    """Opens a new room; returns it and its code (normalised, 16 symbols; show it with
    ``codes.code_display``, once, and never store or log it).

    ``language``: the interface language code (``"sv"``). ``passphrase``: optional, at
    least ``PASSPHRASE_MIN_CHARACTERS``; kept as an Argon2id hash. Raises ``InvalidInput``
    for a passphrase that is too short or too long, and ``RoomOpenBusy`` (429) above
    ``ROOM_OPEN_SITE_CEILING`` rooms opened on the site this clock minute, before any
    Argon2 work (``rooms.throttle``). Audit: ``room.opened`` (visitor).
    """
    _check_passphrase(passphrase, optional=True)
    if not throttle.room_open_take():
        raise RoomOpenBusy(
            _("Many people are opening rooms right now. Try again in a minute."),
            extra={"retry_after": throttle.seconds_to_next_minute()},
        )
    encoded = codes.passphrase_hash(passphrase) if passphrase else ""
    for _attempt in range(3):  # a collision of 80-bit codes is not expected; retry anyway
        code = codes.code_new()
        try:
            with transaction.atomic():
                room = Room.objects.create(
                    code_digest=codes.code_digest(code), passphrase_hash=encoded, language=language
                )
                audit_record(RoomEvent.OPENED, visitor=True, target=room, data={"language": language})
        except IntegrityError:
            continue
        return room, code
    raise RuntimeError("Could not find an unused room code in three tries.")


def room_enter(*, code: str, passphrase: str) -> RoomEntry:
    """Finds the room for a typed ``code`` and ``passphrase`` (``""`` when it has none).

    Costs one Argon2id verification whether or not a room matches (``codes.passphrase_check``).
    Raises ``InvalidInput(no_match_message())`` for a wrong code, a wrong passphrase, or a
    room whose entry is paused after wrong passphrases (the per-room limit), all alike; and
    ``RoomEntryBusy`` (429) for a failed attempt while the site is above
    ``ROOM_ENTRY_SITE_CEILING`` failures this minute (``rooms.throttle``). A right code
    and passphrase always enter unless that room itself is paused.
    Audit: ``room.entered``; for an existing room also ``room.entry_failed`` and
    ``room.entry_paused``. Updates ``first_returned_at`` at the first entry.
    """
    site_busy = throttle.site_over_ceiling()
    normalised = codes.normalise_code(code)
    digests = codes.code_digests(normalised) if normalised else []
    room = Room.objects.filter(code_digest__in=digests).first() if digests else None
    if room is None:
        if site_busy:
            # Refused at once, without Argon2 work: a flood of guesses cannot exhaust the
            # server, and a right code still gets through (docs/threat-model.md, "Rooms").
            throttle.site_failure_record()
            raise RoomEntryBusy(_busy_message())
        codes.passphrase_check(None, passphrase)
        throttle.site_failure_record()
        raise InvalidInput(no_match_message())
    entered = _room_enter_existing(room.pk, normalised or "", passphrase, site_busy=site_busy)
    if entered is None:
        throttle.site_failure_record()
        raise RoomEntryBusy(_busy_message()) if site_busy else InvalidInput(no_match_message())
    return entered


def _passphrase_verify_locked(
    room_id: Any, passphrase: str, *, site_busy: bool, audit_data: dict[str, Any] | None = None
) -> Room | None:
    """The room ``room_id``, locked for update, when ``passphrase`` is its passphrase; else
    ``None``, with a wrong one counted (``passphrase_failures``, a pause from
    ``throttle.passphrase_delay``, audited with ``audit_data``). One Argon2id verification in
    every case, also for a deleted or paused room (the same cost as any other attempt), and
    nothing is accepted while the room is paused. Call it inside ``transaction.atomic()``;
    the count commits with the caller's block."""
    room = Room.objects.select_for_update().filter(pk=room_id).first()
    if room is None:  # deleted since the lookup
        codes.passphrase_check(None, passphrase)
        return None
    now = timezone.now()
    if room.passphrase_blocked_until is not None and room.passphrase_blocked_until > now:
        codes.passphrase_check(None, passphrase)  # the same cost as any other attempt
        return None
    if codes.passphrase_check(room.passphrase_hash, passphrase):
        return room
    room.passphrase_failures += 1
    delay = throttle.passphrase_delay(room.passphrase_failures, site_busy=site_busy)
    room.passphrase_blocked_until = now + delay if delay else None
    room.save(update_fields=["passphrase_failures", "passphrase_blocked_until"])
    audit_record(RoomEvent.ENTRY_FAILED, visitor=True, target=room, data=audit_data)
    if delay:
        audit_record(
            RoomEvent.ENTRY_PAUSED,
            visitor=True,
            target=room,
            data={"failures": room.passphrase_failures, "seconds": int(delay.total_seconds())},
        )
    return None


def _room_enter_existing(room_id: Any, code: str, passphrase: str, *, site_busy: bool) -> RoomEntry | None:
    """The passphrase check for a room the code matched, under the room's row lock; commits
    a failure's count and pause before the caller raises. ``None`` when refused."""
    with transaction.atomic():
        room = _passphrase_verify_locked(room_id, passphrase, site_busy=site_busy)
        if room is None:
            return None
        now = timezone.now()
        first_return = room.first_returned_at is None
        room.passphrase_failures = 0
        room.passphrase_blocked_until = None
        room.last_active_at = now
        if first_return:
            room.first_returned_at = now
        current_digest = codes.code_digest(code)
        if room.code_digest != current_digest:  # found under an older pepper: move it on
            room.code_digest = current_digest
        if room.passphrase_hash and codes.passphrase_needs_rehash(room.passphrase_hash):
            room.passphrase_hash = codes.passphrase_hash(passphrase)
        room.save()
        audit_record(RoomEvent.ENTERED, visitor=True, target=room, data={"first_return": first_return})
    return RoomEntry(room=room, first_return=first_return)


def _busy_message() -> str:
    # The busy sentence, then the one answer: a paused room's owner is told about the pause
    # here too (the old text promised that a right code and passphrase always enter).
    busy = _("Right now very many attempts to enter rooms are failing, so entry is limited for a minute.")
    return f"{busy} {no_match_message()}"


def _check_passphrase(passphrase: str, *, optional: bool) -> None:
    if optional and passphrase == "":
        return
    if len(passphrase) < PASSPHRASE_MIN_CHARACTERS:
        raise InvalidInput(
            _("A passphrase needs at least %(count)d characters.") % {"count": PASSPHRASE_MIN_CHARACTERS}
        )
    if len(passphrase) > PASSPHRASE_MAX_CHARACTERS:
        raise InvalidInput(
            _("A passphrase can have at most %(count)d characters.") % {"count": PASSPHRASE_MAX_CHARACTERS}
        )


def wrong_current_passphrase_message() -> str:
    """The answer to a wrong current passphrase when changing it (``room_passphrase_set``),
    in the active language, naming ``ROOM_PASSPHRASE_MAX_DELAY_MINUTES``, the longest pause."""
    minutes = settings.ROOM_PASSPHRASE_MAX_DELAY_MINUTES
    return ngettext(
        "That is not the room's current passphrase. After several wrong tries, changing it is "
        "paused for a while (at most %(minutes)d minute), and so is entering the room.",
        "That is not the room's current passphrase. After several wrong tries, changing it is "
        "paused for a while (at most %(minutes)d minutes), and so is entering the room.",
        minutes,
    ) % {"minutes": minutes}


def _current_passphrase_check(room_id: Any, passphrase: str) -> bool:
    """Whether ``passphrase`` is the current passphrase of room ``room_id``, checked and
    counted exactly as a room entry is (``_passphrase_verify_locked``): a wrong one adds to
    the room's failures and may pause it, and counts toward the site-wide ceiling. The count
    and pause are committed here, before the caller raises (docs/threat-model.md, "Rooms")."""
    site_busy = throttle.site_over_ceiling()
    with transaction.atomic():
        verified = _passphrase_verify_locked(
            room_id, passphrase, site_busy=site_busy, audit_data={"during": "passphrase_change"}
        )
    if verified is not None:
        return True
    throttle.site_failure_record()
    return False


def room_passphrase_set(*, room: Room, passphrase: str, current: str = "") -> None:
    """Sets or changes ``room``'s passphrase (Argon2id).

    A room that has a passphrase changes it only when ``current`` is that passphrase: the
    room session alone is not enough, or whoever holds the phone while it is open could lock
    the owner out (tester's report on issue 9). ``current`` is checked and counted as a room
    entry is (``_current_passphrase_check``): wrong ones pause the room like wrong entries,
    so this is no unlimited guessing oracle. A room without a passphrase sets one without.
    Raises ``InvalidInput`` for a wrong or paused ``current`` (``extra["field"] ==
    "current"``, ``wrong_current_passphrase_message()``) and for a new passphrase that is too
    short or too long. Audit: ``room.passphrase_set``; a wrong ``current`` is
    ``room.entry_failed`` (and ``room.entry_paused``).
    """
    _check_passphrase(passphrase, optional=False)
    fresh = Room.objects.filter(pk=room.pk).values_list("passphrase_hash", flat=True).first()
    if fresh and not _current_passphrase_check(room.pk, current):
        raise InvalidInput(wrong_current_passphrase_message(), extra={"field": "current"})
    encoded = codes.passphrase_hash(passphrase)
    with transaction.atomic():
        Room.objects.filter(pk=room.pk).update(
            passphrase_hash=encoded, passphrase_failures=0, passphrase_blocked_until=None
        )
        audit_record(RoomEvent.PASSPHRASE_SET, visitor=True, target=room)
    room.passphrase_hash = encoded


def room_delete(room: Room) -> None:
    """Deletes ``room`` and everything in it (conversations, messages, attachments, saved
    pages, notes, contact persons: ``on_delete=CASCADE``), in one transaction.

    Audit: ``room.deleted`` (the room's id only). After commit, ``{"kind": "room.deleted"}``
    goes to ``room_group(room)`` so the visitor's other tabs leave the room.
    """
    group = room_group(room)
    with transaction.atomic():
        audit_record(RoomEvent.DELETED, visitor=True, object_type="rooms.room", object_id=str(room.pk))
        Room.objects.filter(pk=room.pk).delete()
        send_event_on_commit(group, {"kind": "room.deleted"})


def room_left(room: Room) -> None:
    """Records that the visitor left ``room``; call it once ``session.room_session_end`` has
    ended the session. Audit: ``room.left``. After commit, the room's sockets re-check their
    sessions (``core.realtime.room_sessions_recheck``), so the visitor's other tabs close."""
    with transaction.atomic():
        audit_record(RoomEvent.LEFT, visitor=True, target=room)
        room_sessions_recheck(str(room.pk))


def room_touch(room: Room) -> None:
    """Records activity in ``room`` now (``last_active_at``, read by retention); written at
    most once a minute per room."""
    now = timezone.now()
    Room.objects.filter(pk=room.pk, last_active_at__lt=now - _TOUCH_EVERY).update(last_active_at=now)


def contact_person_record(*, room: Room, staff: Any) -> ContactPerson:
    """Makes ``staff`` one of ``room``'s contact persons, or updates ``last_contact_at`` if
    they already are (R10: a returning visitor's conversation goes to the latest one).
    Called by messaging inside its own transaction; records no audit event of its own
    (the staff member's reply is audited there)."""
    now = timezone.now()
    updated = ContactPerson.objects.filter(room=room, staff=staff).update(last_contact_at=now)
    if not updated:
        try:
            with transaction.atomic():
                return ContactPerson.objects.create(room=room, staff=staff)
        except IntegrityError:  # created meanwhile by a parallel reply
            ContactPerson.objects.filter(room=room, staff=staff).update(last_contact_at=now)
    return ContactPerson.objects.get(room=room, staff=staff)


def saved_page_add(*, room: Room, page_id: int) -> SavedPage:
    """Keeps the live, public page ``page_id`` in ``room`` (again saving it changes nothing).
    Raises ``NotFound`` for a page that is not live and public. Audit: ``room.page_saved``
    (which page is not recorded: what a visitor reads is theirs)."""
    page = Page.objects.live().public().filter(pk=page_id, depth__gt=1).first()
    if page is None:
        raise NotFound(_("That page cannot be saved."))
    with transaction.atomic():
        saved, created = SavedPage.objects.get_or_create(room=room, page=page)
        if created:
            audit_record(RoomEvent.PAGE_SAVED, visitor=True, target=room)
    return saved


def saved_page_remove(*, room: Room, saved_id: int) -> None:
    """Removes saved page ``saved_id`` from ``room``; ``NotFound`` if the room has no such
    entry (another room's included). Audit: ``room.page_removed``."""
    with transaction.atomic():
        deleted, _kinds = SavedPage.objects.filter(room=room, pk=saved_id).delete()
        if not deleted:
            raise NotFound(_("That saved page is not in your room."))
        audit_record(RoomEvent.PAGE_REMOVED, visitor=True, target=room)


def _clean_note(text: str) -> str:
    # The bidi controls messages lose (core.text): a note is shown back to its writer, and a
    # planted override would show it in another order than written.
    cleaned = bidi_controls_strip(text).strip()
    if not cleaned:
        raise InvalidInput(_("Write something in the note, or go back."))
    if len(cleaned) > NOTE_MAX_CHARACTERS:
        raise InvalidInput(
            _("A note can have at most %(count)d characters; this one has %(length)d.")
            % {"count": NOTE_MAX_CHARACTERS, "length": len(cleaned)}
        )
    return cleaned


def notes_full_message() -> str:
    """The answer to a new note in a room that has ``ROOM_NOTES_MAX`` notes already."""
    limit = settings.ROOM_NOTES_MAX
    return ngettext(
        "Your room has %(count)d note, the most it can keep. Delete a note you no longer need, "
        "then write the new one.",
        "Your room has %(count)d notes, the most it can keep. Delete a note you no longer need, "
        "then write the new one.",
        limit,
    ) % {"count": limit}


def note_create(*, room: Room, text: str) -> Note:
    """A new note in ``room``, its text encrypted at rest (``core.crypto``); at most
    ``NOTE_MAX_CHARACTERS``, bidi controls removed (``core.text``). A room keeps at most
    ``ROOM_NOTES_MAX`` notes (counted under the room's row lock, so parallel posts cannot pass
    it). Raises ``InvalidInput`` for an empty or too long text, or a full room
    (``notes_full_message()``). Audit: ``room.note_created`` (no text)."""
    cleaned = _clean_note(text)
    with transaction.atomic():
        Room.objects.select_for_update().filter(pk=room.pk).first()
        if Note.objects.filter(room=room).count() >= settings.ROOM_NOTES_MAX:
            raise InvalidInput(notes_full_message())
        note = Note.objects.create(room=room, text_encrypted=encrypt_text(cleaned))
        audit_record(RoomEvent.NOTE_CREATED, visitor=True, target=room)
    return note


def note_edit(*, room: Room, note_id: int, text: str) -> Note:
    """Replaces the text of ``room``'s note ``note_id``. Raises ``NotFound`` when the room
    has no such note, ``InvalidInput`` as for ``note_create``. Audit: ``room.note_changed``."""
    cleaned = _clean_note(text)
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(room=room, pk=note_id).first()
        if note is None:
            raise NotFound(_("That note is not in your room."))
        note.text_encrypted = encrypt_text(cleaned)
        note.save(update_fields=["text_encrypted", "updated_at"])
        audit_record(RoomEvent.NOTE_CHANGED, visitor=True, target=room)
    return note


def note_delete(*, room: Room, note_id: int) -> None:
    """Deletes ``room``'s note ``note_id``; ``NotFound`` if it has none. Audit: ``room.note_deleted``."""
    with transaction.atomic():
        deleted, _kinds = Note.objects.filter(room=room, pk=note_id).delete()
        if not deleted:
            raise NotFound(_("That note is not in your room."))
        audit_record(RoomEvent.NOTE_DELETED, visitor=True, target=room)
