"""Forms of the data-subject request pages; the rules themselves are in ``services``."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.cases.identity import identity_number_normalise
from hedershus.subject_access.models import IdentityCheck, WithholdReason
from hedershus.subject_access.services import NOTE_MAX, REASON_MAX

RELEASE = "release"


class RequestNewForm(forms.Form):
    """The requester's identity number, the day the request came and how their identity was
    checked. ``client_id`` makes a double submit return the first request."""

    identity_number = forms.CharField(
        label=_("Personal identity number or coordination number"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    received_on = forms.DateField(
        label=_("Request received (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    identity_check = forms.ChoiceField(
        label=_("How the requester's identity was checked"),
        choices=IdentityCheck.choices,
        widget=forms.RadioSelect,
    )
    identity_check_note = forms.CharField(
        label=_("How, if other"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_identity_number(self) -> str:
        value: str = self.cleaned_data["identity_number"].strip()
        if identity_number_normalise(value) is None:
            raise forms.ValidationError(
                _("That is not a valid personal identity number or coordination number.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("identity_check") == IdentityCheck.OTHER
            and not (data.get("identity_check_note") or "").strip()
        ):
            self.add_error("identity_check_note", _("Describe how the identity was checked."))
        return data


class ItemDecideForm(forms.Form):
    """One item: release it, or withhold it for one of the reasons."""

    item = forms.CharField(max_length=40)
    decision = forms.ChoiceField(
        choices=[(RELEASE, _("Release")), *WithholdReason.choices],
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the extract is refused"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
