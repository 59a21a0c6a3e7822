"""Log review pages: thin, calling ``services`` and ``selectors``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.core.access import Capability, capability_required, user_has_capability
from hedershus.core.exceptions import ApplicationError
from hedershus.oversight import selectors, services
from hedershus.oversight.forms import FollowUpCloseForm, ItemMarkForm, ReviewNewForm, SignForm
from hedershus.oversight.models import LogReview


@capability_required(Capability.REVIEW_AUDIT_LOG)
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = selectors.reviews_for(request.user)[:200]
    return render(
        request,
        "oversight/review_list.html",
        {"reviews": reviews, "schedule": selectors.review_schedule()},
    )


@capability_required(Capability.REVIEW_AUDIT_LOG)
def review_new(request: HttpRequest) -> HttpResponse:
    form = ReviewNewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.log_review_create(
                    actor=request.user,
                    kind=data["kind"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    case_id=data["case_id"],
                    staff_member_id=data["staff_member"].pk if data.get("staff_member") else None,
                    sample_size=data.get("sample_size"),
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The review lists %(n)s reads.") % {"n": review.items.count()})
                return redirect("oversight:review", review_id=review.pk)
    return render(request, "oversight/review_new.html", {"form": form}, status=status)


def _review(request: HttpRequest, review_id: int) -> LogReview:
    review = selectors.review_get(request.user, review_id)
    if review is None:
        raise Http404
    return review


def _detail(request: HttpRequest, review: LogReview, **extra: Any) -> dict[str, Any]:
    rows = selectors.review_items(review)
    return {
        "review": review,
        "rows": rows,
        "judged": sum(1 for row in rows if row.item.verdict),
        "summary": selectors.review_summary(review),
        "case_reference": selectors.review_case_reference(review),
        "sign_form": extra.pop("sign_form", None) or SignForm(),
        **extra,
    }


@capability_required(Capability.REVIEW_AUDIT_LOG, hide=True)
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    services.log_review_view_record(actor=request.user, review=review)
    return render(request, "oversight/review_detail.html", _detail(request, review))


@require_POST
@capability_required(Capability.REVIEW_AUDIT_LOG, hide=True)
def review_item_mark(request: HttpRequest, review_id: int, item_id: int) -> HttpResponse:
    review = _review(request, review_id)
    if not review.items.filter(pk=item_id).exists():
        raise Http404  # a read of another review, named under this one
    form = ItemMarkForm(request.POST)
    if form.is_valid():
        try:
            services.log_review_item_mark(
                actor=request.user,
                review_id=review.pk,
                item_id=item_id,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("oversight:review", kwargs={"review_id": review.pk}) + f"#item-{item_id}")
    else:
        problems = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, _("Nothing was saved: %(problems)s") % {"problems": problems})
    return redirect("oversight:review", review_id=review.pk)


@require_POST
@capability_required(Capability.REVIEW_AUDIT_LOG, hide=True)
def review_sign(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.log_review_sign(
                actor=request.user, review_id=review.pk, summary=form.cleaned_data["summary"]
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
            return render(
                request,
                "oversight/review_detail.html",
                _detail(request, review, sign_form=form),
                status=error.status,
            )
        messages.success(request, _("The review is signed off."))
        return redirect("oversight:review", review_id=review.pk)
    return render(
        request, "oversight/review_detail.html", _detail(request, review, sign_form=form), status=400
    )


@capability_required(Capability.SUPERVISE_CASES)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oversight/follow_ups.html",
        {"rows": selectors.follow_ups_for(request.user), "form": FollowUpCloseForm()},
    )


@require_POST
@capability_required(Capability.SUPERVISE_CASES, hide=True)
def follow_up_close(request: HttpRequest, item_id: int) -> HttpResponse:
    if selectors.follow_up_get(request.user, item_id) is None:
        raise Http404
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        try:
            services.log_review_follow_up_close(
                actor=request.user, item_id=item_id, note=form.cleaned_data["note"]
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The follow-up is closed."))
    else:
        messages.error(request, _("Nothing was saved: write what was done."))
    return redirect("oversight:follow_ups")


@login_required
def retention_overview(request: HttpRequest) -> HttpResponse:
    """What every app keeps and how long, and what the next run will delete (R22): for
    administrators (MANAGE_SITE_SETTINGS) and auditors (REVIEW_AUDIT_LOG), 403 for others.
    Counts and record types only, so not audited as a read of personal data."""
    if not (
        user_has_capability(request.user, Capability.MANAGE_SITE_SETTINGS)
        or user_has_capability(request.user, Capability.REVIEW_AUDIT_LOG)
    ):
        raise PermissionDenied
    return render(request, "oversight/retention.html", {"overview": selectors.retention_overview()})
