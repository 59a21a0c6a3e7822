"""Forms of the partner register's staff pages. The rules live in ``validation`` (shared with
the import); a form only shapes what was typed into ``OrganisationData``/``UnitData`` and
puts each problem next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hedershus.core.places import MUNICIPALITIES, STOCKHOLM_DISTRICTS
from hedershus.partners.imports import MAX_BYTES, MAX_ROWS
from hedershus.partners.models import (
    Audience,
    OrganisationKind,
    PartnerOrganisation,
    PartnerUnit,
    ServiceKind,
)
from hedershus.partners.validation import (
    CAPACITY_MAX,
    NAME_MAX,
    TEXT_MAX,
    OrganisationData,
    UnitData,
    clean_codes,
    clean_names,
    clean_text,
    organisation_problems,
    unit_problems,
)

ANY = ("", _("All"))


def _municipality_choices() -> list[tuple[str, Any]]:
    return [(name, name) for name in MUNICIPALITIES]


def _add_problems(form: forms.Form, problems: list[tuple[str, str]]) -> None:
    """Puts each of the shared rules' ``(field, message)`` problems (``validation``) next to
    its field, so a person sees every wrong field at once, not only those Django's own field
    checks caught first. A field that already has an error gets no second one (a number
    below 0 refused by the field is not also reported as out of range); a problem with no
    field of its own goes to the top of the form."""
    refused_already = set(form.errors)
    for field, message in problems:
        if field not in form.fields:
            form.add_error(None, message)
        elif field not in refused_already:
            form.add_error(field, message)


class UnitFilterForm(forms.Form):
    """The register list's filters (GET: the register holds no personal data)."""

    text = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality covered"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    language = forms.CharField(
        label=_("Language (code)"),
        required=False,
        max_length=2,
        help_text=_("Two letters, e.g. ar, so, fa."),
    )
    inactive = forms.BooleanField(label=_("Include deactivated units"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [ANY, *OrganisationKind.choices]  # type: ignore[attr-defined]
        self.fields["municipality"].choices = [ANY, *_municipality_choices()]  # type: ignore[attr-defined]
        self.fields["service"].choices = [ANY, *ServiceKind.choices]  # type: ignore[attr-defined]
        self.fields["text"].widget.attrs["autocomplete"] = "off"

    def clean_language(self) -> str:
        return str(self.cleaned_data["language"]).strip().lower()

    def search(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.units_search`` (after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "text": clean_text(data["text"]),
            "kind": data["kind"],
            "municipality": data["municipality"],
            "service": data["service"],
            "language": data["language"],
            "include_inactive": data["inactive"],
        }


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        help_text=_("For a municipality or a Stockholm district administration."),
    )
    org_number = forms.CharField(
        label=_("Organisation number"), required=False, max_length=16, help_text=_("NNNNNN-NNNN")
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A deactivated organisation's units are offered for no referral."),
    )

    def __init__(self, *args: Any, instance: PartnerOrganisation | None = None, **kwargs: Any) -> None:
        if instance is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in ("name", "kind", "municipality", "org_number", "active")
            }
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("None")), *_municipality_choices()]  # type: ignore[attr-defined]

    def data_object(self) -> OrganisationData:
        """The cleaned fields as ``OrganisationData`` (a field that failed its own check
        counts as empty, so ``clean`` can still check the others)."""
        data = self.cleaned_data
        return OrganisationData(
            name=clean_text(data.get("name") or ""),
            kind=data.get("kind") or "",
            municipality=data.get("municipality") or "",
            org_number=clean_text(data.get("org_number") or ""),
            active=bool(data.get("active", True)),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _add_problems(self, organisation_problems(self.data_object()))
        return cleaned


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name of the unit"), max_length=NAME_MAX)
    services = forms.MultipleChoiceField(
        label=_("Services"), required=False, choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities covered (none ticked: the whole county)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.MultipleChoiceField(
        label=_("Stockholm districts covered (none ticked: all of them)"),
        required=False,
        choices=[(name, name) for name in STOCKHOLM_DISTRICTS],
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("Two-letter codes separated by commas, e.g. sv, en, ar, so."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"), required=False, choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.CharField(
        label=_("E-mail (the unit's functional inbox)"),
        required=False,
        max_length=254,
        help_text=_("Notifications go here when the unit has no professionals in Hedershus."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    web = forms.CharField(label=_("Web address"), required=False, max_length=NAME_MAX)
    capacity_free = forms.IntegerField(
        label=_("Free places"),
        required=False,
        min_value=0,
        max_value=CAPACITY_MAX,
        help_text=_("For shelters and protected housing; empty when not applicable."),
    )
    on_platform = forms.BooleanField(label=_("Answers referrals in Hedershus"), required=False)
    public = forms.BooleanField(label=_("Show in the public help directory"), required=False)
    public_description = forms.CharField(
        label=_("Public description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to people looking for help: no names of staff, plain words."),
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A deactivated unit is offered for no referral and leaves the help directory."),
    )

    def __init__(self, *args: Any, instance: PartnerUnit | None = None, **kwargs: Any) -> None:
        if instance is not None and not args and "data" not in kwargs:
            initial = {
                name: getattr(instance, name)
                for name in (
                    "name", "services", "municipalities", "districts", "audiences", "opening_hours", "phone",
                    "email", "address", "web", "capacity_free", "on_platform", "public", "public_description",
                    "active",
                )
            }  # fmt: skip
            initial["languages"] = ", ".join(instance.languages)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].choices = _municipality_choices()  # type: ignore[attr-defined]
        self.fields["email"].widget.input_type = "email"
        self.fields["web"].widget.input_type = "url"
        self.fields["phone"].widget.input_type = "tel"

    def data_object(self) -> UnitData:
        """The cleaned fields as ``UnitData`` (a field that failed its own check counts as
        empty, so ``clean`` can still check the others)."""
        data = self.cleaned_data

        def text(name: str) -> str:
            return clean_text(str(data.get(name) or ""))

        return UnitData(
            name=text("name"),
            services=clean_codes(data.get("services") or ()),
            municipalities=clean_names(data.get("municipalities") or ()),
            districts=clean_names(data.get("districts") or ()),
            languages=clean_codes(text("languages").replace(";", ",").split(",")),
            audiences=clean_codes(data.get("audiences") or ()),
            opening_hours=text("opening_hours"),
            phone=text("phone"),
            email=text("email"),
            address=text("address"),
            web=text("web"),
            capacity_free=data.get("capacity_free"),
            on_platform=bool(data.get("on_platform")),
            public=bool(data.get("public")),
            public_description=text("public_description"),
            active=bool(data.get("active", True)),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _add_problems(self, unit_problems(self.data_object()))
        return cleaned


class CapacityForm(forms.Form):
    free_places = forms.IntegerField(label=_("Free places now"), min_value=0, max_value=CAPACITY_MAX)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    is_unit_admin = forms.BooleanField(
        label=_("Unit administrator (may add and remove the unit's professionals)"), required=False
    )
    # Shown only when the address is an existing partner professional's (with their current
    # units): adding a person who works elsewhere is an explicit choice, never silent.
    attach_existing = forms.BooleanField(
        label=_("Yes, add this existing professional to this unit as well"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def visible_fields_to_fill(self) -> list[forms.BoundField]:
        """The fields the page always shows (``attach_existing`` only with an existing
        professional's units, in its own box)."""
        return [field for field in self if field.name != "attach_existing"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In the request's language: a lazy text formatted at import is fixed in one language.
        self.fields["file"].help_text = gettext("At most %(mb)s MB and %(rows)s rows.") % {
            "mb": MAX_BYTES // (1024 * 1024),
            "rows": MAX_ROWS,
        }
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
