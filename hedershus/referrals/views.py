"""Pages of referrals (R16): thin, over services and selectors.

- Under a case (``/staff/cases/<id>/referrals/``): ``HANDLE_CASES`` (404 without it: the URL
  names a case) and the case opened through ``cases.selectors.case_get_for_user`` (404 for a
  case the user may not know of; ``CaseReasonRequired`` leads to the reason form).
- ``/staff/referrals/``: the user's own referrals, and the escalated ones for supervisors.
- ``/staff/partner/referrals/``: ``ANSWER_REFERRALS``; a referral outside the professional's
  units is 404 (``selectors.referral_get_for_partner``).

A refused form comes back with its message (400 or the error's status) and nothing changed.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hedershus.cases.models import Case
from hedershus.cases.selectors import case_get_for_user, user_may_see_protected_fields
from hedershus.core.access import Capability, capability_required, user_has_capability
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.partners.models import PartnerUnit
from hedershus.referrals import selectors, services
from hedershus.referrals.forms import (
    CompleteForm,
    OfflineAnswer,
    ReasonForm,
    RecordAnswerForm,
    ReferralForm,
    StaffListFilter,
    UnitSearchForm,
    WithdrawForm,
    language_in_sentence,
)
from hedershus.referrals.models import ReferralChannel
from hedershus.referrals.selectors import LIST_LIMIT

HANDLE = Capability.HANDLE_CASES
ANSWER = Capability.ANSWER_REFERRALS


def _failed(form: Any, error: ApplicationError) -> int:
    form.add_error(None, str(error))
    return error.status


# --- a case's referrals --------------------------------------------------------------------


@require_GET
@capability_required(HANDLE, hide=True)
@never_cache
def case_referrals(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's referrals, newest first, and "New referral". Audited as ``referral.listed``."""
    case = case_get_for_user(request.user, case_id)
    referrals = list(selectors.referrals_of_case(case))
    services.referral_list_record(actor=request.user, scope="case", count=len(referrals), case=case)
    return render(request, "referrals/case_list.html", {"case": case, "referrals": referrals})


def _search_initial(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The person's municipality as the search's start (the first person with one), if the
    user may see where people in this case live."""
    if not user_may_see_protected_fields(request.user, case):
        return {}
    person = selectors.case_persons(case).exclude(municipality="").first()
    return {"municipality": person.municipality} if person is not None else {}


def _units(search: UnitSearchForm) -> selectors.UnitOffer:
    if not search.is_bound or not search.is_valid():
        return selectors.UnitOffer(PartnerUnit.objects.none())
    data = search.cleaned_data
    return selectors.units_to_offer(
        municipality=data["municipality"],
        district=data["district"],
        service=data["service"],
        language=data["language"],
        needs_free_places=data["needs_free_places"],
    )


@require_http_methods(["GET", "POST"])
@capability_required(HANDLE, hide=True)
@never_cache
def referral_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """Find the unit (POST ``action=search``: the units that match, nothing saved), then send
    the referral (``action=send``) to its inbox or record it as a phone call or letter."""
    case = case_get_for_user(request.user, case_id)
    if request.method == "POST":
        search = UnitSearchForm(request.POST, prefix="find")
        offer = _units(search)
        sending = request.POST.get("action") == "send"
        # A new search keeps what was already written in the referral (shown again, unchecked).
        kept: dict[str, Any] = {
            name: request.POST.getlist(name) if name == "shared_fields" else request.POST.get(name)
            for name in ReferralForm.base_fields
            if name in request.POST and name != "unit"
        }
        form = ReferralForm(
            request.POST if sending else None,
            case=case,
            units=offer.units,
            missing_language=offer.language if offer.language_missing else "",
            initial={**kept, "client_id": request.POST.get("client_id") or uuid.uuid4()},
        )
    else:
        search = UnitSearchForm(prefix="find", initial=_search_initial(request, case))
        offer = selectors.UnitOffer(PartnerUnit.objects.none())
        sending = False
        form = ReferralForm(case=case, units=offer.units, initial={"client_id": uuid.uuid4()})
    status = 200
    if sending:
        status = 400
        if form.is_valid():
            channel = form.cleaned_data["channel"]
            try:
                if channel == ReferralChannel.PLATFORM:
                    referral = services.referral_send(
                        actor=request.user, case_id=case.pk, data=form.referral_input()
                    )
                else:
                    referral = services.referral_record_offline(
                        actor=request.user,
                        case_id=case.pk,
                        data=form.referral_input(),
                        channel=channel,
                        sent_at=form.offline_moment(),
                        contact=form.cleaned_data["offline_contact"],
                    )
            except ApplicationError as error:
                status = _failed(form, error)
            else:
                messages.success(
                    request,
                    _("The referral was sent to the unit's inbox.")
                    if channel == ReferralChannel.PLATFORM
                    else _("The referral by phone or letter was recorded."),
                )
                return redirect("referrals:detail", case_id=case.pk, referral_id=referral.pk)
    return render(
        request,
        "referrals/new.html",
        {
            "case": case,
            "search": search,
            "form": form,
            "units": offer.units,
            "language_missing": language_in_sentence(offer.language) if offer.language_missing else "",
            "searched": request.method == "POST",
        },
        status=status,
    )


def _case_referral(request: HttpRequest, case_id: int, referral_id: int) -> tuple[Case, Any]:
    case = case_get_for_user(request.user, case_id)
    referral = selectors.referral_get_for_case(case, referral_id)
    if referral is None:
        raise NotFound(_("No such referral."))
    return case, referral


def _detail_page(
    request: HttpRequest,
    case: Case,
    referral: Any,
    *,
    withdraw: Any = None,
    record: Any = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "referrals/detail.html",
        {
            "case": case,
            "details": selectors.referral_details(referral),
            "withdraw_form": withdraw or WithdrawForm(prefix="withdraw"),
            "record_form": record or RecordAnswerForm(prefix="record"),
        },
        status=status,
    )


@require_GET
@capability_required(HANDLE, hide=True)
@never_cache
def referral_detail(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    """One referral: what was asked and shared, its legal basis and its steps. Audited as
    ``referral.viewed``."""
    case, referral = _case_referral(request, case_id, referral_id)
    services.referral_view_record(actor=request.user, referral=referral)
    return _detail_page(request, case, referral)


@require_POST
@capability_required(HANDLE, hide=True)
def referral_withdraw(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    """Withdraws an open referral with a reason."""
    case, referral = _case_referral(request, case_id, referral_id)
    form = WithdrawForm(request.POST, prefix="withdraw")
    status = 400
    if form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user,
                case_id=case.pk,
                referral_id=referral.pk,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            status = _failed(form, error)
        else:
            messages.success(request, _("The referral was withdrawn."))
            return redirect("referrals:detail", case_id=case.pk, referral_id=referral.pk)
    return _detail_page(request, case, referral, withdraw=form, status=status)


@require_POST
@capability_required(HANDLE, hide=True)
def referral_record_answer(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    """For a referral by phone or letter: records the unit's answer (received, accepted,
    declined, done or not)."""
    case, referral = _case_referral(request, case_id, referral_id)
    form = RecordAnswerForm(request.POST, prefix="record")
    status = 400
    if not referral.is_offline:
        form.is_valid()
        form.add_error(None, _("The unit answers this referral itself in Hedershus."))
        return _detail_page(request, case, referral, record=form, status=409)
    if form.is_valid():
        answer, reason = form.cleaned_data["answer"], form.cleaned_data["reason"]
        try:
            if answer == OfflineAnswer.RECEIVED:
                services.referral_receive(actor=request.user, referral_id=referral.pk)
            elif answer == OfflineAnswer.ACCEPTED:
                services.referral_accept(actor=request.user, referral_id=referral.pk)
            elif answer == OfflineAnswer.DECLINED:
                services.referral_decline(actor=request.user, referral_id=referral.pk, reason=reason)
            else:
                services.referral_complete(
                    actor=request.user,
                    referral_id=referral.pk,
                    successful=answer == OfflineAnswer.DONE,
                    reason=reason,
                )
        except ApplicationError as error:
            status = _failed(form, error)
        else:
            messages.success(request, _("The unit's answer was recorded."))
            return redirect("referrals:detail", case_id=case.pk, referral_id=referral.pk)
    return _detail_page(request, case, referral, record=form, status=status)


# --- /staff/referrals/ ------------------------------------------------------------------------


@require_GET
@capability_required(HANDLE)
@never_cache
def staff_referrals(request: HttpRequest) -> HttpResponse:
    """The user's own referrals, newest first, ``LIST_LIMIT`` a page (``?page=``; filter
    ``?status=``, a ``ReferralStatus`` value: 400 with its message otherwise), and, for
    supervisors, every escalated one still unanswered (at most ``LIST_LIMIT``, oldest
    deadline first). A cut list says so ("Showing the newest 200 of 812") and pages on."""
    supervises = user_has_capability(request.user, Capability.SUPERVISE_CASES)
    filters = StaffListFilter(request.GET)
    valid = filters.is_valid()
    status = filters.cleaned_data["status"] if valid else ""
    page = Paginator(selectors.referrals_sent_by(request.user, status=status), LIST_LIMIT).get_page(
        request.GET.get("page")
    )
    mine = list(page.object_list) if valid else []
    escalated_all = selectors.referrals_escalated_for(request.user)
    escalated = list(escalated_all[:LIST_LIMIT])
    services.referral_list_record(actor=request.user, scope="mine", count=len(mine))
    if supervises:
        services.referral_list_record(actor=request.user, scope="escalated", count=len(escalated))
    return render(
        request,
        "referrals/staff_list.html",
        {
            "filters": filters,
            "mine": mine,
            "page": page if valid else None,
            "page_query": urlencode({"status": status}) if status else "",
            "escalated": escalated,
            "escalated_total": escalated_all.count() if len(escalated) >= LIST_LIMIT else len(escalated),
            "limit": LIST_LIMIT,
            "supervises": supervises,
        },
        status=200 if valid else 400,
    )


# --- the partner's inbox ----------------------------------------------------------------------


@require_GET
@capability_required(ANSWER)
@never_cache
def partner_inbox(request: HttpRequest) -> HttpResponse:
    """The inbox of the units the professional answers for, newest first, ``LIST_LIMIT`` a
    page (``?page=``); a cut inbox says so and pages on."""
    page = Paginator(selectors.referrals_inbox_for(request.user), LIST_LIMIT).get_page(
        request.GET.get("page")
    )
    referrals = list(page.object_list)
    services.referral_list_record(actor=request.user, scope="inbox", count=len(referrals))
    return render(request, "referrals/partner_inbox.html", {"referrals": referrals, "page": page})


def _partner_referral(request: HttpRequest, referral_id: int) -> Any:
    referral = selectors.referral_get_for_partner(request.user, referral_id)
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral


def _partner_page(
    request: HttpRequest, referral: Any, *, decline: Any = None, complete: Any = None, status: int = 200
) -> HttpResponse:
    referral.refresh_from_db()
    return render(
        request,
        "referrals/partner_detail.html",
        {
            "details": selectors.referral_details(referral, for_partner=True),
            "decline_form": decline or ReasonForm(prefix="decline"),
            "complete_form": complete or CompleteForm(prefix="complete"),
        },
        status=status,
    )


@require_GET
@capability_required(ANSWER, hide=True)
@never_cache
def partner_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral of the unit. Every open is audited (``referral.opened``); the first marks
    it received."""
    referral = _partner_referral(request, referral_id)
    services.referral_receive(actor=request.user, referral_id=referral.pk)
    return _partner_page(request, referral)


@require_POST
@capability_required(ANSWER, hide=True)
def partner_accept(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _partner_referral(request, referral_id)
    try:
        services.referral_accept(actor=request.user, referral_id=referral.pk)
    except ApplicationError as error:
        messages.error(request, str(error))
        return _partner_page(request, referral, status=error.status)
    messages.success(request, _("You accepted the referral."))
    return redirect("referrals_partner:detail", referral_id=referral.pk)


@require_POST
@capability_required(ANSWER, hide=True)
def partner_decline(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _partner_referral(request, referral_id)
    form = ReasonForm(request.POST, prefix="decline")
    status = 400
    if form.is_valid():
        try:
            services.referral_decline(
                actor=request.user, referral_id=referral.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            status = _failed(form, error)
        else:
            messages.success(request, _("You declined the referral."))
            return redirect("referrals_partner:detail", referral_id=referral.pk)
    return _partner_page(request, referral, decline=form, status=status)


@require_POST
@capability_required(ANSWER, hide=True)
def partner_complete(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _partner_referral(request, referral_id)
    form = CompleteForm(request.POST, prefix="complete")
    status = 400
    if form.is_valid():
        try:
            services.referral_complete(
                actor=request.user,
                referral_id=referral.pk,
                successful=form.cleaned_data["successful"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            status = _failed(form, error)
        else:
            messages.success(request, _("The referral is marked done."))
            return redirect("referrals_partner:detail", referral_id=referral.pk)
    return _partner_page(request, referral, complete=form, status=status)
