"""Staff pages of case documents, under /staff/cases/<case>/documents/: thin, over services.

Every page needs ``HANDLE_CASES`` (others get 404, ``hide=True``) and then the case through
``cases.selectors.case_get_for_user`` inside the services (404 for outsiders;
``CaseReasonRequired`` propagates, and the cases app answers it with the reason form).
The upload pages keep the file in memory only (``uploads.memory_only_uploads``), which must
happen before the body is read, so they check CSRF themselves (``csrf_protect`` inside a
``csrf_exempt`` wrapper, as Django's documentation shows for upload handlers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hedershus.case_documents import services
from hedershus.case_documents.forms import UploadForm, VersionForm, WithdrawForm
from hedershus.case_documents.models import WITHDRAW_WINDOW
from hedershus.case_documents.selectors import DocumentRow, documents_open_check
from hedershus.case_documents.uploads import memory_only_uploads
from hedershus.cases.models import Case
from hedershus.cases.selectors import case_get_for_user
from hedershus.core.access import Capability, capability_required
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import InvalidInput

handles_cases = capability_required(Capability.HANDLE_CASES, hide=True)


@require_GET
@handles_cases
def document_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's documents, newest first, each with its versions (audited as a read)."""
    case, rows = services.documents_list_open(actor=request.user, case_id=case_id)
    return render(request, "case_documents/list.html", {"case": case, "rows": rows})


def _too_large(request: HttpRequest, form: Any) -> None:
    """Says a file was too large, and only that: reading stopped at the limit, so the form
    found no file, and "Choose a file" beside it would send the person looking for one."""
    if getattr(request, "upload_too_large", False):
        form.errors.pop("file", None)
        form.add_error("file", _("The file is too large to upload here. Split it or make it smaller."))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@handles_cases
def upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """A new document: title and file (multipart; version 1)."""
    memory_only_uploads(request)
    return _upload(request, case_id)


@csrf_protect
def _upload(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)
    documents_open_check(request.user, case)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _too_large(request, form)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                version = services.document_upload(
                    actor=request.user,
                    case_id=case.pk,
                    title=form.cleaned_data["title"],
                    file_name=uploaded.name or "",
                    data=uploaded.read(),
                )
            except InvalidInput as error:
                form.add_error(_field(error, form), str(error))
            else:
                messages.success(request, _("The document is uploaded and stored encrypted."))
                return redirect("case_documents:document", case_id=case.pk, document_id=version.document_id)
    return render(
        request,
        "case_documents/upload.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def _field(error: InvalidInput, form: Any) -> str | None:
    field = error.extra.get("field", "file")
    return field if field in form.fields else None


def _document_page(
    request: HttpRequest,
    case: Case,
    row: DocumentRow,
    *,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    withdrawable = {
        v.number
        for v in row.versions
        if not v.withdrawn and v.uploaded_by_id == request.user.pk and now - v.uploaded_at <= WITHDRAW_WINDOW
    }
    versions = [
        {
            "version": v,
            "reason": decrypt_text(v.withdrawal_reason_encrypted) if v.withdrawn else "",
            "form": (
                withdraw_form
                if withdraw_form is not None and withdraw_form.prefix == f"v{v.number}"
                else WithdrawForm(prefix=f"v{v.number}")
            )
            if v.number in withdrawable
            else None,
        }
        for v in reversed(row.versions)
    ]
    context = {
        "case": case,
        "row": row,
        "versions": versions,
        "withdraw_minutes": int(WITHDRAW_WINDOW.total_seconds() // 60),
    }
    return render(request, "case_documents/document.html", context, status=status)


@require_GET
@handles_cases
def document(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    """A document's title and every version, newest first, each downloadable (audited)."""
    case, row = services.document_open(actor=request.user, case_id=case_id, document_id=document_id)
    return _document_page(request, case, row)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@handles_cases
def new_version(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    """Upload a new version of a document; the earlier versions stay."""
    memory_only_uploads(request)
    return _new_version(request, case_id, document_id)


@csrf_protect
def _new_version(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    case, row = services.document_open(actor=request.user, case_id=case_id, document_id=document_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _too_large(request, form)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                version = services.document_version_add(
                    actor=request.user,
                    case_id=case.pk,
                    document_id=row.pk,
                    file_name=uploaded.name or "",
                    data=uploaded.read(),
                )
            except InvalidInput as error:
                form.add_error(_field(error, form), str(error))
            else:
                messages.success(
                    request,
                    _("Version %(number)d is uploaded. The earlier versions are kept.")
                    % {"number": version.number},
                )
                return redirect("case_documents:document", case_id=case.pk, document_id=row.pk)
    return render(
        request,
        "case_documents/new_version.html",
        {"case": case, "row": row, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@handles_cases
def download(request: HttpRequest, case_id: int, document_id: int, number: int) -> HttpResponse:
    """One version's file, as a download named ``document-<id>-v<n>.<ext>`` (audited).

    Never shown in the browser: ``attachment``, ``nosniff``, a sandboxing CSP that forbids
    everything (even if a browser rendered it, nothing in it could run or load), ``no-store``
    (so no copy stays in a cache on a shared computer).
    """
    file = services.document_download(
        actor=request.user, case_id=case_id, document_id=document_id, number=number
    )
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Content-Length"] = str(len(file.data))
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@handles_cases
def withdraw(request: HttpRequest, case_id: int, document_id: int, number: int) -> HttpResponse:
    """The uploader withdraws a wrong upload within the window, with a reason."""
    form = WithdrawForm(request.POST, prefix=f"v{number}")
    if form.is_valid():
        try:
            services.document_version_withdraw(
                actor=request.user,
                case_id=case_id,
                document_id=document_id,
                number=number,
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request, _("Version %(number)d is withdrawn: its file is deleted.") % {"number": number}
            )
            return redirect("case_documents:document", case_id=case_id, document_id=document_id)
    case, row = services.document_open(actor=request.user, case_id=case_id, document_id=document_id)
    return _document_page(request, case, row, withdraw_form=form, status=400)
