"""Forms of cost sharing: the administrator's agreement, its parts and fixed shares, and the
import of a population table. They check shapes; the services decide and refuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.costs.models import (
    AMOUNT_MAX,
    FIRST_YEAR_ALLOWED,
    LAST_YEAR_ALLOWED,
    CostAgreement,
    PopulationTable,
)
from hedershus.costs.population_csv import MAX_BYTES

# Spaces people type between thousands ("5 000 000"), including no-break spaces.
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f")


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR_ALLOWED,
        max_value=LAST_YEAR_ALLOWED,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PopulationTableChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        note = f" ({obj.source_note})" if obj.source_note else ""
        return f"{obj.reference_date.isoformat()}{note}"


class PopulationImportForm(forms.Form):
    reference_date = forms.DateField(
        label=_("Reference date of the populations"),
        help_text=_(
            "The day the figures describe, e.g. 2010-12-31: not a day to come, and one table per day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_note = forms.CharField(
        label=_("Source (optional)"),
        help_text=_("Where the figures come from, e.g. Statistics Sweden."),
        required=False,
        max_length=300,
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Three columns with a header: nr, kommun, invanare_YYYY_MM_DD (number, municipality, "
            "population), and one line for each of Stockholm County's 26 municipalities, spelt as "
            "Statistics Sweden spells them. Commas or semicolons."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large for a population table."))
        return upload


class AgreementForm(forms.Form):
    name = forms.CharField(label=_("Name of the agreement"), max_length=200)
    first_year = _year_field(_("First year"))
    last_year = _year_field(_("Last year"))
    population_table = PopulationTableChoice(
        label=_("Population table"),
        queryset=PopulationTable.objects.all(),
        empty_label=None,
        help_text=_("The municipalities split their part by these populations."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error("last_year", _("The last year cannot come before the first year."))
        return cleaned


class PartForm(forms.Form):
    name = forms.CharField(label=_("Name of the part"), max_length=200, help_text=_("E.g. “Fysiskt hus”."))
    amount = forms.CharField(
        label=_("Amount per year (whole kronor)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("E.g. 5 000 000."),
    )
    first_year = _year_field(_("From year"))
    last_year = _year_field(_("Until year"))

    def __init__(self, *args: Any, agreement: CostAgreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_year"].initial = agreement.first_year
        self.fields["last_year"].initial = agreement.last_year

    def clean_amount(self) -> int:
        text = self.cleaned_data["amount"].strip().translate(_SEPARATORS)
        if not text.isascii() or not text.isdigit():
            raise forms.ValidationError(_("Write the amount in whole kronor, digits only (spaces allowed)."))
        amount = int(text)
        if not 1 <= amount <= AMOUNT_MAX:
            raise forms.ValidationError(
                _("The amount must be a whole number of kronor from 1 to 10 000 000 000.")
            )
        return amount


class ShareForm(forms.Form):
    name = forms.CharField(label=_("Partner"), max_length=200, help_text=_("E.g. “Polisen”."))
    percent = forms.DecimalField(
        label=_("Share (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("Of every year's budget, e.g. 25. At most two decimals."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def basis_points(self) -> int:
        """The share in basis points (after ``is_valid``): 25 % is 2 500."""
        return int(self.cleaned_data["percent"] * 100)
