"""Staff pages of the partner register under /staff/network/ (R19): thin, over services and
selectors.

Browsing (the list, an organisation, a unit) is for whoever may read the register
(``selectors.register_readable``: administrators and those who handle cases); every change
is for register administrators (``Capability.MANAGE_PARTNER_REGISTER``). A URL that names
an object answers 404 to anyone else, so a refusal says nothing about the object. Only
administrators see a unit's professionals (referrals go to the unit, never a person).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.core.access import Capability, capability_required, user_has_capability
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.partners import imports, selectors, services
from hedershus.partners.forms import (
    CapacityForm,
    ImportForm,
    InviteForm,
    OrganisationForm,
    UnitFilterForm,
    UnitForm,
)
from hedershus.partners.languages import language_name
from hedershus.partners.models import Audience, PartnerOrganisation, PartnerUnit, ServiceKind
from hedershus.partners.validation import keeps_free_places

View = Callable[..., HttpResponse]
ADMIN = Capability.MANAGE_PARTNER_REGISTER


def register_reader_required(*, hide: bool = False) -> Callable[[View], View]:
    """Signed in and allowed to read the register; else 403 (404 with ``hide``)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not selectors.register_readable(request.user):
                if hide:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _organisation(organisation_id: int) -> PartnerOrganisation:
    organisation = selectors.organisation_get(organisation_id)
    if organisation is None:
        raise NotFound(_("No such organisation."))
    return organisation


def _unit(unit_id: int) -> PartnerUnit:
    unit = selectors.unit_get(unit_id)
    if unit is None:
        raise NotFound(_("No such unit."))
    return unit


def _origin(request: HttpRequest) -> str:
    """The site's scheme and host (checked against ALLOWED_HOSTS) for links in e-mails."""
    return request.build_absolute_uri("/").rstrip("/")


def _is_admin(request: HttpRequest) -> bool:
    return user_has_capability(request.user, ADMIN)


@register_reader_required()
def index(request: HttpRequest) -> HttpResponse:
    """The register's units, filtered by kind, municipality, service, language or name."""
    form = UnitFilterForm(request.GET or None)
    units: list[PartnerUnit] = []
    status = 200
    if not form.is_bound:
        units = selectors.units_search()
    elif form.is_valid():
        units = selectors.units_search(**form.search())
    else:
        status = 400
    return render(
        request,
        "partners/index.html",
        {"form": form, "units": units, "is_admin": _is_admin(request)},
        status=status,
    )


@register_reader_required()
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partners/organisation_list.html",
        {"organisations": selectors.organisations_list(), "is_admin": _is_admin(request)},
    )


@capability_required(ADMIN)
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                organisation = services.organisation_create(actor=request.user, data=form.data_object())
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The organisation was added."))
                return redirect("partners:organisation_detail", organisation_id=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form}, status=status)


@register_reader_required(hide=True)
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(organisation_id)
    units = organisation.units.order_by("name", "id")
    return render(
        request,
        "partners/organisation_detail.html",
        {"organisation": organisation, "units": units, "is_admin": _is_admin(request)},
    )


@capability_required(ADMIN, hide=True)
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(organisation_id)
    form = (
        OrganisationForm(request.POST)
        if request.method == "POST"
        else OrganisationForm(instance=organisation)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=request.user, organisation_id=organisation.pk, data=form.data_object()
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The organisation was saved."))
                return redirect("partners:organisation_detail", organisation_id=organisation.pk)
    return render(
        request,
        "partners/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=status,
    )


@capability_required(ADMIN, hide=True)
def unit_new(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(organisation_id)
    form = UnitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                unit = services.unit_create(
                    actor=request.user, organisation_id=organisation.pk, data=form.data_object()
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The unit was added."))
                return redirect("partners:unit_detail", unit_id=unit.pk)
    return render(
        request, "partners/unit_form.html", {"form": form, "organisation": organisation}, status=status
    )


@register_reader_required(hide=True)
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    is_admin = _is_admin(request)
    context: dict[str, Any] = {
        "unit": unit,
        "organisation": unit.organisation,
        "languages": [language_name(code) for code in unit.languages],
        "services": [ServiceKind(value).label for value in unit.services if value in ServiceKind.values],
        "audiences": [Audience(value).label for value in unit.audiences if value in Audience.values],
        "is_admin": is_admin,
    }
    if is_admin:
        context["members"] = selectors.unit_members(unit)
        if keeps_free_places(unit.services):
            context["capacity_form"] = CapacityForm(initial={"free_places": unit.capacity_free})
    return render(request, "partners/unit_detail.html", context)


@capability_required(ADMIN, hide=True)
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    form = UnitForm(request.POST) if request.method == "POST" else UnitForm(instance=unit)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.unit_update(actor=request.user, unit_id=unit.pk, data=form.data_object())
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The unit was saved."))
                return redirect("partners:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "partners/unit_form.html",
        {"form": form, "organisation": unit.organisation, "unit": unit},
        status=status,
    )


@require_POST
@capability_required(ADMIN, hide=True)
def unit_capacity(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Sets the unit's free places (the unit's own professionals do it from their pages)."""
    unit = _unit(unit_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.unit_capacity_set(
                actor=request.user, unit_id=unit.pk, free_places=form.cleaned_data["free_places"]
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The number of free places was saved."))
            return redirect("partners:unit_detail", unit_id=unit.pk)
    else:
        messages.error(request, _("Free places are a whole number from 0: nothing was saved."))
    return redirect("partners:unit_detail", unit_id=unit.pk)


@capability_required(ADMIN, hide=True)
@reauthentication_required
def professional_invite(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Invites a professional to the unit (the unit's first one usually as its admin): a new
    account gets a one-time set-up link by e-mail, which the administrator never sees.

    An address that is an existing partner professional's is not added silently: the page
    comes back (200, nothing saved) naming the person and every unit they are in now, with a
    box to tick to add them here as well; only then are they added, and told by the neutral
    notification e-mail (``services.professional_invite``, ``attach_existing``)."""
    unit = _unit(unit_id)
    has_members = selectors.unit_members(unit).exists()
    form = InviteForm(request.POST or None, initial={"is_unit_admin": not has_members})
    status = 200
    existing = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            existing = selectors.professional_for_attach(request.user, data["email"])
            if existing is not None and not data["attach_existing"]:
                status = 200
            else:
                try:
                    services.professional_invite(
                        actor=request.user,
                        unit_id=unit.pk,
                        origin=_origin(request),
                        email=data["email"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        is_unit_admin=data["is_unit_admin"],
                        attach_existing=data["attach_existing"],
                    )
                except ApplicationError as error:
                    form.add_error(None, str(error))
                    status = error.status
                else:
                    messages.success(
                        request,
                        _(
                            "The professional was added to the unit and told by e-mail that "
                            "there is something new in Hedershus."
                        )
                        if existing is not None
                        else _(
                            "The professional was added. A new account gets a link by e-mail "
                            "to set a password."
                        ),
                    )
                    return redirect("partners:unit_detail", unit_id=unit.pk)
    context = {"form": form, "unit": unit, "existing": existing}
    return render(request, "partners/invite.html", context, status=status)


@require_POST
@capability_required(ADMIN, hide=True)
def professional_remove(request: HttpRequest, unit_id: int, user_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    deactivated = services.professional_remove(actor=request.user, unit_id=unit.pk, user_id=user_id)
    if deactivated:
        messages.success(
            request,
            _("The professional was removed; it was their last unit, so the account was deactivated."),
        )
    else:
        messages.success(request, _("The professional was removed from the unit."))
    return redirect("partners:unit_detail", unit_id=unit.pk)


@capability_required(ADMIN)
def register_import(request: HttpRequest) -> HttpResponse:
    """Upload of a CSV or XLSX file: every row is checked first; any problem is listed by line
    and column and nothing is imported."""
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    problems: list[imports.Problem] = []
    report = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                problems = [imports.Problem(0, "", _("The file is too big."))]
            else:
                try:
                    kind, rows = imports.rows_read(upload.read(imports.MAX_BYTES + 1))
                    report = services.register_import(actor=request.user, rows=rows, file_kind=kind)
                except imports.ImportRefused as refused:
                    problems = refused.problems
                except ApplicationError as error:
                    problems = [imports.Problem(0, "", str(error))]
                else:
                    status = 200
                    form = ImportForm()
    return render(
        request,
        "partners/import.html",
        {"form": form, "problems": problems, "report": report},
        status=status,
    )


@require_POST
@capability_required(ADMIN)
def directory_publish(request: HttpRequest) -> HttpResponse:
    """Sends the public units to the help directory as a draft for editors to review."""
    try:
        count = services.directory_publish(actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "%(count)s units were sent to the help directory as a draft: "
                "an editor reviews and publishes it."
            )
            % {"count": count},
        )
    return redirect("partners:index")
