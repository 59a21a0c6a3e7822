"""Forms of the unit's own administration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.partners.validation import CAPACITY_MAX


class InviteForm(forms.Form):
    """A new professional of the unit: they get a one-time link by e-mail and set up a
    second factor before anything opens."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "Their own work address: the link to choose a password goes there. An address that "
            "already has an account in Hedershus cannot be invited here: ask the centre."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    is_unit_admin = forms.BooleanField(
        label=_("May add and remove the unit's professionals (unit administrator)"), required=False
    )


class CapacityForm(forms.Form):
    free_places = forms.IntegerField(
        label=_("Free places now"),
        min_value=0,
        max_value=CAPACITY_MAX,
        help_text=_("Update it whenever it changes: counsellors choose a shelter by it."),
    )
