"""Forms of the counsellors' side. Validation that needs the database lives in the services."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hedershus.messaging.hours import END_OF_DAY
from hedershus.messaging.models import StandardReply
from hedershus.messaging.staff_selectors import counsellors

REPLY_MAX_CHARS = 10_000
WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\s*$")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


class ReplyForm(forms.Form):
    # A new id with every form shown: a double submit (no JS) is stored once (B's service).
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    text = forms.CharField(label=_("Your reply"), max_length=REPLY_MAX_CHARS, widget=_textarea(6), strip=True)


class StaffChoiceField(forms.ModelChoiceField):
    """Colleagues by full name (staff pages only; visitors never see full names)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


class TransferForm(forms.Form):
    to_staff = StaffChoiceField(label=_("Colleague"), queryset=counsellors().none(), empty_label=None)
    reason = forms.CharField(label=_("Why you hand it over"), max_length=2000, widget=_textarea(3))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = counsellors().exclude(pk=user.pk).order_by("first_name", "last_name")


class StandardReplyForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = StandardReply
        fields = ("title", "language", "body")
        widgets = {"body": _textarea(6)}


def _time(hours: str, minutes: str) -> dt.time:
    hour, minute = int(hours), int(minutes)
    if (hour, minute) == (24, 0):
        return END_OF_DAY
    if hour > 23 or minute > 59:
        raise forms.ValidationError(_("%(value)s is not a time of day.") % {"value": f"{hours}:{minutes}"})
    return dt.time(hour, minute)


def intervals_parse(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "08:00-12:00, 13:00-17:00" -> sorted (opens, closes) pairs; "" -> closed all day.
    "24:00" closes at midnight. Raises ``ValidationError`` for a bad format, an interval that
    does not open before it closes, or two that overlap."""
    pairs: list[tuple[dt.time, dt.time]] = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _INTERVAL.match(part)
        if match is None:
            raise forms.ValidationError(
                _("Write times like 08:00-17:00; separate several with commas (not: %(value)s).")
                % {"value": part}
            )
        opens, closes = _time(*match.group(1, 2)), _time(*match.group(3, 4))
        if opens == END_OF_DAY or opens >= closes:
            raise forms.ValidationError(
                _("%(value)s: the opening must come before the closing.") % {"value": part}
            )
        pairs.append((opens, closes))
    pairs.sort()
    for (_opens, closes), (next_opens, _next_closes) in itertools.pairwise(pairs):
        if next_opens < closes:
            raise forms.ValidationError(_("Two intervals overlap; join them or move one."))
    return pairs


def intervals_format(pairs: list[tuple[dt.time, dt.time]]) -> str:
    """The inverse of ``intervals_parse``: "08:00-12:00, 13:00-17:00"."""
    return ", ".join(
        f"{opens:%H:%M}-{'24:00' if closes == END_OF_DAY else f'{closes:%H:%M}'}" for opens, closes in pairs
    )


class OpeningHoursForm(forms.Form):
    """One field per weekday (Monday first), each a list of intervals in Stockholm time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=name,
                required=False,
                max_length=200,
                help_text=_("For example 08:00-12:00, 13:00-17:00. Empty: closed."),
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for day in range(7):
            key = f"day_{day}"
            if key in cleaned:
                try:
                    cleaned[key] = intervals_parse(cleaned[key] or "")
                except forms.ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    def intervals(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        """The validated hours, weekday -> pairs (call after ``is_valid()``)."""
        return {day: self.cleaned_data[f"day_{day}"] for day in range(7)}


class AbsenceForm(forms.Form):
    staff = StaffChoiceField(label=_("Who is away"), queryset=counsellors().none(), empty_label=None)
    stand_in = StaffChoiceField(label=_("Stand-in"), queryset=counsellors().none(), empty_label=None)
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, may_choose_staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = counsellors().order_by("first_name", "last_name")
        for name in ("staff", "stand_in"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        if not may_choose_staff:
            # A counsellor sets only their own absence.
            staff_field = self.fields["staff"]
            assert isinstance(staff_field, forms.ModelChoiceField)
            staff_field.queryset = people.filter(pk=user.pk)
            staff_field.initial = user.pk
            staff_field.disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", _("The last day cannot come before the first."))
        staff, stand_in = cleaned.get("staff"), cleaned.get("stand_in")
        if staff and stand_in and staff.pk == stand_in.pk:
            self.add_error("stand_in", _("The stand-in must be someone else."))
        return cleaned
