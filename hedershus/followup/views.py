"""Staff pages of a case's follow-up (R18): thin, over services and selectors.

Every view asks for ``HANDLE_CASES`` (404 without it: the URL names a case) and opens the
case through ``cases.selectors.case_get_for_user`` (404 for a case the user may not know
of; ``CaseReasonRequired`` propagates to the cases app's reason form).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hedershus.cases.selectors import case_get_for_user
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.followup import selectors, services
from hedershus.followup.forms import FollowUpForm, MeasureEndForm, MeasureForm


@capability_required(Capability.HANDLE_CASES, hide=True)
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's timeline: chart, table of ratings, measures and every event in order.
    Records ``followup.timeline_viewed``."""
    case = case_get_for_user(request.user, case_id)
    data = selectors.case_timeline(request.user, case)
    services.timeline_viewed(user=request.user, case=case)
    return render(request, "followup/timeline.html", {"case": case, "timeline": data})


@capability_required(Capability.HANDLE_CASES, hide=True)
def follow_up_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """Records a follow-up; a refused one shows the form again with its message, nothing saved."""
    case = case_get_for_user(request.user, case_id)
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.follow_up_record(
                    user=request.user,
                    case=case,
                    held_on=form.cleaned_data["held_on"],
                    ratings=form.ratings(),
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The follow-up was saved."))
                return redirect("followup:timeline", case_id=case.pk)
    return render(request, "followup/follow_up_form.html", {"case": case, "form": form}, status=status)


@capability_required(Capability.HANDLE_CASES, hide=True)
def measure_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """Records a protective measure."""
    case = case_get_for_user(request.user, case_id)
    form = MeasureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.measure_add(
                    user=request.user,
                    case=case,
                    kind=form.cleaned_data["kind"],
                    started_on=form.cleaned_data["started_on"],
                    ended_on=form.cleaned_data["ended_on"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The protective measure was saved."))
                return redirect("followup:timeline", case_id=case.pk)
    return render(request, "followup/measure_form.html", {"case": case, "form": form}, status=status)


@capability_required(Capability.HANDLE_CASES, hide=True)
def measure_end(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Asks for the end date of a measure in force (GET) and ends it (POST)."""
    case = case_get_for_user(request.user, case_id)
    measure = selectors.measure_get(case, measure_id)
    if measure is None:
        raise NotFound(_("No such measure."))
    form = MeasureEndForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.measure_end(
                    user=request.user,
                    case=case,
                    measure_id=measure.pk,
                    ended_on=form.cleaned_data["ended_on"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The protective measure was ended."))
                return redirect("followup:timeline", case_id=case.pk)
    return render(
        request, "followup/measure_end.html", {"case": case, "measure": measure, "form": form}, status=status
    )
