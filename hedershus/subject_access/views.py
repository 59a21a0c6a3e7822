"""Data-subject request pages: thin, calling ``services`` and ``selectors``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError
from hedershus.subject_access import exports, selectors, services
from hedershus.subject_access.forms import RELEASE, ItemDecideForm, RefuseForm, RequestNewForm
from hedershus.subject_access.models import SubjectAccessRequest, WithholdReason

PREPARE = Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS


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
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
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
    return render(request, "subject_access/new.html", {"form": form}, status=status)


def _request(request: HttpRequest, request_id: int) -> SubjectAccessRequest:
    found = selectors.request_get(request.user, request_id)
    if found is None:
        raise Http404
    return found


def _detail(request: HttpRequest, sar: SubjectAccessRequest, **extra: Any) -> dict[str, Any]:
    extract = selectors.extract_build(sar, request.user)
    return {
        "sar": sar,
        "extract": extract,
        "due": selectors.due_date(sar.received_on),
        "overdue": selectors.is_overdue(sar),
        "may_decide": selectors.may_decide_items(request.user, sar),
        "may_approve": selectors.may_approve(request.user, sar),
        "identity_check_note": selectors.identity_check_note(sar),
        "refusal_reason": selectors.refusal_reason(sar),
        "refuse_form": extra.pop("refuse_form", None) or RefuseForm(),
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
        anchor = "#item-" + form.cleaned_data["item"].replace(":", "-")
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
        services.request_approve(actor=request.user, request_id=sar.pk)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The extract is approved: it can now be downloaded."))
    return redirect("subject_access:detail", request_id=sar.pk)


@require_POST
@capability_required(PREPARE, hide=True)
def request_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request(request, request_id)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.request_refuse(actor=request.user, request_id=sar.pk, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The extract is refused."))
            return redirect("subject_access:detail", request_id=sar.pk)
    context = _detail(request, sar, refuse_form=form)
    services.request_view_record(
        actor=request.user, request=sar, case_ids=[case.case_id for case in context["extract"].cases]
    )
    return render(request, "subject_access/detail.html", context, status=400)


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
    extract = services.extract_download(actor=request.user, request_id=sar.pk, fmt=fmt)
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
