"""Reads of a room's contents, always scoped to the room of the visitor's session: an id
from a URL is looked up inside that room only, so another room's note is simply not found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import NotFound
from hedershus.rooms.models import Note, Room, SavedPage


@dataclass(frozen=True)
class NoteView:
    """A note as the visitor sees it: ``text`` decrypted."""

    id: int
    text: str
    created_at: Any
    updated_at: Any


def room_contact_persons(room: Room) -> list[str]:
    """The first names of ``room``'s contact persons, latest contact first (R10; issue 9,
    item 5): never a full name or an e-mail address. A staff member without a first name
    is shown as "A counsellor"."""
    names = room.contact_persons.order_by("-last_contact_at", "-pk").values_list(
        "staff__first_name", flat=True
    )
    return [name.strip() or _("A counsellor") for name in names]


def room_notes(room: Room) -> list[NoteView]:
    """``room``'s notes, newest change first, decrypted."""
    return [_note_view(note) for note in Note.objects.filter(room=room).order_by("-updated_at", "-pk")]


def room_note(room: Room, note_id: int) -> NoteView:
    """Note ``note_id`` of ``room``; ``NotFound`` when the room has none by that id."""
    note = Note.objects.filter(room=room, pk=note_id).first()
    if note is None:
        raise NotFound(_("That note is not in your room."))
    return _note_view(note)


def _note_view(note: Note) -> NoteView:
    return NoteView(
        id=note.pk,
        text=decrypt_text(note.text_encrypted),
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


def room_saved_pages(room: Room) -> QuerySet[SavedPage]:
    """``room``'s saved pages that are still live and public, newest first (a page taken
    down since is not listed; it goes with the page when deleted)."""
    return (
        SavedPage.objects.filter(room=room, page__live=True, page__view_restrictions__isnull=True)
        .select_related("page")
        .order_by("-saved_at", "-pk")
    )
