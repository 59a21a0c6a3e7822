"""The follow-up dashboard and its exports (R24): thin, over selectors and services.

Reading needs ``VIEW_STATISTICS`` (supervisors, administrators, partner professionals; 403
otherwise). A partner professional asking for a municipality other than their own gets 404,
never the figures (``selectors.municipality_check``). A bad filter shows the form with its
message and no figures (400). Every page and every export is an audit event, and so is every
refused request (``statistics.refused``: the page, the filter names, the status).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import InvalidInput, NotFound
from hedershus.core.places import MUNICIPALITIES
from hedershus.statistics import exports, presentation, selectors, services
from hedershus.statistics.chart import bar_chart
from hedershus.statistics.forms import FilterForm

VIEW = Capability.VIEW_STATISTICS


def _form(request: HttpRequest) -> FilterForm:
    user = request.user
    own = selectors.municipalities_for(user)
    every = selectors.sees_every_municipality(user)
    data: QueryDict | dict[str, Any] = request.GET.copy()
    if not every and own and not request.GET.get("municipality"):
        # A partner professional starts at their own municipality beside the county.
        data = {**request.GET.dict(), "municipality": own[0]}
    # The month fields show the default period when none is given (they were empty while
    # the default applied).
    default = selectors.Period.default()
    for name, month in (("first", default.first), ("last", default.last)):
        if not data.get(name):
            data[name] = f"{month:%Y-%m}"
    # A partner's choice outside their own municipality is refused by the selector (404), so
    # the form offers every municipality the user may see, and checks nothing more itself.
    choices = MUNICIPALITIES if every else own
    label = _("All municipalities") if every else _("The county only")
    return FilterForm(data, municipalities=choices, county_label=label)


def _chart(tables: list[presentation.DisplayTable]) -> Any:
    month = next(t for t in tables if t.key == "contacts_month")
    # The first column: the chosen municipality, or the county when none is chosen.
    return bar_chart([(label, figures[0]) for label, figures in month.rows])  # type: ignore[misc]


def _refused(request: HttpRequest, page: str, status: int) -> None:
    """Audits a refused request (``statistics.refused``): the page, the filter names given,
    the status; never a figure."""
    given = [name for name in services.FILTER_NAMES if request.GET.get(name)]
    services.request_refused(user=request.user, page=page, filters=given, status=status)


def _read(request: HttpRequest, page: str) -> tuple[FilterForm, selectors.Dashboard | None]:
    """The form and the dashboard; ``None`` for a bad filter (audited as refused, 400).
    ``NotFound`` (audited as refused, 404) for a municipality the user may not see."""
    form = _form(request)
    municipality = request.GET.get("municipality", "") or form.data.get("municipality", "")
    try:
        # Refused before the form is looked at: a partner's other municipality is 404 whatever else.
        selectors.municipality_check(request.user, str(municipality))
        if not form.is_valid():
            _refused(request, page, 400)
            return form, None
        data = selectors.dashboard_for(
            request.user, form.cleaned_data["period"], form.cleaned_data["municipality"]
        )
    except NotFound:
        _refused(request, page, 404)
        raise
    return form, data


@capability_required(VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard: the filter, a chart of contacts per month, and every table."""
    form, data = _read(request, "dashboard")
    if data is None:
        # The fields' errors in a summary at the top; an error of the whole period (it ends
        # before it starts) is the form's own alert (core/form_fields.html).
        field_errors = [(f.id_for_label, f.label, e) for f in form for e in f.errors]
        context = {"form": form, "field_errors": field_errors}
        return render(request, "statistics/dashboard.html", context, status=400)
    tables = presentation.display_tables(data)
    services.dashboard_viewed(user=request.user, period=data.period, municipality=data.municipality)
    query = {"first": f"{data.period.first:%Y-%m}", "last": f"{data.period.last:%Y-%m}"}
    if data.municipality:
        query["municipality"] = data.municipality
    return render(
        request,
        "statistics/dashboard.html",
        {
            "form": form,
            "data": data,
            "tables": tables,
            "chart": _chart(tables),
            "note": presentation.method_note(data),
            "formats": exports.FORMATS,
            "query": urlencode(query),
            "dash": presentation.SUPPRESSED,
        },
    )


@capability_required(VIEW)
def export_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV (``exports``)."""
    return _export(request, "csv")


@capability_required(VIEW)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as an XLSX workbook (``exports``)."""
    return _export(request, "xlsx")


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's tables, for the same filters, as ``fmt``; a bad filter is 400."""
    form, data = _read(request, fmt)
    if data is None:
        raise InvalidInput(" ".join(str(e) for errors in form.errors.values() for e in errors))
    tables = presentation.display_tables(data)
    content: str | bytes = exports.as_csv(data, tables) if fmt == "csv" else exports.as_xlsx(data, tables)
    services.dashboard_exported(
        user=request.user, period=data.period, municipality=data.municipality, fmt=fmt
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
