"""The counsellors' pages (issue 9, items 3-5): thin; services write, selectors decide access.

Every URL naming an object answers 404 to anyone who may not see it
(``staff_selectors.conversations_visible_to`` and friends), so a refusal says nothing about
whether it exists. The queue and the conversation page work on reload without JavaScript;
``static/messaging/staff.js`` refreshes them live from the staff socket.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, capability_required, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import ApplicationError, Conflict
from hedershus.messaging.hours import END_OF_DAY
from hedershus.messaging.models import Absence, Conversation, ConversationStatus, OpeningHours, StandardReply
from hedershus.messaging.selectors import messages_after
from hedershus.messaging.services import messages as message_services
from hedershus.messaging.services import queue as queue_services
from hedershus.messaging.staff_forms import (
    WEEKDAYS,
    AbsenceForm,
    OpeningHoursForm,
    ReplyForm,
    StandardReplyForm,
    TransferForm,
    intervals_format,
)
from hedershus.messaging.staff_selectors import (
    absences_visible_to,
    centre_today,
    conversations_visible_to,
    queue_for,
    standard_replies_for,
    stood_in_for,
    visitor_online,
)
from hedershus.messaging.views import attachment_response

HANDLE = Capability.HANDLE_CASES
SUPERVISE = Capability.SUPERVISE_CASES


# --- the queue ---------------------------------------------------------------------------


@capability_required(HANDLE)
def queue(request: HttpRequest) -> HttpResponse:
    """The queue: waiting conversations (acute first), mine, and those I stand in for.
    Shows no message text, so opening it is not an audit event; opening a conversation is.
    ``?fragment=1`` answers only the lists (staff.js swaps them in)."""
    context = {"queue": queue_for(request.user)}
    if request.GET.get("fragment"):
        return render(request, "messaging/staff/queue_lists.html", context)
    return render(request, "messaging/staff/queue.html", context)


# --- one conversation --------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Conversation:
    return get_object_or_404(conversations_visible_to(request.user), pk=pk)


def _may_reply(user: Any, conversation: Conversation) -> bool:
    if conversation.status == ConversationStatus.CLOSED:
        return False
    if conversation.status == ConversationStatus.WAITING or conversation.assigned_to_id == user.pk:
        return True
    assignee = conversation.assigned_to_id
    return assignee is not None and stood_in_for(user, centre_today()).filter(pk=assignee).exists()


@capability_required(HANDLE, hide=True)
def conversation(
    request: HttpRequest,
    pk: int,
    *,
    reply_form: ReplyForm | None = None,
    transfer_form: TransferForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A conversation's page: the thread (decrypted), and claim, reply, transfer and close.
    Opening and reading are audited (``conversation.viewed``, ``conversation.read`` with the
    last sequence number shown). ``?fragment=1`` answers only the thread (staff.js)."""
    item = _visible(request, pk)
    thread = messages_after(item, 0, limit=10_000)
    for message in thread:  # shown in the centre's time by the template's date filter
        message["when"] = dt.datetime.fromisoformat(message["created_at"])
    with transaction.atomic():
        if not request.GET.get("fragment"):
            audit_record("conversation.viewed", actor=request.user, target=item)
        audit_record(
            "conversation.read",
            actor=request.user,
            target=item,
            data={"up_to_seq": thread[-1]["seq"] if thread else 0},
        )
    language = item.room.language
    replies = standard_replies_for(language)
    if reply_form is None:
        reply_form = ReplyForm()
    context = {
        "conversation": item,
        "thread": thread,
        "last_seq": thread[-1]["seq"] if thread else 0,
        "language": language,
        "visitor_online": visitor_online(item),
        "may_reply": _may_reply(request.user, item),
        "reply_form": reply_form,
        "transfer_form": transfer_form or TransferForm(user=request.user),
        "standard_replies": replies,
        "transfers": [
            {"transfer": t, "reason": decrypt_text(t.reason_encrypted)}
            for t in item.transfers.select_related("from_staff", "to_staff").order_by("created_at")
        ],
    }
    template = (
        "messaging/staff/thread.html" if request.GET.get("fragment") else "messaging/staff/conversation.html"
    )
    return render(request, template, context, status=status)


@require_GET
@capability_required(HANDLE, hide=True)
def attachment(request: HttpRequest, message_id: int) -> HttpResponse:
    """The file attached to visitor message ``message_id``: a picture inline (the
    conversation page links to it for viewing), a PDF as a download; ``no-store`` and
    ``nosniff`` either way (``views.attachment_response``). Only for a counsellor who may see
    the conversation (``staff_selectors.conversations_visible_to``), else 404 (the service's
    ``NotFound`` is an ``Http404``); each opening is audited (``messaging.attachment_downloaded``)."""
    opened = message_services.attachment_open_staff(user=request.user, message_id=message_id)
    return attachment_response(opened, inline_images=True)


@require_POST
@capability_required(HANDLE, hide=True)
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Takes a waiting conversation; the loser of a race gets the service's Conflict message."""
    return _conversation_action(
        request, pk, queue_services.conversation_claim, _("The conversation is yours.")
    )


def _conversation_action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    """Runs ``service(user=, conversation=)`` on a visible conversation and says how it went:
    a ``Conflict`` (a race lost, a closed conversation) is the service's own message."""
    item = _visible(request, pk)
    try:
        service(user=request.user, conversation=item)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("messaging_staff:conversation", pk=item.pk)


@require_POST
@capability_required(HANDLE, hide=True)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Posts a reply (``services.messages.message_post_staff``). A waiting conversation is
    claimed first, so two counsellors cannot both answer it.

    The form's "Insert" button (``insert_submit``, with ``insert`` a standard reply's id)
    sends nothing: without JavaScript it brings the page back with the draft and the chosen
    standard reply after it in the box (before, a separate form reloaded the page with only
    the standard reply: the draft was lost). With JavaScript, staff.js inserts at the cursor
    and this is never posted."""
    item = _visible(request, pk)
    if request.POST.get("insert_submit"):
        return _reply_with_standard_reply(request, item)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return conversation(request, pk, reply_form=form, status=400)
    if not _may_reply(request.user, item):
        messages.error(request, _("This conversation is someone else's. Ask them to hand it over."))
        return redirect("messaging_staff:conversation", pk=item.pk)
    try:
        with transaction.atomic():
            if item.status == ConversationStatus.WAITING:
                queue_services.conversation_claim(user=request.user, conversation=item)  # type: ignore[arg-type]
            message_services.message_post_staff(
                user=request.user,
                conversation=item,
                client_id=form.cleaned_data["client_id"],
                text=form.cleaned_data["text"],
            )
    except ApplicationError as error:
        form.add_error("text" if error.code == "invalid" else None, str(error))
        return conversation(request, pk, reply_form=form, status=error.status)
    return redirect(reverse("messaging_staff:conversation", kwargs={"pk": item.pk}) + "#reply")


def _reply_with_standard_reply(request: HttpRequest, item: Conversation) -> HttpResponse:
    """The conversation page with the posted draft and, after it (a blank line between),
    the standard reply ``insert`` names, offered for the room's language; an unknown one
    leaves the draft as it was. The posted ``client_id`` is kept when valid, so the text is
    sent once whichever of the two pages' forms is submitted."""
    draft = request.POST.get("text", "")
    insert = request.POST.get("insert", "")
    chosen = next((r for r in standard_replies_for(item.room.language) if str(r.pk) == insert), None)
    text = draft
    if chosen is not None:
        text = f"{draft.rstrip()}\n\n{chosen.body}" if draft.strip() else chosen.body
    initial: dict[str, Any] = {"text": text}
    with contextlib.suppress(ValidationError):  # else a fresh id from the form's initial
        initial["client_id"] = ReplyForm.base_fields["client_id"].clean(request.POST.get("client_id"))
    return conversation(request, item.pk, reply_form=ReplyForm(initial=initial))


@require_POST
@capability_required(HANDLE, hide=True)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Hands the conversation to a colleague with a reason."""
    item = _visible(request, pk)
    form = TransferForm(request.POST, user=request.user)
    if not form.is_valid():
        return conversation(request, pk, transfer_form=form, status=400)
    try:
        queue_services.conversation_transfer(
            user=request.user,  # type: ignore[arg-type]
            conversation=item,
            to_staff=form.cleaned_data["to_staff"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        form.add_error(
            error.extra.get("field") if error.extra.get("field") in form.fields else None, str(error)
        )
        return conversation(request, pk, transfer_form=form, status=error.status)
    messages.success(request, _("The conversation was handed over."))
    if conversations_visible_to(request.user).filter(pk=item.pk).exists():
        return redirect("messaging_staff:conversation", pk=item.pk)
    return redirect("messaging_staff:queue")


@require_POST
@capability_required(HANDLE, hide=True)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closes the conversation."""
    return _conversation_action(
        request, pk, queue_services.conversation_close, _("The conversation was closed.")
    )


# --- standard replies (supervisors) ----------------------------------------------------------


@capability_required(SUPERVISE)
def standard_replies(request: HttpRequest) -> HttpResponse:
    """Every standard reply, and a form to add one."""
    form = StandardReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            queue_services.standard_reply_save(user=request.user, reply=None, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The standard reply was saved."))
            return redirect("messaging_staff:standard_replies")
    return render(
        request,
        "messaging/staff/standard_replies.html",
        {"form": form, "replies": StandardReply.objects.all()},
        status=400 if form.errors else 200,
    )


@capability_required(SUPERVISE, hide=True)
def standard_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes one standard reply."""
    item = get_object_or_404(StandardReply, pk=pk)
    form = StandardReplyForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            queue_services.standard_reply_save(user=request.user, reply=item, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The standard reply was saved."))
            return redirect("messaging_staff:standard_replies")
    return render(
        request,
        "messaging/staff/standard_reply_form.html",
        {"form": form, "reply": item},
        status=400 if form.errors else 200,
    )


@require_POST
@capability_required(SUPERVISE, hide=True)
def standard_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Deletes one standard reply."""
    item = get_object_or_404(StandardReply, pk=pk)
    queue_services.standard_reply_delete(user=request.user, reply=item)  # type: ignore[arg-type]
    messages.success(request, _("The standard reply was deleted."))
    return redirect("messaging_staff:standard_replies")


# --- opening hours (administrators) ---------------------------------------------------------


@capability_required(Capability.MANAGE_SITE_SETTINGS)
def opening_hours(request: HttpRequest) -> HttpResponse:
    """The week's opening hours, one line per weekday, in Stockholm time."""
    current: dict[int, list[Any]] = {day: [] for day in range(7)}
    for row in OpeningHours.objects.all():
        current[row.weekday].append((row.opens, row.closes))
    initial = {f"day_{day}": intervals_format(pairs) for day, pairs in current.items()}
    form = OpeningHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        queue_services.opening_hours_replace(user=request.user, intervals=form.intervals())  # type: ignore[arg-type]
        messages.success(request, _("The opening hours were saved."))
        return redirect("messaging_staff:opening_hours")
    return render(
        request,
        "messaging/staff/opening_hours.html",
        {"form": form, "end_of_day": END_OF_DAY, "weekdays": WEEKDAYS},
        status=400 if form.errors else 200,
    )


# --- absences ----------------------------------------------------------------------------------


@capability_required(HANDLE)
def absences(request: HttpRequest) -> HttpResponse:
    """Current and coming absences I may see, and a form to set one (a supervisor for anyone,
    a counsellor for themselves)."""
    supervisor = user_has_capability(request.user, SUPERVISE)
    form = AbsenceForm(request.POST or None, user=request.user, may_choose_staff=supervisor)
    if request.method == "POST" and form.is_valid():
        try:
            queue_services.absence_create(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            field = error.extra.get("field")
            form.add_error(field if field in form.fields else None, str(error))
        else:
            messages.success(request, _("The absence was saved."))
            return redirect("messaging_staff:absences")
    return render(
        request,
        "messaging/staff/absences.html",
        {"form": form, "absences": absences_visible_to(request.user), "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@require_POST
@capability_required(HANDLE, hide=True)
def absence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Removes an absence (a supervisor any, a counsellor their own)."""
    item: Absence = get_object_or_404(absences_visible_to(request.user, removable=True), pk=pk)
    try:
        queue_services.absence_delete(user=request.user, absence=item)  # type: ignore[arg-type]
    except ApplicationError as error:  # pragma: no cover  (the selector already refused)
        raise Http404 from error
    messages.success(request, _("The absence was removed."))
    return redirect("messaging_staff:absences")
