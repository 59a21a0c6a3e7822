"""Staff pages of assessments: thin, over services and selectors.

Every page names a case: ``capability_required(HANDLE_CASES, hide=True)`` and then
``case_get_for_user`` (404 for outsiders; ``CaseReasonRequired`` for a colleague outside the
case propagates, and the cases app answers it with the reason form). Reads of results are
audited through ``services``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hedershus.assessments import selectors, services
from hedershus.assessments.engine import JudgementFrame
from hedershus.assessments.forms import FrameUploadForm, judgement_fields, questionnaire_fields
from hedershus.cases.selectors import case_get_for_user
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError

HANDLE = Capability.HANDLE_CASES


@require_GET
@capability_required(HANDLE, hide=True)
def assessment_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's assessments, newest first (instrument, version, date, who, result), and the
    instruments to start one with. Audited (``assessment.list_viewed``)."""
    case = case_get_for_user(request.user, case_id)
    found = selectors.assessments_for_case(request.user, case)
    services.assessment_list_viewed(actor=request.user, case=case)
    context = {"case": case, "assessments": found, "instruments": selectors.instruments_available()}
    return render(request, "assessments/list.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(HANDLE, hide=True)
def assessment_new(request: HttpRequest, case_id: int, instrument: str) -> HttpResponse:
    """The form of an instrument's newest version. On POST: saved and shown (with its prompts)
    if every answer is valid; otherwise the form again (400) with an error summary, the
    answers given kept, and nothing saved."""
    case = case_get_for_user(request.user, case_id)
    choice = selectors.instrument_for_form(instrument)
    definition, version = choice.definition, choice.version
    data: dict[str, str] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        data = {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}
        # The version whose questions were answered, even if a newer one was loaded meanwhile.
        version = data.pop("instrument_version", "") or version
        if version != choice.version:
            definition = selectors.instrument_version_definition(instrument, version) or definition
        try:
            assessment = services.assessment_complete(
                actor=request.user, case=case, instrument_key=instrument, version=version, raw=data
            )
        except services.AnswersInvalid as error:
            errors, status = error.errors, 400
        else:
            # Said on the result page (?saved=1) rather than through the messages framework:
            # the staff layout's message list has role="status" on the <ul>, which axe refuses.
            url = reverse("assessments:detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
            return redirect(f"{url}?saved=1")
    context = {
        "case": case,
        "instrument": choice,
        "definition": definition,
        "version": version,
        "errors": errors,
        "is_judgement": isinstance(definition, JudgementFrame),
    }
    if isinstance(definition, JudgementFrame):
        context["frame"] = judgement_fields(definition, data, errors)
    else:
        context["fields"] = questionnaire_fields(definition, data, errors)
    context["error_links"] = _error_links(context, errors)
    return render(request, "assessments/form.html", context, status=status)


def _error_links(context: dict, errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary's links: each to the first control of its fieldset, in page order."""
    links = []
    groups = context.get("fields") or [
        *context.get("frame", {}).get("factors", []),
        *context.get("frame", {}).get("judgements", []),
    ]
    for group in groups:
        if group.get("error"):
            links.append({"href": "#" + group["options"][0]["id"], "message": group["error"]})
        if group.get("reason_error"):
            links.append({"href": "#id_" + group["reason_name"], "message": group["reason_error"]})
    return links


@require_GET
@capability_required(HANDLE, hide=True)
def assessment_detail(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    """One assessment: its prompts first, the result, the answers, the version and its
    licence note. Audited (``assessment.viewed``)."""
    case = case_get_for_user(request.user, case_id)
    view = selectors.assessment_get_for_user(request.user, case, assessment_id)
    services.assessment_viewed(actor=request.user, assessment=view.assessment)
    context = {"case": case, "item": view, "saved": request.GET.get("saved") == "1"}
    return render(request, "assessments/detail.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SUPERVISE_CASES)
def frame_upload(request: HttpRequest) -> HttpResponse:
    """Supervisors load a judgement frame file (JSON or CSV) as a new version; the versions
    loaded so far are listed. A bad file is refused with every problem named."""
    form = FrameUploadForm()
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = FrameUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                instrument, created = services.frame_load(
                    actor=request.user, content=upload.read(), filename=upload.name
                )
            except services.FrameInvalid as error:
                problems, status = error.problems, 400
            except ApplicationError as error:
                problems, status = [str(error)], error.status
            else:
                query = urlencode(
                    {"loaded": instrument.key, "version": instrument.version, "new": "1" if created else "0"}
                )
                return redirect(f"{reverse('assessment_frames:upload')}?{query}")
        else:
            status = 400
    loaded = selectors.frames_loaded()
    context = {"form": form, "problems": problems, "loaded": loaded, "notice": ""}
    key, version = request.GET.get("loaded", ""), request.GET.get("version", "")
    # Only a version that is in the list below is announced: the address cannot make up one.
    if request.method == "GET" and any(f.key == key and f.version == version for f in loaded):
        text = (
            _("Version %(version)s of %(key)s is loaded.")
            if request.GET.get("new") == "1"
            else _("Version %(version)s of %(key)s was already loaded with this content.")
        )
        context["notice"] = text % {"version": version, "key": key}
    return render(request, "assessments/frame_upload.html", context, status=status)
