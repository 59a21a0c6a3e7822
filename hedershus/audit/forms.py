from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hedershus.audit.events import EVENT_TYPES
from hedershus.audit.models import ActorKind
from hedershus.audit.selectors import AuditEventFilters

# Object types are model labels such as "accounts.user".
_OBJECT_TYPE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)?$")
# Outside these years a date is a typing mistake, and the day after 9999-12-31 does not exist.
_EARLIEST = date(2000, 1, 1)
_LATEST = date(2999, 12, 31)


def _event_type_choices() -> list[tuple[str, Any]]:
    # A callable, so that event types other apps register in ready() are offered too.
    return [("", _("All events")), *sorted(EVENT_TYPES.items(), key=lambda item: str(item[1]))]


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class _DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    """The auditor's search filters, sent by GET. Every field is optional."""

    actor = ActorChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.order_by("email"),
        required=False,
        empty_label=_("Anyone"),
    )
    actor_kind = forms.ChoiceField(
        label=_("Kind of actor"),
        choices=[("", _("Any")), *ActorKind.choices],
        required=False,
    )
    event_type = forms.ChoiceField(label=_("Event"), choices=_event_type_choices, required=False)
    object_type = forms.CharField(
        label=_("Object type"),
        max_length=64,
        required=False,
        help_text=_("For example accounts.user"),
    )
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=_DateInput(format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=_DateInput(format="%Y-%m-%d"),
        help_text=_("Both dates are included."),
    )
    # Set only by the page links, never shown: keeps later pages to the same events.
    up_to = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_object_type(self) -> str:
        value: str = self.cleaned_data["object_type"].strip().lower()
        if value and not _OBJECT_TYPE.match(value):
            raise forms.ValidationError(_("Enter an object type such as accounts.user."))
        return value

    def clean_object_id(self) -> str:
        value: str = self.cleaned_data["object_id"].strip()
        return value

    def _clean_date(self, name: str) -> date | None:
        value: date | None = self.cleaned_data[name]
        if value is not None and not _EARLIEST <= value <= _LATEST:
            raise forms.ValidationError(_("Enter a date from the year 2000 to 2999."))
        return value

    def clean_date_from(self) -> date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error("object_type", _("Enter the object type too when you search by object id."))
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditEventFilters:
        """The cleaned filters; only call after ``is_valid()``."""
        data = self.cleaned_data
        actor = data.get("actor")
        return AuditEventFilters(
            actor_id=actor.pk if actor is not None else None,
            actor_kind=data.get("actor_kind") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            event_type=data.get("event_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            up_to_id=data.get("up_to"),
        )


def filters_query(filters: AuditEventFilters, *, pinned: bool) -> dict[str, str]:
    """The filters as this form's GET parameters, for page and export links."""
    data = filters.as_data()
    names = {
        "actor_id": "actor",
        "actor_kind": "actor_kind",
        "object_type": "object_type",
        "object_id": "object_id",
        "event_type": "event_type",
        "date_from": "date_from",
        "date_to": "date_to",
    }
    if pinned:
        names["up_to_id"] = "up_to"
    return {names[key]: str(value) for key, value in data.items() if key in names}
