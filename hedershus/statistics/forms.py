"""The dashboard's filter (a GET form): period in whole months and one municipality.

Only whole months and the county's own municipality names are accepted (no free dates, no
free text): every view is one of a fixed set of cuts of the data, which is what the
differencing rule in ``suppression`` is built on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.statistics.selectors import MAX_MONTHS, Period, month_index

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthInput(forms.DateInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends); the 1st of it."""

    widget = MonthInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        match = _MONTH.match(str(value).strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Give a month as year and month, e.g. 2026-03."), code="month")
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


class FilterForm(forms.Form):
    first = MonthField(label=_("From month"), required=False)
    last = MonthField(label=_("To month"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args: Any, municipalities: tuple[str, ...], county_label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", county_label), *((name, name) for name in municipalities)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = Period.default()
        first = data.get("first") or default.first
        last = data.get("last") or default.last
        if "first" in self.errors or "last" in self.errors:
            return data
        if last < first:
            raise forms.ValidationError(_("The period must end in or after the month it starts."))
        if month_index(last, first) + 1 > MAX_MONTHS:
            raise forms.ValidationError(_("A period is at most %(n)s months.") % {"n": MAX_MONTHS})
        # Only months that have ended are counted (selectors.last_complete_month): figures of
        # the month we are in change day by day, and two days' difference is one person.
        latest = default.last
        if last > latest:
            raise forms.ValidationError(
                _("Only months that have ended are counted: the period must end in %(month)s or earlier.")
                % {"month": latest.strftime("%Y-%m")},
                code="open_month",
            )
        data["period"] = Period(first, last)
        return data
