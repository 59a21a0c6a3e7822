"""Data-subject request pages: thin, calling ``services`` and ``selectors``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.cases.identity import identity_number_normalise
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError, Conflict
from hedershus.subject_access import exports, selectors, services
from hedershus.subject_access.forms import RELEASE, ItemDecideForm, RefuseForm, RequestNewForm
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest, WithholdReason

PREPARE = Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS
# The refusal form's error, kept in the session for the page the POST redirects to.
REFUSE_ERROR = "subject_access_refuse_error"
CLOSED = (RequestStatus.REFUSED, RequestStatus.DELIVERED)


@capability_required(PREPARE)
def request_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.request_rows(request.user)
    return render(
        request,
        "subject_access/list.html",
        {"rows": rows, "overdue": sum(1 for row in rows if row.overdue)},
    )


@capability_required(PREPARE)
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestNewForm(request.POST or None)
    status = 200
    duplicates: list[SubjectAccessRequest] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            number = identity_number_normalise(data["identity_number"]) or ""
            duplicates = [
                r
                for r in selectors.open_requests_with_number(number)
                # The same form sent again returns the first request (no warning about itself).
                if not (r.prepared_by_id == request.user.pk and r.client_id == data.get("client_id"))
            ]
            if duplicates and not data.get("duplicate_confirmed"):
                form.add_error(
                    "duplicate_confirmed",
                    _(
                        "An open request for this number exists already: look at it, "
                        "or tick the box to record a new one."
                    ),
                )
                form.mark_invalid()
                return render(
                    request,
                    "subject_access/new.html",
                    {"form": form, "duplicates": _visible(request, duplicates)},
                    status=400,
                )
            try:
                created = services.request_prepare(
                    actor=request.user,
                    identity_number=data["identity_number"],
                    received_on=data["received_on"],
                    identity_check=data["identity_check"],
                    identity_check_note=data.get("identity_check_note") or "",
                    client_id=data.get("client_id"),
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                form.mark_invalid()
                status = error.status
            else:
                if created.person_ids:
                    messages.success(
                        request, _("The person was found in the case register. Review the extract.")
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "Nobody with that number is in the case register: "
                            "the answer is that we hold no data."
                        ),
                    )
                return redirect("subject_access:detail", request_id=created.pk)
    form.mark_invalid()
    return render(request, "subject_access/new.html", {"form": form, "duplicates": []}, status=status)


def _visible(request: HttpRequest, found: list[SubjectAccessRequest]) -> list[tuple[int, bool]]:
    """(id, whether ``request.user`` may open it) for the duplicate warning."""
    mine = set(
        selectors.requests_for(request.user).filter(pk__in=[r.pk for r in found]).values_list("pk", flat=True)
    )
    return [(r.pk, r.pk in mine) for r in found]


def _request(request: HttpRequest, request_id: int) -> SubjectAccessRequest:
    found = selectors.request_get(request.user, request_id)
    if found is None:
        raise Http404
    return found


def _detail(request: HttpRequest, sar: SubjectAccessRequest, **extra: Any) -> dict[str, Any]:
    closed = sar.status in CLOSED
    # A refused or delivered request shows no case content: only its record and decisions.
    extract = selectors.extract_closed(sar) if closed else selectors.extract_build(sar, request.user)
    refuse_form = RefuseForm()
    error = request.session.pop(f"{REFUSE_ERROR}:{sar.pk}", None)
    if error and sar.status == RequestStatus.PREPARED:
        refuse_form = RefuseForm(data={"reason": ""})
        refuse_form.is_valid()
        refuse_form.errors.clear()
        refuse_form.add_error("reason", error)
        refuse_form.mark_invalid()
    return {
        "sar": sar,
        "closed": closed,
        "counts": selectors.decision_counts(sar) if closed else None,
        "fingerprint": selectors.decisions_fingerprint(sar),
        "extract": extract,
        "due": selectors.due_date(sar.received_on),
        "overdue": selectors.is_overdue(sar),
        "may_decide": selectors.may_decide_items(request.user, sar),
        "may_approve": selectors.may_approve(request.user, sar),
        "identity_check_note": selectors.identity_check_note(sar),
        "refusal_reason": selectors.refusal_reason(sar),
        "refuse_form": refuse_form,
        "RELEASE": RELEASE,
        "reasons": WithholdReason.choices,
        "other_person_reason": WithholdReason.OTHER_PERSON.label,
        **extra,
    }


@capability_required(PREPARE, hide=True)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request(request, request_id)
    context = _detail(request, sar)
    services.request_view_record(
        actor=request.user, request=sar, case_ids=[case.case_id for case in context["extract"].cases]
    )
    return render(request, "subject_access/detail.html", context)


@require_POST
@capability_required(PREPARE, hide=True)
def item_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request(request, request_id)
    form = ItemDecideForm(request.POST)
    anchor = ""
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        anchor = "#" + selectors.item_anchor(form.cleaned_data["item"])
        try:
            services.item_decide(
                actor=request.user,
                request_id=sar.pk,
                item=form.cleaned_data["item"],
                release=decision == RELEASE,
                reason="" if decision == RELEASE else decision,
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Nothing was saved: choose to release the item or why it is withheld."))
    return redirect(reverse("subject_access:detail", kwargs={"request_id": sar.pk}) + anchor)


@require_POST
@capability_required(PREPARE, hide=True)
def request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request(request, request_id)
    try:
        services.request_approve(actor=request.user, request_id=sar.pk, seen=request.POST.get("seen", ""))
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The extract is approved: it can now be downloaded."))
    return redirect("subject_access:detail", request_id=sar.pk)


@require_POST
@capability_required(PREPARE, hide=True)
def request_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    """Refuses; on bad input, POST/redirect/GET back to the form's anchor with the error next
    to the field (kept in the session once; the text typed is not kept: it may hold what was
    refused)."""
    sar = _request(request, request_id)
    form = RefuseForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.request_refuse(actor=request.user, request_id=sar.pk, reason=form.cleaned_data["reason"])
        except ApplicationError as failure:
            error = str(failure)
        else:
            messages.success(request, _("The extract is refused."))
            return redirect("subject_access:detail", request_id=sar.pk)
    else:
        error = " ".join(str(e) for e in form.errors.get("reason", [])) or _(
            "Write why the extract is refused."
        )
    request.session[f"{REFUSE_ERROR}:{sar.pk}"] = error
    return redirect(reverse("subject_access:detail", kwargs={"request_id": sar.pk}) + "#decide-heading")


@require_POST
@capability_required(PREPARE, hide=True)
def request_deliver(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request(request, request_id)
    try:
        services.request_deliver(actor=request.user, request_id=sar.pk)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The request is marked delivered."))
    return redirect("subject_access:detail", request_id=sar.pk)


def _download(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    sar = _request(request, request_id)
    try:
        extract = services.extract_download(actor=request.user, request_id=sar.pk, fmt=fmt)
    except Conflict as error:
        # Back to the request, which says why (not approved yet, or delivered).
        messages.error(request, str(error))
        return redirect("subject_access:detail", request_id=sar.pk)
    body = exports.as_pdf(extract) if fmt == "pdf" else exports.as_json(extract)
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(extract, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


@capability_required(PREPARE, hide=True)
def download_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    return _download(request, request_id, "pdf")


@capability_required(PREPARE, hide=True)
def download_json(request: HttpRequest, request_id: int) -> HttpResponse:
    return _download(request, request_id, "json")
