"""Staff pages of cases (issue 10, items 1 and 6): thin, over services and selectors.

Every page naming a case fetches it with ``selectors.case_get_for_user``: 404 for anyone who
does not handle cases, and the reason form (``access.case_view``) for a colleague outside
the case. Actions are POSTs that redirect to the case page; a refused form comes back on the
case page with its errors (400) and nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hedershus.cases import services
from hedershus.cases.access import case_view, safe_next
from hedershus.cases.forms import (
    AssignForm,
    CaseOpenForm,
    ContactForm,
    DecisionForm,
    FlagForm,
    FlagLiftForm,
    IdentifyForm,
    PersonForm,
    ProblemTypeCreateForm,
    ProblemTypesForm,
    ProtectedIdentityForm,
    ReasonForm,
    RelationForm,
    SearchForm,
    StatusForm,
    SupervisorForm,
    UrgencyForm,
)
from hedershus.cases.models import Case, CaseAssignment, ProblemType
from hedershus.cases.selectors import (
    LIST_LIMIT,
    CaseFilters,
    case_get_for_user,
    case_page,
    case_rows_for,
    user_may_see_protected_fields,
)
from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError, Conflict, InvalidInput
from hedershus.messaging.staff_selectors import conversations_visible_to

HANDLE = Capability.HANDLE_CASES
SUPERVISE = Capability.SUPERVISE_CASES


def _detail_url(case: Case | int) -> str:
    return reverse("cases:detail", kwargs={"case_id": case if isinstance(case, int) else case.pk})


# --- list and search ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(HANDLE)
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    """The user's cases (GET), or a search (POST; ``scope=all`` over every case they may
    find); outside rows show reference, status and urgency only. Audited as ``case.listed``.

    Filters come by POST only, as the public search's terms do: an alias typed on a shared
    computer never lands in an address, the browser's history or the sign-in's ``next``. A
    GET's query string is ignored. The answer is the page itself, never stored (no-store)."""
    form = SearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        return render(request, "cases/list.html", {"form": form, "rows": []}, status=400)
    filters = form.filters() if form.is_bound else CaseFilters()
    search = form.is_bound and form.search_all()
    rows = case_rows_for(request.user, filters, search=search)
    services.case_list_record(
        actor=request.user, filters=filters.used() + (["all"] if search else []), count=len(rows)
    )
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "rows": rows,
            "search": search,
            "limited": len(rows) >= LIST_LIMIT,
            "limit": LIST_LIMIT,
        },
    )


# --- opening a case ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(HANDLE)
def case_open(request: HttpRequest) -> HttpResponse:
    """A new case for a phone call, SMS, e-mail, visit or a professional's request."""
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=request.user,
                contact=form.contact(),
                urgency=data["urgency"],
                supervisor=data["supervisor"],
                protected_identity=data["protected_identity"],
            )
        except InvalidInput as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
            return redirect(_detail_url(case))
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/open.html", {"form": form}, status=status)


@require_POST
@capability_required(HANDLE, hide=True)
def case_open_from_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Opens a case from a room conversation the user may see (messaging's rule), or goes to
    the case it already has."""
    conversation = get_object_or_404(conversations_visible_to(request.user), pk=conversation_id)
    try:
        case = services.case_open_from_conversation(actor=request.user, conversation=conversation)
    except Conflict as error:
        messages.info(request, str(error.message))
        return redirect(_detail_url(int(error.extra["case_id"])))
    messages.success(
        request, _("Case %(reference)s opened from the conversation.") % {"reference": case.reference}
    )
    return redirect(_detail_url(case))


@require_POST
@capability_required(HANDLE, hide=True)
@case_view
def case_join_from_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Adds a later conversation of a room to the case an earlier one is in (``case`` in the
    form: the id the conversation page offered)."""
    conversation = get_object_or_404(conversations_visible_to(request.user), pk=conversation_id)
    try:
        case_id = int(request.POST.get("case", ""))
    except ValueError:
        raise InvalidInput(_("Choose the case.")) from None
    try:
        services.conversation_join_case(actor=request.user, conversation=conversation, case_id=case_id)
    except Conflict as error:
        messages.info(request, str(error.message))
        return redirect(_detail_url(int(error.extra["case_id"])))
    messages.success(request, _("The conversation was added to the case."))
    return redirect(_detail_url(case_id) + "#contacts")


# --- the case page -----------------------------------------------------------------------


def _render_detail(
    request: HttpRequest, case: Case, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    page = case_page(request.user, case)
    assigned_ids = [a.user_id for a in page.assignees]
    persons = [view.person for view in page.persons]
    context: dict[str, Any] = {
        "page": page,
        "case": case,
        "status_form": StatusForm(initial={"status": case.status, "outcome": case.outcome}),
        "urgency_form": UrgencyForm(initial={"urgency": case.urgency}),
        "assign_form": AssignForm(exclude=assigned_ids),
        "supervisor_form": SupervisorForm(initial={"supervisor": case.supervisor_id}),
        "protected_form": ProtectedIdentityForm(initial={"protected": case.protected_identity}),
        # Each form shown gets its id: a double submit of it stores one row (services).
        "contact_form": ContactForm(initial={"client_id": uuid.uuid4()}),
        "person_form": PersonForm(identity=page.may_see_protected, initial={"client_id": uuid.uuid4()}),
        "relation_form": RelationForm(persons=persons),
        "problem_types_form": ProblemTypesForm(initial={"problem_types": [p.pk for p in page.problem_types]}),
        "flag_form": FlagForm(initial={"client_id": uuid.uuid4()}),
        "flag_lift_form": FlagLiftForm(),
        "decision_form": DecisionForm(initial={"client_id": uuid.uuid4()}),
    }
    bound_identify = bound.pop("identify_form", None)
    context["identify_rows"] = [
        (
            view,
            bound_identify
            if bound_identify is not None and bound_identify.prefix == f"identify-{view.person.pk}"
            else IdentifyForm(prefix=f"identify-{view.person.pk}"),
        )
        for view in page.persons
    ]
    context.update(bound)
    return render(request, "cases/detail.html", context, status=status)


@require_GET
@capability_required(HANDLE, hide=True)
@case_view
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page; every view is ``case.viewed`` (``from_search`` when opened from a
    search result)."""
    case = case_get_for_user(request.user, case_id)
    services.case_view_record(actor=request.user, case=case, from_search=request.GET.get("from") == "search")
    return _render_detail(request, case)


@require_http_methods(["GET", "POST"])
@capability_required(HANDLE, hide=True)
def case_reason(request: HttpRequest, case_id: int) -> HttpResponse:
    """The reason form (R20): shows the case number only; a valid reason opens the case for
    ``services.ACCESS_GRANT_HOURS`` hours and goes on to ``next`` (a page of this case)."""
    case = case_get_for_user(request.user, case_id, allow_without_reason=True)
    target = safe_next(request, case.pk, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        try:
            case_get_for_user(request.user, case_id)
        except ApplicationError:
            pass
        else:  # already allowed in: no reason to ask for
            return redirect(target)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_access_grant(
                actor=request.user, case_id=case.pk, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as error:
            form.add_error("reason", str(error.message))
        else:
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/reason.html",
        {"case": case, "form": form, "next": target, "hours": services.ACCESS_GRANT_HOURS},
        status=status,
    )


# --- actions on the case page ------------------------------------------------------------


def _act(
    request: HttpRequest,
    case_id: int,
    form: forms.Form,
    form_name: str,
    run: Callable[[Case], Any],
    done: str,
    anchor: str = "",
) -> HttpResponse:
    """Validates ``form``, runs the service, and redirects to the case page with ``done``;
    a refused form (or service ``InvalidInput``) shows the case page again with the errors
    (400, nothing saved); a ``Conflict`` is a message on the case page; ``AccessDenied``
    goes on to the middleware (403 with its message)."""
    case = case_get_for_user(request.user, case_id)
    if form.is_valid():
        try:
            run(case)
        except InvalidInput as error:
            form.add_error(None, str(error.message))
        except Conflict as error:
            messages.error(request, str(error.message))
            return redirect(_detail_url(case) + anchor)
        else:
            messages.success(request, done)
            return redirect(_detail_url(case) + anchor)
    case.refresh_from_db()
    return _render_detail(request, case, status=400, **{form_name: form})


def _case_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return require_POST(capability_required(HANDLE, hide=True)(case_view(view)))


@_case_action
def contact_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = ContactForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "contact_form",
        lambda case: services.contact_add(actor=request.user, case_id=case.pk, contact=form.contact()),
        _("Contact added."),
        "#contacts",
    )


@_case_action
def status_set(request: HttpRequest, case_id: int) -> HttpResponse:
    form = StatusForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "status_form",
        lambda case: services.case_status_set(
            actor=request.user,
            case_id=case.pk,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
        ),
        _("Status saved."),
    )


@_case_action
def urgency_set(request: HttpRequest, case_id: int) -> HttpResponse:
    form = UrgencyForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "urgency_form",
        lambda case: services.case_urgency_set(
            actor=request.user, case_id=case.pk, urgency=form.cleaned_data["urgency"]
        ),
        _("Urgency saved."),
    )


@_case_action
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    form = AssignForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "assign_form",
        lambda case: services.case_assign(
            actor=request.user, case_id=case.pk, user=form.cleaned_data["user"]
        ),
        _("Colleague assigned."),
        "#staff",
    )


@_case_action
def unassign(request: HttpRequest, case_id: int, user_id: int) -> HttpResponse:
    form = forms.Form(request.POST)
    response = _act(
        request,
        case_id,
        form,
        "unassign_form",
        lambda case: services.case_unassign(actor=request.user, case_id=case.pk, user_id=user_id),
        _("Colleague removed from the case."),
        "#staff",
    )
    removed = not CaseAssignment.objects.filter(case_id=case_id, user_id=user_id).exists()
    if response.status_code == 302 and user_id == request.user.pk and removed:
        return redirect("cases:list")  # off the case: its page would now ask them for a reason
    return response


@_case_action
def supervisor_set(request: HttpRequest, case_id: int) -> HttpResponse:
    form = SupervisorForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "supervisor_form",
        lambda case: services.case_supervisor_set(
            actor=request.user, case_id=case.pk, supervisor=form.cleaned_data["supervisor"]
        ),
        _("Supervisor saved."),
        "#staff",
    )


@_case_action
def protected_identity_set(request: HttpRequest, case_id: int) -> HttpResponse:
    form = ProtectedIdentityForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "protected_form",
        lambda case: services.case_protected_identity_set(
            actor=request.user, case_id=case.pk, protected=form.cleaned_data["protected"]
        ),
        _("Protected identity saved."),
        "#staff",
    )


@_case_action
def person_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)
    form = PersonForm(request.POST, identity=user_may_see_protected_fields(request.user, case))
    return _act(
        request,
        case_id,
        form,
        "person_form",
        lambda case: services.person_add(actor=request.user, case_id=case.pk, person=form.person()),
        _("Person added."),
        "#persons",
    )


@_case_action
def person_identify(request: HttpRequest, case_id: int, person_id: int) -> HttpResponse:
    form = IdentifyForm(request.POST, prefix=f"identify-{person_id}")
    return _act(
        request,
        case_id,
        form,
        "identify_form",
        lambda case: services.person_identify(
            actor=request.user,
            case_id=case.pk,
            person_id=person_id,
            name=form.cleaned_data["name"],
            identity_number=form.cleaned_data["identity_number"],
        ),
        _("Identity recorded."),
        "#persons",
    )


@_case_action
def relation_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)
    form = RelationForm(request.POST, persons=list(case.persons.all()))
    return _act(
        request,
        case_id,
        form,
        "relation_form",
        lambda case: services.relation_add(
            actor=request.user,
            case_id=case.pk,
            from_person_id=form.cleaned_data["from_person"],
            to_person_id=form.cleaned_data["to_person"],
            kind=form.cleaned_data["kind"],
        ),
        _("Relation added."),
        "#persons",
    )


@_case_action
def problem_types_set(request: HttpRequest, case_id: int) -> HttpResponse:
    form = ProblemTypesForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "problem_types_form",
        lambda case: services.case_problem_types_set(
            actor=request.user,
            case_id=case.pk,
            problem_type_ids=[p.pk for p in form.cleaned_data["problem_types"]],
        ),
        _("Problem types saved."),
        "#problem-types",
    )


@_case_action
def flag_raise(request: HttpRequest, case_id: int) -> HttpResponse:
    form = FlagForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "flag_form",
        lambda case: services.flag_raise(
            actor=request.user,
            case_id=case.pk,
            message=form.cleaned_data["message"],
            client_id=form.cleaned_data["client_id"],
        ),
        _("Flag raised."),
        "#flags",
    )


@_case_action
def flag_lift(request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
    form = FlagLiftForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "flag_lift_form",
        lambda case: services.flag_lift(
            actor=request.user, case_id=case.pk, flag_id=flag_id, message=form.cleaned_data["message"]
        ),
        _("Flag lifted."),
        "#flags",
    )


@_case_action
def decision_record(request: HttpRequest, case_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    return _act(
        request,
        case_id,
        form,
        "decision_form",
        lambda case: services.decision_record(
            actor=request.user,
            case_id=case.pk,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            client_id=form.cleaned_data["client_id"],
        ),
        _("Decision recorded."),
        "#decision",
    )


# --- the list of problem types (supervisors) ------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(SUPERVISE)
def problem_types(request: HttpRequest) -> HttpResponse:
    """The list of problem types; supervisors add to it."""
    form = ProblemTypeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_type_create(actor=request.user, **form.cleaned_data)
        except (InvalidInput, Conflict) as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Problem type added."))
            return redirect("cases:problem_types")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/problem_types.html",
        {"form": form, "problem_types": ProblemType.objects.order_by("id")},
        status=status,
    )
