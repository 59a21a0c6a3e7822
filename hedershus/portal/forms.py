"""Forms visitors fill in. Every string here is public: it is translated into every
configured language (hedershus/portal/public_strings.py). Staff forms live in staff_forms.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# What a visitor types may reveal them: browsers must not remember it, nor send it to a
# spelling service.
PRIVATE_INPUT = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the site"),
        max_length=200,
        widget=forms.TextInput(attrs={**PRIVATE_INPUT, "type": "search", "enterkeyhint": "search"}),
    )


class DiscreetModeForm(forms.Form):
    discreet = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
