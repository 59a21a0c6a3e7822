"""Forms of consultations. Each text form carries a ``client_id`` (hidden, picked when the
form is shown) so a double submit stores one row."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Urgency
from hedershus.consultations.services import MESSAGE_MAX, SUBJECT_MAX


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


def _client_id_field(form: str) -> forms.UUIDField:
    return forms.UUIDField(widget=forms.HiddenInput(attrs={"id": f"id_{form}_client_id"}), required=False)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit by organisation and name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation.name} \N{EN DASH} {obj.name}"


class AskForm(forms.Form):
    """A professional's new consultation. The unit is asked for only when they answer for
    more than one (``units``: their units, from ``units_of_professional``)."""

    unit = UnitChoiceField(label=_("Your unit"), queryset=None, empty_label=None)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        help_text=_("A few words about the situation, e.g. “Girl, 15, fears being taken abroad”. No names."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "wide"}),
    )
    text = forms.CharField(
        label=_("Your question"),
        max_length=MESSAGE_MAX,
        help_text=_(
            "Describe the situation without naming the person: no name, personal identity "
            "number, address or school. A text with a personal identity number is refused."
        ),
        widget=_textarea(10),
    )
    agent_request = forms.BooleanField(
        label=_("We ask the centre to act as our agent (uppdragstagare) in this matter"),
        required=False,
    )
    client_id = _client_id_field("ask")

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units
        if len(units) == 1:
            field.initial = units[0].pk
            field.widget = forms.HiddenInput()


class MessageForm(forms.Form):
    """One message in the thread (an answer from the centre or a professional's follow-up)."""

    text = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX, widget=_textarea(6))
    client_id = _client_id_field("message")

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label


class CaseOpenForm(forms.Form):
    """Make the consultation a case: the case's urgency."""

    urgency = forms.ChoiceField(
        label=_("Urgency of the case"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
