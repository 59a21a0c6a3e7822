"""Staff pages of cost sharing (R25): thin, over services and selectors.

Reading needs ``VIEW_COST_SHARING`` (supervisors, administrators, partner professionals);
changing needs ``MANAGE_SITE_SETTINGS`` (administrators). A URL naming an agreement or a
table answers 404 to anyone without the capability (``hide=True``) and for an unknown one.
Every page and export is recorded in the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.core.access import Capability, capability_required, user_has_capability
from hedershus.core.exceptions import ApplicationError, InvalidInput, NotFound
from hedershus.costs import exports, selectors, services
from hedershus.costs.forms import AgreementForm, PartForm, PopulationImportForm, ShareForm
from hedershus.costs.models import CostAgreement

VIEW = Capability.VIEW_COST_SHARING
MANAGE = Capability.MANAGE_SITE_SETTINGS


def _may_manage(request: HttpRequest) -> bool:
    return user_has_capability(request.user, MANAGE)


@capability_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """The agreements and the population tables."""
    agreements = selectors.agreements_visible_to(request.user)
    tables = selectors.population_tables_visible_to(request.user)
    services.list_viewed(user=request.user)
    return render(
        request,
        "costs/index.html",
        {"agreements": agreements, "tables": tables, "may_manage": _may_manage(request)},
    )


def _table_context(data: selectors.AgreementTable) -> dict[str, Any]:
    rows = []
    for values in exports.reader_rows(data):
        rows.append(
            {
                "name": values[0],
                "kind": values[1],
                "population": "" if values[2] is None else number_format(values[2], force_grouping=True),
                "share": number_format(values[3], 2),
                "amounts": [number_format(value, force_grouping=True) for value in values[4:]],
            }
        )
    return {
        "data": data,
        "header": exports.reader_header(data),
        "body_rows": rows[:-1],
        "total_row": rows[-1],
        "title": exports.title(data),
        "method_note": exports.method_note(data),
        "formats": exports.FORMATS,
    }


@capability_required(VIEW, hide=True)
def agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """An agreement: its parts, fixed shares, years, and the table for the whole period."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    context: dict[str, Any] = {"agreement": found, "may_manage": _may_manage(request)}
    try:
        context.update(_table_context(selectors.agreement_table(found, selectors.PERIOD)))
    except InvalidInput as error:
        context["table_problem"] = str(error)
    services.table_viewed(user=request.user, agreement=found, scope=selectors.PERIOD)
    return render(request, "costs/agreement.html", context)


@capability_required(VIEW, hide=True)
def table(request: HttpRequest, agreement_id: int, scope: str) -> HttpResponse:
    """The table of one year of the agreement (or of its whole period: ``scope`` "period")."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    data = selectors.agreement_table(found, scope)
    services.table_viewed(user=request.user, agreement=found, scope=scope)
    return render(request, "costs/table.html", {"agreement": found, **_table_context(data)})


@capability_required(VIEW, hide=True)
def export(request: HttpRequest, agreement_id: int, scope: str, fmt: str) -> HttpResponse:
    """The table as a file: ``fmt`` csv, xlsx or pdf (another is 404)."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    if fmt not in exports.FORMATS:
        raise NotFound(_("No such format."))
    data = selectors.agreement_table(found, scope)
    content: str | bytes
    if fmt == "csv":
        content = exports.as_csv(data)
    elif fmt == "xlsx":
        content = exports.as_xlsx(data)
    else:
        content = exports.as_pdf(data)
    services.table_exported(user=request.user, agreement=found, scope=scope, fmt=fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


def _form_page(
    request: HttpRequest, template: str, form: Any, context: dict[str, Any], save: Any, done: Any
) -> HttpResponse:
    """Shows ``form``; on a valid POST calls ``save()`` and redirects to ``done()``. A refusal
    shows the form again with its message (400, or the error's status), nothing saved."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = save()
            except services.PopulationImportRefused as error:
                form.add_error(None, str(error))
                for problem in error.problems:
                    form.add_error(None, problem)
                status = error.status
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                return done(result)
    return render(request, template, {**context, "form": form}, status=status)


@capability_required(MANAGE)
def population_import(request: HttpRequest) -> HttpResponse:
    """Imports a population table from a CSV file (all rows or none)."""
    form = PopulationImportForm(request.POST or None, request.FILES or None)

    def save() -> Any:
        return services.population_table_import(
            user=request.user,
            reference_date=form.cleaned_data["reference_date"],
            source_note=form.cleaned_data["source_note"],
            content=form.cleaned_data["file"].read(),
        )

    def done(table: Any) -> HttpResponse:
        messages.success(request, _("The population table was imported."))
        return redirect("costs:population", table_id=table.pk)

    return _form_page(request, "costs/population_import.html", form, {}, save, done)


@capability_required(VIEW, hide=True)
def population(request: HttpRequest, table_id: int) -> HttpResponse:
    """A population table's rows."""
    found = selectors.population_table_get_for_user(request.user, table_id)
    rows = list(found.rows.all())
    services.population_viewed(user=request.user, table=found)
    return render(
        request,
        "costs/population.html",
        {"table": found, "rows": rows, "total": sum(row.population for row in rows)},
    )


@capability_required(MANAGE)
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Creates an agreement (its parts and shares are added on its page)."""
    form = AgreementForm(request.POST or None)

    def save() -> Any:
        return services.agreement_create(
            user=request.user,
            name=form.cleaned_data["name"],
            first_year=form.cleaned_data["first_year"],
            last_year=form.cleaned_data["last_year"],
            population_table_id=form.cleaned_data["population_table"].pk,
        )

    def done(created: CostAgreement) -> HttpResponse:
        messages.success(request, _("The agreement was created. Add its parts and fixed shares."))
        return redirect("costs:agreement", agreement_id=created.pk)

    return _form_page(request, "costs/agreement_form.html", form, {}, save, done)


def _back_to(request: HttpRequest, found: CostAgreement, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("costs:agreement", agreement_id=found.pk)


@capability_required(MANAGE, hide=True)
def part_new(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Adds a yearly part (e.g. "Fysiskt hus", 5 000 000 kr) to the agreement."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    form = PartForm(request.POST or None, agreement=found)

    def save() -> Any:
        return services.part_add(
            user=request.user,
            agreement_id=found.pk,
            name=form.cleaned_data["name"],
            amount=form.cleaned_data["amount"],
            first_year=form.cleaned_data["first_year"],
            last_year=form.cleaned_data["last_year"],
        )

    return _form_page(
        request,
        "costs/part_form.html",
        form,
        {"agreement": found},
        save,
        lambda _part: _back_to(request, found, _("The part was added.")),
    )


@capability_required(MANAGE, hide=True)
def share_new(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Gives a named partner a fixed share of the agreement."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    form = ShareForm(request.POST or None)

    def save() -> Any:
        return services.share_add(
            user=request.user,
            agreement_id=found.pk,
            name=form.cleaned_data["name"],
            basis_points=form.basis_points(),
        )

    return _form_page(
        request,
        "costs/share_form.html",
        form,
        {"agreement": found},
        save,
        lambda _share: _back_to(request, found, _("The fixed share was added.")),
    )


@require_POST
@capability_required(MANAGE, hide=True)
def part_remove(request: HttpRequest, agreement_id: int, part_id: int) -> HttpResponse:
    """Removes a part of the agreement (POST)."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    services.part_remove(user=request.user, agreement_id=found.pk, part_id=part_id)
    return _back_to(request, found, _("The part was removed."))


@require_POST
@capability_required(MANAGE, hide=True)
def share_remove(request: HttpRequest, agreement_id: int, share_id: int) -> HttpResponse:
    """Removes a fixed share of the agreement (POST)."""
    found = selectors.agreement_get_for_user(request.user, agreement_id)
    services.share_remove(user=request.user, agreement_id=found.pk, share_id=share_id)
    return _back_to(request, found, _("The fixed share was removed."))
