"""Pages of consultations (R17): thin, over services and selectors.

Staff pages (``/staff/consultations/``) need ``HANDLE_CASES``; partner pages
(``/staff/partner/consultations/``) need ``ANSWER_REFERRALS`` and membership of the
consultation's unit. A URL naming a consultation answers 404 to anyone outside it
(``capability_required(..., hide=True)`` and the scoped selectors). Every page that shows a
subject or a thread records an audit event (``consultation.viewed``/``listed``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.consultations import selectors, services
from hedershus.consultations.forms import AskForm, CaseOpenForm, MessageForm
from hedershus.consultations.models import Consultation, ConsultationStatus
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.partners.selectors import units_of_professional

# --- The centre's side ---------------------------------------------------------------------


def _staff_consultation(request: HttpRequest, consultation_id: int) -> Consultation:
    consultation = selectors.consultation_get_for_staff(request.user, consultation_id)
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def _staff_page(
    request: HttpRequest, consultation: Consultation, *, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    services.consultation_view_record(
        actor=request.user, consultation=consultation, side=services.SIDE_CENTRE
    )
    context = {
        "consultation": consultation,
        "subject": selectors.consultation_subject(consultation),
        "thread": selectors.consultation_thread(consultation),
        "form": form or MessageForm(label=_("Your answer")),
        "case_form": CaseOpenForm(),
        "is_handler": consultation.handled_by_id == request.user.pk,
        "closed": consultation.status == ConsultationStatus.CLOSED,
    }
    return render(request, "consultations/staff_detail.html", context, status=status)


@capability_required(Capability.HANDLE_CASES)
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every consultation, waiting ones first. Records ``consultation.listed``."""
    rows = selectors.consultation_rows(selectors.consultations_for_staff(request.user))
    services.consultation_list_record(actor=request.user, side=services.SIDE_CENTRE, count=len(rows))
    return render(request, "consultations/staff_list.html", {"rows": rows, "limit": selectors.LIST_LIMIT})


@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The consultation and its thread, with the answer form and the actions."""
    return _staff_page(request, _staff_consultation(request, consultation_id))


def _done(
    request: HttpRequest, consultation_id: int, error: ApplicationError | None, success: str
) -> HttpResponse:
    if error is not None:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("consultations_staff:detail", consultation_id=consultation_id)


@require_POST
@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_answer(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Posts an answer; a refused one shows the page again with its message, nothing saved."""
    consultation = _staff_consultation(request, consultation_id)
    form = MessageForm(request.POST, label=_("Your answer"))
    status = 400
    if form.is_valid():
        try:
            services.answer_post(
                actor=request.user,
                consultation_id=consultation.pk,
                text=form.cleaned_data["text"],
                client_id=form.cleaned_data["client_id"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            messages.success(
                request, _("Your answer was sent. The unit is told by e-mail that there is news.")
            )
            return redirect("consultations_staff:detail", consultation_id=consultation.pk)
    return _staff_page(request, consultation, form=form, status=status)


@require_POST
@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_take(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Takes the consultation (``take_over=1``: from a colleague)."""
    consultation = _staff_consultation(request, consultation_id)
    try:
        services.consultation_take(
            actor=request.user,
            consultation_id=consultation.pk,
            take_over=request.POST.get("take_over") == "1",
        )
    except ApplicationError as error:
        return _done(request, consultation.pk, error, "")
    return _done(request, consultation.pk, None, _("You handle this consultation now."))


@require_POST
@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_agent_accept(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Records that the centre accepts to act as the authority's agent."""
    consultation = _staff_consultation(request, consultation_id)
    try:
        services.agent_role_accept(actor=request.user, consultation_id=consultation.pk)
    except ApplicationError as error:
        return _done(request, consultation.pk, error, "")
    return _done(request, consultation.pk, None, _("Recorded: the centre acts as the authority's agent."))


@require_POST
@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_case_open(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Makes the consultation a case and leads to the new case."""
    consultation = _staff_consultation(request, consultation_id)
    form = CaseOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an urgency."))
        return redirect("consultations_staff:detail", consultation_id=consultation.pk)
    try:
        case = services.case_open_from_consultation(
            actor=request.user, consultation_id=consultation.pk, urgency=form.cleaned_data["urgency"]
        )
    except ApplicationError as error:
        return _done(request, consultation.pk, error, "")
    messages.success(request, _("A case was opened from the consultation."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@capability_required(Capability.HANDLE_CASES, hide=True)
def staff_close(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _staff_consultation(request, consultation_id)
    services.consultation_close(actor=request.user, consultation_id=consultation.pk)
    return _done(request, consultation.pk, None, _("The consultation is closed."))


# --- The partner professional's side -------------------------------------------------------


def _partner_consultation(request: HttpRequest, consultation_id: int) -> Consultation:
    consultation = selectors.consultation_get_for_professional(request.user, consultation_id)
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def _partner_page(
    request: HttpRequest, consultation: Consultation, *, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    services.consultation_view_record(
        actor=request.user, consultation=consultation, side=services.SIDE_PARTNER
    )
    context: dict[str, Any] = {
        "consultation": consultation,
        "subject": selectors.consultation_subject(consultation),
        "thread": selectors.consultation_thread(consultation),
        "form": form or MessageForm(label=_("Your message")),
        "closed": consultation.status == ConsultationStatus.CLOSED,
    }
    return render(request, "consultations/partner_detail.html", context, status=status)


@capability_required(Capability.ANSWER_REFERRALS)
def partner_list(request: HttpRequest) -> HttpResponse:
    """The consultations of the professional's units. Records ``consultation.listed``."""
    rows = selectors.consultation_rows(selectors.consultations_for_professional(request.user))
    services.consultation_list_record(actor=request.user, side=services.SIDE_PARTNER, count=len(rows))
    context = {
        "rows": rows,
        "limit": selectors.LIST_LIMIT,
        "has_units": units_of_professional(request.user).exists(),
    }
    return render(request, "consultations/partner_list.html", context)


@capability_required(Capability.ANSWER_REFERRALS)
def partner_new(request: HttpRequest) -> HttpResponse:
    """Asks the centre a new question; a refused one shows the form again, nothing saved."""
    if not units_of_professional(request.user).exists():
        # Nothing to ask from: the page says whom to ask to be added to a unit.
        return render(request, "consultations/partner_new.html", {"form": None})
    form = AskForm(request.POST or None, units=units_of_professional(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consultation = services.consultation_ask(
                    actor=request.user,
                    unit_id=form.cleaned_data["unit"].pk,
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    agent_request=form.cleaned_data["agent_request"],
                    client_id=form.cleaned_data["client_id"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("Your question was sent to the centre."))
                return redirect("consultations_partner:detail", consultation_id=consultation.pk)
    return render(request, "consultations/partner_new.html", {"form": form}, status=status)


@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def partner_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The consultation and its thread, with the follow-up form."""
    return _partner_page(request, _partner_consultation(request, consultation_id))


@require_POST
@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def partner_reply(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Posts a follow-up; a refused one shows the page again with its message."""
    consultation = _partner_consultation(request, consultation_id)
    form = MessageForm(request.POST, label=_("Your message"))
    status = 400
    if form.is_valid():
        try:
            services.follow_up_post(
                actor=request.user,
                consultation_id=consultation.pk,
                text=form.cleaned_data["text"],
                client_id=form.cleaned_data["client_id"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            messages.success(request, _("Your message was sent to the centre."))
            return redirect("consultations_partner:detail", consultation_id=consultation.pk)
    return _partner_page(request, consultation, form=form, status=status)


@require_POST
@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def partner_close(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _partner_consultation(request, consultation_id)
    services.consultation_close(actor=request.user, consultation_id=consultation.pk)
    messages.success(request, _("The consultation is closed."))
    return redirect("consultations_partner:detail", consultation_id=consultation.pk)
