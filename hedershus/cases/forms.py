"""Forms of the case pages: shape and choices only; rules that need the database are in
``services`` (their ``InvalidInput`` is put back on the form by the view)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hedershus.cases.identity import identity_number_normalise
from hedershus.cases.models import (
    AgeGroup,
    CaseOutcome,
    CaseStatus,
    Channel,
    DecisionKind,
    Gender,
    PersonRole,
    ProblemType,
    RelationKind,
    Urgency,
)
from hedershus.cases.municipalities import municipality_choices
from hedershus.cases.selectors import CaseFilters, handlers, supervisors
from hedershus.cases.services import (
    CONTACT_MAX_AGE_YEARS,
    NOTE_MAX,
    REASON_MAX,
    ContactInput,
    PersonInput,
    contact_earliest,
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


class StaffChoiceField(forms.ModelChoiceField):
    """Colleagues by full name (staff pages only)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


def _client_id_field(form: str) -> forms.UUIDField:
    """The id picked when the form is shown (the view's ``initial``): the service returns the
    first row for a repeat of it (a double click, a retry), as the journal does. ``form``
    names its element id: several such forms share the case page."""
    return forms.UUIDField(widget=forms.HiddenInput(attrs={"id": f"id_{form}_client_id"}), required=False)


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ContactForm(forms.Form):
    """One contact: channel, time (the centre's time zone), minutes, who took it (the user)."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.CHAT]
    )
    occurred_at = forms.DateTimeField(
        label=_("Time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=_now_local,
        help_text=format_lazy(
            _("The centre's time. At most {years} years ago, never in the future."),
            years=CONTACT_MAX_AGE_YEARS,
        ),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=24 * 60
    )
    note = forms.CharField(label=_("Short note"), required=False, max_length=NOTE_MAX, widget=_textarea(3))
    client_id = _client_id_field("contact")

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        if value < contact_earliest():
            raise forms.ValidationError(
                _("A contact is at most %(years)s years ago: check the year.")
                % {"years": CONTACT_MAX_AGE_YEARS}
            )
        return value

    def contact(self) -> ContactInput:
        data = self.cleaned_data
        return ContactInput(
            data["channel"],
            data["occurred_at"],
            data["duration_minutes"],
            data["note"],
            data.get("client_id"),
        )


class CaseOpenForm(ContactForm):
    """A new case: its first contact, urgency, supervisor, protected identity."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    supervisor = StaffChoiceField(label=_("Supervisor"), queryset=supervisors().none(), required=False)
    protected_identity = forms.BooleanField(
        label=_(
            "Protected identity (skyddade personuppgifter): identity and location only for assigned staff"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = supervisors()


class ProtectedIdentityForm(forms.Form):
    protected = forms.BooleanField(
        label=_(
            "Protected identity (skyddade personuppgifter): identity and location only for assigned staff"
        ),
        required=False,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"), choices=[("", "—"), *CaseOutcome.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == CaseStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome when closing a case."))
        return data


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)


class AssignForm(forms.Form):
    user = StaffChoiceField(label=_("Colleague"), queryset=handlers().none())

    def __init__(self, *args: Any, exclude: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handlers().exclude(pk__in=exclude or [])


class SupervisorForm(forms.Form):
    supervisor = StaffChoiceField(label=_("Supervisor"), queryset=supervisors().none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = supervisors()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        min_length=10,
        max_length=REASON_MAX,
        widget=_textarea(4),
        help_text=format_lazy(
            "{} {}",
            _("Say why you need the case, not who the person is."),
            _("Recorded in the audit log with your name. Opens the case for 8 hours."),
        ),
    )


class PersonForm(forms.Form):
    alias = forms.CharField(
        label=_("Alias"),
        max_length=80,
        help_text=_("A made-up name, never the person's real name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role in the case"), choices=PersonRole.choices)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    municipality = forms.ChoiceField(label=_("Municipality"), choices=municipality_choices, required=False)
    district = forms.CharField(
        label=_("District"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Real name (only when needed)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    identity_number = forms.CharField(
        label=_("Personal identity or coordination number (only when needed)"),
        max_length=16,
        required=False,
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN. Stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    client_id = _client_id_field("person")

    def __init__(self, *args: Any, identity: bool = True, **kwargs: Any) -> None:
        """``identity``: whether the user may record name, identity number and district
        (``selectors.user_may_see_protected_fields``); without it those fields are left out."""
        super().__init__(*args, **kwargs)
        self.identity = identity
        if not identity:
            for name in ("name", "identity_number", "district"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sent = any((self.data.get(name) or "").strip() for name in ("name", "identity_number", "district"))
        if not self.identity and sent:
            raise forms.ValidationError(
                _(
                    "This case has protected identity: only staff assigned to it may record a"
                    " name, identity number or district. Add the person by alias only."
                )
            )
        return data

    def clean_identity_number(self) -> str:
        value: str = self.cleaned_data["identity_number"].strip()
        if value and identity_number_normalise(value) is None:
            raise forms.ValidationError(
                _(
                    "That is not a valid personal identity number or coordination number"
                    " (check the date and the last digit)."
                )
            )
        return value

    def person(self) -> PersonInput:
        return PersonInput(**self.cleaned_data)


class IdentifyForm(forms.Form):
    """Who a pseudonymous person is (``services.person_identify``); empty keeps the old value."""

    name = forms.CharField(
        label=_("Real name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    identity_number = forms.CharField(
        label=_("Personal identity or coordination number"),
        max_length=16,
        required=False,
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN. Stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_identity_number(self) -> str:
        value: str = self.cleaned_data["identity_number"].strip()
        if value and identity_number_normalise(value) is None:
            raise forms.ValidationError(
                _(
                    "That is not a valid personal identity number or coordination number"
                    " (check the date and the last digit)."
                )
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("name") or "").strip() and not data.get("identity_number"):
            raise forms.ValidationError(_("Give the name, the identity number or both."))
        return data


class RelationForm(forms.Form):
    from_person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    kind = forms.ChoiceField(label=_("is the"), choices=RelationKind.choices)
    to_person = forms.TypedChoiceField(label=_("of person"), coerce=int)

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.alias) for p in persons]
        self.fields["from_person"].choices = choices  # type: ignore[attr-defined]
        self.fields["to_person"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_person") is not None and data.get("from_person") == data.get("to_person"):
            self.add_error("to_person", _("A person cannot be related to themselves."))
        return data


class ProblemTypeChoices(forms.ModelMultipleChoiceField):
    """Problem types by id: anything but a plausible id (digits, within the database's integer)
    is refused with one plain message before it reaches the database (a 20-digit id overflowed
    it: a 500)."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or int(text) > 2**31 - 1:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)  # type: ignore[misc]


PROBLEM_TYPE_ERRORS = {
    "invalid_choice": _("Choose problem types from the list."),
    "invalid_pk_value": _("Choose problem types from the list."),
    "list": _("Choose problem types from the list."),
}


class ProblemTypesForm(forms.Form):
    problem_types = ProblemTypeChoices(
        label=_("Problem types"),
        error_messages=PROBLEM_TYPE_ERRORS,
        queryset=ProblemType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["problem_types"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ProblemType.objects.order_by("id")
        field.label_from_instance = lambda obj: obj.name  # type: ignore[method-assign]


class ProblemTypeCreateForm(forms.Form):
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)


class FlagForm(forms.Form):
    message = forms.CharField(
        label=_("Flag message"),
        max_length=500,
        widget=_textarea(2),
        help_text=_("For example: do not contact the family."),
    )
    client_id = _client_id_field("flag")


class FlagLiftForm(forms.Form):
    message = forms.CharField(label=_("Why the flag is lifted"), max_length=500, widget=_textarea(2))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=_textarea(3))
    client_id = _client_id_field("decision")


# "Any" alone is translated by another app's catalogue first ("Alla typer"): a context of our own.
ANY = pgettext_lazy("case search filter: no restriction", "Any")


class SearchForm(forms.Form):
    """The list's filters (POST: never in an address). Every field optional; ``filters()``
    after ``is_valid()``."""

    alias = forms.CharField(
        label=_("Alias"), max_length=80, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", ANY), *CaseStatus.choices], required=False)
    problem_type = forms.TypedChoiceField(
        label=_("Problem type"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a problem type from the list.")},
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", ANY), *Urgency.choices], required=False)
    opened_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.ChoiceField(
        label=_("Search in"),
        choices=[("mine", _("My cases")), ("all", _("All cases I may find"))],
        required=False,
        initial="mine",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].choices = [  # type: ignore[attr-defined]
            ("", ANY),
            *((p.pk, p.name) for p in ProblemType.objects.order_by("id")),
        ]
        self.fields["municipality"].choices = [("", ANY), *municipality_choices()[1:]]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and start > end:
            self.add_error("opened_to", _("The end date is before the start date."))
        return data

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            alias=(data.get("alias") or "").strip(),
            status=data.get("status") or "",
            problem_type=data.get("problem_type"),
            municipality=data.get("municipality") or "",
            urgency=data.get("urgency") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )

    def search_all(self) -> bool:
        return self.cleaned_data.get("scope") == "all"
