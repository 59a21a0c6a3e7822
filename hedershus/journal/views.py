"""Staff pages of a case's journal (R21): thin, over services and selectors.

Every view asks for ``HANDLE_CASES`` (404 without it: the URL names a case) and then opens
the case through ``cases.selectors.case_get_for_user``: 404 for a case the user may not
know of, and ``CaseReasonRequired`` (left to propagate: the cases app answers with the
reason form) for a colleague outside the case. Every page that shows journal text records a
read, every write its own event (services).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hedershus.cases.selectors import case_get_for_user
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError
from hedershus.journal import selectors, services
from hedershus.journal.forms import ConfirmForm, EntryForm
from hedershus.journal.models import JournalEntry

# Signed entries per page of the journal.
PAGE_SIZE = 25


@capability_required(Capability.HANDLE_CASES, hide=True)
def journal_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's signed entries, newest first (``?page=`` pages them), and the user's own
    drafts. Records ``journal.viewed`` with the page number. ``?entry=<id>`` leads to the
    page that shows that signed entry, at the entry (links between an entry and its
    correction, which may be pages apart)."""
    case = case_get_for_user(request.user, case_id)
    wanted = request.GET.get("entry", "")
    if wanted.isdigit() and len(wanted) < 19:
        number = selectors.journal_page_of_entry(case, int(wanted), PAGE_SIZE)
        if number is not None:
            return redirect(f"{_list_url(case.pk)}?page={number}#entry-{wanted}")
    page = Paginator(selectors.journal_signed_entries(case), PAGE_SIZE).get_page(request.GET.get("page"))
    services.journal_viewed(user=request.user, case=case, page=page.number)
    return render(
        request,
        "journal/list.html",
        {"case": case, "page": page, "drafts": selectors.journal_drafts_of(request.user, case)},
    )


@capability_required(Capability.HANDLE_CASES, hide=True)
def entry_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """Writes a new draft; then back to the journal, where the draft waits to be signed."""
    case = case_get_for_user(request.user, case_id)
    form = EntryForm(request.POST or None, initial={"client_id": uuid.uuid4()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_draft_create(
                user=request.user,
                case=case,
                text=form.cleaned_data["text"],
                client_id=form.cleaned_data["client_id"],
            )
        except ApplicationError as error:
            form.add_error("text", str(error))
            status = error.status
        else:
            messages.success(request, _("The draft was saved. Only you can see it until you sign it."))
            return _to_entry(entry)
    return render(
        request,
        "journal/entry_form.html",
        {"case": case, "form": form, "mode": "new"},
        status=max(status, 400) if form.errors else 200,
    )


@capability_required(Capability.HANDLE_CASES, hide=True)
def entry_edit(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """Changes the text of the user's own draft. If the draft was saved elsewhere since this
    page was shown, the page comes back with the person's text kept, the saved one shown
    beside it, and the version moved on, so a second save replaces it on purpose."""
    case = case_get_for_user(request.user, case_id)
    entry = selectors.journal_draft_get_for_user(request.user, case, entry_id)
    initial = {"text": entry.text, "version": services.draft_version(entry)}
    form = EntryForm(request.POST or None, initial=initial)
    status, saved_now = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_draft_update(
                user=request.user,
                case=case,
                entry_id=entry.pk,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"] or None,
            )
        except services.DraftChangedMeanwhile as error:
            saved_now = selectors.journal_draft_get_for_user(request.user, case, entry_id)
            data = request.POST.copy()
            data["version"] = services.draft_version(saved_now)
            form = EntryForm(data)
            form.is_valid()
            form.add_error("text", str(error))
            status = error.status
        except ApplicationError as error:
            form.add_error("text", str(error))
            status = error.status
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("journal:sign", case_id=case.pk, entry_id=entry.pk)
    elif request.method != "POST":
        services.draft_viewed(user=request.user, entry=entry)
    return render(
        request,
        "journal/entry_form.html",
        {
            "case": case,
            "form": form,
            "entry": entry,
            "corrected": entry.corrects,
            "saved_now": saved_now,
            "mode": "edit",
        },
        status=max(status, 400) if form.errors else 200,
    )


@capability_required(Capability.HANDLE_CASES, hide=True)
def entry_delete(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """Asks, then deletes the user's own draft (signed entries are never deleted)."""
    case = case_get_for_user(request.user, case_id)
    entry = selectors.journal_draft_get_for_user(request.user, case, entry_id)
    if request.method == "POST":
        services.entry_draft_delete(user=request.user, case=case, entry_id=entry.pk)
        messages.success(request, _("The draft was deleted."))
        return redirect("journal:list", case_id=case.pk)
    services.draft_viewed(user=request.user, entry=entry)
    return render(request, "journal/entry_delete.html", {"case": case, "entry": entry, "form": ConfirmForm()})


@capability_required(Capability.HANDLE_CASES, hide=True)
def entry_sign_confirm(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """Shows the draft as it will be signed, with the signer's name and role; signs on POST.

    A second POST (a double click, or the back button) finds the entry signed and says so
    instead of failing."""
    case = case_get_for_user(request.user, case_id)
    if request.method == "POST":
        own = selectors.journal_own_entry_get(request.user, case, entry_id)
        if own.is_signed:
            messages.info(request, _("This entry is already signed."))
            return redirect("journal:list", case_id=case.pk)
        form = ConfirmForm(request.POST)
        form.is_valid()
        try:
            version = form.cleaned_data.get("version") or None
            services.entry_sign(user=request.user, case=case, entry_id=own.pk, version=version)
        except services.DraftChangedMeanwhile as error:
            messages.error(request, str(error))
            return redirect("journal:sign", case_id=case.pk, entry_id=own.pk)
        except services.AlreadyCorrected as error:
            messages.error(request, str(error))
            return redirect("journal:edit", case_id=case.pk, entry_id=own.pk)
        messages.success(request, _("The entry was signed and is now part of the journal."))
        return redirect(f"{_list_url(case.pk)}#entry-{own.pk}")
    entry = selectors.journal_draft_get_for_user(request.user, case, entry_id)
    services.draft_viewed(user=request.user, entry=entry)
    return render(
        request,
        "journal/entry_sign.html",
        {
            "case": case,
            "entry": entry,
            "corrected": entry.corrects,
            "form": ConfirmForm(initial={"version": services.draft_version(entry)}),
        },
    )


@capability_required(Capability.HANDLE_CASES, hide=True)
def entry_correct(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """Writes a correction of a signed entry: a draft that names it, signed next. An entry
    already corrected is refused when the page is asked for (a message, and the journal at
    its correction), not after the person has written the text."""
    case = case_get_for_user(request.user, case_id)
    corrected = selectors.journal_signed_entry_get(case, entry_id)
    if request.method != "POST":
        correction_id = selectors.journal_signed_correction_id(corrected)
        if correction_id is not None:
            # Refused before anything is written: the person corrects the newest version.
            messages.error(
                request, _("This entry has already been corrected. Correct the newest version instead.")
            )
            return redirect(f"{_list_url(case.pk)}?entry={correction_id}")
    form = EntryForm(request.POST or None, initial={"text": corrected.text, "client_id": uuid.uuid4()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_draft_create(
                user=request.user,
                case=case,
                text=form.cleaned_data["text"],
                corrects_id=corrected.pk,
                client_id=form.cleaned_data["client_id"],
            )
        except ApplicationError as error:
            form.add_error("text", str(error))
            status = error.status
        else:
            messages.success(
                request, _("The correction was saved as a draft. Sign it to make it part of the journal.")
            )
            return redirect("journal:sign", case_id=case.pk, entry_id=entry.pk)
    elif request.method != "POST":
        services.entry_viewed(user=request.user, entry=corrected)
    return render(
        request,
        "journal/entry_form.html",
        {"case": case, "form": form, "corrected": corrected, "mode": "correct"},
        status=max(status, 400) if form.errors else 200,
    )


def _to_entry(entry: JournalEntry) -> HttpResponse:
    """To a new draft's signing page; or, when a repeated post found it signed already, to
    the entry in the journal."""
    if entry.is_signed:
        return redirect(f"{_list_url(entry.case_id)}?entry={entry.pk}")
    return redirect("journal:sign", case_id=entry.case_id, entry_id=entry.pk)


def _list_url(case_id: int) -> str:
    return reverse("journal:list", kwargs={"case_id": case_id})
