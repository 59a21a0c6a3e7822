"""The visitor's thread page (``messaging:thread``, the room's home page), the plain message
post that works without JavaScript, and attachment downloads (issue 9, items 2, 4 and 7).

The room always comes from the session (``rooms.session``), never from the URL. Every
response is ``no-store`` (the site's middleware); downloads also carry ``nosniff`` and a
neutral file name.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from hedershus.core.exceptions import InvalidInput
from hedershus.messaging.attachments import (
    DOWNLOAD_NAMES,
    PDF_CONTENT_TYPE,
    attachment_check,
    attachment_decrypt,
    attachment_too_large,
    max_bytes,
)
from hedershus.messaging.forms import MessageForm
from hedershus.messaging.hours import centre_zone
from hedershus.messaging.models import Attachment, Conversation
from hedershus.messaging.selectors import attachment_for_room, earlier_conversations, thread_messages
from hedershus.messaging.services.messages import (
    MessageRateLimited,
    message_post_visitor,
    message_send_wait_check,
)
from hedershus.messaging.staff_selectors import conversation_answering_person, room_contact_person
from hedershus.rooms.models import Room
from hedershus.rooms.session import room_from_request, room_required


class _MemoryUploadHandler(FileUploadHandler):
    """Keeps an uploaded file in memory, never in a temporary file on the server's disk
    (it is unencrypted there), and stops keeping bytes past ``ATTACHMENT_MAX_BYTES``:
    the file's real size is still counted, so the visitor is told it."""

    buffer: io.BytesIO
    limit: int

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.limit = max_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room_left = self.limit + 1 - self.buffer.tell()
        if room_left > 0:
            self.buffer.write(raw_data[:room_left])

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, "attachment", self.content_type, file_size, self.charset
        )


# Django's "M" title-cases a month's abbreviation ("Nov"); Swedish writes it in lower case
# ("30 nov"), as the browser's Intl does for the messages room.js adds live.
_LOWER_CASE_MONTHS = frozenset({"sv"})


def _month_format() -> str:
    return "b" if (get_language() or "").split("-")[0] in _LOWER_CASE_MONTHS else "M"


def message_time_text(created_at: str) -> str:
    """``created_at`` (ISO 8601, as ``selectors.message_payload`` gives it) as the thread
    shows it: day, the month's abbreviation in the page's language and the time, in the
    centre's zone (``hours.centre_zone``, settings.TIME_ZONE), e.g. "30 nov 02:59" in
    Swedish, "30 Nov 02:59" in English. ``room.js`` formats live messages the same way
    (``timeText``), with the zone and month names the page gives it (``month_names``)."""
    when = dt.datetime.fromisoformat(created_at).astimezone(centre_zone())
    return dateformat.format(when, f"j {_month_format()} H:i")


def month_names() -> list[str]:
    """The twelve month abbreviations ``message_time_text`` writes in the page's language,
    January first: room.js takes the month's name from these rather than from the browser's
    Intl, whose names differ in some of the project's languages (Somali, Tigrinya, Sorani)."""
    return [dateformat.format(dt.date(2000, month, 1), _month_format()) for month in range(1, 13)]


def _timed(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for message in messages:
        message["time_text"] = message_time_text(message["created_at"])
    return messages


def _thread_context(request: HttpRequest, room: Room, form: MessageForm) -> dict[str, Any]:
    conversation, messages = thread_messages(room)
    _timed(messages)
    earlier = [
        {"conversation": earlier_conversation, "messages": _timed(earlier_messages)}
        for earlier_conversation, earlier_messages in earlier_conversations(room, conversation)
    ]
    answering = conversation_answering_person(conversation) if conversation is not None else None
    contact = room_contact_person(room)
    return {
        "room": room,
        "conversation": conversation,
        "messages": messages,
        # Closed conversations before the current one, read-only (what was answered stays
        # readable until retention deletes it).
        "earlier": earlier,
        "last_seq": messages[-1]["seq"] if messages else 0,
        # room.js formats live messages' times in this zone, as message_time_text does.
        "time_zone": centre_zone().key,
        "month_names": month_names(),
        "answering_name": answering[0] if answering else "",
        "stand_in": bool(answering and answering[1]),
        # room.js compares live replies' first names with it (the stand-in notice).
        "contact_name": contact.first_name if contact is not None else "",
        "acute": _acute_shown(conversation),
        "form": form,
        "max_bytes": max_bytes(),
    }


def _acute_shown(conversation: Conversation | None) -> bool:
    """The 112 box shows while the visitor's "I need help now" is unanswered."""
    return conversation is not None and conversation.acute_since is not None


@require_GET
@room_required
def thread(request: HttpRequest) -> HttpResponse:
    """The room's conversation: every message, newest last, and the form to write.

    Without JavaScript a reload lists new replies; with it ``room.js`` keeps the list live
    over the room's WebSocket (``consumers.RoomConsumer``).
    """
    room = room_from_request(request)
    assert room is not None  # room_required
    return render(request, "messaging/thread.html", _thread_context(request, room, MessageForm.fresh()))


@csrf_exempt  # checked below, after the upload handlers are set (Django's documented pattern)
@require_POST
def message_post(request: HttpRequest) -> HttpResponse:
    """A visitor's message by plain form post: stored once per ``client_id``, then
    Post/Redirect/Get back to the thread. Bad input re-renders the thread with the message
    kept and a clear reason (400), and nothing is stored; so does a message above the room's
    send rate (429, ``services.messages.MessageRateLimited``), checked before an attachment
    is re-encoded."""
    request.upload_handlers = [_MemoryUploadHandler(request)]
    return _message_post(request)


@csrf_protect
@room_required
def _message_post(request: HttpRequest) -> HttpResponse:
    room = room_from_request(request)
    assert room is not None  # room_required
    form = MessageForm(request.POST, request.FILES)
    status, retry_after = 400, 0
    if form.is_valid():
        upload = form.cleaned_data["attachment"]
        try:
            checked = None
            if upload:
                # Refused now rather than after the re-encoding (the costliest part of a message).
                message_send_wait_check(room, form.cleaned_data["client_id"])
                if upload.size > max_bytes():
                    raise attachment_too_large(upload.size)
                checked = attachment_check(upload.read())
            message_post_visitor(
                room=room,
                client_id=form.cleaned_data["client_id"],
                text=form.cleaned_data["text"],
                acute=form.cleaned_data["acute"],
                attachment=checked,
            )
        except MessageRateLimited as error:
            # The text stays in the box (the form is bound); a browser never refills a file field.
            form.add_error(None, str(error))
            if upload:
                form.add_error(None, _("Choose the file again when you send: it was not kept."))
            status, retry_after = error.status, error.retry_after
        except InvalidInput as error:
            form.add_error(None, str(error))
        else:
            return redirect(reverse("messaging:thread") + "#latest")
    context = _thread_context(request, room, form)
    if retry_after and form.cleaned_data.get("acute"):
        context["acute"] = True  # "I need help now" waits too: 112 is shown meanwhile
    response = render(request, "messaging/thread.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def attachment_response(attachment: Attachment, *, inline_images: bool) -> HttpResponse:
    """The decrypted file as a response that leaves nothing behind it can: ``no-store``
    (also set by the site's middleware), ``nosniff``, a neutral file name, and
    ``Content-Disposition: attachment`` for PDFs always (a PDF opened in the browser has
    no quick exit and shows its own title in the history) and for images unless
    ``inline_images`` (the counsellors' page shows pictures; visitors always download).
    Also for the counsellors' download view (``staff_views``)."""
    data = attachment_decrypt(attachment.data_encrypted)
    response = HttpResponse(data, content_type=attachment.content_type)
    inline = inline_images and attachment.content_type != PDF_CONTENT_TYPE
    name = DOWNLOAD_NAMES.get(attachment.content_type, "file")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def attachment_download(request: HttpRequest, message_id: int) -> HttpResponse:
    """The file attached to message ``message_id``, for the visitor of its room only.

    Without a room in the session, or for another room's message: 404 (not a redirect), so
    an address cannot be used to test whether a file exists.
    """
    room = room_from_request(request)
    attachment = attachment_for_room(room, message_id) if room is not None else None
    if attachment is None:
        raise Http404
    return attachment_response(attachment, inline_images=False)
