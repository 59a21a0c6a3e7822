from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.portal.models import validate_quick_exit_url

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


class SafetySettingsForm(forms.Form):
    quick_exit_url = forms.URLField(
        label=_("Quick exit destination"),
        help_text=_(
            "The site visitors land on when they leave quickly: an everyday site that raises no "
            "questions, such as a weather or news site. It must start with https://."
        ),
        max_length=500,
        assume_scheme="https",
        validators=[validate_quick_exit_url],
        widget=forms.URLInput(attrs={"class": "wide", "autocomplete": "off"}),
    )
