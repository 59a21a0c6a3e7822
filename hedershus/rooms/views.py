"""The room's public pages (issue 9, items 1, 5, 6, 7): open, enter, leave, delete, saved
pages, notes, passphrase, and the "stay" ping of the idle warning.

Thin: forms check shapes, services write, selectors read inside the session's room. Codes
and passphrases come by POST only and never appear in an address: a new code is shown in
the answer to the POST that opened the room (never a redirect to a page that shows it),
and once more in the answer to the first return. Every answer is ``no-store`` (the shell's
middleware).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.rooms import codes, selectors, services
from hedershus.rooms.forms import EnterRoomForm, NoteForm, OpenRoomForm, PassphraseForm, SavePageForm
from hedershus.rooms.links import thread_url
from hedershus.rooms.models import Room
from hedershus.rooms.session import (
    IDLE_ENDED_KEY,
    room_from_request,
    room_required,
    room_session_end,
    room_session_start,
)


def _room(request: HttpRequest) -> Room:
    return request.room  # type: ignore[attr-defined]


def room_context(request: HttpRequest, room: Room | None) -> dict[str, Any]:
    """What every room page's layout needs: the idle rule's figures and the contact persons."""
    idle_minutes = settings.ROOM_IDLE_MINUTES
    context: dict[str, Any] = {
        "room": room,
        "room_idle_minutes": idle_minutes,
        "room_idle_seconds": idle_minutes * 60,
        "room_warning_seconds": settings.ROOM_IDLE_WARNING_MINUTES * 60,
        "room_thread_url": thread_url(),
    }
    if room is not None:
        context["room_ends_at"] = timezone.localtime() + datetime.timedelta(minutes=idle_minutes)
        context["room_contact_persons"] = selectors.room_contact_persons(room)
    return context


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    room = getattr(request, "room", None)
    return render(request, template, {**room_context(request, room), **context}, status=status)


def _code_context(code: str, *, opened: bool, has_passphrase: bool = True) -> dict[str, Any]:
    display = codes.code_display(code)
    return {
        "code": display,
        "code_groups": display.split("-"),
        "opened": opened,
        "has_passphrase": has_passphrase,
    }


@require_http_methods(["GET", "POST"])
def room_open_view(request: HttpRequest) -> HttpResponse:
    """GET: what a room is and what the centre does with what is written, and the button.
    POST: opens the room, enters it, and shows its code, once, in this answer. Above the
    site's ceiling on rooms opened per minute: a "try again in a minute" page with 112 (429)."""
    current = room_from_request(request)
    if request.method == "POST":
        form = OpenRoomForm(request.POST)
        if form.is_valid():
            try:
                room, code = services.room_open(
                    language=get_language() or settings.LANGUAGE_CODE,
                    passphrase=form.cleaned_data["passphrase"] or "",
                )
            except services.RoomOpenBusy as busy:
                response = _render(request, "rooms/open_busy.html", {"form": OpenRoomForm()}, status=429)
                response["Retry-After"] = str(busy.extra["retry_after"])
                return response
            except ApplicationError as error:
                form.add_error("passphrase", str(error))
            else:
                room_session_start(request, room)
                request.room = room  # type: ignore[attr-defined]
                return _render(
                    request,
                    "rooms/code.html",
                    _code_context(code, opened=True, has_passphrase=bool(room.passphrase_hash)),
                )
        return _render(request, "rooms/open.html", {"form": form, "current_room": current}, status=400)
    return _render(request, "rooms/open.html", {"form": OpenRoomForm(), "current_room": current})


@require_http_methods(["GET", "POST"])
def room_enter_view(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: enters the room; the first return shows the code once more."""
    ended = bool(request.session.pop(IDLE_ENDED_KEY, False))
    if request.method == "POST":
        form = EnterRoomForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                entry = services.room_enter(
                    code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"] or ""
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                room_session_start(request, entry.room)
                if not entry.first_return:
                    return redirect(thread_url())
                request.room = entry.room  # type: ignore[attr-defined]
                code = codes.normalise_code(form.cleaned_data["code"]) or ""
                return _render(request, "rooms/code.html", _code_context(code, opened=False))
        return _render(request, "rooms/enter.html", {"form": form}, status=status)
    return _render(request, "rooms/enter.html", {"form": EnterRoomForm(), "ended": ended})


@require_GET
@room_required
def room_overview(request: HttpRequest) -> HttpResponse:
    """The room's own page: what is in it, and the way to the conversation."""
    room = _room(request)
    return _render(
        request,
        "rooms/overview.html",
        {
            "saved_count": selectors.room_saved_pages(room).count(),
            "note_count": len(selectors.room_notes(room)),
            "has_passphrase": bool(room.passphrase_hash),
        },
    )


@require_POST
def room_leave(request: HttpRequest) -> HttpResponse:
    """Ends the room session (the room stays, for the next visit with the code)."""
    room = room_from_request(request)
    room_session_end(request)
    if room is not None:
        services.room_left(room)  # after the session ended: its other tabs close now
    return redirect("rooms:left")


@require_GET
def room_left_view(request: HttpRequest) -> HttpResponse:
    return _render(request, "rooms/left.html", {})


@require_http_methods(["GET", "POST"])
@room_required
def room_delete_view(request: HttpRequest) -> HttpResponse:
    """GET: what deleting means, and the button. POST: deletes the room and everything in it."""
    if request.method == "POST":
        services.room_delete(_room(request))
        room_session_end(request)
        return redirect("rooms:deleted")
    return _render(request, "rooms/delete.html", {})


@require_GET
def room_deleted_view(request: HttpRequest) -> HttpResponse:
    return _render(request, "rooms/deleted.html", {})


@require_http_methods(["GET", "POST"])
@room_required
def room_passphrase_view(request: HttpRequest) -> HttpResponse:
    """Sets or changes the room's passphrase; changing it asks for the current one."""
    room = _room(request)
    has_passphrase = bool(room.passphrase_hash)
    if request.method == "POST":
        form = PassphraseForm(request.POST, has_passphrase=has_passphrase)
        if form.is_valid():
            try:
                services.room_passphrase_set(
                    room=room,
                    passphrase=form.cleaned_data["passphrase"],
                    current=form.cleaned_data.get("current") or "",
                )
            except ApplicationError as error:
                field = error.extra.get("field")
                form.add_error(field if field in form.fields else "passphrase", str(error))
            else:
                return _render(
                    request,
                    "rooms/passphrase.html",
                    {"form": PassphraseForm(has_passphrase=True), "saved": True, "has_passphrase": True},
                )
        return _render(
            request, "rooms/passphrase.html", {"form": form, "has_passphrase": has_passphrase}, status=400
        )
    return _render(
        request,
        "rooms/passphrase.html",
        {"form": PassphraseForm(has_passphrase=has_passphrase), "has_passphrase": has_passphrase},
    )


@require_GET
@room_required
def saved_pages_view(request: HttpRequest) -> HttpResponse:
    return _render(request, "rooms/saved.html", {"saved_pages": selectors.room_saved_pages(_room(request))})


# No CSRF token on the knowledge-bank pages (rooms/includes/save_page.html): a token would give
# every reader a session cookie and keep the page out of the public page cache. The session
# cookie is SameSite=Lax, so another site's form cannot post with it; the worst a forged post
# could do is add a public page to a room.
@csrf_exempt
@require_POST
def saved_page_add_view(request: HttpRequest) -> HttpResponse:
    """Saves a knowledge-bank page ("Save to my room"); without a room, explains how to get one."""
    room = room_from_request(request)
    if room is None:
        return _render(request, "rooms/save_needs_room.html", {})
    request.room = room  # type: ignore[attr-defined]
    form = SavePageForm(request.POST)
    if not form.is_valid():
        raise NotFound("")
    services.saved_page_add(room=room, page_id=form.cleaned_data["page"])
    return redirect("rooms:saved")


@require_POST
@room_required
def saved_page_remove_view(request: HttpRequest, saved_id: int) -> HttpResponse:
    services.saved_page_remove(room=_room(request), saved_id=saved_id)
    return redirect("rooms:saved")


@require_http_methods(["GET", "POST"])
@room_required
def notes_view(request: HttpRequest) -> HttpResponse:
    """The room's notes and a form to write one."""
    room = _room(request)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.note_create(room=room, text=form.cleaned_data["text"])
            except ApplicationError as error:
                form.add_error("text", str(error))
            else:
                return redirect("rooms:notes")
        form.cut_for_display()
        return _render(
            request, "rooms/notes.html", {"form": form, "notes": selectors.room_notes(room)}, status=400
        )
    return _render(request, "rooms/notes.html", {"form": NoteForm(), "notes": selectors.room_notes(room)})


@require_http_methods(["GET", "POST"])
@room_required
def note_edit_view(request: HttpRequest, note_id: int) -> HttpResponse:
    room = _room(request)
    note = selectors.room_note(room, note_id)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_edit(room=room, note_id=note.id, text=form.cleaned_data["text"])
            except ApplicationError as error:
                form.add_error("text", str(error))
            else:
                return redirect("rooms:notes")
        form.cut_for_display()
        return _render(request, "rooms/note_edit.html", {"form": form, "note": note}, status=400)
    return _render(
        request, "rooms/note_edit.html", {"form": NoteForm(initial={"text": note.text}), "note": note}
    )


@require_POST
@room_required
def note_delete_view(request: HttpRequest, note_id: int) -> HttpResponse:
    services.note_delete(room=_room(request), note_id=note_id)
    return redirect("rooms:notes")


@require_POST
def room_stay(request: HttpRequest) -> JsonResponse:
    """The idle warning's "Stay in the room" button (JavaScript): counts as activity.

    Answers ``{"in_room": bool, "idle_seconds": n}``: ``in_room`` false once the room session
    ended (the page then goes to the entry form)."""
    room = room_from_request(request)
    return JsonResponse({"in_room": room is not None, "idle_seconds": settings.ROOM_IDLE_MINUTES * 60})
