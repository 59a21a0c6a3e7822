"""Forms of the staff pages of the portal app. Kept apart from ``forms.py``, whose strings
visitors see and which is translated into every public language (public_strings.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.portal.models import validate_quick_exit_url


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
