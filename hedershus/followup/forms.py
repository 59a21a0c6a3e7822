"""Forms of follow-up: a rating per life domain (or "not assessed"), and measures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.followup.models import LifeDomain, MeasureKind, Rating

NOT_ASSESSED = ""
NOTE_MAX = 2000


class FollowUpForm(forms.Form):
    """The date, one radio group per life domain (1..5 or not assessed) and a note."""

    held_on = forms.DateField(
        label=_("Date of the follow-up"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        choices = [(str(value), f"{value} {label}") for value, label in Rating.choices]
        for domain in LifeDomain:
            self.fields[f"rating_{domain.value}"] = forms.TypedChoiceField(
                label=domain.label,
                choices=[*choices, (NOT_ASSESSED, _("Not assessed"))],
                coerce=int,
                empty_value=None,
                required=False,
                initial=NOT_ASSESSED,
                widget=forms.RadioSelect,
            )

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{domain.value}"] for domain in LifeDomain]

    def ratings(self) -> dict[str, int]:
        """The domains rated: ``LifeDomain`` value → 1..5 (after ``is_valid``)."""
        found = {}
        for domain in LifeDomain:
            value = self.cleaned_data.get(f"rating_{domain.value}")
            if value is not None:
                found[domain.value] = value
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_bound and not any(cleaned.get(f"rating_{domain.value}") for domain in LifeDomain):
            raise forms.ValidationError(_("Rate at least one life domain."))
        return cleaned


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    started_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(
        label=_("Until (leave empty while it is in force)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeasureEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()
