"""Forms of the data-subject request pages; the rules themselves are in ``services``."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.cases.identity import identity_number_found, identity_number_normalise
from hedershus.subject_access.models import IdentityCheck, WithholdReason
from hedershus.subject_access.services import NOTE_MAX, REASON_MAX

RELEASE = "release"


class AriaErrors:
    """Links a bound form's errors to their fields: ``mark_invalid`` gives each field with an
    error ``aria-invalid`` and ``aria-describedby`` naming the error's element
    (``<id>_error``, rendered next to the field) and its help text."""

    def mark_invalid(self) -> None:
        form: Any = self
        for name, field in form.fields.items():
            if name not in form.errors:
                continue
            bound = form[name]
            described = [f"{bound.auto_id}_error"]
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = " ".join(described)


class RequestNewForm(AriaErrors, forms.Form):
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
    # Ticked to record a request although an open one for the same number exists.
    duplicate_confirmed = forms.BooleanField(label=_("Record a new request all the same"), required=False)
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
        if identity_number_found(data.get("identity_check_note") or ""):
            self.add_error("identity_check_note", _("Write it without a personal identity number."))
        return data


class ItemDecideForm(forms.Form):
    """One item: release it, or withhold it for one of the reasons."""

    item = forms.CharField(max_length=40)
    decision = forms.ChoiceField(
        choices=[(RELEASE, _("Release")), *WithholdReason.choices],
    )


class RefuseForm(AriaErrors, forms.Form):
    reason = forms.CharField(
        label=_("Why the extract is refused"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        value: str = self.cleaned_data["reason"]
        if identity_number_found(value):
            raise forms.ValidationError(_("Write it without a personal identity number."))
        return value
